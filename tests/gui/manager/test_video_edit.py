"""The Videos menu driven as a lab manager does (issue 23 item 3): F2 edits the selected video,
a duplicate is refused in the dialog, removing deletes an uncoded video and archives a coded
one, which leaves the list and comes back on restore; relink one picked file; attach a camera
angle and nudge its offset with keys and buttons; the media root dialog (item 7)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from eas_coder import media_roots
from eas_coder.gui.manager.media_root import MediaRootDialog
from eas_coder.gui.manager.offset_dialog import OffsetDialog
from eas_coder.gui.manager.video_edit_actions import VideoEditActions
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.media.probe import probe
from eas_coder.model import Video
from tests.support import ffmpeg_video, need_tool


def _actions(window: MainWindow) -> VideoEditActions:
    found = window.findChild(VideoEditActions)
    assert found is not None
    return found


def _select(qtbot: QtBot, window: MainWindow, video_id: int) -> Video:
    row = window._model.row_of(video_id)  # type: ignore[union-attr]
    assert row is not None
    index = window._filter.mapFromSource(window._model.index(row, 0))  # type: ignore[union-attr]
    window.videoTable.setCurrentIndex(index)
    window.videoTable.setFocus()
    video = window.current_video()
    assert video is not None and video.id == video_id
    return video


def _when_modal(qtbot: QtBot, act: Callable[[QDialog], None]) -> None:
    """Run ``act`` on the next modal dialog once it shows (exec() blocks the test)."""

    def attempt() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QDialog) and modal.isVisible():
            act(modal)
        else:
            QTimer.singleShot(20, attempt)

    QTimer.singleShot(0, attempt)


def _yes(box: QDialog) -> None:
    assert isinstance(box, QMessageBox)
    box.button(QMessageBox.StandardButton.Yes).click()


def _listed(window: MainWindow) -> set[int]:
    model = window._model
    assert model is not None
    return {model.video(r).id for r in range(model.rowCount())}


def test_f2_edits_the_selected_video_and_refuses_a_duplicate(
    qtbot: QtBot, window: MainWindow
) -> None:
    study = window.study
    first, second = study.videos.all()[:2]  # one dyad, two timepoints
    assert first.participant_code == second.participant_code
    _select(qtbot, window, second.id)
    seen: list[str] = []

    def duplicate_then_fix(dialog: QDialog) -> None:
        combo = dialog.timepointCombo  # type: ignore[attr-defined]
        combo.lineEdit().selectAll()
        qtbot.keyClicks(combo.lineEdit(), first.timepoint)
        save = dialog.buttonBox.button(QDialogButtonBox.StandardButton.Save)  # type: ignore[attr-defined]
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        seen.append(dialog.problemLabel.text())  # type: ignore[attr-defined]
        assert dialog.isVisible()  # refused: still open, with what was typed
        combo.lineEdit().selectAll()
        qtbot.keyClicks(combo.lineEdit(), "T9 follow-up")
        dialog.participantEdit.selectAll()  # type: ignore[attr-defined]
        qtbot.keyClicks(dialog.participantEdit, "M001")  # type: ignore[attr-defined]
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)

    _when_modal(qtbot, duplicate_then_fix)
    qtbot.keyClick(window.videoTable, Qt.Key.Key_F2)
    assert "already has a video at timepoint" in seen[0]
    edited = study.videos.get(second.id)
    assert (edited.participant_code, edited.timepoint) == ("M001", "T9 follow-up")
    assert study.audit_log()[0].action == "video.edit"
    assert study.videos.get(first.id) == first


def test_remove_deletes_uncoded_archives_coded_and_restore_brings_it_back(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    study = window.study
    clip = ffmpeg_video(tmp_path / "new.mp4", seconds=0.5, audio=False)
    bare = study.videos.add("N001", "pre", clip, probe(clip))
    window.refresh_videos()
    actions = _actions(window)
    _select(qtbot, window, bare.id)
    _when_modal(qtbot, _yes)
    actions.remove.trigger()
    assert bare.id not in {v.id for v in study.videos.all()}
    coded = study.videos.all()[0]
    _select(qtbot, window, coded.id)
    texts: list[str] = []

    def yes(box: QDialog) -> None:
        texts.append(box.text())  # type: ignore[attr-defined]
        _yes(box)

    _when_modal(qtbot, yes)
    actions.remove.trigger()
    assert "ARCHIVED" in texts[0]
    assert coded.id not in _listed(window) and coded.id in {v.id for v in study.videos.all()}
    assert study.ratings.all(video_id=coded.id)  # its work stays

    def pick(dialog: QDialog) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.done(QDialog.DialogCode.Accepted)

    _when_modal(qtbot, pick)
    actions.restore.trigger()
    assert coded.id in _listed(window)


def test_relink_one_picked_file(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    study = window.study
    video = study.videos.all()[0]
    old = study.videos.file_of(video)
    assert old is not None
    moved = tmp_path / "moved" / "renamed.mp4"
    moved.parent.mkdir()
    shutil.move(old, moved)
    _select(qtbot, window, video.id)
    actions = _actions(window)
    actions.relink_video(picked=moved)  # read whole in the background
    qtbot.waitUntil(lambda: not actions.job.busy())
    assert actions.box is None, actions.box.text()
    assert study.videos.file_of(study.videos.get(video.id)) == moved.resolve()
    # another recording is refused with a clear message, and nothing changes
    other = study.videos.file_of(study.videos.all()[1])
    _select(qtbot, window, video.id)
    actions.relink_video(picked=other)
    qtbot.waitUntil(lambda: actions.box is not None and actions.box.isVisible())
    assert actions.box is not None
    assert "Not relinked" in actions.box.text() and "content differs" in actions.box.text()
    assert study.videos.file_of(study.videos.get(video.id)) == moved.resolve()


def test_attach_an_angle_and_nudge_its_offset_by_keys_and_buttons(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    study = window.study
    video = _select(qtbot, window, study.videos.all()[0].id)
    angle = ffmpeg_video(tmp_path / "cam2.mp4", seconds=2.0, fps="25", audio=False)
    _actions(window).attach("angle", picked=angle)  # probed and hashed in the background
    qtbot.waitUntil(lambda: window.findChild(OffsetDialog) is not None)
    dialog = window.findChild(OffsetDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert study.attachments.of_video(video.id)[0].offset_ms == 0
    frame = dialog.frame_ms
    qtbot.keyClick(dialog, Qt.Key.Key_Right)  # +1 frame
    qtbot.keyClick(dialog, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # +100 ms
    qtbot.mouseClick(dialog.minus100Button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.mouseClick(dialog.plusFrameButton, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.mouseClick(dialog.minusFrameButton, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.keyClick(dialog, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)  # −100 ms
    assert dialog.offset_ms == frame - 100
    qtbot.waitUntil(dialog.settled)  # files opened and frames decoded by workers
    assert f"Offset −{100 - frame} ms" in dialog.offsetLabel.text()  # type: ignore[attr-defined]
    assert "before the file starts" in dialog.otherPicture.text()  # type: ignore[attr-defined]
    qtbot.keyClick(dialog, Qt.Key.Key_PageDown)  # the video a second on: both pictures show
    assert dialog.position_ms == 1000
    qtbot.waitUntil(dialog.settled)
    assert not dialog.otherPicture.pixmap().isNull()  # type: ignore[attr-defined]
    assert not dialog.mainPicture.pixmap().isNull()  # type: ignore[attr-defined]
    assert study.attachments.of_video(video.id)[0].offset_ms == 0  # not saved yet
    save = dialog.buttonBox.button(QDialogButtonBox.StandardButton.Save)  # type: ignore[attr-defined]
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert study.attachments.of_video(video.id)[0].offset_ms == frame - 100
    assert study.audit_log()[0].action == "attachment.offset"


def test_media_root_dialog_names_remembers_and_moves(qtbot: QtBot, window: MainWindow) -> None:
    study = window.study
    video = study.videos.all()[0]
    root = study.videos.file_of(video).parent  # type: ignore[union-attr]
    dialog = MediaRootDialog(study, manager=True, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.nameEdit, "lab-videos")  # type: ignore[attr-defined]
    qtbot.keyClicks(dialog.folderEdit, str(root))  # type: ignore[attr-defined]
    _when_modal(qtbot, _yes)
    qtbot.mouseClick(dialog.moveButton, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    uid = str(study.videos.study_uid())
    try:
        assert study.settings.get("media.root_name") == "lab-videos"
        assert QSettings().value("mediaRoot/" + uid) == str(root)
        moved = study.videos.get(video.id)
        assert moved.path is not None and moved.path.startswith("{media}/")
        assert study.videos.file_of(moved) == study.videos.file_of(video)
        assert "Moved" in dialog.stateLabel.text()  # type: ignore[attr-defined]
    finally:
        media_roots.remember_local_root(uid, None)
    # a computer that was not told where the root is says so, instead of "moved or renamed"
    window.refresh_videos()
    _select(qtbot, window, video.id)
    surface = window.playerPanel.surface
    qtbot.waitUntil(lambda: "has not been told where" in surface._message)


def test_the_video_lists_context_menu_holds_the_videos_menu(
    qtbot: QtBot, window: MainWindow
) -> None:
    video = _select(qtbot, window, window.study.videos.all()[0].id)
    table = window.videoTable
    table.customContextMenuRequested.emit(table.visualRect(table.currentIndex()).center())
    menu = window.manager_actions.menu
    assert menu is not None
    names = [a.objectName() for a in menu.actions()]
    assert {"actionEditVideo", "actionRemoveVideo", "actionRelinkVideo", "actionAttachAngle",
            "actionAttachAudio", "actionSetOffset", "actionMediaRoot"} <= set(names)  # fmt: skip
    edit = next(a for a in menu.actions() if a.objectName() == "actionEditVideo")
    menu.close()

    def rename(dialog: QDialog) -> None:
        dialog.nameEdit.selectAll()  # type: ignore[attr-defined]
        qtbot.keyClicks(dialog.nameEdit, "first visit.mp4")  # type: ignore[attr-defined]
        qtbot.keyClick(dialog.nameEdit, Qt.Key.Key_Return)  # type: ignore[attr-defined]

    _when_modal(qtbot, rename)
    edit.trigger()
    assert window.study.videos.get(video.id).name == "first visit.mp4"
    # a coder sees the entries disabled (the media root's folder excepted)
    window.sign_in("Coder A (demo)")
    assert not edit.isEnabled()
    assert _actions(window).media_root.isEnabled()


def test_a_separate_recorder_is_aligned_on_both_sound_envelopes(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    recorder = tmp_path / "zoom-h1.wav"
    subprocess.run(
        [need_tool("ffmpeg"), "-v", "error", "-f", "lavfi", "-i",
         "sine=frequency=440:duration=3", str(recorder)],
        check=True, timeout=60,
    )  # fmt: skip
    study = window.study
    video = _select(qtbot, window, study.videos.all()[0].id)
    _actions(window).attach("audio", picked=recorder)
    qtbot.waitUntil(lambda: window.findChild(OffsetDialog) is not None)
    dialog = window.findChild(OffsetDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert study.attachments.of_video(video.id)[0].kind == "audio"
    assert "Separate recorder: zoom-h1.wav" in dialog.otherCaption.text()  # type: ignore[attr-defined]
    qtbot.waitUntil(dialog.settled)  # both envelopes computed by workers
    assert not dialog.otherPicture.pixmap().isNull()  # type: ignore[attr-defined]
    for _ in range(3):
        qtbot.keyClick(dialog, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(dialog.buttonBox, Qt.Key.Key_Escape)  # type: ignore[attr-defined]
    assert study.attachments.of_video(video.id)[0].offset_ms == 0  # cancelled: unchanged
    _actions(window).offset.trigger()
    dialog = next(d for d in window.findChildren(OffsetDialog) if d.isVisible())
    qtbot.keyClick(dialog, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    qtbot.mouseClick(
        dialog.buttonBox.button(QDialogButtonBox.StandardButton.Save),  # type: ignore[attr-defined]
        Qt.MouseButton.LeftButton,
    )
    assert study.attachments.of_video(video.id)[0].offset_ms == -100
