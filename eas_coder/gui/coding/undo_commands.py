"""Undoable edits of segments and ratings: each redo and undo is one saved transaction,
queued on the session's save thread (``save_queue.py``) so a key press never waits for it.

Commands name segments by a stable key (the id the segment first had). Deleting and
restoring a segment gives it a new database id; the session maps keys to current ids so
older commands on the stack still find their segment. Commands see the session only as an
``EditTarget`` (``edit_target.py``), so they never import it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtGui import QUndoCommand

from eas_coder.errors import StaleEdit, StudyError
from eas_coder.gui.coding.edit_target import EditTarget, Known, ScoreState, Unsaved
from eas_coder.model import Segment


class StudyCommand(QUndoCommand):
    """Queues ``_redo``/``_undo`` (run on the save thread) against the study; a refused save
    is reported (by the session) and drops the command from the undo stack."""

    shows = "segments"  # what the window re-reads after a failure

    def __init__(self, session: EditTarget, text: str) -> None:
        super().__init__(text)
        self.session = session
        self.merged_into: StudyCommand | None = None  # the command this one was merged into

    def redo(self) -> None:
        if not self.isObsolete():  # (obsolete: refused; the stack is only dropping it)
            self._queue(self._redo, undone=False)

    def undo(self) -> None:
        if not self.isObsolete():
            self._queue(self._undo, undone=True)

    def _queue(self, action: Callable[[], None], undone: bool) -> None:
        self.session.save(self, action, None, lambda error: self._finished(error, undone))

    def _finished(self, error: Exception | None, undone: bool) -> None:
        """On the GUI thread once saved or refused. Refused (changed elsewhere, file locked,
        ...): the window shows what is stored now, and the command leaves the stack."""
        if error is not None:
            self.session.drop_failed(self, undone)
            self.session.touched(self.shows)

    def _redo(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class RatingCommand(StudyCommand):
    """Set, change or clear one score (its note, or one item score) of one target.

    Typing ``5`` then ``.5`` within a moment saves twice but is one undo step.

    Every save sends the rating's version as this window knew it when the save was queued
    (or the version a save of this window queued before it produced, as several commands of
    one stack may edit one rating: a score, its items, its note), so a score changed
    elsewhere meanwhile is refused with StaleEdit instead of overwritten. A save refused for
    another reason (file locked, disk full) keeps the value typed on screen, "not saved".
    """

    MERGE_ID = 1
    MERGE_SECONDS = 1.5
    shows = "ratings"

    def __init__(
        self,
        session: EditTarget,
        dimension: str,
        segment_key: int | None,
        old: ScoreState | None,
        new: ScoreState | None,
        text: str,
        part: str = "",
    ) -> None:
        super().__init__(session, text)
        self.video_id, self.coder_id = session.require_coding()
        self.dimension, self.segment_key = dimension, segment_key
        self.part = part  # "" for the score and note, the item's key for an item score
        self.old, self.new = old, new
        self.sent = 0  # the version the last save of this command sent
        self.at = time.monotonic()

    def id(self) -> int:
        return self.MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, RatingCommand) or other.isObsolete():
            return False
        same = (other.dimension, other.segment_key, other.part) == (
            self.dimension, self.segment_key, self.part,
        )  # fmt: skip
        if not same or other.at - self.at > self.MERGE_SECONDS:
            return False
        self.new, self.at = other.new, other.at
        other.merged_into = self
        self.setText(other.text())
        return True

    def _queue(self, action: Callable[[], None], undone: bool) -> None:
        state = self.old if undone else self.new
        seen = self._seen_now()  # captured now: what the person saw when typing
        rows = (f"{self.dimension}/{self.part}" if self.part else self.dimension, self.segment_key)
        self.session.save(
            self, lambda: self._apply(state, seen), rows,
            lambda error: self._finished_rating(error, undone, state),
            (self.dimension, self.segment_key, state),
        )  # fmt: skip

    def _seen_now(self) -> Known:
        try:
            segment_id = self.session.resolve(self.segment_key)
        except StudyError:  # a new segment not saved yet: it has no rating
            return Known(0, -1.0)
        return self.session.known_version(self.dimension, segment_id)

    def _finished_rating(
        self, error: Exception | None, undone: bool, state: ScoreState | None
    ) -> None:
        ids = (self.video_id, self.coder_id, self.dimension, self.segment_key)
        if error is None:
            self.session.saved_now(*ids)
        elif not isinstance(error, StaleEdit):  # theirs is news; a locked file is not
            self.session.keep_unsaved(Unsaved(*ids, state, self.sent))
        self._finished(error, undone)

    def _apply(self, state: ScoreState | None, seen: Known) -> None:
        """On the save thread."""
        segment_id = self.session.resolve(self.segment_key)
        study = self.session.study
        self.sent = self.session.expected_version(self.dimension, segment_id, seen)
        if state is None:
            found = self.session.find_rating(self.dimension, segment_id)
            if found is not None:  # (already cleared elsewhere: nothing to keep)
                study.ratings.clear(found.id, expected_version=self.sent)
            version = 0
        else:
            saved = study.ratings.set(
                self.video_id, self.coder_id, self.dimension, state.score, segment_id,
                dict(state.items), note=state.note, expected_version=self.sent,
            )  # fmt: skip
            version = saved.version
        self.session.wrote(self.dimension, segment_id, version)
        self.session.touched("ratings")


class AddSegmentCommand(StudyCommand):
    """Mark a new segment."""

    def __init__(
        self, session: EditTarget, start_ms: int, end_ms: int, episode: str | None
    ) -> None:
        super().__init__(session, "Add segment")
        self.video_id, self.coder_id = session.require_coding()
        self.span = (start_ms, end_ms, episode)
        self.key = session.new_segment_key()  # scores typed before it is saved follow it

    def _finished(self, error: Exception | None, undone: bool) -> None:
        self.session.segment_added(self.key)
        super()._finished(error, undone)

    def _redo(self) -> None:
        start, end, episode = self.span
        added = self.session.study.segments.add(self.video_id, self.coder_id, start, end, episode)
        self.session.remember(self.key, added.id)
        self.session.touched("segments", added.id)

    def _undo(self) -> None:
        self.session.study.segments.delete(self.session.resolve(self.key))  # type: ignore[arg-type]
        self.session.touched("segments")


class UpdateSegmentCommand(StudyCommand):
    """Change a segment's span, episode or note."""

    def __init__(self, session: EditTarget, old: Segment, new: Segment, text: str) -> None:
        super().__init__(session, text)
        self.key, self.old, self.new = session.key_of(old.id), old, new

    def _set(self, state: Segment) -> None:
        segment_id = self.session.resolve(self.key)
        assert segment_id is not None
        self.session.study.segments.update(
            segment_id, start_ms=state.start_ms, end_ms=state.end_ms, episode=state.episode,
            note=state.note,
        )  # fmt: skip
        self.session.touched("segments", segment_id)

    def _redo(self) -> None:
        self._set(self.new)

    def _undo(self) -> None:
        self._set(self.old)


class DeleteSegmentsCommand(StudyCommand):
    """Delete segments with their ratings; undo brings both back."""

    def __init__(self, session: EditTarget, segment_ids: list[int]) -> None:
        count = len(segment_ids)
        super().__init__(session, "Delete segment" if count == 1 else f"Delete {count} segments")
        self.saved = [session.snapshot(i) for i in segment_ids]

    def _redo(self) -> None:
        for saved in self.saved:
            segment_id = self.session.resolve(saved.key)
            assert segment_id is not None
            self.session.study.segments.delete(segment_id)
        self.session.touched("segments")

    def _undo(self) -> None:
        for saved in self.saved:
            self.session.restore(saved)
        self.session.touched("segments", self.session.resolve(self.saved[0].key))


class SplitSegmentCommand(StudyCommand):
    """Cut a segment at the playhead; undo joins the parts again."""

    def __init__(self, session: EditTarget, segment_id: int, at_ms: int) -> None:
        super().__init__(session, "Split segment")
        self.key, self.at_ms = session.key_of(segment_id), at_ms
        self.second_key: int | None = None

    def _redo(self) -> None:
        first = self.session.resolve(self.key)
        assert first is not None
        _, second = self.session.study.segments.split(first, self.at_ms)
        self.second_key = self.session.remember(self.second_key, second.id)
        self.session.touched("segments", second.id)

    def _undo(self) -> None:
        ids = [self.session.resolve(self.key), self.session.resolve(self.second_key)]
        self.session.study.segments.merge([i for i in ids if i is not None])
        self.session.touched("segments", ids[0])


class MergeSegmentsCommand(StudyCommand):
    """Join segments into the first; undo restores the others and the first's span."""

    def __init__(self, session: EditTarget, segment_ids: list[int]) -> None:
        super().__init__(session, f"Merge {len(segment_ids)} segments")
        saved = sorted(
            (session.snapshot(i) for i in segment_ids),
            key=lambda s: (s.segment.start_ms, s.segment.id),
        )
        self.keep, self.others = saved[0], saved[1:]

    def _redo(self) -> None:
        ids = [self.session.resolve(s.key) for s in (self.keep, *self.others)]
        merged = self.session.study.segments.merge([i for i in ids if i is not None])
        self.session.touched("segments", merged.id)

    def _undo(self) -> None:
        keep_id = self.session.resolve(self.keep.key)
        assert keep_id is not None
        old = replace(self.keep.segment, id=keep_id)
        self.session.study.segments.update(
            keep_id, start_ms=old.start_ms, end_ms=old.end_ms, episode=old.episode, note=old.note
        )
        for saved in self.others:
            self.session.restore(saved)
        self.session.touched("segments", keep_id)
