"""The reads of a switch of videos, made once on the save thread after a sign-in.

SQLAlchemy compiles each kind of query the first time it runs (1-3 ms each) and keeps it
for the study's engine; the first switch of videos after a sign-in compiled five of them on
the GUI thread (~10 ms of its stall, issue 18). Run here on the open video first, they are
compiled while the coder looks at the screen. Read-only and in the save queue's order (so
they are done before the study closes); a failure only means the switch compiles them.
"""

from __future__ import annotations

from contextlib import suppress

from eas_coder.errors import EasCoderError
from eas_coder.store.study import Study


def switch_reads(study: Study, video_id: int, coder_id: int) -> None:
    """The queries a switch of videos makes (``session.show_video`` and what follows it)."""
    with suppress(EasCoderError):
        study.templates.to_copy(video_id, coder_id)
        study.has_work(video_id, coder_id)
        study.assignments.of_video(video_id)
        study.attachments.of_video(video_id)
        study.ratings.counts_by_coder(video_id)
        study.segments.all(video_id=video_id)
        study.segments.all(video_id=video_id, coder_id=coder_id)
        study.ratings.all(video_id=video_id, coder_id=coder_id)
        study.item_drafts.all(video_id=video_id, coder_id=coder_id)
        study.positions.get(video_id, coder_id)
