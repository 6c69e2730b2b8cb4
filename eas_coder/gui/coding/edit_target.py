"""What an undo command acts on: the narrow face of the coding session its edits see, and the
values an undo step keeps. The session satisfies ``EditTarget``; the commands never import it,
so the session can own its commands without an import cycle."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from PySide6.QtGui import QUndoCommand

from eas_coder.model import Rating, Segment
from eas_coder.store.item_drafts import ItemDraft, Versions
from eas_coder.store.study import Study


@dataclass(frozen=True)
class ScoreState:
    """A rating's value: score, note and item scores (None = no rating)."""

    score: float
    note: str = ""
    items: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ItemsState:
    """What a dimension derived from its items holds: the item scores typed (all of them:
    its rating; some: its draft) and its note."""

    items: Mapping[str, float] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class SavedSegment:
    """A segment, its ratings and its item drafts, enough to bring it back after deleting it."""

    key: int
    segment: Segment
    ratings: tuple[Rating, ...]
    drafts: tuple[ItemDraft, ...] = ()


@dataclass(frozen=True)
class Known:
    """A version (rating: int; derived items: (rating, draft)) and where it comes from."""

    value: Any
    tag: float  # queue position: n = written by save n; n + 0.5 = read after save n ended
    ours: bool = False  # written by this window


@dataclass(frozen=True)
class Unsaved:
    """What a person typed that could not be saved, with the version it was to replace."""

    video_id: int
    coder_id: int
    dimension: str
    segment_key: int | None
    state: ScoreState | ItemsState | None
    expected: Any


def state_of(rating: Rating) -> ScoreState:
    """What an undo step restores of a rating."""
    return ScoreState(rating.score, rating.note, dict(rating.items or {}))


class EditTarget(Protocol):
    """The coding session as its undo commands use it: the study to write, the segment keys
    that survive delete and restore, the rating versions this window knows, and where to
    report what happened."""

    study: Study

    def require_coding(self) -> tuple[int, int]:
        """(video id, coder id) of the work being edited; StudyError if there is none."""
        ...

    def key_of(self, segment_id: int | None) -> int | None:
        """The stable key of a segment id (its first id)."""
        ...

    def resolve(self, key: int | None) -> int | None:
        """The current id of a segment key."""
        ...

    def remember(self, key: int | None, segment_id: int) -> int:
        """Record that ``key`` now has ``segment_id`` (new key when None)."""
        ...

    def snapshot(self, segment_id: int) -> SavedSegment:
        """A segment and its ratings, to restore after deleting it."""
        ...

    def restore(self, saved: SavedSegment) -> None:
        """Bring back a deleted segment with its ratings (it gets a new id)."""
        ...

    def find_rating(self, dimension: str, segment_id: int | None) -> Rating | None:
        """The coder's rating of one dimension of one target."""
        ...

    def find_draft(self, dimension: str, segment_id: int | None) -> ItemDraft | None:
        """The coder's unfinished items of one derived dimension of one target."""
        ...

    def items_known(self, dimension: str, segment_id: int | None) -> Known:
        """(rating version, draft version) of a derived dimension as last shown or saved."""
        ...

    def saw_items(self, dimension: str, segment_id: int | None, versions: Versions) -> None:
        """Record the (rating, draft) versions of a derived dimension now on screen."""
        ...

    def known_version(self, dimension: str, segment_id: int | None) -> Known:
        """The version of the rating last shown or saved for this target (0: none)."""
        ...

    def expected_version(
        self, dimension: str, segment_id: int | None, seen: Known, kind: str = "rating"
    ) -> Any:
        """On the save thread: the version a save sends (this window's own later write, or
        ``seen``)."""
        ...

    def save(
        self,
        command: QUndoCommand,
        action: Callable[[], None],
        rows: tuple[str, int | None] | None,
        finished: Callable[[Exception | None], None],
        expect: tuple[str, int | None, Any] | None = None,
    ) -> None:
        """Queue a command's write on the save thread."""
        ...

    def drop_failed(self, command: QUndoCommand, undone: bool) -> None:
        """Take a command whose save was refused off the undo stack."""
        ...

    def new_segment_key(self) -> int:
        """A key for a segment being added."""
        ...

    def segment_added(self, key: int) -> None:
        """The segment of ``key`` is saved (or refused)."""
        ...

    def rating_state(self, dimension: str, segment_id: int | None) -> ScoreState | None:
        """A rating's value as it will be once the queued saves are done."""
        ...

    def pending_state(self, dimension: str, segment_key: int | None) -> tuple[bool, Any]:
        """(True, state) when a queued save will set this target's state."""
        ...

    def keep_unsaved(self, entry: Any) -> None:
        """Keep on screen a value that could not be saved."""
        ...

    def saved_now(self, video_id: int, coder_id: int, dim: str, key: int | None) -> None:
        """A value kept unsaved is saved now."""
        ...

    def wrote(self, dimension: str, segment_id: int | None, version: int) -> None:
        """Record the version a save (or undo) from this window produced (0: cleared)."""
        ...

    def touched(self, what: str, focus: int | None = None) -> None:
        """A command changed the study."""
        ...

    def report_failure(self, message: str) -> None:
        """Tell the coder why a change was refused."""
        ...
