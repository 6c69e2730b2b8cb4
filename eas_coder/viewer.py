"""Who is looking at a study's data, and so whose work on each video they may see.

The rule is blind coding (``eas_coder.coding.visible_coders``): a coder sees their own work
on a video, and the other assigned coders' only once they themselves and every coder
assigned to it have submitted; a coder not assigned to a video sees nobody's work on it. The
lab manager sees everything. A ``Viewer`` applies that rule to whole lists of records, for
the doors other than the window (export, reliability, disagreements, the command line).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from eas_coder.coding import revealed_to, visible_coders
from eas_coder.model import Assignment, Coder, Rating, Segment

Record = TypeVar("Record", Segment, Rating)


class Viewer:
    """The person a study's data is shown to: the lab manager (everything) or one coder."""

    def __init__(self, coder: Coder | None = None, assignments: Iterable[Assignment] = ()) -> None:
        """``coder`` None is the lab manager; else that coder, blind by ``assignments``."""
        self.coder = coder
        self._by_video: dict[int, list[Assignment]] = {}
        for assignment in assignments:
            self._by_video.setdefault(assignment.video_id, []).append(assignment)
        self._visible: dict[int, set[int] | None] = {}

    @classmethod
    def everyone(cls) -> Viewer:
        """A viewer who sees everything (the lab manager, or a study without blinding)."""
        return cls()

    @property
    def manager(self) -> bool:
        """True for the lab manager, who sees every coder's work."""
        return self.coder is None

    def visible(self, video_id: int) -> set[int] | None:
        """Ids of the coders whose work on the video this viewer may see; None: everyone's."""
        if video_id not in self._visible:
            self._visible[video_id] = visible_coders(
                self._by_video.get(video_id, ()),
                video_id,
                None if self.coder is None else self.coder.id,
                self.manager,
            )
        return self._visible[video_id]

    def sees(self, video_id: int, coder_id: int) -> bool:
        """True if this viewer may see that coder's work on that video."""
        visible = self.visible(video_id)
        return visible is None or coder_id in visible

    def sees_all(self, video_id: int) -> bool:
        """True if this viewer may see every assigned coder's work on the video, and so what
        was agreed there (the lab manager; or a coder it was revealed to)."""
        if self.coder is None:
            return True
        return revealed_to(self._by_video.get(video_id, ()), video_id, self.coder.id)

    def only_visible(self, records: Sequence[Record]) -> list[Record]:
        """The segments or ratings (of any videos) this viewer may see."""
        if self.manager:
            return list(records)
        return [r for r in records if self.sees(r.video_id, r.coder_id)]

    def describe(self) -> str:
        """Whose view this is, in words (for an export's About sheet)."""
        if self.coder is None:
            return "lab manager: every coder's work"
        return (
            f"coder {self.coder.name}: own work, and other coders' work only on videos "
            f"assigned to {self.coder.name} that every assigned coder has submitted"
        )
