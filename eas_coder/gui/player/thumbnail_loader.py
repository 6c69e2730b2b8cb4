"""Thumbnail strips made off the GUI thread: from the disk cache at once, else decoded.

The workers are plain threads (decoding releases the GIL inside FFmpeg); they hand batches
of QImages to the GUI thread through a queued signal so the timeline repaints a few times,
not a hundred. One makes the whole-tape strip when a video opens; the other decodes the
frames under the timeline's tiles when it is zoomed in past the keyframes (the latest
request wins: scrolling on does not queue up work for tiles no longer shown).

Each thumbnail comes with the time of the frame it shows, so the timeline can tell a tile's
own frame from a neighbour's.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from eas_coder.gui.common.job_thread import Job, loader_jobs
from eas_coder.gui.player.frame_server import to_qimage
from eas_coder.gui.timeline.thumbnails import TILE_MARK  # a tile the timeline may forget
from eas_coder.media.probe import fingerprint

# The decoders and caches (PyAV, OpenCV, numpy) load with the first video, not while the
# window is built (see gui/player/media_preload.py).
if TYPE_CHECKING:
    import numpy as np

    from eas_coder.media.exact_frames import ExactFrames
    from eas_coder.media.frame_cache import FrameIndexCache
    from eas_coder.media.frame_index import FrameIndex
    from eas_coder.media.thumbnails import Thumbnail, ThumbnailCache, TileCache

STRIP_COUNT = 100
COARSE_COUNT = 10
_BATCH_SECONDS = 0.15
_TILE_BATCH_SECONDS = 0.1
_MAX_SENT = 800  # the timeline forgets old tiles (MAX_TILES): send them again after a while


def default_cache_dir() -> Path:
    """$EAS_CODER_CACHE_DIR, else the user's cache folder."""
    from eas_coder.media.frame_cache import cache_base

    return cache_base() / "thumbnails"


def tile_image(image: np.ndarray) -> QImage:
    """A decoded tile as a QImage marked as one (see TILE_MARK)."""
    qimage = to_qimage(image)
    qimage.setText(TILE_MARK, "1")
    return qimage


class ThumbnailLoader(QObject):
    """Makes the strip for the open video, and its zoomed-in tiles on request; a new video
    cancels the old jobs."""

    batchReady = Signal(int, list)  # generation, [(time_ms, QImage)]
    finished = Signal(int, bool)  # generation, True if it came from the disk cache

    def __init__(
        self,
        cache_dir: Path | None = None,
        parent: QObject | None = None,
        frame_cache: FrameIndexCache | None = None,
    ) -> None:
        super().__init__(parent)
        self._root = cache_dir
        self._caches: tuple[ThumbnailCache, TileCache, FrameIndexCache] | None = None
        # The frame index the player just read, kept for exports (segment frame numbers).
        self._given_frame_cache = frame_cache
        self._generation = 0
        self._stop = threading.Event()
        self._thread: Job | None = None  # the latest strip's job
        self._strip_jobs = loader_jobs(self, "thumbnails")
        self._tile_jobs = loader_jobs(self, "tiles")
        self._video: tuple[int, Path, FrameIndex] | None = None
        self._tile_wake = threading.Condition()
        self._tile_request: tuple[int, Path, FrameIndex, list[int]] | None = None
        self._tile_closing = threading.Event()  # the tile thread's, replaced per thread
        self._tile_thread: Job | None = None
        self.decoded_tiles = 0  # tiles decoded (not read from the disk cache), for tests

    def _made_caches(self) -> tuple[ThumbnailCache, TileCache, FrameIndexCache]:
        """The strip, tile and frame-index caches, made with the first video."""
        if self._caches is None:
            from eas_coder.media.frame_cache import FrameIndexCache
            from eas_coder.media.thumbnails import ThumbnailCache, TileCache

            root = self._root or default_cache_dir()
            frames = self._given_frame_cache or FrameIndexCache()
            self._caches = ThumbnailCache(root), TileCache(root), frames
        return self._caches

    def start(self, path: Path, index: FrameIndex) -> int:
        """Begin making thumbnails for a video; returns the generation of its batches."""
        self._made_caches()  # here, on the GUI thread: the workers only read it
        self.cancel()
        self._generation += 1
        stop = self._stop = threading.Event()
        generation = self._generation
        self._thread = self._strip_jobs.submit(lambda: self._run(path, index, generation, stop))
        self._video = (self._generation, path, index)
        return self._generation

    def request_frames(self, tile_frames: list[int], tile_ms: float) -> None:
        """The timeline's visible tiles (the frame under each middle) and their width in ms:
        decode what the whole-tape strip cannot show, replacing any earlier request."""
        video = self._video
        if video is None:
            return
        from eas_coder.media.thumbnails import tile_targets

        generation, path, index = video
        strip_ms = index.duration_ms / STRIP_COUNT
        targets = tile_targets(index, [int(f) for f in tile_frames], float(tile_ms), strip_ms)
        with self._tile_wake:
            self._tile_request = (generation, path, index, targets)
            self._tile_wake.notify()
        if targets and (self._tile_thread is None or not self._tile_thread.is_alive()):
            closing = self._tile_closing = threading.Event()
            self._tile_thread = self._tile_jobs.submit(lambda: self._run_tiles(closing))

    def is_busy(self) -> bool:
        """True while a strip is being made."""
        return self._thread is not None and self._thread.is_alive()

    def cancel(self) -> None:
        """Stop the current jobs without waiting: each ends after the thumbnail it is
        decoding (up to a keyframe interval's decode, ~0.1 s at 720p: joining here stalled
        the window on every switch of videos), and its late batches are ignored by
        generation; a cancelled strip is not saved."""
        self._stop.set()
        self._video = None
        self._thread = None
        with self._tile_wake:
            self._tile_closing.set()
            self._tile_request = None
            self._tile_wake.notify_all()
        self._tile_thread = None

    def wait(self, timeout_s: float = 5.0) -> bool:
        """Block until the strip's thread has ended (tests); True if it did."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
            return not thread.is_alive()
        return True

    def _run(self, path: Path, index: FrameIndex, generation: int, stop: threading.Event) -> None:
        from eas_coder.media.thumbnails import THUMBNAIL_HEIGHT, make_thumbnails

        strips, _tiles, frame_cache = self._made_caches()
        try:
            key = fingerprint(path)
        except OSError:
            return
        cached = strips.load(key, STRIP_COUNT, THUMBNAIL_HEIGHT)
        if cached is not None:
            kept = [(index.time_ms(t.frame), to_qimage(t.image)) for t in cached]
            self.batchReady.emit(generation, kept)
            frame_cache.remember(key, index)  # kept for exports' frame numbers
            self.finished.emit(generation, True)
            return
        made: list[Thumbnail] = []
        batch: list[tuple[int, object]] = []
        last = time.monotonic()
        try:
            for thumb in make_thumbnails(path, index, STRIP_COUNT, COARSE_COUNT, stop=stop.is_set):
                made.append(thumb)
                batch.append((index.time_ms(thumb.frame), to_qimage(thumb.image)))
                if len(made) == COARSE_COUNT or time.monotonic() - last > _BATCH_SECONDS:
                    self.batchReady.emit(generation, batch)
                    batch, last = [], time.monotonic()
        except Exception:  # thumbnails are a convenience: a bad file must not crash anything
            return
        if batch:
            self.batchReady.emit(generation, batch)
        # After the strip, which has a time budget: kept for exports' frame numbers.
        frame_cache.remember(key, index)
        if not stop.is_set():
            strips.save(key, STRIP_COUNT, THUMBNAIL_HEIGHT, made)
            self.finished.emit(generation, False)

    # -- zoomed-in tiles ----------------------------------------------------------------------

    def _superseded(self, closing: threading.Event) -> bool:
        return self._tile_request is not None or closing.is_set()

    def _run_tiles(self, closing: threading.Event) -> None:
        from eas_coder.media.exact_frames import ExactFrames
        from eas_coder.media.thumbnails import THUMBNAIL_HEIGHT, exact_thumbnails

        _strips, tiles, _frame_cache = self._made_caches()
        frames: ExactFrames | None = None
        current, key, sent = -1, "", set[int]()
        try:
            while True:
                with self._tile_wake:
                    while self._tile_request is None and not closing.is_set():
                        self._tile_wake.wait()
                    if closing.is_set():
                        return
                    assert self._tile_request is not None
                    generation, path, index, targets = self._tile_request
                    self._tile_request = None
                if generation != current or len(sent) > _MAX_SENT:
                    if frames is not None:
                        frames.close()
                        frames = None
                    current, sent = generation, set()
                    try:
                        key = fingerprint(path)
                    except OSError:
                        key = ""
                batch: list[tuple[int, QImage]] = []
                last = time.monotonic()
                for target in sorted(set(targets) - sent):
                    if self._superseded(closing):
                        break
                    sent.add(target)
                    image = tiles.load(key, THUMBNAIL_HEIGHT, target) if key else None
                    if image is None:
                        if frames is None:
                            frames = ExactFrames(path, index, behind=0, ahead=0, cache_bytes=1)
                        try:
                            _frame, image = next(exact_thumbnails(frames, [target]))
                        except Exception:  # one undecodable frame: leave its tile as it was
                            continue
                        self.decoded_tiles += 1
                        if key:
                            tiles.save(key, THUMBNAIL_HEIGHT, target, image)
                    batch.append((index.time_ms(target), tile_image(image)))
                    if time.monotonic() - last > _TILE_BATCH_SECONDS:
                        self.batchReady.emit(generation, batch)
                        batch, last = [], time.monotonic()
                if batch:
                    self.batchReady.emit(generation, batch)
        except Exception:  # tiles are a convenience: a bad file or a full disk must not crash
            return
        finally:
            if frames is not None:
                frames.close()
