"""File ▸ Import Segments… in the real window, driven as the lab manager would: sign in with
the passphrase, pick an .eaf made by a script in ELAN's layout, choose the coder, the video and
the tier, read the preview, click Import, and find the segments in the study on the frames
the preview showed. A broken file shows its problem and writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from eas_coder.demo import NEW_CODER
from eas_coder.exchange.frames import video_frames
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.model import Video
from eas_coder.store.study import Study
from tests.exchange.segment_files import boris_project, elan_file, study_state
from tests.gui.manager.interchange_support import manager_window, menu_action, pick  # noqa: F401

# within the demo's 4-second tapes; "Mother gaze" overlaps, which the demo scheme forbids
EPISODES = [(0, 1500, "Free play"), (1500, 3210, "Structured task"), (3300, 3900, "Clean-up")]
GAZE = [(100, 900, "at child"), (800, 2000, "away")]
COLUMNS = ("video", "start", "end", "first frame", "last frame", "episode", "from")


def target_video(window: MainWindow) -> Video:
    """D002 T1 pre: assigned to the demo's newcomer, who has coded nothing yet."""
    return next(v for v in window.study.videos.all() if v.name == "d002_t1.mp4")


def open_import_dialog(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, source: Path
) -> object:
    action = menu_action(window, "actionImportSegments")
    assert action.isEnabled()
    action.trigger()
    helper = action.parent()
    dialog = helper.dialog  # type: ignore[union-attr]
    qtbot.waitExposed(dialog)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    qtbot.mouseClick(dialog.fileButton, Qt.MouseButton.LeftButton)
    assert dialog.sourceEdit.text() == str(source)
    return helper


def preview_rows(dialog: object) -> list[dict[str, str]]:
    table = dialog.previewTable  # type: ignore[attr-defined]
    headers = [table.horizontalHeaderItem(c).text().casefold() for c in range(table.columnCount())]
    assert tuple(headers) == COLUMNS
    return [
        {h: table.item(r, c).text() for c, h in enumerate(headers)} for r in range(table.rowCount())
    ]


def problems(dialog: object) -> list[str]:
    found = dialog.problemsList  # type: ignore[attr-defined]
    return [found.item(i).text() for i in range(found.count())]


def import_button(dialog: object) -> QPushButton:
    button = dialog.importButton  # type: ignore[attr-defined]
    assert isinstance(button, QPushButton)
    return button


def test_import_segments_from_an_eaf_through_the_file_menu(
    manager_window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = manager_window
    video = target_video(window)
    video_path = window.study.videos.file_of(video)
    assert video_path is not None
    # named after nothing in the study: the person chooses the video
    eaf = elan_file(tmp_path / "session 7 episodes.eaf", "file:///elsewhere/x.mp4", EPISODES, GAZE)
    helper = open_import_dialog(window, qtbot, monkeypatch, eaf)
    dialog = helper.dialog  # type: ignore[attr-defined]
    pick(qtbot, dialog.coderBox, NEW_CODER)
    pick(qtbot, dialog.videoBox, video.label)
    qtbot.waitUntil(lambda: dialog.tierBox.count() > 1 and not dialog.busy(), timeout=30_000)
    tiers = [dialog.tierBox.itemText(i) for i in range(dialog.tierBox.count())]
    assert tiers[0].startswith("Automatic") and [t.split(" (")[0] for t in tiers[1:]] == [
        "Episodes", "Episode notes", "Utterances", "Mother gaze"
    ]  # fmt: skip
    # left on Automatic, the file's several tiers are a problem the dialog names in its words
    assert any("several tiers" in p and "Tier box" in p for p in problems(dialog))
    assert not import_button(dialog).isEnabled()
    assert not dialog.behaviourBox.isEnabled()  # an .eaf has tiers, not behaviours

    pick(qtbot, dialog.tierBox, "Mother gaze")  # its values are not episodes of the scheme
    qtbot.waitUntil(lambda: any("not an episode" in p for p in problems(dialog)), timeout=30_000)
    assert any("annotation a" in p and "Mother gaze" in p for p in problems(dialog))
    assert any("Episode label box" in p for p in problems(dialog))
    pick(qtbot, dialog.episodeBox, "Free play")  # one label for all: then they overlap
    qtbot.waitUntil(lambda: any("overlaps" in p for p in problems(dialog)), timeout=30_000)
    assert not import_button(dialog).isEnabled()

    pick(qtbot, dialog.episodeBox, "From the file")
    pick(qtbot, dialog.tierBox, "Episodes")
    qtbot.waitUntil(lambda: len(preview_rows(dialog)) == 3 and not dialog.busy(), timeout=30_000)
    assert problems(dialog) == []
    rows = preview_rows(dialog)
    assert [r["episode"] for r in rows] == ["Free play", "Structured task", "Clean-up"]
    assert {r["video"] for r in rows} == {video.label}
    assert rows[0]["start"] == "00:00:00.000" and rows[0]["first frame"] == "0"
    assert import_button(dialog).isEnabled()
    coder = window.study.coders.get(NEW_CODER)
    before = window.study.segments.all(video.id, coder.id)
    assert before == []

    with qtbot.waitSignal(helper.imported, timeout=60_000):  # type: ignore[attr-defined]
        qtbot.mouseClick(import_button(dialog), Qt.MouseButton.LeftButton)
    stored = window.study.segments.all(video.id, coder.id)
    assert [s.episode for s in stored] == ["free_play", "structured_task", "clean_up"]
    spans = video_frames(window.study, [video])
    assert [spans.span(s) for s in stored] == [
        (int(r["first frame"]), int(r["last frame"])) for r in rows
    ]
    assert "Imported 3 segment(s)" in helper.box.text()  # type: ignore[attr-defined]
    assert NEW_CODER in helper.box.text()  # type: ignore[attr-defined]
    # the list was read again: the video is still in it, its details show the new coding
    assert window.current_video() is not None


def test_a_broken_eaf_shows_its_problem_and_writes_nothing(
    manager_window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = manager_window
    before = study_state(window.study)
    video = target_video(window)
    eaf = elan_file(tmp_path / "d002_t1.eaf", "d002_t1.mp4", EPISODES, bad_xml=True)
    helper = open_import_dialog(window, qtbot, monkeypatch, eaf)
    dialog = helper.dialog  # type: ignore[attr-defined]
    pick(qtbot, dialog.coderBox, NEW_CODER)
    pick(qtbot, dialog.videoBox, video.label)
    qtbot.waitUntil(lambda: bool(problems(dialog)) and not dialog.busy(), timeout=30_000)
    shown = problems(dialog)
    assert any("d002_t1.eaf" in p and "not valid XML" in p and "line" in p for p in shown), shown
    assert preview_rows(dialog) == []
    assert not import_button(dialog).isEnabled()
    assert "nothing can be imported" in dialog.summaryLabel.text()
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton
    )
    assert not dialog.isVisible()
    assert study_state(window.study) == before


def test_a_refusal_when_importing_writes_nothing_and_says_why(
    manager_window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another workstation adds an overlapping segment after the preview: the import is
    refused as a whole, naming the annotation, and nothing of it is written."""
    window = manager_window
    video = target_video(window)
    path = window.study.videos.file_of(video)
    assert path is not None
    eaf = elan_file(tmp_path / "d002_t1.eaf", path, EPISODES, GAZE)
    helper = open_import_dialog(window, qtbot, monkeypatch, eaf)
    dialog = helper.dialog  # type: ignore[attr-defined]
    pick(qtbot, dialog.coderBox, NEW_CODER)  # the video: matched by the file's media link
    pick(qtbot, dialog.tierBox, "Episodes")
    qtbot.waitUntil(lambda: len(preview_rows(dialog)) == 3 and not dialog.busy(), timeout=30_000)
    assert import_button(dialog).isEnabled()
    with Study.open(window.study.location, "workstation-2", backup=False) as other:
        coder = other.coders.get(NEW_CODER)
        other.segments.add(video.id, coder.id, 3400, 3600, "clean_up")
    before = study_state(window.study)
    with qtbot.waitSignal(helper.refused, timeout=60_000) as refused:  # type: ignore[attr-defined]
        qtbot.mouseClick(import_button(dialog), Qt.MouseButton.LeftButton)
    assert "Nothing was imported" in refused.args[0]
    box = helper.box  # type: ignore[attr-defined]
    assert box.icon() == QMessageBox.Icon.Warning and "Nothing was imported" in box.text()
    assert "overlaps" in box.detailedText() and "annotation a" in box.detailedText()
    assert study_state(window.study) == before


def test_a_boris_project_lists_its_state_behaviours_to_choose_from(
    manager_window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = manager_window
    video = target_video(window)
    media = window.study.videos.file_of(video)
    assert media is not None
    events = [[0.5, "Mother", "Free play", "", ""], [2.0, "Mother", "Free play", "", ""],
              [2.5, "Mother", "Clean-up", "", ""], [3.5, "Mother", "Clean-up", "", ""]]  # fmt: skip
    project = boris_project(tmp_path / "lab.boris", {"visit 2": (media, events)})
    helper = open_import_dialog(window, qtbot, monkeypatch, project)
    dialog = helper.dialog  # type: ignore[attr-defined]
    pick(qtbot, dialog.coderBox, NEW_CODER)
    qtbot.waitUntil(lambda: dialog.behaviourBox.isEnabled() and not dialog.busy(), timeout=30_000)
    assert not dialog.tierBox.isEnabled()
    assert any("several state behaviours" in p for p in problems(dialog))
    pick(qtbot, dialog.behaviourBox, "Clean-up")
    qtbot.waitUntil(lambda: len(preview_rows(dialog)) == 1 and not dialog.busy(), timeout=30_000)
    row = preview_rows(dialog)[0]
    assert row["episode"] == "Clean-up" and "visit 2" in row["from"]
    with qtbot.waitSignal(helper.imported, timeout=60_000):  # type: ignore[attr-defined]
        qtbot.mouseClick(import_button(dialog), Qt.MouseButton.LeftButton)
    stored = window.study.segments.all(video.id, window.study.coders.get(NEW_CODER).id)
    assert [(s.episode, video_frames(window.study, [video]).span(s)) for s in stored] == [
        ("clean_up", (int(row["first frame"]), int(row["last frame"])))
    ]
