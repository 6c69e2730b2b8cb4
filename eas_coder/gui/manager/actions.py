"""What only the lab manager does in the window: assign videos (one by one or as a seeded
reliability sample), reopen submitted work, and fix a shared episode template."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from eas_coder.errors import EasCoderError
from eas_coder.gui.manager.host import ManagerHost

SAMPLE_SEED = 2026


class ManagerActions(QObject):
    """The video list's context menu and the manager's Tools entries."""

    def __init__(self, window: ManagerHost) -> None:
        super().__init__(window.window())
        self.host = window
        self.over = window.window()  # what its menus and dialogs open over
        table = window.videoTable
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._on_menu)
        self.sample_action = QAction("Reliability &Sample…", self.over)
        self.sample_action.setObjectName("actionReliabilitySample")
        self.sample_action.triggered.connect(self.reliability_sample)
        window.menuTools.addAction(self.sample_action)
        self.template_action = QAction("Make Shared &Template from Coder's Segments…", self.over)
        self.template_action.setObjectName("actionMakeTemplate")
        self.template_action.triggered.connect(self.make_template)
        window.menuCoding.addAction(self.template_action)
        self.menu: QMenu | None = None

    def set_manager(self, manager: bool) -> None:
        """Enable the manager's actions only for the manager."""
        self.sample_action.setEnabled(manager)
        self.template_action.setEnabled(manager)

    def _on_menu(self, pos: QPoint) -> None:
        window = self.host
        video = window.current_video()
        if not window.session.manager or video is None:
            return
        study = window.study
        assigned = {a.coder_id: a for a in study.assignments.of_video(video.id)}
        menu = QMenu(self.over)
        menu.setObjectName("videoContextMenu")
        assign = menu.addMenu("Assign to")
        reopen = menu.addMenu("Reopen for")
        for coder in study.coders.all():
            action = assign.addAction(coder.name)
            action.setEnabled(coder.id not in assigned)
            action.triggered.connect(lambda _=False, c=coder.id: self._assign(video.id, c))
            done = coder.id in assigned and assigned[coder.id].status == "done"
            again = reopen.addAction(coder.name)
            again.setEnabled(done)
            again.triggered.connect(lambda _=False, c=coder.id: self._reopen(video.id, c))
        videos = self.over.findChild(QMenu, "menuVideos")  # edit, remove, relink, attach, …
        if videos is not None:
            menu.addSeparator()
            menu.addActions(videos.actions())
        self.menu = menu
        menu.popup(window.videoTable.viewport().mapToGlobal(pos))

    def _assign(self, video_id: int, coder_id: int) -> None:
        self._try(lambda: self.host.session.assign(video_id, coder_id), "Assigned")

    def _reopen(self, video_id: int, coder_id: int) -> None:
        self._try(lambda: self.host.session.reopen(video_id, coder_id), "Reopened")

    def reliability_sample(self) -> None:
        """Tools ▸ Reliability Sample…: previewed, then assigned (sample_dialog.py)."""
        if self.host.session.manager:
            # the sampling (numpy) loads here, not with the window
            from eas_coder.gui.manager.sample_dialog import open_sample_dialog

            self.sample_dialog = open_sample_dialog(self.host)

    def make_template(self) -> None:
        """Copy one coder's segments of the open video into its shared template."""
        window, over = self.host, self.over
        video = window.session.video
        if video is None:
            return
        study = window.study
        names = {c.id: c.name for c in study.coders.all()}
        by_coder: dict[int, list[tuple[int, int, str | None]]] = {}
        for s in study.segments.all(video_id=video.id):
            by_coder.setdefault(s.coder_id, []).append((s.start_ms, s.end_ms, s.episode))
        if not by_coder:
            QMessageBox.information(over, "Template", "No coder has segments on this video yet.")
            return
        choices = [names[c] for c in by_coder]
        chosen, ok = QInputDialog.getItem(
            over, "Shared template", "Every coder rates the segments of:", choices, 0, False
        )
        if not ok:
            return
        coder_id = next(c for c in by_coder if names[c] == chosen)
        self._try(
            lambda: study.templates.set(video.id, by_coder[coder_id]),
            f"Template set ({len(by_coder[coder_id])} segments)",
        )

    def _try(self, action: Callable[[], object], done: str) -> None:
        try:
            action()
        except EasCoderError as exc:
            QMessageBox.warning(self.over, "EAS Coder", str(exc))
            return
        self.host.statusBar().showMessage(done, 8000)
