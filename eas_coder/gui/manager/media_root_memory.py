"""Where this computer keeps a study's media root (QSettings, under the study's uid), told
to the core when a study opens; light, so the window reads it at start without the Media
Root dialog (``media_root.py``), which loads when it first opens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from eas_coder import media_roots
from eas_coder.errors import EasCoderError
from eas_coder.store.study import Study

_KEY = "mediaRoot/"  # + the study's uid


def remembered_root(study: Study) -> Path | None:
    """The folder this computer remembers for the study's media root, or None."""
    uid = study.videos.study_uid()
    value = QSettings().value(_KEY + uid) if uid else None
    return Path(str(value)) if value else None


def apply_remembered_root(study: Study) -> bool:
    """Tell the core where this computer keeps the study's media root; True if it changed."""
    uid = study.videos.study_uid()
    if uid is None:
        return False
    root = remembered_root(study)
    before = media_roots.local_root(uid, environ={})
    media_roots.remember_local_root(uid, root)
    return before != root


def remember_root(study: Study, root: Path | None) -> None:
    """Keep ``root`` for the study on this computer (QSettings) and apply it now."""
    uid = study.videos.study_uid()
    if uid is None:
        raise EasCoderError("this study has no identity yet; open it once with this version")
    settings = QSettings()
    if root is None:
        settings.remove(_KEY + uid)
    else:
        settings.setValue(_KEY + uid, str(root))
    media_roots.remember_local_root(uid, root)
