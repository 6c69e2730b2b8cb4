"""Thumbnail strips made off the GUI thread: from the disk cache at once, else decoded.

The worker is a plain thread (decoding releases the GIL inside FFmpeg); it hands batches of
QImages to the GUI thread through a queued signal so the timeline repaints a few times, not
a hundred.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import platformdirs
from PySide6.QtCore import QObject, Signal

from eas_coder.gui.player.frame_server import to_qimage
from eas_coder.location import APP_NAME
from eas_coder.media.frame_index import FrameIndex
from eas_coder.media.probe import fingerprint
from eas_coder.media.thumbnails import (
    THUMBNAIL_HEIGHT,
    Thumbnail,
    ThumbnailCache,
    make_thumbnails,
)

STRIP_COUNT = 100
COARSE_COUNT = 10
_BATCH_SECONDS = 0.15


def default_cache_dir() -> Path:
    """$EAS_CODER_CACHE_DIR, else the user's cache folder."""
    override = os.environ.get("EAS_CODER_CACHE_DIR")
    base = Path(override) if override else platformdirs.user_cache_path(APP_NAME)
    return base / "thumbnails"


class ThumbnailLoader(QObject):
    """Makes the strip for the open video; a new video cancels the old job."""

    batchReady = Signal(int, list)  # generation, [(time_ms, QImage)]
    finished = Signal(int, bool)  # generation, True if it came from the disk cache

    def __init__(self, cache_dir: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache = ThumbnailCache(cache_dir or default_cache_dir())
        self._generation = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, path: Path, index: FrameIndex) -> int:
        """Begin making thumbnails for a video; returns the generation of its batches."""
        self.cancel()
        self._generation += 1
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run,
            args=(path, index, self._generation, self._stop),
            name="thumbnails",
            daemon=True,
        )
        self._thread.start()
        return self._generation

    def is_busy(self) -> bool:
        """True while a strip is being made."""
        return self._thread is not None and self._thread.is_alive()

    def cancel(self) -> None:
        """Stop the current job (its late batches are ignored by generation)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self, path: Path, index: FrameIndex, generation: int, stop: threading.Event) -> None:
        try:
            key = fingerprint(path)
        except OSError:
            return
        cached = self._cache.load(key, STRIP_COUNT, THUMBNAIL_HEIGHT)
        if cached is not None:
            self.batchReady.emit(generation, [(t.time_ms, to_qimage(t.image)) for t in cached])
            self.finished.emit(generation, True)
            return
        made: list[Thumbnail] = []
        batch: list[tuple[int, object]] = []
        last = time.monotonic()
        try:
            for thumb in make_thumbnails(path, index, STRIP_COUNT, COARSE_COUNT, stop=stop.is_set):
                made.append(thumb)
                batch.append((thumb.time_ms, to_qimage(thumb.image)))
                if len(made) == COARSE_COUNT or time.monotonic() - last > _BATCH_SECONDS:
                    self.batchReady.emit(generation, batch)
                    batch, last = [], time.monotonic()
        except Exception:  # thumbnails are a convenience: a bad file must not crash anything
            return
        if batch:
            self.batchReady.emit(generation, batch)
        if not stop.is_set():
            self._cache.save(key, STRIP_COUNT, THUMBNAIL_HEIGHT, made)
            self.finished.emit(generation, False)
