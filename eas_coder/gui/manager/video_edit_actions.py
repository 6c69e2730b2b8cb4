"""The Videos menu (also on the video list's context menu): edit, remove or archive, restore,
relink one file, attach camera angles and a separate recorder and set their offsets, and the
media root. Editing entries are the lab manager's; the media root's folder is anyone's."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMainWindow, QMenu, QMessageBox

from eas_coder.errors import EasCoderError
from eas_coder.gui.common.workers import ProgressCallback
from eas_coder.gui.manager.host import ManagerHost
from eas_coder.gui.manager.job import ManagerJob, job_wiring
from eas_coder.gui.manager.media_root_memory import apply_remembered_root
from eas_coder.model import Attachment, Video
from eas_coder.store.study import Study

if TYPE_CHECKING:  # the dialogs load when they open, not with the window (the offset
    # dialog's decoders, too)
    from eas_coder.gui.manager.offset_dialog import OffsetDialog

TITLE = "Videos"
MEDIA_FILTER = "Video and audio files (*.mp4 *.mov *.m4v *.mkv *.avi *.mts *.m2ts *.wav *.mp3 *.m4a *.aac *.flac);;All files (*)"  # noqa: E501


class VideoEditActions(QObject):
    """The entries and what they do; each works on the video selected in the list."""

    def __init__(self, host: ManagerHost) -> None:
        super().__init__(host.window())
        self.host = host
        self.over = host.window()
        self.menu = QMenu("&Videos", self.over)
        self.menu.setObjectName("menuVideos")
        window = self.over
        if isinstance(window, QMainWindow):  # before Tools, in the window's menu bar
            window.menuBar().insertMenu(host.menuTools.menuAction(), self.menu)
        self.manager_actions: list[QAction] = []
        self.box: QMessageBox | None = None  # the last message shown (tests read it)
        self.edit = self._add("&Edit Video…", "actionEditVideo", self.edit_video, "F2")
        self.remove = self._add("&Remove Video…", "actionRemoveVideo", self.remove_video)
        self.restore = self._add("Restore &Archived Video…", "actionRestoreVideo",
                                 self.restore_video)  # fmt: skip
        self.menu.addSeparator()
        self.relink = self._add("Re&link Video File…", "actionRelinkVideo", self.relink_video)
        self.angle = self._add("Attach Camera &Angle…", "actionAttachAngle",
                               lambda: self.attach("angle"))  # fmt: skip
        self.audio = self._add("Attach Separate &Recorder…", "actionAttachAudio",
                               lambda: self.attach("audio"))  # fmt: skip
        self.offset = self._add("Set &Offset…", "actionSetOffset", self.set_offset)
        self.menu.addSeparator()
        self.media_root = QAction("&Media Root…", self.over)
        self.media_root.setObjectName("actionMediaRoot")
        self.media_root.triggered.connect(self.media_root_dialog)
        self.menu.addAction(self.media_root)
        # the slow parts (whole-file hashes, probing) run off the GUI thread behind a dialog
        parent, study, is_manager, status = job_wiring(host)
        self.job = ManagerJob(parent, TITLE, study, is_manager, status)
        host.signedIn.connect(self._on_signed_in)
        apply_remembered_root(host.study)  # before the window lists the study's videos
        self._on_signed_in()

    def _add(self, text: str, name: str, slot: Callable[[], object], key: str = "") -> QAction:
        action = QAction(text, self.over)
        action.setObjectName(name)
        if key:
            action.setShortcut(key)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _=False: slot())
        self.menu.addAction(action)
        self.manager_actions.append(action)
        return action

    def _on_signed_in(self, *_args: object) -> None:
        manager = bool(self.host.session.manager)
        for action in self.manager_actions:
            action.setEnabled(manager)
        if apply_remembered_root(self.host.study):  # another study, or its root changed
            self.host.refresh_videos()

    # --- helpers ------------------------------------------------------------------------------

    def _video(self) -> Video | None:
        video = self.host.current_video()
        if video is None:
            self.host.statusBar().showMessage("Select a video in the Videos list first.", 8000)
        return video

    def _warn(self, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, TITLE, text, QMessageBox.StandardButton.Ok,
                          self.over)  # fmt: skip
        box.setObjectName("videoProblemBox")
        self.box = box
        box.open()  # never blocks: the work that failed is over

    def _done(self, message: str) -> None:
        self.host.refresh_videos()
        self.host.statusBar().showMessage(message, 10_000)

    # --- the entries --------------------------------------------------------------------------

    def edit_video(self) -> None:
        """Edit ▸ participant, timepoint and name of the selected video."""
        video = self._video()
        if video is None:
            return
        from eas_coder.gui.manager.video_edit import VideoEditDialog

        dialog = VideoEditDialog(self.host.study, video, self.over)
        self.dialog = dialog
        if dialog.exec() and dialog.edited is not None:
            self._done(f"Saved {dialog.edited.label} ({dialog.edited.name or 'no file'})")

    def remove_video(self) -> None:
        """Delete an uncoded video; archive one with work (asked first, either way)."""
        video = self._video()
        if video is None:
            return
        study = self.host.study
        work = study.videos.work_on(video.id)
        if work:
            held = ", ".join(f"{n} {what}" for what, n in work.items())
            text = (
                f"{video.label} has work on it ({held}). It will be ARCHIVED: it leaves the "
                "video list and can no longer be assigned, but nothing is deleted; its work "
                "stays in reports and exports, and Restore Archived Video brings it back."
            )
        else:
            text = (
                f"{video.label} has no segments, ratings, drafts or consensus scores. "
                "It will be DELETED from the study (its file stays on disk)."
            )
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        box = QMessageBox(QMessageBox.Icon.Question, TITLE, text, buttons, self.over)
        box.setObjectName("removeVideoBox")
        self.box = box
        if box.exec() != QMessageBox.StandardButton.Yes:
            return
        try:
            outcome = study.videos.remove(video.id)
        except EasCoderError as exc:
            self._warn(str(exc))
            return
        self._done(f"{video.label} {outcome}")

    def restore_video(self) -> None:
        """Bring an archived video back into the list."""
        study = self.host.study
        archived = study.videos.archived()
        if not archived:
            self.host.statusBar().showMessage("No video is archived.", 8000)
            return
        labels = [f"{v.label} ({v.name or 'no file'}, video {v.id})" for v in archived]
        chosen, ok = QInputDialog.getItem(self.over, TITLE, "Restore:", labels, 0, False)
        if not ok:
            return
        video = archived[labels.index(chosen)]
        try:
            study.videos.restore(video.id)
        except EasCoderError as exc:
            self._warn(str(exc))
            return
        self._done(f"{video.label} restored")

    def relink_video(self, picked: Path | None = None) -> None:
        """Pick the moved file of the selected video; its whole content must be the same
        (read in the background: a long recording takes a while)."""
        video = self._video()
        if video is None or self.job.busy():
            return
        if picked is None:
            name, _ = QFileDialog.getOpenFileName(
                self.over, f"File of {video.label}", "", MEDIA_FILTER
            )
            if not name:
                return
            picked = Path(name)
        location, actor, chosen = self.host.study.location, self.host.study.actor, picked

        def job(_progress: ProgressCallback) -> list[str]:
            from eas_coder.relink import relink_video  # PyAV only when relinking

            with Study.open(location, actor, backup=False) as study:  # this thread's own
                return relink_video(study, video.id, chosen)

        def done(notes: list[str]) -> None:
            said = f" ({'; '.join(notes)})" if notes else ""
            self._done(f"{video.label} relinked to {chosen}{said}")

        self.job.run(
            f"Checking {chosen.name} against {video.label}…",
            job,
            done,
            lambda exc: self._warn(f"Not relinked: {exc}"),
        )

    def attach(self, kind: str, picked: Path | None = None) -> None:
        """Attach a camera angle or a separate recorder (probed and hashed in the
        background), then set its offset."""
        video = self._video()
        if video is None or self.job.busy():
            return
        if picked is None:
            what = "camera angle" if kind == "angle" else "separate recorder's file"
            name, _ = QFileDialog.getOpenFileName(
                self.over, f"Attach a {what} to {video.label}", "", MEDIA_FILTER
            )
            if not name:
                return
            picked = Path(name)
        chosen = picked

        def job(_progress: ProgressCallback) -> tuple[int | None, str, str]:
            from eas_coder.media.probe import full_hash, probe, probe_audio

            if kind == "angle":
                info = probe(chosen)  # must decode as a video
                size, print_ = info.file_size, info.fingerprint
            else:
                size, print_ = probe_audio(chosen)
            return size, print_, full_hash(chosen)  # relinking later refuses a changed byte

        def done(found: tuple[int | None, str, str]) -> None:
            size, print_, whole = found
            try:
                attached = self.host.study.attachments.attach(
                    video.id, chosen, kind, 0, size, print_, full_hash=whole
                )
            except EasCoderError as exc:
                self._warn(f"Not attached: {exc}")
                return
            self.host.statusBar().showMessage(f"Attached {chosen.name} to {video.label}", 10_000)
            self.open_offset(video, attached)

        self.job.run(
            f"Reading {chosen.name}…", job, done, lambda exc: self._warn(f"Not attached: {exc}")
        )

    def set_offset(self) -> None:
        """Choose one of the video's attachments and set its offset."""
        video = self._video()
        if video is None:
            return
        attached = self.host.study.attachments.of_video(video.id)
        if not attached:
            self.host.statusBar().showMessage(f"{video.label} has nothing attached.", 8000)
            return
        chosen = attached[0]
        if len(attached) > 1:
            labels = [f"{a.kind}: {a.name or a.path} ({a.offset_ms:+d} ms)" for a in attached]
            label, ok = QInputDialog.getItem(self.over, TITLE, "Offset of:", labels, 0, False)
            if not ok:
                return
            chosen = attached[labels.index(label)]
        self.open_offset(video, chosen)

    def open_offset(self, video: Video, attachment: Attachment) -> OffsetDialog | None:
        from eas_coder.gui.manager.offset_dialog import OffsetDialog

        try:
            dialog = OffsetDialog(self.host.study, video, attachment, self.over)
        except EasCoderError as exc:
            self._warn(str(exc))
            return None
        self.dialog = dialog
        dialog.open()
        name = attachment.name or attachment.path
        dialog.accepted.connect(lambda: self._done(f"Offset of {name}: {dialog.offset_ms:+d} ms"))
        return dialog

    def media_root_dialog(self) -> None:
        from eas_coder.gui.manager.media_root import MediaRootDialog

        dialog = MediaRootDialog(self.host.study, bool(self.host.session.manager), self.over)
        self.dialog = dialog
        dialog.exec()
        if dialog.changed:
            self._done("Media root saved")


def install_video_actions(host: ManagerHost) -> list[QAction]:
    """Add the Videos menu; returns its actions (the list's context menu shows them too)."""
    actions = VideoEditActions(host)  # a child of the window, which keeps it
    return [*actions.manager_actions, actions.media_root]
