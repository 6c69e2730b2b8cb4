"""The open video's audio waveform, made off the GUI thread: from the disk cache, else decoded.

A plain thread, as for thumbnails: FFmpeg decodes with the GIL released, and our numpy work
runs on chunks of ~3 ms, so the GUI thread gets the GIL back well within a frame. The result
reaches the GUI thread through a queued signal tagged with the job's generation; results of
an older job are the receiver's to ignore.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from eas_coder.gui.common.job_thread import Job, loader_jobs
from eas_coder.gui.player.thumbnail_loader import default_cache_dir
from eas_coder.media.probe import fingerprint

if TYPE_CHECKING:  # PyAV and numpy load in the worker, with the first waveform
    from eas_coder.media.waveform import Waveform


def default_waveform_dir() -> Path:
    """The "waveforms" folder beside the thumbnail cache ($EAS_CODER_CACHE_DIR honoured)."""
    return default_cache_dir().parent / "waveforms"


class WaveformLoader(QObject):
    """Makes the waveform of one file at a time; a new file cancels the old job."""

    ready = Signal(int, object)  # generation, Waveform or None (no audio, or unreadable)
    progress = Signal(int, float)  # generation, fraction done (only while decoding)

    def __init__(self, cache_dir: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache_dir = cache_dir
        self._generation = 0
        self._stop = threading.Event()
        self._thread: Job | None = None  # the latest job
        self._jobs = loader_jobs(self, "waveform")

    def start(self, path: Path, offset_ms: float = 0) -> int:
        """Begin making the waveform of a video or audio file; returns the job's generation.

        ``offset_ms`` is for a separate audio recording, as attachments store it: added to
        the main video's time to get the file's time. The waveform arrives placed on the
        main video's clock.
        """
        self.cancel()
        self._generation += 1
        stop = self._stop = threading.Event()
        generation, file, offset = self._generation, Path(path), float(offset_ms)
        self._thread = self._jobs.submit(lambda: self._run(file, offset, generation, stop))
        return self._generation

    def generation(self) -> int:
        """The generation of the latest job."""
        return self._generation

    def is_busy(self) -> bool:
        """True while the latest job runs and has not been cancelled."""
        thread = self._thread
        return thread is not None and thread.is_alive() and not self._stop.is_set()

    def cancel(self) -> None:
        """Stop the current job without waiting: it ends at its next chunk (a few ms) and
        reports nothing. Joining here could stall the GUI while the job writes the cache."""
        self._stop.set()

    def wait(self, timeout_s: float = 5.0) -> bool:
        """Block until the latest job's thread ends, cancelled or not (tests); True if it did."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
            return not thread.is_alive()
        return True

    def _run(self, path: Path, offset_ms: float, generation: int, stop: threading.Event) -> None:
        from eas_coder.media.waveform import WaveformCache, compute_waveform

        cache = WaveformCache(self._cache_dir or default_waveform_dir())
        try:
            key = fingerprint(path)
        except OSError:
            self._report(generation, stop, None)
            return
        cached = cache.load(key)
        if cached is not None:
            self._report(generation, stop, cached.shifted(-offset_ms) if offset_ms else cached)
            return
        try:
            waveform = compute_waveform(
                path, stop=stop.is_set, progress=lambda done: self._progress(generation, stop, done)
            )
        except Exception:  # the waveform is a convenience: a bad file must not crash anything
            self._report(generation, stop, None)
            return
        if stop.is_set():
            return
        if waveform is not None:
            with contextlib.suppress(OSError):  # a read-only or full cache: show it anyway
                cache.save(key, waveform)
            if offset_ms:
                waveform = waveform.shifted(-offset_ms)
        self._report(generation, stop, waveform)

    def _progress(self, generation: int, stop: threading.Event, done: float) -> None:
        if not stop.is_set():
            self.progress.emit(generation, done)

    def _report(self, generation: int, stop: threading.Event, waveform: Waveform | None) -> None:
        if not stop.is_set():
            self.ready.emit(generation, waveform)
