"""Record the score coders agreed on for one disagreement (form in ``ui/consensus_dialog.ui``).

OK saves through ``study.consensus``, which keeps consensus scores apart from the coders'
own ratings; those never change here. The save names the version the dialog read: when
someone else saved this consensus meanwhile, nothing is saved, the dialog says so and shows
what is stored now, and a second OK saves over it knowingly.
"""

from __future__ import annotations

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDialog, QDoubleSpinBox, QLabel, QWidget

from eas_coder.errors import EasCoderError
from eas_coder.gui.common.forms import load_form
from eas_coder.gui.rating.score_text import format_score
from eas_coder.model import Consensus
from eas_coder.review import Disagreement
from eas_coder.scheme import STEP_TOLERANCE, Scale
from eas_coder.store.consensus import StaleConsensus
from eas_coder.store.study import Study


class ScaleSpinBox(QDoubleSpinBox):
    """A spin box that takes only the scale's points (min + k·step, within the range)."""

    def __init__(self, scale: Scale, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scale = scale
        self.setDecimals(max(len(format_score(scale.step).partition(".")[2]), 0))
        self.setRange(scale.minimum, scale.maximum)
        self.setSingleStep(scale.step)
        self.setCorrectionMode(QDoubleSpinBox.CorrectionMode.CorrectToNearestValue)

    def snap(self, value: float) -> float:
        """The nearest point of the scale."""
        scale = self._scale
        k = round((value - scale.minimum) / scale.step)
        return min(max(scale.minimum + k * scale.step, scale.minimum), scale.maximum)

    def textFromValue(self, value: float) -> str:
        return format_score(value)

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        state, text, pos = super().validate(text, pos)
        if state == QValidator.State.Acceptable:
            value = self.valueFromText(text)
            if abs(self.snap(value) - value) > STEP_TOLERANCE:
                state = QValidator.State.Intermediate
        return state, text, pos

    def fixup(self, text: str) -> str:
        try:
            return format_score(self.snap(float(text.replace(",", "."))))
        except ValueError:
            return text


class ConsensusDialog(QDialog):
    """Shows one disagreement and saves the agreed score (and a note) on OK."""

    def __init__(
        self,
        study: Study,
        disagreement: Disagreement,
        video_label: str,
        segment_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        load_form(self, "consensus_dialog.ui")
        self._study = study
        self._disagreement = disagreement
        self._segment_id = segment_id
        self._saved: Consensus | None = None
        self._version = 0  # of the consensus shown (0: none yet)
        dimension = study.scheme.dimension(disagreement.dimension)
        self.videoLabel.setText(video_label)
        self.dimensionLabel.setText(dimension.label)
        self.scoresLabel.setText(
            "\n".join(f"{name}: {format_score(s)}" for name, s in disagreement.scores.items())
        )
        self.scoreBox = ScaleSpinBox(dimension.scale, self.scoreHolder)
        self.scoreBox.setObjectName("scoreBox")
        self.scoreBox.setAccessibleName("Consensus score")
        self.scoreBox.setMinimumWidth(80)
        self.scoreLayout.addWidget(self.scoreBox)
        scale = dimension.scale
        self.scoreLayout.addWidget(
            QLabel(
                f"{format_score(scale.minimum)}–{format_score(scale.maximum)} "
                f"in steps of {format_score(scale.step)}",
                self.scoreHolder,
            )
        )
        self.scoreLayout.addStretch(1)
        self.scoreCaption.setBuddy(self.scoreBox)
        existing = self._existing()
        if existing is not None:
            self._show(existing)
        else:
            scores = list(disagreement.scores.values())
            self.scoreBox.setValue(self.scoreBox.snap(sum(scores) / len(scores)))
        self.errorLabel.hide()
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        self.scoreBox.setFocus()
        self.scoreBox.selectAll()

    def score(self) -> float:
        """The consensus score chosen."""
        return float(self.scoreBox.value())

    def note(self) -> str:
        """The note typed."""
        return self.noteEdit.toPlainText().strip()

    def saved(self) -> Consensus | None:
        """What OK recorded, or None before then."""
        return self._saved

    def _existing(self) -> Consensus | None:
        d = self._disagreement
        return self._study.consensus.get(d.video_id, d.dimension, self._segment_id)

    def _show(self, consensus: Consensus) -> None:
        self.scoreBox.setValue(consensus.score)
        self.noteEdit.setPlainText(consensus.note)
        self._version = consensus.version

    def _on_ok(self) -> None:
        d = self._disagreement
        try:
            self._saved = self._study.consensus.set(
                d.video_id, d.dimension, self.score(), self._segment_id, self.note(),
                expected_version=self._version,
            )  # fmt: skip
        except StaleConsensus as exc:
            # Re-read: show what is stored now; OK again saves over it knowingly.
            if exc.current is not None:
                self._show(exc.current)
            else:
                self._version = 0
            self.errorLabel.setText(
                f"{exc}. The dialog now shows what is stored; press OK again to replace it."
            )
            self.errorLabel.show()
            return
        except EasCoderError as exc:
            self.errorLabel.setText(str(exc))
            self.errorLabel.show()
            return
        self.accept()
