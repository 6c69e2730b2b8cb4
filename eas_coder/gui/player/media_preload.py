"""The media libraries, loaded in the background once the window is on screen.

Start-up leaves PyAV, OpenCV, numpy and the media modules out (~0.3 s, issue 18). Loaded
instead by the first video's workers, the first switch of videos stalled the window: a slot
on the GUI thread that needs one of those modules waits on Python's import lock until the
worker's import is done (up to ~0.6 s measured at load). So they are loaded here, in one
thread, while the coder signs in; later imports find them ready. The thread keeps the GUI
thread's priority: importing holds the interpreter's lock, and a thread niced below the
window's waited for a CPU while holding it, the window with it.
"""

from __future__ import annotations

import contextlib
import importlib
import threading

from PySide6.QtCore import QTimer

# What the player's workers and slots import on a video's first open, heaviest first.
MODULES = (
    "numpy",
    "av",
    "cv2",
    "eas_coder.media.exact_frames",
    "eas_coder.media.frame_index",
    "eas_coder.media.frame_cache",
    "eas_coder.media.thumbnails",
    "eas_coder.media.waveform",
    "eas_coder.media.accuracy",
    "eas_coder.media.audio_level",
)
_AFTER_MS = 100  # after the window's first paint


def _load() -> None:
    for name in MODULES:
        with contextlib.suppress(Exception):  # a missing library is reported where it is used
            importlib.import_module(name)
    with contextlib.suppress(Exception):  # numpy loads the median's parts on its first call
        importlib.import_module("numpy").median([1.0, 2.0])


def preload_media_soon() -> threading.Thread:
    """Load the media libraries in a background thread shortly after the event loop starts;
    returns the (not yet started) thread."""
    global latest
    thread = latest = threading.Thread(target=_load, name="media-preload", daemon=True)
    QTimer.singleShot(_AFTER_MS, thread.start)
    return thread


def settled() -> bool:
    """True once the latest preload has run (benchmarks wait for it as a coder signs in)."""
    return latest is None or (latest.ident is not None and not latest.is_alive())


latest: threading.Thread | None = None
