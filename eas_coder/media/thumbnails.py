"""Thumbnails for the timeline: keyframes only, coarse first, cached on disk per fingerprint.

Decoding a keyframe needs no other frame, so a thumbnail costs one seek and one intra-frame
decode. The whole-tape strip shows the keyframe nearest each slot: at 8-s keyframe spacing a
thumbnail may be up to 4 s from its slot, which is plenty to find one's way along a tape.
Zoomed in, where tiles are closer together than keyframes, each tile's own frame is decoded
(``tile_targets``, ``exact_thumbnails``) and kept on disk too (``TileCache``).
"""

from __future__ import annotations

import bisect
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np

from eas_coder.errors import VideoUnreadable
from eas_coder.media.exact_frames import ExactFrames
from eas_coder.media.frame_index import FrameIndex

THUMBNAIL_HEIGHT = 72
CACHE_VERSION = 1


@dataclass(frozen=True)
class Thumbnail:
    """One image for one slot of the strip."""

    slot: int
    time_ms: int  # the slot's time: where the strip draws it
    frame: int  # the keyframe shown
    image: np.ndarray  # RGB, THUMBNAIL_HEIGHT rows


def slot_times(duration_ms: int, count: int) -> list[int]:
    """The middle of each of ``count`` equal slots over the video."""
    return [round((slot + 0.5) * duration_ms / count) for slot in range(count)]


def slot_order(count: int, coarse: int) -> list[int]:
    """Slots in the order to make them: ``coarse`` spread over the tape first, then the rest."""
    step = max(1, count // max(1, coarse))
    first = list(range(step // 2, count, step))[:coarse]
    chosen = set(first)
    return first + [slot for slot in range(count) if slot not in chosen]


def thumbnail_size(index: FrameIndex, height: int = THUMBNAIL_HEIGHT) -> tuple[int, int]:
    """Width and height of a thumbnail keeping the picture's aspect (width even)."""
    width = max(2, round(index.width * height / max(1, index.height) / 2) * 2)
    return width, height


def make_thumbnails(
    path: str | os.PathLike[str],
    index: FrameIndex,
    count: int = 100,
    coarse: int = 10,
    height: int = THUMBNAIL_HEIGHT,
    stop: Callable[[], bool] = lambda: False,
) -> Iterator[Thumbnail]:
    """Yield a thumbnail per slot, the coarse ones first; stops early when ``stop()``."""
    width, height = thumbnail_size(index, height)
    times = slot_times(index.duration_ms, count)
    made: dict[int, np.ndarray] = {}
    try:
        container = av.open(str(path))
    except av.FFmpegError as exc:
        raise VideoUnreadable(str(path), f"cannot be decoded ({exc})") from None
    with container:
        stream = container.streams.video[0]
        stream.codec_context.skip_frame = "NONKEY"
        for slot in slot_order(count, coarse):
            if stop():
                return
            keyframe = _nearest_keyframe(index, index.index_at(times[slot]))
            image = made.get(keyframe)
            if image is None:
                image = _decode_keyframe(container, stream, index, keyframe, width, height)
                if image is None:
                    continue
                made[keyframe] = image
            yield Thumbnail(slot, times[slot], keyframe, image)


def _nearest_keyframe(index: FrameIndex, frame: int) -> int:
    before = index.keyframe_at_or_before(frame)
    later = [k for k in index.keyframes if k > frame][:1]
    if later and later[0] - frame < frame - before:
        return later[0]
    return before


def _decode_keyframe(
    container: av.container.InputContainer,
    stream: av.VideoStream,
    index: FrameIndex,
    keyframe: int,
    width: int,
    height: int,
) -> np.ndarray | None:
    container.seek(index.pts[keyframe], stream=stream, backward=True, any_frame=False)
    for packet in container.demux(stream):
        for frame in packet.decode():
            return frame.to_ndarray(width=width, height=height, format="rgb24")
    return None


class ThumbnailCache:
    """Finished thumbnail strips on disk, one file per video fingerprint and strip shape."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _file(self, fingerprint: str, count: int, height: int) -> Path:
        return self.root / f"{fingerprint}-{count}x{height}-v{CACHE_VERSION}.npz"

    def load(self, fingerprint: str, count: int, height: int) -> list[Thumbnail] | None:
        """The cached strip, or None when absent or unreadable (then it is made again)."""
        file = self._file(fingerprint, count, height)
        try:
            with np.load(file) as data:
                slots, times, frames = data["slots"], data["times"], data["frames"]
                images = data["images"]
            return [
                Thumbnail(int(s), int(t), int(f), images[i])
                for i, (s, t, f) in enumerate(zip(slots, times, frames, strict=True))
            ]
        # A truncated or damaged file: BadZipFile; an empty one: EOFError (neither is OSError).
        except (OSError, KeyError, ValueError, IndexError, EOFError, zipfile.BadZipFile):
            return None

    def save(self, fingerprint: str, count: int, height: int, thumbs: list[Thumbnail]) -> None:
        """Write a finished strip atomically (a crash leaves the old file or none)."""
        if not thumbs:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        target = self._file(fingerprint, count, height)
        handle, temporary = tempfile.mkstemp(dir=self.root, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                np.savez(
                    out,
                    slots=np.array([t.slot for t in thumbs]),
                    times=np.array([t.time_ms for t in thumbs]),
                    frames=np.array([t.frame for t in thumbs]),
                    images=np.stack([t.image for t in thumbs]),
                )
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


# -- zoomed in: each tile's own frame ----------------------------------------------------------


def tile_targets(
    index: FrameIndex, tile_frames: Sequence[int], tile_ms: float, strip_ms: float
) -> list[int]:
    """The frames to decode for tiles ``tile_ms`` wide, each named by the frame under its
    middle, where the whole-tape strip (a keyframe per ``strip_ms``) shows the wrong one.

    A tile narrower than the keyframe spacing around it gets its exact frame (decoded from
    the keyframe before it); a wider one that is narrower than the strip's spacing gets the
    keyframe nearest its middle, which lies under the tile and costs one intra-frame decode;
    wider tiles need nothing the strip does not have.
    """
    chosen: dict[int, None] = {}
    for frame in tile_frames:
        frame = index.clamp(frame)
        before = index.keyframe_at_or_before(frame)
        position = bisect.bisect_right(index.keyframes, frame)
        after = index.keyframes[position] if position < len(index.keyframes) else None
        end_ms = index.times_ms[after] if after is not None else float(index.duration_ms)
        if tile_ms < end_ms - index.times_ms[before]:
            chosen[frame] = None
        elif tile_ms < strip_ms:
            chosen[_nearest_keyframe(index, frame)] = None
    return list(chosen)


def exact_thumbnails(
    frames: ExactFrames,
    targets: Iterable[int],
    height: int = THUMBNAIL_HEIGHT,
    stop: Callable[[], bool] = lambda: False,
) -> Iterator[tuple[int, np.ndarray]]:
    """(frame, thumbnail) of each target, in file order so one decode run serves a GOP."""
    width, height = thumbnail_size(frames.index, height)
    for target in sorted(set(targets)):
        if stop():
            return
        rgb = frames.frame(target)
        yield target, cv2.resize(rgb, (width, height), interpolation=cv2.INTER_AREA)


class TileCache:
    """Decoded tiles on disk: a folder per video fingerprint and height, a file per frame."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _folder(self, fingerprint: str, height: int) -> Path:
        return self.root / f"{fingerprint}-tiles-{height}-v{CACHE_VERSION}"

    def load(self, fingerprint: str, height: int, frame: int) -> np.ndarray | None:
        """A kept tile, or None when absent or unreadable."""
        try:
            image = np.load(self._folder(fingerprint, height) / f"{frame}.npy")
        except (OSError, ValueError, EOFError):
            return None
        return image if image.ndim == 3 and image.shape[0] == height else None

    def save(self, fingerprint: str, height: int, frame: int, image: np.ndarray) -> None:
        """Keep a tile (atomically: a crash leaves no half file)."""
        folder = self._folder(fingerprint, height)
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                np.save(out, image)
            os.replace(temporary, folder / f"{frame}.npy")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
