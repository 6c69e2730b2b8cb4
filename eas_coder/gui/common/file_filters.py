"""File-dialog filters more than one room offers (a study file is opened from the File menu,
merged, or restored from a snapshot)."""

from __future__ import annotations

from eas_coder.location import STUDY_SUFFIX

STUDY_FILTER = f"EAS Coder studies (*{STUDY_SUFFIX});;All files (*)"
