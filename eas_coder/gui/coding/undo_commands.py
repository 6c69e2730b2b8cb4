"""Undoable edits of segments and ratings: each redo and undo is one saved transaction.

Commands name segments by a stable key (the id the segment first had). Deleting and
restoring a segment gives it a new database id; the session maps keys to current ids so
older commands on the stack still find their segment. Commands see the session only as an
``EditTarget`` (``edit_target.py``), so they never import it.
"""

from __future__ import annotations

import time
from dataclasses import replace

from PySide6.QtGui import QUndoCommand

from eas_coder.errors import EasCoderError
from eas_coder.gui.coding.edit_target import EditTarget, ScoreState
from eas_coder.model import Segment


class StudyCommand(QUndoCommand):
    """Runs ``_redo``/``_undo`` against the study; a failure reports and drops the command."""

    shows = "segments"  # what the window re-reads after a failure

    def __init__(self, session: EditTarget, text: str) -> None:
        super().__init__(text)
        self.session = session

    def redo(self) -> None:
        self._run(self._redo)

    def undo(self) -> None:
        self._run(self._undo)

    def _run(self, action: object) -> None:
        try:
            action()  # type: ignore[operator]
        except EasCoderError as exc:
            # Not saved (changed elsewhere, file locked, ...): show what is stored now, not
            # what was typed, so the screen never claims a score the study does not hold.
            self.setObsolete(True)
            self.session.touched(self.shows)
            self.session.report_failure(str(exc))
        else:
            self.session.report_saved(self.text())

    def _redo(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class RatingCommand(StudyCommand):
    """Set, change or clear one score (its note, or one item score) of one target.

    Typing ``5`` then ``.5`` within a moment saves twice but is one undo step.

    Every save sends the rating's version as this window last knew it (``seen`` on the first
    redo; later, the version this window's own last save of the rating produced, as several
    commands of one stack may edit one rating: a score, its items, its note), so a score
    changed elsewhere meanwhile is refused with StaleEdit instead of overwritten.
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
        seen: int = 0,
        part: str = "",
    ) -> None:
        super().__init__(session, text)
        self.video_id, self.coder_id = session.require_coding()
        self.dimension, self.segment_key = dimension, segment_key
        self.part = part  # "" for the score and note, the item's key for an item score
        self.old, self.new = old, new
        self.version = seen  # of the stored rating as this command last knew it (0: none)
        self.applied = False
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
        self.new, self.at, self.version = other.new, other.at, other.version
        self.setText(other.text())
        return True

    def _apply(self, state: ScoreState | None) -> None:
        segment_id = self.session.resolve(self.segment_key)
        study = self.session.study
        if self.applied:  # a later command may have saved this rating since
            self.version = self.session.written_version(self.dimension, segment_id, self.version)
        if state is None:
            found = self.session.find_rating(self.dimension, segment_id)
            if found is not None:  # (already cleared elsewhere: nothing to keep)
                study.ratings.clear(found.id, expected_version=self.version)
            self.version = 0
        else:
            saved = study.ratings.set(
                self.video_id, self.coder_id, self.dimension, state.score, segment_id,
                dict(state.items), note=state.note, expected_version=self.version,
            )  # fmt: skip
            self.version = saved.version
        self.applied = True
        self.session.wrote(self.dimension, segment_id, self.version)
        self.session.touched("ratings")

    def _redo(self) -> None:
        self._apply(self.new)

    def _undo(self) -> None:
        self._apply(self.old)


class AddSegmentCommand(StudyCommand):
    """Mark a new segment."""

    def __init__(
        self, session: EditTarget, start_ms: int, end_ms: int, episode: str | None
    ) -> None:
        super().__init__(session, "Add segment")
        self.video_id, self.coder_id = session.require_coding()
        self.span = (start_ms, end_ms, episode)
        self.key: int | None = None

    def _redo(self) -> None:
        start, end, episode = self.span
        added = self.session.study.segments.add(self.video_id, self.coder_id, start, end, episode)
        self.key = self.session.remember(self.key, added.id)
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
