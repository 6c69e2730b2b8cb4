"""The coding session's side of saving off the GUI thread (``save_queue.py``).

Each undo command's write runs on the session's save queue. Meanwhile the screen must stay
truthful: the values waiting to be saved are what the next edit compares with (a note typed
right after its score finds the score), each row says "saving…", "saved" or "not saved",
and a value that could not be saved stays on screen (``unsaved``) until it is saved or the
person chooses to drop it when the window closes.

Rating versions: a save sends the version of the rating the person last saw, so a score
changed elsewhere is refused, not overwritten. With saves queued, the version seen may be
older than this window's own queued saves of that rating: each known version carries a tag
(the queue position it stems from) and whether it is this window's own write; a job uses its
own window's newer write, never a newer version it read from elsewhere after it was typed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

import shiboken6
from PySide6.QtGui import QUndoCommand, QUndoStack

from eas_coder.errors import EasCoderError, StaleEdit
from eas_coder.gui.coding.edit_target import ItemsState, Known, ScoreState, Unsaved, state_of
from eas_coder.gui.coding.read_memo import ReadMemo, after_save_reads
from eas_coder.gui.coding.save_queue import SaveQueue
from eas_coder.model import Coder, Rating, Video
from eas_coder.store.study import Study

SAVING, SAVED, NOT_SAVED = "saving…", "saved", "not saved"
FIRST_NEW_KEY = -1_000_000  # keys of unsaved new segments count down from here (-1: session)


class SessionSaves:
    """Mixed into ``CodingSession`` (a QObject): the save queue and what it keeps on screen."""

    study: Study
    coder: Coder | None
    video: Video | None
    undo_stack: QUndoStack
    reads: ReadMemo
    _ids: dict[int, int]

    def _init_saves(self) -> None:
        self.saves = SaveQueue(self)  # type: ignore[arg-type]
        self._local = threading.local()  # on the save thread: the running job's effects
        self._known: dict[tuple[str, str, int | None], Known] = {}
        # this window's own last write of each rating: kept apart from what the screen read,
        # as a re-read must not hide from a queued save that an earlier one of ours wrote
        self._own: dict[tuple[str, str, int | None], Known] = {}
        self._known_lock = threading.Lock()
        self._read_tag: float | None = None  # set while the screen reads what it shows
        self._pending: dict[tuple[str, int | None], tuple[int, Any]] = {}  # (dim, key)
        self._unsaved: dict[tuple[int, int, str, int | None], Unsaved] = {}
        self._states: dict[tuple[str, int | None], str] = {}  # (panel key, segment key)
        self._adding: set[int] = set()  # keys of new segments not saved yet
        self._next_key = FIRST_NEW_KEY

    def _forget_shown(self) -> None:
        self._known.clear()
        self._own.clear()
        self._states.clear()

    # -- the queue --------------------------------------------------------------------------

    def save(
        self,
        command: QUndoCommand,
        action: Callable[[], None],
        rows: tuple[str, int | None] | None,
        finished: Callable[[Exception | None], None],
        expect: tuple[str, int | None, Any] | None = None,
    ) -> None:
        """Queue ``command``'s write ``action``; ``rows`` (panel key, segment key) shows
        "saving…" meanwhile; ``expect`` (dimension, segment key, state) is what the target
        will hold once saved. ``finished(error)`` follows on the GUI thread."""
        effects: list[tuple[str, int | None]] = []
        text = command.text()  # (a command merged into another is deleted before it is saved)
        owner = (self.video.id, self.coder.id) if self.video and self.coder else None
        fresh: list[tuple[dict[Hashable, Any], int]] = []  # what the update will show
        seq = self.saves.submit(
            lambda: self._work(action, effects, owner, fresh), lambda e: done(e)
        )
        if expect is not None:
            self._pending[(expect[0], expect[1])] = (seq, expect[2])
        if rows is not None:
            self._set_state(rows, SAVING)
        self.saving.emit(text)  # type: ignore[attr-defined]

        def done(error: Exception | None) -> None:
            if error is None and fresh:
                self.reads.seed(*fresh[0])  # the update below reads nothing itself
            for what, focus in effects:
                self.changed.emit(what, focus)  # type: ignore[attr-defined]
            self._drop_pending(seq)
            if rows is not None:
                self._set_state(rows, SAVED if error is None else NOT_SAVED)
            finished(error)
            if error is None:
                self.saved.emit(text)  # type: ignore[attr-defined]
            else:
                self.failed.emit(failure_text(error))  # type: ignore[attr-defined]

    def save_quietly(self, action: Callable[[], None]) -> None:
        """Queue a write nobody waits to see (the coder's place in a video), in order with
        the edits' saves; a failure is not shown (at worst the video reopens at its start)."""
        self.saves.submit(action, lambda _error: None)

    def read_behind_saves(
        self, read: Callable[[], None], done: Callable[[Exception | None], None]
    ) -> None:
        """Run ``read`` on the save thread, after the saves queued so far (a read too long
        for the GUI thread); ``done(error)`` follows on the GUI thread."""
        self.saves.submit(read, done)

    def _work(
        self,
        action: Callable[[], None],
        effects: list[tuple[str, int | None]],
        owner: tuple[int, int] | None,
        fresh: list[tuple[dict[Hashable, Any], int]],
    ) -> None:
        self._local.effects = effects
        try:
            action()
        finally:
            self._local.effects = None
        if effects and owner is not None:  # the screen will show the change: read it here
            fresh.append(after_save_reads(self.study, *owner))

    def touched(self, what: str, focus: int | None = None) -> None:
        """A command changed the study (shown once its save is done)."""
        effects = getattr(self._local, "effects", None)
        if effects is not None:
            effects.append((what, focus))
        else:
            self.changed.emit(what, focus)  # type: ignore[attr-defined]

    def flush_saves(self) -> bool:
        """Wait (the window responsive) until every queued save is done."""
        return self.saves.flush()

    def after_saves(self, then: Callable[[], None]) -> None:
        """Call ``then`` once every save queued so far is done (at once if none is queued),
        without a nested event loop (e.g. before asking to submit)."""
        if not self.saves.pending():
            then()
            return

        def once() -> None:
            self.saves.idle.disconnect(once)
            then()

        self.saves.idle.connect(once)

    def drop_failed(self, command: QUndoCommand, undone: bool) -> None:
        """A command whose save was refused leaves the undo stack (it changed nothing)."""
        if getattr(command, "merged_into", None) is not None or not shiboken6.isValid(command):
            return  # merged: its earlier part was saved and stays undoable
        command.setObsolete(True)
        stack = self.undo_stack
        index = stack.index()
        if not undone and index > 0 and stack.command(index - 1) is command:
            stack.undo()  # the command skips its obsolete undo; the stack deletes it
        elif undone and index < stack.count() and stack.command(index) is command:
            stack.redo()

    # -- versions ---------------------------------------------------------------------------

    def _tag(self, ours: bool) -> float:
        if ours:
            return float(self.saves.completed() + 1)  # the running job's number
        return self.saves.completed() + 0.5

    def _learn(self, key: tuple[str, str, int | None], known: Known) -> None:
        with self._known_lock:
            old = self._known.get(key)
            if old is None or known.tag >= old.tag:
                self._known[key] = known
            if known.ours:
                self._own[key] = known

    def reading(self, started: bool) -> None:
        """The screen starts (True) or ends reading what it shows: versions it sees are
        tagged with the queue position before the read began."""
        self._read_tag = self._tag(False) if started else None

    def _seen_tag(self, ours: bool) -> float:
        if not ours and self._read_tag is not None:
            return self._read_tag
        return self._tag(ours)

    def on_save_thread(self) -> bool:
        return getattr(self._local, "effects", None) is not None

    def find_rating(self, dimension: str, segment_id: int | None) -> Rating | None:
        raise NotImplementedError  # the session's

    def known_version(self, dimension: str, segment_id: int | None) -> Known:
        """The version of a rating as last shown or saved here (read if never shown)."""
        known = self._known.get(("rating", dimension, segment_id))
        if known is None:
            found = self.find_rating(dimension, segment_id)
            known = Known(0 if found is None else found.version, self._tag(False))
        return known

    def expected_version(
        self, dimension: str, segment_id: int | None, seen: Known, kind: str = "rating"
    ) -> Any:
        """On the save thread: the version to send — this window's own later write if any
        since ``seen`` was captured, else ``seen`` (``kind`` "items": derived items')."""
        own = self._own.get((kind, dimension, segment_id))
        return own.value if own is not None and own.tag > seen.tag else seen.value

    def seen_version(self, dimension: str, segment_id: int | None) -> int:
        """The version of the rating last shown for this target (0: none)."""
        return int(self.known_version(dimension, segment_id).value)

    def saw(self, dimension: str, segment_id: int | None, version: int) -> None:
        """Record the version of a rating now on screen (0: no rating)."""
        ours = self.on_save_thread()
        self._learn(("rating", dimension, segment_id), Known(version, self._seen_tag(ours), ours))

    def wrote(self, dimension: str, segment_id: int | None, version: int) -> None:
        """Record the version a save (or undo) from this window produced (0: cleared)."""
        self.saw(dimension, segment_id, version)

    def known_items(self, dimension: str, segment_id: int | None) -> Known | None:
        return self._known.get(("items", dimension, segment_id))

    def saw_items(self, dimension: str, segment_id: int | None, versions: Any) -> None:
        """Record the (rating, draft) versions of a derived dimension now on screen."""
        ours = self.on_save_thread()
        self._learn(("items", dimension, segment_id), Known(versions, self._seen_tag(ours), ours))

    # -- what waits to be saved, and what could not be ----------------------------------------

    def new_segment_key(self) -> int:
        """A key for a segment being added (negative: no database id yet)."""
        self._next_key -= 1
        self._adding.add(self._next_key)
        return self._next_key

    def segment_added(self, key: int) -> None:
        self._adding.discard(key)

    def is_adding(self, key: int | None) -> bool:
        """True while the segment of ``key`` waits to be saved."""
        return key in self._adding

    def _drop_pending(self, seq: int) -> None:
        """Job ``seq`` is done: a target whose last queued save it was is read again."""
        for key, (queued, _) in list(self._pending.items()):
            if queued == seq:
                del self._pending[key]

    def pending_state(self, dimension: str, segment_key: int | None) -> tuple[bool, Any]:
        """(True, state) when a queued save will set this target's state."""
        found = self._pending.get((dimension, segment_key))
        return (False, None) if found is None else (True, found[1])

    def rating_state(self, dimension: str, segment_id: int | None) -> ScoreState | None:
        """A rating's value as it will be once the queued saves are done."""
        waiting, state = self.pending_state(dimension, self.key_of(segment_id))
        if waiting:
            return state if isinstance(state, ScoreState) or state is None else None
        found = self.find_rating(dimension, segment_id)
        return None if found is None else state_of(found)

    def key_of(self, segment_id: int | None) -> int | None:
        raise NotImplementedError  # the session's

    def keep_unsaved(self, entry: Unsaved) -> None:
        key = (entry.video_id, entry.coder_id, entry.dimension, entry.segment_key)
        self._unsaved[key] = entry

    def saved_now(self, video_id: int, coder_id: int, dim: str, key: int | None) -> None:
        self._unsaved.pop((video_id, coder_id, dim, key), None)

    def add_waiting(
        self, segment_key: int | None, scores: dict[str, float], notes: dict[str, str]
    ) -> None:
        """Show over what is stored: values that could not be saved, then queued ones."""
        states: dict[str, Any] = {u.dimension: u.state for u in self.unsaved_here(segment_key)}
        for (dimension, key), (_, state) in list(self._pending.items()):
            if key == segment_key:
                states[dimension] = state
        for dimension, state in states.items():
            for key in [k for k in scores if k.split("/")[0] == dimension]:
                del scores[key]
            notes[dimension] = "" if state is None else state.note
            if state is None:
                continue
            if isinstance(state, ScoreState):
                scores[dimension] = state.score
            scores.update({f"{dimension}/{k}": v for k, v in state.items.items()})

    def retry_unsaved(self) -> None:
        """Queue again every value that could not be saved (asked when the window closes)."""
        entries, self._unsaved = self.unsaved(), {}
        for entry in entries:
            self.saves.submit(
                lambda e=entry: self._resave(e), lambda error, e=entry: self._resaved(e, error)
            )

    def _resaved(self, entry: Unsaved, error: Exception | None) -> None:
        if error is None:
            self.changed.emit("ratings", None)  # type: ignore[attr-defined]
            return
        self.keep_unsaved(entry)  # still not saved: kept, and said why
        self.failed.emit(failure_text(error))  # type: ignore[attr-defined]

    def drop_unsaved(self) -> None:
        """Forget the values that could not be saved (only when the person chose to)."""
        self._unsaved.clear()

    def _resave(self, entry: Unsaved) -> None:
        state, ids = entry.state, (entry.video_id, entry.coder_id, entry.dimension)
        segment_id = self._ids.get(entry.segment_key, entry.segment_key)  # type: ignore[arg-type]
        if isinstance(state, ItemsState):
            self.study.item_drafts.save(
                *ids, dict(state.items), segment_id, note=state.note, expected=entry.expected
            )
        elif isinstance(state, ScoreState):
            self.study.ratings.set(
                *ids, state.score, segment_id, dict(state.items), note=state.note,
                expected_version=entry.expected,
            )  # fmt: skip

    def unsaved(self) -> list[Unsaved]:
        """What was typed and could not be saved (kept on screen, asked about at close)."""
        return list(self._unsaved.values())

    def unsaved_here(self, segment_key: int | None) -> list[Unsaved]:
        """The unsaved values of one target of the open video."""
        if self.video is None or self.coder is None:
            return []
        here = (self.video.id, self.coder.id)
        return [
            u
            for u in self._unsaved.values()
            if (u.video_id, u.coder_id, u.segment_key) == (*here, segment_key)
        ]

    # -- row states -------------------------------------------------------------------------

    def _set_state(self, rows: tuple[str, int | None], state: str) -> None:
        self._states[rows] = state
        self.saveStateChanged.emit(rows[0], rows[1], state)

    def save_states(self, segment_key: int | None) -> dict[str, str]:
        """Panel key -> "saving…" / "saved" / "not saved" of one target."""
        return {k: s for (k, seg), s in self._states.items() if seg == segment_key}


def failure_text(error: Exception) -> str:
    """The status bar's words for a save that did not happen."""
    if isinstance(error, EasCoderError):
        return str(error)
    return f"not saved: {error}"


def is_stale(error: Exception) -> bool:
    """Refused because someone else changed it meanwhile (the screen shows theirs)."""
    return isinstance(error, StaleEdit)
