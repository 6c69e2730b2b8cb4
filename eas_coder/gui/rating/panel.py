"""The rating panel: the scheme's dimensions for one target (a segment or the whole session).

Built from the scheme, not laid out per dimension: a heading naming the target, the adult
and child dimensions in two groups (each with its score, live band and a note), item rows
under a dimension that has items, and the lab's anchor text for the dimension in focus.
A dimension derived from its items (``derive``) shows their sum or mean as they are typed,
read-only; the keyboard goes to its items. A zone's row names the zone chosen.
The panel only shows and emits; the main window saves through the Study service.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from eas_coder.gui.rating.anchor_box import AnchorBox
from eas_coder.gui.rating.derived import show_derived
from eas_coder.gui.rating.score_row import ScoreRow, band_chip, set_style
from eas_coder.gui.rating.score_text import derived_help, format_score, level_label
from eas_coder.scheme import SIDES, Dimension, Scale, Scheme

ITEM_INDENT = 18
DEFAULT_DERIVED_NOTE = "the mean of your segment ratings"
NO_TARGET = "Select a segment or the whole session to rate"
Role = QPalette.ColorRole
_SIDE_TITLES = {"adult": "Adult", "child": "Child"}
# The app stylesheet paints group boxes white with a dark title; here they follow the palette.
_PANEL_STYLE = (
    "QGroupBox { background: palette(alternate-base); }"
    " QGroupBox::title { color: palette(window-text); }"
    " QLabel#lockNote { border: 1px solid palette(mid); border-radius: 4px; padding: 3px 6px;"
    " font-weight: 600; }"
)


class RatingPanel(QWidget):
    """Scores, bands and notes of one target; emits the coder's own changes only."""

    scoreChanged = Signal(str, object)  # dimension key or "dimension/item"; float | None
    noteChanged = Signal(str, str)  # dimension key, note text

    def __init__(self, scheme: Scheme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scheme = scheme
        self._rows: dict[str, ScoreRow] = {}
        self._order: list[str] = []  # score controls in focus order: adult, then child
        self._notes: dict[str, str] = {}
        self._derived_note = DEFAULT_DERIVED_NOTE
        self._locked = False
        self._has_target = False
        self._anchor_key: str | None = None
        self._from_items = {d.key: d for d in scheme.dimensions if d.derive is not None}
        self.setStyleSheet(_PANEL_STYLE)
        self._build()
        self.clear_target()

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(6)
        self._heading = QLabel()
        self._heading.setObjectName("ratingTarget")
        self._heading.setWordWrap(True)
        font = QFont(self._heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self._heading.setFont(font)
        self._lock_note = QLabel("Submitted — locked: these scores can no longer change")
        self._lock_note.setObjectName("lockNote")
        self._lock_note.setWordWrap(True)  # a narrow Rating dock (1280×720) cuts nothing
        outer.addWidget(self._heading)
        outer.addWidget(self._lock_note)
        self._body = QWidget()
        body = QVBoxLayout(self._body)
        body.setContentsMargins(0, 0, 0, 0)
        for side in SIDES:
            dims = [d for d in self._scheme.dimensions if d.side == side]
            if dims:
                body.addWidget(self._group(_SIDE_TITLES[side], dims))
        if self._scheme.bands_note:
            note = _muted(QLabel(self._scheme.bands_note))
            note.setObjectName("bandsNote")
            note.setWordWrap(True)
            body.addWidget(note)
        body.addStretch(1)
        self._scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self._body)
        scroll.viewport().setAutoFillBackground(False)
        self._body.setAutoFillBackground(False)
        outer.addWidget(scroll, 1)
        self._anchor = AnchorBox(self._scheme)
        outer.addWidget(self._anchor)
        self._missing_note = _muted(QLabel())
        self._missing_note.setObjectName("missingNote")
        self._missing_note.setWordWrap(True)
        outer.addWidget(self._missing_note)
        self._chain_focus()

    def _group(self, title: str, dims: list[Dimension]) -> QGroupBox:
        box = QGroupBox(title)
        box.setObjectName(f"group:{title.lower()}")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 10, 8, 4)
        layout.setSpacing(2)
        for dim in dims:
            layout.addWidget(self._add_row(dim.key, dim.label, dim.scale, True, 0, dim))
            for item in dim.items:
                key = f"{dim.key}/{item.key}"
                layout.addWidget(self._add_row(key, item.label, item.scale, False, ITEM_INDENT))
        return box

    def _add_row(
        self, key: str, label: str, scale: Scale, note: bool, indent: int,
        dim: Dimension | None = None,
    ) -> ScoreRow:  # fmt: skip
        derived = dim is not None and dim.derive is not None
        from_items = "Derived from items — type the items below" if derived else ""
        levels = dim.levels if dim is not None else ()
        row = ScoreRow(key, label, scale, note, indent, levels=levels, from_items=from_items)
        control = row.control
        control.scoreEdited.connect(partial(self._on_score_edited, key))
        control.refused.connect(row.show_hint)
        control.advanceRequested.connect(partial(self._on_advance_requested, key))
        control.noteRequested.connect(partial(self._on_note_requested, key))
        control.focusEntered.connect(partial(self._on_focus_entered, key))
        if row.note is not None:
            row.note.editingFinished.connect(partial(self._on_note_finished, key))
            row.note.returnPressed.connect(partial(self._on_advance_requested, key))
            row.note.installEventFilter(self)
        self._rows[key] = row
        self._order.append(key)
        return row

    def _chain_focus(self) -> None:
        """Tab order: every score (adult, then child), then the notes."""
        chain: list[QWidget] = [self._rows[k].control for k in self._order]
        chain += [n for n in (self._rows[k].note for k in self._order) if n is not None]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- the API the window uses -------------------------------------------------------------

    def set_target(
        self,
        title: str,
        scores: Mapping[str, float],
        notes: Mapping[str, str] | None = None,
        derived: Mapping[str, float] | None = None,
        locked: bool = False,
        derived_note: str = DEFAULT_DERIVED_NOTE,
    ) -> None:
        """Show one target's ratings without emitting signals.

        ``derived`` values show greyed and italic where a dimension has no own score;
        ``derived_note`` says what they are, in the tooltip. ``locked`` makes it read-only.
        Keys the scheme does not know are ignored.
        """
        self._show(title, scores, notes or {}, derived or {}, locked, derived_note, True)

    def _show(
        self,
        title: str,
        scores: Mapping[str, float],
        notes: Mapping[str, str],
        derived: Mapping[str, float],
        locked: bool,
        derived_note: str,
        has_target: bool,
    ) -> None:
        # Enabled once, not on then off: each change goes to every widget of the panel. A
        # note being typed is looked at while enabled (disabling takes its focus away).
        self._has_target, self._locked, self._derived_note = has_target, locked, derived_note
        if has_target:
            self._body.setEnabled(True)
        self._heading.setText(title)
        self._heading.setForegroundRole(Role.WindowText if has_target else Role.PlaceholderText)
        self._lock_note.setVisible(locked)
        for key, row in self._rows.items():
            row.hide_hint()
            row.show_save_state("")
            row.control.set_score(scores.get(key))
            row.control.set_derived(derived.get(key))
            row.control.set_locked(locked)
            if row.note is not None:  # a note being typed is kept (a save came back)
                typing = row.note.hasFocus() and row.note.text() != self._notes.get(key, "")
                self._notes[key] = notes.get(key, "")
                if not typing and row.note.text() != self._notes[key]:
                    row.note.setText(self._notes[key])  # (unchanged: the cursor stays)
                row.note.setReadOnly(locked)
        self._refresh_all()
        if not has_target:
            self._body.setEnabled(False)

    def clear_target(self, message: str = NO_TARGET) -> None:
        """Show no target: everything empty and disabled, with ``message`` as the heading."""
        self._show(message, {}, {}, {}, False, DEFAULT_DERIVED_NOTE, False)

    def set_score(self, key: str, score: float | None) -> None:
        """Show ``score`` for ``key`` (a dimension or "dimension/item"), without a signal."""
        row = self._row(key)
        if score is not None:
            score = row.control.scale().check(score, row.name.text())  # raises ScoreError
        row.control.set_score(score)
        self._refresh(key)

    def set_save_state(self, key: str, state: str) -> None:
        """Show whether ``key``'s score (or note) is "saving…", "saved" or "not saved"."""
        self._row(key).show_save_state(state)

    def set_note(self, key: str, text: str) -> None:
        """Show ``text`` as the note of dimension ``key``, without a signal."""
        row = self._row(key)
        if row.note is None:
            raise KeyError(f"{key!r} has no note (items share their dimension's note)")
        self._notes[key] = text
        row.note.setText(text)

    def scores(self) -> dict[str, float]:
        """The coder's own scores shown, by key (derived values are not included)."""
        shown = {key: row.control.score() for key, row in self._rows.items()}
        return {key: score for key, score in shown.items() if score is not None}

    def notes(self) -> dict[str, str]:
        """The notes shown, by dimension key (empty ones left out)."""
        return {key: text for key, text in self._notes.items() if text}

    def focus_dimension(self, key: str) -> None:
        """Put the keyboard focus on the score of ``key`` (for a score derived from its
        items: on its first item without a score)."""
        if key in self._from_items:
            items = [f"{key}/{i.key}" for i in self._from_items[key].items]
            key = next((k for k in items if self._rows[k].control.score() is None), items[0])
        self._row(key).control.setFocus(Qt.FocusReason.OtherFocusReason)

    def focused_dimension(self) -> str | None:
        """The key whose score or note has the keyboard focus, if any."""
        widget = QApplication.focusWidget()
        for key, row in self._rows.items():
            if widget is not None and widget in (row.control, row.note):
                return key
        return None

    def missing(self) -> list[str]:
        """Labels of the dimensions without an own score, in panel order."""
        return [
            self._scheme.dimension(key).label
            for key in self._order
            if "/" not in key and self._rows[key].control.score() is None
        ]

    def is_locked(self) -> bool:
        """Whether the target shown is submitted (read-only)."""
        return self._locked

    # --- handlers ----------------------------------------------------------------------------

    def _on_score_edited(self, key: str, score: float | None) -> None:
        self._refresh(key)
        if key.split("/")[0] in self._from_items:  # its sum or mean follows at once
            self._refresh(key.split("/")[0])
        self.scoreChanged.emit(key, score)

    def _on_advance_requested(self, key: str) -> None:
        dim = key.split("/")[0]
        if self._rows[key].control.hasFocus():
            later = self._order[self._order.index(key) + 1 :]
        else:  # from a note: on to the next dimension, past this one's items
            later = [k for k in self._order if "/" not in k]
            later = later[later.index(dim) + 1 :]
        later = [k for k in later if k not in self._from_items]  # its items take the keys
        if later:
            self._rows[later[0]].control.setFocus(Qt.FocusReason.TabFocusReason)

    def _on_note_requested(self, key: str) -> None:
        note = self._rows[key.split("/")[0]].note
        if note is not None:
            note.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_focus_entered(self, key: str) -> None:
        self._anchor_key = key
        self._scroll.ensureWidgetVisible(self._rows[key])  # Enter moves focus without Tab
        self._refresh_anchor()

    def commit_notes(self) -> None:
        """Emit ``noteChanged`` for every note edited but not yet finished (about to leave
        this target while the cursor is still in a note)."""
        for key, row in self._rows.items():
            if row.note is not None:
                self._on_note_finished(key)

    def _on_note_finished(self, key: str) -> None:
        note = self._rows[key].note
        if note is None or note.isReadOnly() or not self._has_target:
            return
        text = note.text()
        if text != self._notes.get(key, ""):
            self._notes[key] = text
            self.noteChanged.emit(key, text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            for key, row in self._rows.items():
                if watched is row.note:
                    self._on_focus_entered(key)
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._refresh_all()

    # --- showing -----------------------------------------------------------------------------

    def _row(self, key: str) -> ScoreRow:
        if key not in self._rows:
            raise KeyError(f"no dimension or item {key!r} in scheme {self._scheme.id!r}")
        return self._rows[key]

    def _refresh_all(self) -> None:
        for key in self._rows:
            self._refresh(key)

    def _refresh(self, key: str) -> None:
        row = self._rows[key]
        control = row.control
        if key in self._from_items:
            show_derived(self._from_items[key], self._rows)
        own, derived = control.score(), control.derived()
        row.show_level(level_label(own, control.levels()))
        shown = own if own is not None else derived
        band = None
        if "/" not in key and shown is not None and self._has_target:
            band = self._scheme.band_of(key, shown)
        if band is None:
            row.band.hide()
        else:
            index = [b.key for b in self._scheme.bands].index(band.key)
            row.band.setText(band.label if own is not None else f"≈ {band.label}")
            dark = self.palette().color(Role.Window).lightness() < 128
            chip = band_chip(index, len(self._scheme.bands), dark, derived=own is None)
            set_style(row.band, chip)
            row.band.show()
        tip = control.help_text()
        if key in self._from_items:
            dim = self._from_items[key]
            tip = derived_help(dim.derive or "", len(dim.items))
        elif own is None and derived is not None:
            tip = (
                f"Not rated directly: {format_score(derived)} is {self._derived_note}. "
                f"Type a score to rate it.\n\n{tip}"
            )
        control.setToolTip(tip)
        if key.split("/")[0] == (self._anchor_key or "").split("/")[0]:
            self._refresh_anchor()
        self._refresh_missing()

    def _refresh_anchor(self) -> None:
        key = self._anchor_key
        if key is None or not self._has_target:
            self._anchor.show_for(None, None)
            return
        dim = self._scheme.dimension(key.split("/")[0])
        control = self._rows[dim.key].control
        self._anchor.show_for(
            dim, control.score() if control.score() is not None else control.derived()
        )

    def _refresh_missing(self) -> None:
        if not self._has_target:
            self._missing_note.hide()
            return
        missing = self.missing()
        if missing:
            self._missing_note.setText("Not yet rated: " + ", ".join(missing))
        else:
            self._missing_note.setText(f"All {len(self._scheme.dimensions)} dimensions rated")
        self._missing_note.show()


def _muted(label: QLabel) -> QLabel:
    label.setForegroundRole(Role.PlaceholderText)
    return label
