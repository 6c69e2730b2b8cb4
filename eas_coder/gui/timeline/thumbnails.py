"""The thumbnail strip's images: scaled once on arrival, found by time, zoomed-in tiles
forgotten oldest first. The loader in ``player`` marks its zoomed-in tiles with TILE_MARK."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap

from eas_coder.gui.timeline.geometry import STRIP_H, LayerView
from eas_coder.gui.timeline.ruler import frame_index_at, nearest_index

MAX_TILES = 1000  # zoomed-in tiles kept (~14 kB each at 16:9)
TILE_MARK = "eas-tile"  # QImage text key of a zoomed-in tile (the loader sets it)


class Thumbnails:
    """Thumbnails scaled to the strip on arrival (painting never resamples), sorted by the time
    of the frame each shows. Zoomed-in tiles (images marked TILE_MARK) are forgotten oldest
    first beyond MAX_TILES, so a long session at frame zoom holds bounded memory."""

    def __init__(self) -> None:
        self.times: list[int] = []
        self.pixmaps: list[QPixmap] = []
        self._tiles: dict[int, None] = {}  # times of tiles, oldest first

    def clear(self) -> None:
        """Forget every thumbnail."""
        self.times, self.pixmaps, self._tiles = [], [], {}

    def add(self, time_ms: int, image: QImage, dpr: float) -> None:
        """Add the thumbnail for a time, replacing one already there."""
        if image.isNull():
            return
        scaled = image.scaledToHeight(
            max(1, round((STRIP_H - 4) * dpr)), Qt.TransformationMode.SmoothTransformation
        )
        pixmap = QPixmap.fromImage(scaled)
        pixmap.setDevicePixelRatio(dpr)
        i = bisect.bisect_left(self.times, time_ms)
        if i < len(self.times) and self.times[i] == time_ms:
            self.pixmaps[i] = pixmap
        else:
            self.times.insert(i, time_ms)
            self.pixmaps.insert(i, pixmap)
        if image.text(TILE_MARK):
            self._tiles.pop(time_ms, None)
            self._tiles[time_ms] = None
            if len(self._tiles) > MAX_TILES:
                self._remove(next(iter(self._tiles)))

    def _remove(self, time_ms: int) -> None:
        del self._tiles[time_ms]
        i = bisect.bisect_left(self.times, time_ms)
        if i < len(self.times) and self.times[i] == time_ms:
            del self.times[i], self.pixmaps[i]

    def slot_width(self) -> float:
        """The width of a tile of the strip: a thumbnail and a 1-px gap."""
        first = self.pixmaps[0]
        return max(8.0, first.width() / first.devicePixelRatio() + 1)


@dataclass(frozen=True)
class Tile:
    """One tile of the strip: where it is, the frame under its middle, what it shows."""

    x: float
    frame: int | None  # None without a frame index
    time_ms: float  # the start of that frame (else the tile's middle)
    shown: int  # index into Thumbnails.times / pixmaps

    def exact(self, thumbs: Thumbnails) -> bool:
        """True when the tile shows the frame under it."""
        return self.frame is not None and thumbs.times[self.shown] == round(self.time_ms)


def strip_tiles(view: LayerView, thumbs: Thumbnails) -> list[Tile]:
    """The strip's tiles, each with the thumbnail nearest the frame under its middle (its own
    frame once decoded): the strip is filled at every zoom with whatever has arrived."""
    if not thumbs.pixmaps or view.duration_ms <= 0:
        return []
    slot = thumbs.slot_width()
    tiles = []
    for n in range(math.ceil(view.width / slot)):
        x = n * slot
        middle = view.time_at(x + slot / 2)
        frame = None
        if view.frames:
            frame = frame_index_at(view.frames, middle)
            middle = view.frames[frame]
        tiles.append(Tile(x, frame, middle, nearest_index(thumbs.times, middle)))
    return tiles
