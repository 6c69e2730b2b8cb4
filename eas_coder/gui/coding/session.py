"""Who is coding which video, and every edit they make, as undoable saved commands.

The session is the window's one door to the study for coding: widgets ask it what to show
(blind coding applied) and tell it what the coder did; each edit's write is queued at once on
its save thread (``session_saves.py``), and what changed is announced when it is saved. A
coder codes only videos assigned to them: opening another one asks whether to take it, where
the study allows that (``unassigned.py``). The session owns its undo commands
(``undo_commands.py``, built for ratings by ``rating_edits.py``); they see it only through
the ``EditTarget`` protocol, so none of them imports this module.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from eas_coder.coding import missing_for_submit
from eas_coder.errors import StudyError
from eas_coder.gui.coding.edit_target import SavedSegment
from eas_coder.gui.coding.prepared_video import PreparedVideo, prepare_video
from eas_coder.gui.coding.rating_edits import item_step, note_step, score_step
from eas_coder.gui.coding.read_memo import TEMPLATE, ReadMemo
from eas_coder.gui.coding.session_drafts import SessionDrafts
from eas_coder.gui.coding.session_reads import SessionReads
from eas_coder.gui.coding.session_saves import SessionSaves
from eas_coder.gui.coding.unassigned import UnassignedVideo
from eas_coder.gui.coding.undo_commands import (
    AddSegmentCommand,
    DeleteSegmentsCommand,
    MergeSegmentsCommand,
    SplitSegmentCommand,
    UpdateSegmentCommand,
)
from eas_coder.model import Assignment, Coder, Segment, Video
from eas_coder.store.study import Study

ASSIGNMENTS_FRESH_S = 0.5


class CodingSession(QObject, SessionReads, SessionSaves, SessionDrafts):
    """The coder (or lab manager), the video on screen, and the undo stack of their edits."""

    changed = Signal(str, object)  # "segments" | "ratings" | "status" | "coder", focus id or None
    saved = Signal(str)  # what was saved, for the status bar
    failed = Signal(str)  # why a change was refused
    saveStateChanged = Signal(str, object, str)  # panel key, segment key, "saving…" / …
    saving = Signal(str)  # what is being saved, for the status bar

    def __init__(self, study: Study, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.study = study
        self.coder: Coder | None = None
        self.manager = False
        self.video: Video | None = None
        self.undo_stack = QUndoStack(self)
        self.reads = ReadMemo(study.writes)  # one event's reads, asked once
        self._ids: dict[int, int] = {}  # segment key -> current id
        self._init_saves()  # the save queue, and the rating versions shown and written
        self._assignments: dict[int, tuple[float, list[Assignment]]] = {}
        self.changed.connect(self._on_own_change)
        self.unassigned = UnassignedVideo(self, self)

    # -- who and what ---------------------------------------------------------------------

    def sign_in(self, coder: Coder | None, manager: bool) -> None:
        """Start coding as ``coder``, or as the lab manager (``coder`` None); the audit log
        names them from now on (passphrases are checked before, by the sign-in dialog)."""
        self.flush_saves()  # the last coder's saves go out under their name
        self.coder, self.manager = coder, manager
        self.study.coders.act_as(coder, manager)
        self.unassigned.dismiss()
        self.undo_stack.clear()
        self._forget_shown()
        self.reread_assignments()
        if self.video is not None and self.is_assigned() and not self.is_locked():
            self.apply_template()  # the video open at sign-in is opened for them, too
        self.changed.emit("coder", None)

    def who(self) -> str:
        """The title bar's name for the person at the keyboard."""
        if self.manager:
            return "Lab manager"
        return self.coder.name if self.coder else "nobody signed in"

    def prepare(self, video: Video, done: Callable[[PreparedVideo | None], None]) -> None:
        """Read what showing ``video`` reads on the save thread, behind the saves queued so
        far; ``done(prepared)`` follows on the GUI thread (None: the showing reads itself)."""
        if self.video is not None and self.video.id == video.id:
            return done(None)  # on screen already: nothing to read
        study, coder_id = self.study, self.coder.id if self.coder is not None else None
        read: list[PreparedVideo | None] = []
        self.read_behind_saves(
            lambda: read.append(prepare_video(study, video.id, coder_id)),
            lambda error: done(read[0] if read and not error and self.study is study else None),
        )

    def show_video(self, video: Video | None, prepared: PreparedVideo | None = None) -> None:
        """The video on screen; a coder gets their copy of its shared template. What
        ``prepare`` read for it is used if nothing was written since."""
        self.flush_saves()  # the last video's saves are done before it goes
        self.video = video
        self.reread_assignments()  # the video's assignments are read afresh, once
        self._take(prepared)
        self.undo_stack.clear()  # edits of another video are not undone from here
        self._ids.clear()
        self._forget_shown()
        self.unassigned.dismiss()
        if video is not None and self.coder is not None:
            if not self.is_assigned():
                self.unassigned.opened(video, self.coder)  # asks, or refuses (audited)
            elif not self.is_locked():
                self.apply_template()
        self.changed.emit("segments", None)

    def _take(self, prepared: PreparedVideo | None) -> None:
        coder_id = self.coder.id if self.coder is not None else None
        if (
            prepared is None
            or self.video is None
            or (prepared.video_id, prepared.coder_id) != (self.video.id, coder_id)
            or prepared.stamp != self.study.writes()
        ):
            return
        self._assignments = {prepared.video_id: (time.monotonic(), prepared.assignments)}
        self.reads.seed(prepared.values, prepared.stamp)

    def apply_template(self) -> None:
        """The coder's copy of the open video's shared episode template (once)."""
        if self.video is not None and self.coder is not None:
            video_id, coder_id, templates = self.video.id, self.coder.id, self.study.templates
            try:
                if self.reads.get((TEMPLATE, video_id, coder_id),
                                  lambda: templates.to_copy(video_id, coder_id)):  # fmt: skip
                    templates.apply(video_id, coder_id)  # (most often nothing to copy)
            except StudyError as exc:
                self.report_failure(str(exc))

    def is_assigned(self) -> bool:
        """True when the open video is assigned to the signed-in coder."""
        if self.video is None or self.coder is None:
            return False
        coder_id = self.coder.id
        return any(a.coder_id == coder_id for a in self.assignments_of(self.video.id))

    def assignments_of(self, video_id: int) -> list[Assignment]:
        """A video's assignments, read at most every ``ASSIGNMENTS_FRESH_S`` (each key press
        and each save done asks several times; live refresh shows others' changes anyway)."""
        now = time.monotonic()
        cached = self._assignments.get(video_id)
        if cached is None or now - cached[0] > ASSIGNMENTS_FRESH_S:
            cached = (now, self.study.assignments.of_video(video_id))
            self._assignments = {video_id: cached}
        return cached[1]

    def reread_assignments(self) -> None:
        """Read the assignments, and all else, afresh when next asked (e.g. changed at another
        workstation)."""
        self._assignments.clear()
        self.reads.forget()

    def _on_own_change(self, what: str, _focus: object) -> None:
        if what in ("status", "coder"):  # (a submit, an assignment, another coder)
            self._assignments.clear()

    def can_code(self) -> bool:
        """True when a coder (not the manager) has a video assigned to them open."""
        return self.coder is not None and self.video is not None and self.is_assigned()

    def require_coding(self) -> tuple[int, int]:
        """(video id, coder id) of the work being edited; StudyError if there is none."""
        if self.video is None or self.coder is None:
            raise StudyError("sign in as a coder and open a video to code it")
        return self.video.id, self.coder.id

    # -- edits (each one undoable and queued for saving at once) ------------------------------

    def set_score(self, dimension: str, score: float | None, segment_id: int | None) -> None:
        """Rate (or clear) one dimension of a segment or the whole session."""
        self._push(score_step(self, dimension, score, segment_id))

    def set_note(self, dimension: str, note: str, segment_id: int | None) -> None:
        """Write why a score was given (needs the score first)."""
        self._push(note_step(self, dimension, note, segment_id))

    def set_item(
        self, dimension: str, item: str, score: float | None, segment_id: int | None
    ) -> None:
        """Score (or clear) one item of a dimension (the dimension's score comes first)."""
        self._push(item_step(self, dimension, item, score, segment_id))

    def add_segment(self, start_ms: int, end_ms: int, episode: str | None = None) -> int | None:
        """Mark a segment; returns its key (scores typed for it before it is saved follow it)."""
        command = AddSegmentCommand(self, start_ms, end_ms, episode)
        return command.key if self._push(command) else None

    def update_segment(self, segment: Segment, **changes: object) -> None:
        """Change a segment's span, episode or note."""
        new = replace(segment, **changes)  # type: ignore[arg-type]
        if new != segment:
            self._push(UpdateSegmentCommand(self, segment, new, "Change segment"))

    def delete_segments(self, segment_ids: list[int]) -> None:
        """Delete segments (with their ratings)."""
        if segment_ids:
            self._push(DeleteSegmentsCommand(self, segment_ids))

    def split_segment(self, segment_id: int, at_ms: int) -> None:
        """Cut a segment at a time."""
        self._push(SplitSegmentCommand(self, segment_id, at_ms))

    def merge_segments(self, segment_ids: list[int]) -> None:
        """Join segments."""
        if len(segment_ids) >= 2:
            self._push(MergeSegmentsCommand(self, segment_ids))

    def missing(self) -> list[str]:
        """What must still be rated before the open video can be submitted."""
        return missing_for_submit(self.study.scheme, self.my_segments(), self.my_ratings())

    def submit(self) -> list[str]:
        """Submit the open video; returns what is missing instead when incomplete."""
        video_id, coder_id = self.require_coding()
        self.flush_saves()
        missing = self.missing()
        if missing:
            return missing
        self.study.assignments.submit(video_id, coder_id)
        self.undo_stack.clear()  # submitted work is locked: nothing left to undo
        self.report_saved("Submitted")
        self.changed.emit("status", None)
        return []

    def reopen(self, video_id: int, coder_id: int) -> None:
        """Lab manager: unlock a coder's submitted video."""
        if not self.manager:
            raise StudyError("only the lab manager can reopen a submitted video")
        self.study.assignments.reopen(video_id, coder_id)
        self.changed.emit("status", None)

    def assign(self, video_id: int, coder_id: int) -> None:
        """Lab manager: give a video to a coder."""
        if not self.manager:
            raise StudyError("only the lab manager assigns videos")
        if any(a.coder_id == coder_id for a in self.study.assignments.of_video(video_id)):
            return
        self.study.assignments.add(video_id, coder_id)
        self.changed.emit("status", None)

    # -- used by the commands -----------------------------------------------------------------

    def _push(self, command: QUndoCommand | None) -> bool:
        if command is None:  # nothing changed, or refused (and said why)
            return False
        if self.coder is None or self.video is None:
            self.report_failure("sign in as a coder to code")
            return False
        if not self.is_assigned():
            self.report_failure("this video is not assigned to you; the lab manager assigns videos")
            return False
        if self.is_locked():
            self.report_failure("this video is submitted; the lab manager can reopen it")
            return False
        self.undo_stack.push(command)
        return True

    def key_of(self, segment_id: int | None) -> int | None:
        """The stable key of a segment id (its first id)."""
        if segment_id is None:
            return None
        for key, current in tuple(self._ids.items()):  # (the save thread adds to it)
            if current == segment_id:
                return key
        return segment_id

    def resolve(self, key: int | None) -> int | None:
        """The current id of a segment key."""
        if key is None:
            return None
        found = self._ids.get(key, key)
        if found < 0:  # a new segment whose own save was refused
            raise StudyError("the new segment was not saved, so neither was this")
        return found

    def remember(self, key: int | None, segment_id: int) -> int:
        """Record that ``key`` now has ``segment_id`` (new key when None)."""
        key = segment_id if key is None else key
        self._ids[key] = segment_id
        return key

    def snapshot(self, segment_id: int) -> SavedSegment:
        """A segment and its ratings, to restore after deleting it."""
        segment = next(s for s in self.my_segments() if s.id == segment_id)
        ratings = tuple(r for r in self.my_ratings() if r.segment_id == segment_id)
        drafts = tuple(d for d in self.my_drafts() if d.segment_id == segment_id)
        return SavedSegment(self.key_of(segment_id) or segment_id, segment, ratings, drafts)

    def restore(self, saved: SavedSegment) -> None:
        """Bring back a deleted segment with its ratings (it gets a new id)."""
        s = saved.segment
        added = self.study.segments.add(
            s.video_id, s.coder_id, s.start_ms, s.end_ms, s.episode, s.note
        )
        self.remember(saved.key, added.id)
        for r in saved.ratings:
            self.study.ratings.set(
                r.video_id, r.coder_id, r.dimension, r.score, added.id, r.items, note=r.note
            )
        for d in saved.drafts:  # unfinished items of derived dimensions come back too
            self.study.item_drafts.save(
                d.video_id, d.coder_id, d.dimension, d.items, added.id, note=d.note
            )

    def report_saved(self, what: str) -> None:
        self.saved.emit(what)

    def report_failure(self, message: str) -> None:
        self.failed.emit(message)

    def scores_of(self, segment_id: int | None) -> tuple[dict[str, float], dict[str, str]]:
        """The coder's scores (item scores as "dimension/item") and notes of one target."""
        scores: dict[str, float] = {}
        notes: dict[str, str] = {}
        self.reading(True)
        versions = dict.fromkeys(self.study.scheme.keys, 0)  # 0: no rating shown
        stored = segment_id is None or not self.is_adding(segment_id)  # (a segment just
        for r in self.my_ratings() if stored else []:  # marked has nothing in the study yet)
            if r.segment_id == segment_id:
                scores[r.dimension], notes[r.dimension] = r.score, r.note
                scores.update({f"{r.dimension}/{k}": v for k, v in (r.items or {}).items()})
                versions[r.dimension] = r.version
        for key, version in versions.items():  # each learnt once (never a passing 0)
            self.saw(key, segment_id, version)
        if stored:
            self.add_drafts(segment_id, scores, notes)  # items of derived dimensions not complete
        self.reading(False)
        self.add_waiting(self.key_of(segment_id), scores, notes)  # queued, or not saved
        return scores, notes

    def session_means(self) -> Mapping[str, float]:
        """Per dimension, the mean of the coder's segment scores (the derived session score)."""
        sums: dict[str, list[float]] = {}
        for r in self.my_ratings():
            if r.segment_id is not None:
                sums.setdefault(r.dimension, []).append(r.score)
        return {k: sum(v) / len(v) for k, v in sums.items()}
