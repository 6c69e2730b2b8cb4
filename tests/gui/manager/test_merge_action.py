"""File ▸ Merge Coder's Copy… in the real window, on the demo study and a real laptop copy:
the plan (counts, the conflict, the tape not in the lab), the merge, merging again, and the
refusals (a coder, a file that is not a study, the study itself)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from eas_coder.gui.manager.merge_action import MergeAction
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import from_string
from eas_coder.model import Video, VideoInfo
from eas_coder.store.backups import backup_folder
from eas_coder.store.study import Study

TAPE, OTHER_TAPE = "D002 · T1 pre", "D001 · T1 pre"


def _info(video: Video) -> VideoInfo:
    """The lab's tape as the laptop probed it: same content, so the same fingerprint."""
    assert video.fingerprint and video.duration_ms and video.fps and video.frame_count
    return VideoInfo(
        video.duration_ms, video.fps, video.frame_count, 640, 480, 1, video.fingerprint
    )


def _laptop(lab: Study, folder: Path) -> Path:
    """A copy coded offline: Coder C's two segments (3 ratings) and session score on D002,
    a new coder Dana's session score on D001, Coder B's D001 session scores (one as in the
    lab, one changed: the conflict), and a tape the lab does not have."""
    path = folder / "laptop.sqlite"
    tapes = {v.label: v for v in lab.videos.all()}
    first, second = lab.scheme.keys[:2]
    lab_b = lab.coders.get("Coder B (demo)")
    b_scores = {r.dimension: r.score for r in lab.ratings.all(tapes[OTHER_TAPE].id, lab_b.id)
                if r.segment_id is None}  # fmt: skip
    with Study.create(from_string(path), lab.scheme, "Laptop copy") as laptop:
        tape, other = (
            laptop.videos.add(t.participant_code, t.timepoint, Path(f"laptop/{t.name}"), _info(t))
            for t in (tapes[TAPE], tapes[OTHER_TAPE])
        )
        laptop.videos.add("D099", "T1 pre", Path("laptop/d099.mp4"),
                          VideoInfo(4000, 25.0, 100, 640, 480, 1, "not-in-the-lab"))  # fmt: skip
        coder_b, coder_c, dana = laptop.coders.add_many(
            ["Coder B (demo)", "Coder C (demo)", "Dana"]
        )
        one = laptop.segments.add(tape.id, coder_c.id, 0, 2_000, None, "warm-up")
        two = laptop.segments.add(tape.id, coder_c.id, 2_000, 4_000)
        laptop.ratings.set(tape.id, coder_c.id, first, 5, one.id, note="on the train")
        laptop.ratings.set(tape.id, coder_c.id, first, 4, two.id)
        laptop.ratings.set(tape.id, coder_c.id, second, 3.5, two.id)
        laptop.ratings.set(tape.id, coder_c.id, first, 4.5)
        laptop.ratings.set(other.id, dana.id, first, 6)
        changed = b_scores[first] + 1 if b_scores[first] <= 6 else b_scores[first] - 1
        laptop.ratings.set(other.id, coder_b.id, first, changed)
        laptop.ratings.set(other.id, coder_b.id, second, b_scores[second])
    return path


def _work(study: Study) -> tuple[int, int, int]:
    return len(study.coders.all()), len(study.segments.all()), len(study.ratings.all())


def _helper(window: MainWindow) -> MergeAction:
    helper = window.merge_action.parent()
    assert isinstance(helper, MergeAction)
    return helper


def _pick(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


def test_plan_merge_and_merge_again(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    helper = _helper(window)
    action = helper.action
    menu = window.menuFile.actions()
    assert menu.index(action) == menu.index(window.relink_action) + 1
    assert action.text() == "&Merge Coder's Copy…" and action.isEnabled()

    study = window.study
    laptop = _laptop(study, tmp_path)
    _pick(monkeypatch, laptop)
    shown: list[tuple[str, str]] = []

    def yes(box: QMessageBox) -> int:
        shown.append((box.text(), box.detailedText()))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "exec", yes)
    before = _work(study)
    with qtbot.waitSignals([helper.planned, helper.merged], timeout=60_000):
        action.trigger()
        assert helper.progress is not None and helper.progress.isVisible()  # not frozen
    ((text, details),) = shown
    assert "laptop.sqlite has 2 segment(s) and 5 rating(s) to add, 1 coder(s) new, " in text
    assert "1 unchanged" in text and "1 conflict(s) left as they are here" in text
    assert "Conflicts (the score here is kept) (1):" in details
    assert f"{OTHER_TAPE} / Coder B (demo): sensitivity (whole session) is" in details
    assert "New coders (1):\n  Dana" in details
    assert "D099 · T1 pre" in details

    coders, segments, ratings = before
    assert _work(study) == (coders + 1, segments + 2, ratings + 5)
    tapes = {v.label: v for v in study.videos.all()}
    coder_c = study.coders.get("Coder C (demo)")
    merged = {(r.segment_id is None, r.dimension, r.score, r.note)
              for r in study.ratings.all(tapes[TAPE].id, coder_c.id)}  # fmt: skip
    assert merged == {
        (False, "sensitivity", 5, "on the train"),
        (False, "sensitivity", 4, ""),
        (False, "structuring", 3.5, ""),
        (True, "sensitivity", 4.5, ""),
    }
    dana = study.coders.get("Dana")
    assert [r.score for r in study.ratings.all(tapes[OTHER_TAPE].id, dana.id)] == [6]
    assert helper.box is not None and helper.box.icon() == QMessageBox.Icon.Warning
    assert "Merged 2 segment(s) and 5 rating(s) from laptop.sqlite" in helper.box.text()
    assert "Merged 2 segment(s)" in window.statusBar().currentMessage()
    helper.box.close()
    assert not backup_folder(laptop).exists()  # the copy was only read

    # the window shows the new work: Coder C's tape is now in progress in their list
    window.sign_in("Coder C (demo)")
    table = window.videoTable.model()
    rows = {f"{table.index(r, 0).data()} · {table.index(r, 1).data()}": table.index(r, 2).data()
            for r in range(table.rowCount())}  # fmt: skip
    assert rows[TAPE] == "in progress"

    window.sign_in(None, manager=True)
    shown.clear()
    with qtbot.waitSignal(helper.planned, timeout=60_000) as again:
        action.trigger()
    assert not again.args[0].changed and shown == []  # nothing to confirm
    assert "Nothing to merge from laptop.sqlite" in helper.box.text()
    assert "1 conflict(s) left as they are here" in helper.box.text()
    assert _work(study) == (coders + 1, segments + 2, ratings + 5)
    helper.box.close()


def test_a_coder_cannot_merge(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    helper = _helper(window)
    window.sign_in("Coder A (demo)")
    assert not helper.action.isEnabled()
    assert helper.action.statusTip() == "Lab manager only"

    def never(*_args: object, **_kwargs: object) -> tuple[str, str]:
        raise AssertionError("a coder was asked for a file to merge")

    monkeypatch.setattr(QFileDialog, "getOpenFileName", never)
    helper.start()  # even called directly, e.g. by a stale shortcut
    assert helper.progress is None and helper.box is None
    window.sign_in(None, manager=True)
    assert helper.action.isEnabled()


def test_bad_files_change_nothing(
    window: MainWindow,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    demo_study_file: Path,
) -> None:
    helper = _helper(window)
    study = window.study
    before = _work(study)
    notes = tmp_path / "notes.sqlite"
    notes.write_text("minutes of the lab meeting\n")
    _pick(monkeypatch, notes)
    with qtbot.waitSignal(helper.failed, timeout=60_000) as failed:
        helper.action.trigger()
    assert str(notes) in failed.args[0] and "not an EAS Coder study" in failed.args[0]
    assert helper.box is not None and helper.box.text() == failed.args[0]
    assert "Nothing was merged." in helper.box.text()
    helper.box.close()
    assert _work(study) == before

    _pick(monkeypatch, tmp_path / "gone.sqlite")
    helper.action.trigger()
    assert helper.box.text() == f"{tmp_path / 'gone.sqlite'} does not exist. Nothing was changed."
    helper.box.close()

    # the study itself, even named by another way to the same file
    _pick(monkeypatch, demo_study_file.parent / ".." / demo_study_file.parent.name /
          demo_study_file.name)  # fmt: skip
    helper.action.trigger()
    assert helper.progress is None  # nothing started
    assert helper.box.text() == (
        f"{demo_study_file} is this study itself. Choose the coder's copy to merge into it."
    )
    helper.box.close()
    assert _work(study) == before
