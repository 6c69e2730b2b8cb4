"""What showing a video reads, read beforehand on the save thread (issue 18).

Showing the video chosen in the list read eight things on the GUI thread (its assignments,
the coder's segments, ratings and status, every coder's segments and counts, whether a
template is to be copied, its attached files): about half of the 5-8 ms turn that shows it.
The window reads them here, behind the saves queued so far, and the session takes them into
its ``ReadMemo`` for the one event that shows the video, if this process wrote nothing to
the study since (``Study.writes``); otherwise the showing reads for itself, as before.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from eas_coder.errors import EasCoderError
from eas_coder.gui.coding.read_memo import TEMPLATE, work_reads
from eas_coder.model import Assignment, Attachment
from eas_coder.store.study import Study


@dataclass(frozen=True)
class PreparedVideo:
    """A video's reads for the person signed in, at write stamp ``stamp``."""

    video_id: int
    coder_id: int | None
    stamp: int
    assignments: list[Assignment]
    attachments: list[Attachment]
    values: dict[Hashable, Any] = field(default_factory=dict)  # keyed as the memo's


def prepare_video(study: Study, video_id: int, coder_id: int | None) -> PreparedVideo | None:
    """On the save thread: everything ``CodingSession.show_video`` and ``open_in_player``
    read; None when a read failed (the showing then reads, and reports, for itself)."""
    stamp = study.writes()
    try:
        values = work_reads(study, video_id, coder_id)
        if coder_id is not None:
            values[(TEMPLATE, video_id, coder_id)] = study.templates.to_copy(video_id, coder_id)
        return PreparedVideo(
            video_id,
            coder_id,
            stamp,
            study.assignments.of_video(video_id),
            study.attachments.of_video(video_id),
            values,
        )
    except EasCoderError:
        return None
