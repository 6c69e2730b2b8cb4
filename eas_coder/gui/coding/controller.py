"""Connects the coding widgets (segment table, rating panel, timeline tracks, marks) to the
CodingSession. It holds what is selected, not what is true: the study is the truth."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu

from eas_coder.gui.coding.save_guard import install_save_guard, settle_saves
from eas_coder.gui.coding.segment_table import SegmentTable
from eas_coder.gui.coding.session import CodingSession
from eas_coder.gui.coding.shown_work import coder_tracks, segment_title
from eas_coder.gui.coding.submit_flow import ask_to_reopen, ask_to_submit
from eas_coder.gui.player.panel import PlayerPanel
from eas_coder.gui.rating.panel import RatingPanel
from eas_coder.gui.rating.score_row import NoteEdit
from eas_coder.model import Segment
from eas_coder.timecode import clock

SESSION = -1  # the "whole session" target


class CodingController(QObject):
    """Keeps the segment table, rating panel and timeline in step with the session."""

    def __init__(
        self,
        window: QMainWindow,
        session: CodingSession,
        player: PlayerPanel,
        rating: RatingPanel,
        segments: SegmentTable,
        actions: dict[str, QAction],
    ) -> None:
        super().__init__(window)
        self.window, self.session, self.panel = window, session, player
        self.rating, self.segments, self.actions = rating, segments, actions
        self.target: int | None = None  # segment id, SESSION, or None (nothing to rate)
        self.mark_in: int | None = None
        self._mine: tuple[object, list[Segment]] = ((), [])  # (video, coder) ids: segments
        session.changed.connect(self._on_changed)
        session.saveStateChanged.connect(self._on_save_state)
        session.saving.connect(self._on_saving)
        # closing waits for the saves, and asks if one failed
        self.save_guard = install_save_guard(window, session)
        segments.segmentSelected.connect(self._on_segment_selected)
        segments.jumpRequested.connect(player.player.seek_ms)
        segments.episodeEdited.connect(self._on_episode_edited)
        segments.noteEdited.connect(self._on_segment_note_edited)
        segments.deleteRequested.connect(session.delete_segments)
        segments.mergeRequested.connect(session.merge_segments)
        segments.splitRequested.connect(self._on_split)
        rating.scoreChanged.connect(self._on_score)
        rating.noteChanged.connect(self._on_note)
        for note in rating.findChildren(NoteEdit):
            note.leaveRequested.connect(self.focus_player)
        timeline = player.timeline
        timeline.segmentClicked.connect(self._on_timeline_segment)
        timeline.segmentEdgeMoved.connect(self._on_edge_moved)
        timeline.segmentDrawn.connect(self._on_drawn)
        player.player.positionChanged.connect(self._on_position)
        handlers = {
            "actionMarkIn": self.mark_in_here,
            "actionMarkOut": self.mark_out_here,
            "actionSegmentFromSelection": self._on_from_selection,
            "actionSetStart": lambda: self._move_edge(start=True),
            "actionSetEnd": lambda: self._move_edge(start=False),
            "actionSplitSegment": self._on_split_current,
            "actionMergeSegments": lambda: session.merge_segments(segments.selected_ids()),
            "actionDeleteSegment": lambda: session.delete_segments(segments.selected_ids()),
            "actionPreviousSegment": lambda: self._step_segment(-1),
            "actionNextSegment": lambda: self._step_segment(1),
            "actionRateSession": self.rate_session,
            "actionRateFocus": self.focus_rating,
            "actionSubmit": self.submit,
            "actionReopen": self.reopen,
            "actionUndo": session.undo_stack.undo,
            "actionRedo": session.undo_stack.redo,
        }
        for name, handler in handlers.items():
            actions[name].triggered.connect(handler)
        session.undo_stack.canUndoChanged.connect(actions["actionUndo"].setEnabled)
        session.undo_stack.canRedoChanged.connect(actions["actionRedo"].setEnabled)
        session.undo_stack.undoTextChanged.connect(
            lambda text: actions["actionUndo"].setText(f"&Undo {text}".rstrip())
        )
        session.undo_stack.redoTextChanged.connect(
            lambda text: actions["actionRedo"].setText(f"&Redo {text}".rstrip())
        )
        actions["actionUndo"].setEnabled(False)
        actions["actionRedo"].setEnabled(False)
        self.episode_menu = self._episode_menu()
        self.refresh()

    def _episode_menu(self) -> QMenu:
        """Coding ▸ Episode: label the selected segment (Alt+1…, Alt+0 for none)."""
        old = self.window.findChild(QMenu, "menuEpisode")
        if old is not None:
            old.deleteLater()
        menu = QMenu("&Episode of Segment", self.window)
        menu.setObjectName("menuEpisode")
        scheme = self.session.study.scheme
        episodes = [(None, "(none)"), *((e.key, e.label) for e in scheme.episodes)]
        for number, (key, label) in enumerate(episodes):
            action = menu.addAction(label)
            action.setObjectName(f"actionEpisode{number}")
            if number < 10:
                action.setShortcut(QKeySequence(f"Alt+{number}"))
            action.triggered.connect(lambda _=False, k=key: self._set_episode(k))
        coding = self.window.findChild(QMenu, "menuCoding")
        if coding is not None:
            coding.insertMenu(self.actions["actionSetStart"], menu)
        menu.setEnabled(len(episodes) > 1)
        return menu

    def _set_episode(self, key: str | None) -> None:
        if self._adding():  # the segment just marked is still being saved: its episode
            self.session.after_saves(lambda: self._set_episode(key))  # follows it
            return
        current = self.segments.current_segment()
        if current is not None and self.session.can_code():
            self.session.update_segment(current, episode=key)

    # -- showing --------------------------------------------------------------------------

    def refresh(self, focus: int | None = None, ratings_only: bool = False) -> None:
        """Re-read the coder's work on the open video and show it everywhere; after a score's
        save (``ratings_only``) the segments and tracks read last are still what is shown."""
        session = self.session
        owner = (session.video and session.video.id, session.coder and session.coder.id)
        reuse = ratings_only and self._mine[0] == owner
        mine = self._mine[1] if reuse else session.my_segments()
        self._mine = (owner, mine)
        ratings = session.my_ratings()
        total = len(session.study.scheme.dimensions)
        rated: dict[int, tuple[int, int]] = {}
        for s in mine:
            rated[s.id] = (len({r.dimension for r in ratings if r.segment_id == s.id}), total)
        locked = session.is_locked()
        self.segments.set_segments(mine, rated)
        self.segments.set_locked(locked or not session.can_code())
        if not reuse:  # a track shows segments and episodes, no scores
            self.panel.set_tracks(coder_tracks(session, mine))
        ids = {s.id for s in mine}
        if focus is not None and focus in ids:
            self._retarget(focus)
        elif self.target not in ids and self.target != SESSION and not self._adding():
            self.target = None
        if self.target not in (None, SESSION):
            self.segments.select_segment(self.target)
        self.panel.timeline.set_selected_segment(self.target if self.target in ids else None)
        self._show_target(mine)
        can = session.can_code() and not locked
        for name in ("actionMarkIn", "actionMarkOut", "actionSegmentFromSelection",
                     "actionSetStart", "actionSetEnd", "actionSplitSegment",
                     "actionMergeSegments", "actionDeleteSegment", "actionSubmit"):  # fmt: skip
            self.actions[name].setEnabled(can)
        self.actions["actionRateSession"].setEnabled(session.can_code())
        self.actions["actionReopen"].setEnabled(session.manager and session.video is not None)

    def _show_target(self, mine: list[Segment] | None = None) -> None:
        session = self.session
        if not session.can_code():
            why = "Sign in as a coder to rate" if session.video else "Open a video to rate it"
            self.rating.clear_target(why)
            return
        if self.target is None:
            self.rating.clear_target("Select a segment, or rate the whole session (Ctrl+Shift+S)")
            return
        segment_id = None if self.target == SESSION else self.target
        scores, notes = session.scores_of(segment_id)
        derived: dict[str, float] = {}
        if segment_id is None:
            title = "Whole session"
            derived = dict(session.session_means())
        elif self._adding():
            title = "New segment (saving…)"
        else:
            mine = session.my_segments() if mine is None else mine
            found = next((s for s in mine if s.id == segment_id), None)
            title = segment_title(mine, found, session) if found else "Segment"
        self.rating.set_target(title, scores, notes, derived, locked=session.is_locked())
        for key, state in session.save_states(session.key_of(segment_id)).items():
            self.rating.set_save_state(key, state)

    def _adding(self) -> bool:
        """True while the target is a segment just marked whose save is still queued."""
        return self.target not in (None, SESSION) and self.session.is_adding(self.target)

    def _on_save_state(self, key: str, segment_key: object, state: str) -> None:
        if self.target is None or not self.session.can_code():
            return
        here = self.session.key_of(None if self.target == SESSION else self.target)
        if segment_key == here:
            self.rating.set_save_state(key, state)

    def _on_saving(self, what: str) -> None:
        label = self.window.findChild(QLabel, "saveState")
        if label is not None:
            label.setText(f"Saving… {what}")

    def _added(self, key: int | None) -> None:
        """Rate a segment just marked at once, before its save is done (its key follows it)."""
        if key is not None:
            self._retarget(key)
            self.segments.select_segment(None)
            self._show_target()

    def _retarget(self, target: int | None) -> None:
        """Rate ``target`` from now on. A note still being typed belongs to the target it was
        typed for: it is saved first, as a shortcut may change targets with the focus still
        in the note (which then never loses focus and would never be saved)."""
        if target != self.target:
            self.rating.commit_notes()
        self.target = target

    # -- handlers ---------------------------------------------------------------------------

    def settle_saves(self) -> None:
        """Wait for the queued saves, asking about failed ones (before the study goes)."""
        settle_saves(self.window, self.session, can_stay=False)

    @Slot(str, object)
    def _on_changed(self, what: str, focus: object) -> None:
        if isinstance(focus, int) and self._adding() and self.session.key_of(focus) != self.target:
            focus = None  # another new segment was marked since: it keeps the keyboard
        if self.target == SESSION:
            focus = None  # the coder went on to the whole session since: a late save keeps off
        if what in ("coder",) or (what == "segments" and focus is None and self.target != SESSION):
            self.target = None if what == "coder" else self.target
        self.refresh(focus if isinstance(focus, int) else None, ratings_only=what == "ratings")

    def _on_segment_selected(self, segment: Segment | None) -> None:
        if segment is None:
            return
        self._retarget(segment.id)
        self.panel.timeline.set_selected_segment(segment.id)
        self._show_target()

    def _on_timeline_segment(self, segment_id: int) -> None:
        if self.segments.select_segment(segment_id):
            self._retarget(segment_id)
            self._show_target()

    def _on_episode_edited(self, segment_id: int, key: object) -> None:
        found = self._segment(segment_id)
        if found is not None:
            self.session.update_segment(found, episode=key)

    def _on_segment_note_edited(self, segment_id: int, note: str) -> None:
        found = self._segment(segment_id)
        if found is not None:
            self.session.update_segment(found, note=note)

    def _on_edge_moved(self, segment_id: int, start_ms: int, end_ms: int) -> None:
        found = self._segment(segment_id)
        if found is not None:
            self.session.update_segment(found, start_ms=start_ms, end_ms=end_ms)

    def _on_drawn(self, start_ms: int, end_ms: int) -> None:
        self._added(self.session.add_segment(start_ms, end_ms))
        self.focus_rating()

    def _on_split(self, segment_id: int) -> None:
        self.session.split_segment(segment_id, self.panel.player.position_ms())

    def _on_split_current(self) -> None:
        current = self.segments.current_segment()
        if current is not None:
            self._on_split(current.id)

    def _on_score(self, key: str, score: object) -> None:
        if self.target is None:
            return
        segment_id = None if self.target == SESSION else self.target
        value = score if score is None else float(score)  # type: ignore[arg-type]
        dimension, _, item = key.partition("/")  # "dimension/item" for an item's score
        if item:
            self.session.set_item(dimension, item, value, segment_id)
        else:
            self.session.set_score(key, value, segment_id)

    def _on_note(self, key: str, text: str) -> None:
        if self.target is not None:
            self.session.set_note(key, text, None if self.target == SESSION else self.target)

    def _on_position(self, _frame: int, ms: int) -> None:
        self.segments.set_playhead(ms)

    # -- actions ------------------------------------------------------------------------------

    def mark_in_here(self) -> None:
        """I: remember the frame on screen as the start of the next segment."""
        self.mark_in = self.panel.player.position_ms()
        self._status(f"In at {clock(self.mark_in)} — press O at the last frame of the episode")

    def mark_out_here(self) -> None:
        """O: make a segment from the In mark to the end of the frame on screen."""
        player = self.panel.player
        index = player.frame_index
        if index is None:
            return
        if self.mark_in is None:
            self._status("Press I at the first frame of the episode first")
            return
        frame = player.position()
        end = index.time_ms(frame + 1) if frame + 1 < index.frame_count else index.duration_ms
        start = self.mark_in
        if end <= start:
            self._status("The Out mark must come after the In mark")
            return
        self.mark_in = None
        self._added(self.session.add_segment(start, end))
        self.focus_rating()

    def _on_from_selection(self) -> None:
        selection = self.panel.timeline.selection()
        if selection is None or selection[1] <= selection[0]:
            self._status("Select a range first: Shift+drag on the timeline")
            return
        self._added(self.session.add_segment(*selection))

    def _move_edge(self, start: bool) -> None:
        current = self.segments.current_segment()
        if current is None:
            return
        ms = self.panel.player.position_ms()
        if start:
            self.session.update_segment(current, start_ms=ms)
        else:
            index = self.panel.player.frame_index
            frame = self.panel.player.position()
            end = index.time_ms(frame + 1) if index and frame + 1 < index.frame_count else ms
            self.session.update_segment(current, end_ms=end)

    def _step_segment(self, step: int) -> None:
        mine = self.session.my_segments()
        if not mine:
            return
        ids = [s.id for s in mine]
        here = ids.index(self.target) if self.target in ids else (-1 if step > 0 else len(ids))
        chosen = mine[max(0, min(len(ids) - 1, here + step))]
        self._retarget(chosen.id)
        self.segments.select_segment(chosen.id)
        self.panel.player.seek_ms(chosen.start_ms)
        self._show_target()

    def rate_session(self) -> None:
        """Rate the whole session."""
        self._retarget(SESSION)
        self.segments.select_segment(None)
        self.panel.timeline.set_selected_segment(None)
        self._show_target()
        self.focus_rating()

    def focus_rating(self) -> None:
        """Put the keyboard on the first unrated dimension (digits then rate)."""
        if self.target is None:
            return
        scores = self.rating.scores()
        keys = [d.key for d in self.session.study.scheme.dimensions]
        first = next((k for k in keys if k not in scores), keys[0])
        self.rating.focus_dimension(first)

    def focus_player(self) -> None:
        """Give the keyboard back to the player (Escape in a note)."""
        self.panel.surface.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        """Ctrl+Enter: save whatever is being typed (a score's note here, a segment's note in
        the table, committed as the keyboard leaves it), then say what is missing or ask."""
        self.rating.commit_notes()
        self.focus_player()
        window, session = self.window, self.session  # missing: read once every save is done
        session.after_saves(lambda: ask_to_submit(window, session, self._status))

    def reopen(self) -> None:
        """Lab manager: unlock a coder's submitted video."""
        ask_to_reopen(self.window, self.session, self._status)

    def _segment(self, segment_id: int) -> Segment | None:
        return next((s for s in self.session.my_segments() if s.id == segment_id), None)

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)
        self.window.statusBar().setProperty("hint", text)  # dropped once stale (issue 23)
