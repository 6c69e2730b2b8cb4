"""Each video's frame index kept on disk by content fingerprint, and times → frame numbers.

Exports give every segment the frame numbers the coder saw. Demuxing every video on every
export would make a lab's export slow, so the index read when a video is first opened (or
first exported) is kept beside the thumbnail cache, one small file per fingerprint: the same
content always has the same frames, wherever the file lives.
"""

from __future__ import annotations

import bisect
import contextlib
import os
import tempfile
import zipfile
from fractions import Fraction
from pathlib import Path

import platformdirs

from eas_coder.errors import EasCoderError
from eas_coder.location import APP_NAME
from eas_coder.media.frame_index import FrameIndex, read_frame_index
from eas_coder.media.probe import fingerprint

# Bump when read_frame_index's output changes meaning, so stale indices are read afresh.
CACHE_VERSION = 2  # 2: keyframes' decode timestamps (MPEG seeks land on the first try)


def cache_base() -> Path:
    """$EAS_CODER_CACHE_DIR, else the user's cache folder (thumbnails, waveforms, frames)."""
    override = os.environ.get("EAS_CODER_CACHE_DIR")
    return Path(override) if override else platformdirs.user_cache_path(APP_NAME)


class FrameIndexCache:
    """Frame indices on disk, one ``.npz`` per video fingerprint (~16 bytes per frame)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else cache_base() / "frame-index"

    def _file(self, key: str) -> Path:
        return self.root / f"{key}-v{CACHE_VERSION}.npz"

    def has(self, key: str) -> bool:
        """True when an index for this fingerprint is on disk."""
        return self._file(key).is_file()

    def load(self, key: str) -> FrameIndex | None:
        """The index stored for a fingerprint, or None (absent or unreadable: read again)."""
        import numpy as np  # on first use: the window names this module at start-up

        try:
            with np.load(self._file(key)) as data:
                times, pts, keys = data["times"], data["pts"], data["keyframes"]
                key_dts = data["key_dts"]
                num, den, width, height = (int(v) for v in data["shape"])
        except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):
            return None
        if len(times) == 0 or len(times) != len(pts) or den <= 0:
            return None
        return FrameIndex(
            tuple(float(t) for t in times.tolist()),
            tuple(int(p) for p in pts.tolist()),
            tuple(int(k) for k in keys.tolist()),
            Fraction(num, den),
            width,
            height,
            tuple(int(d) for d in key_dts.tolist()),
        )

    def save(self, key: str, index: FrameIndex) -> None:
        """Store an index atomically (a crash leaves the old file or none)."""
        import numpy as np

        self.root.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.root, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(
                    out,
                    times=np.asarray(index.times_ms, dtype=np.float64),
                    pts=np.asarray(index.pts, dtype=np.int64),
                    keyframes=np.asarray(index.keyframes, dtype=np.int64),
                    key_dts=np.asarray(index.key_dts, dtype=np.int64),
                    shape=np.array(
                        [
                            index.time_base.numerator,
                            index.time_base.denominator,
                            index.width,
                            index.height,
                        ],
                        dtype=np.int64,
                    ),
                )
            os.replace(temporary, self._file(key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def remember(self, key: str, index: FrameIndex) -> None:
        """Store an index read elsewhere (the player's), unless it is already there."""
        if not self.has(key):
            # a read-only or full cache folder costs only a demux later
            with contextlib.suppress(OSError):
                self.save(key, index)

    def index_for(self, path: Path, expected: str | None = None) -> FrameIndex | None:
        """The frame index of the file at ``path``, from the cache or by demuxing it once.

        None when the file is missing or unreadable, or when its content is not the one
        ``expected`` (the fingerprint stored when it was added): frames of another recording
        would be wrong numbers, not missing ones. VideoUnreadable is not raised.
        """
        try:
            key = fingerprint(path)
        except (OSError, EasCoderError):  # missing, unreadable, or an open study file
            return None
        if expected and key != expected:
            return None
        found = self.load(key)
        if found is not None:
            return found
        try:
            index = read_frame_index(path)
        except Exception:  # VideoUnreadable, or a decoder failing on a damaged file
            return None
        self.remember(key, index)
        return index


def start_frame(index: FrameIndex, start_ms: int) -> int | None:
    """The frame on screen at a segment's start (the frame I was pressed on); None when the
    time is past the video's end."""
    if start_ms < 0 or start_ms >= index.duration_ms:
        return None
    return index.index_at(start_ms)


def last_frame(index: FrameIndex, start_ms: int, end_ms: int) -> int | None:
    """The last frame inside a segment: the last one that starts before its end.

    The coder's O stores the end as the start of the next frame (rounded to a whole ms), so
    frames starting within half a millisecond of the end are outside it; this gives back the
    frame O was pressed on. None when the segment starts past the video's end.
    """
    first = start_frame(index, start_ms)
    if first is None:
        return None
    before = bisect.bisect_left(index.times_ms, end_ms - 0.5) - 1
    return max(first, index.clamp(before))
