"""What the main window says about the open study: its title, the status-bar summary and the
save state. Plain words from plain values, kept out of the window's wiring."""

from __future__ import annotations

from datetime import datetime

from eas_coder.store.network_share import share_warning
from eas_coder.store.study import Study

NOT_SAVED = "Not saved"


def window_title(study: Study, who: str) -> str:
    """The study, who is coding, the application."""
    return f"{study.info.name} — {who} — EAS Coder"


def study_summary(study: Study, videos: int, missing: int) -> str:
    """Where the study is, its scheme, how many videos and coders, how many files are missing;
    or, for a study on a network share, the warning about that instead."""
    share = share_warning(study.location.path) if study.location.path else ""
    if share:
        return share
    info = study.info
    return (
        f"{study.location.display()}  ·  scheme {info.scheme_id} v{info.scheme_version}  ·  "
        f"{videos} videos, {len(study.coders.all())} coders"
        + (f"  ·  {missing} video file(s) missing" if missing else "")
    )


def saved_text(what: str, at: datetime | None = None) -> str:
    """The save state after a change was written."""
    return f"Saved: {what} · {at or datetime.now():%H:%M:%S}"
