"""Keep OpenCV's bundled FFmpeg quiet: its log lines would break our one-line errors.

OpenCV reads these variables when its FFmpeg backend first starts, so this runs before the
first capture; a user who sets them (to debug a file) keeps their own values.
"""

from __future__ import annotations

import os


def quiet_ffmpeg() -> None:
    """Silence FFmpeg's and OpenCV's own logging unless the user asked for it."""
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")  # AV_LOG_QUIET
    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
