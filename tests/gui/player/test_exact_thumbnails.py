"""Zoomed in to single frames, each tile of the thumbnail strip shows its own frame.

The clip's frames carry their index in their pixels and it has one keyframe in 250 frames:
before exact tiles, every tile showed the keyframe nearest it (frame 0 or 250). The strip is
read back from the painted widget, tile by tile, as a person sees it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from eas_coder.gui.player.panel import PlayerPanel
from eas_coder.gui.player.qt_backend import QtBackend
from eas_coder.gui.player.thumbnail_loader import ThumbnailLoader
from eas_coder.gui.timeline.geometry import RULER_H, STRIP_H
from eas_coder.gui.window.app import application
from eas_coder.media.frame_index import FrameIndex
from tests.media.conformance_clips import Clip, read_index, write_clip

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")

LONG_GOP = Clip(
    "long gop 250",
    ".mp4",
    ["-c:v", "libx264", "-preset", "veryfast", "-bf", "2"],
    seconds=12.0,
    gop=250,
)
WIDTH = 800
THUMB_H = STRIP_H - 4  # the strip scales thumbnails to this height


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_clip(LONG_GOP, tmp_path_factory.mktemp("long-gop"))


def _open(qtbot: QtBot, clip: Path, cache: Path) -> tuple[PlayerPanel, FrameIndex]:
    application()
    panel = PlayerPanel(QtBackend(), ThumbnailLoader(cache))
    qtbot.addWidget(panel)
    panel.resize(WIDTH, 400)
    panel.show()
    qtbot.waitExposed(panel)
    with qtbot.waitSignal(panel.thumbnails.finished, timeout=20_000):
        panel.open_video(clip)
    index = panel.player.frame_index
    assert index is not None
    return panel, index


def _tiles(panel: PlayerPanel, index: FrameIndex) -> list[tuple[int, int]]:
    """(frame under the tile's middle, frame its picture shows) for every whole tile."""
    timeline = panel.timeline
    image = timeline.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    dpr = image.devicePixelRatio()
    width, height = image.width(), image.height()
    pixels = np.frombuffer(image.constBits(), np.uint8).reshape(height, image.bytesPerLine())
    rgb = pixels[:, : width * 3].reshape(height, width, 3)
    thumb_w = round(THUMB_H * index.width / index.height)
    slot = thumb_w + 1
    top = RULER_H + 2
    found = []
    for n in range(int(timeline.width() // slot)):
        x = n * slot
        middle = timeline.ms_at(x + slot / 2)
        box = rgb[round(top * dpr) : round((top + THUMB_H) * dpr),
                  round(x * dpr) : round((x + thumb_w) * dpr)]  # fmt: skip
        found.append((index.index_at(middle), read_index(box)))
    return found


def _own_frames(panel: PlayerPanel, index: FrameIndex) -> bool:
    tiles = _tiles(panel, index)
    return bool(tiles) and all(wanted == shown for wanted, shown in tiles)


@pytest.mark.parametrize("at_ms", [4_000, 10_250])
def test_each_tile_shows_its_own_frame_at_frame_zoom(
    qtbot: QtBot, clip: Path, tmp_path: Path, at_ms: int
) -> None:
    panel, index = _open(qtbot, clip, tmp_path / "thumbs")
    try:
        assert index.keyframes[:2] == (0, 250)
        panel.timeline.set_visible_range(at_ms, at_ms + 1)  # clamped to the deepest zoom
        start, end = panel.timeline.visible_range()
        assert end - start < 1000  # a few frames per tile
        try:
            qtbot.waitUntil(lambda: _own_frames(panel, index), timeout=20_000)
        except qtbot.TimeoutError:
            pytest.fail(f"tiles (frame under it, frame shown): {_tiles(panel, index)}")
        shown = [frame for _wanted, frame in _tiles(panel, index)]
        assert len(set(shown)) == len(shown) >= 4  # no tile repeats another
    finally:
        panel.shutdown()


def test_exact_tiles_come_back_from_the_disk_cache(
    qtbot: QtBot, clip: Path, tmp_path: Path
) -> None:
    """A second window on the same video reads the zoomed tiles from the cache folder: their
    files are the very ones the first wrote (a decode would write new ones)."""
    cache = tmp_path / "thumbs"
    files: list[dict[str, int]] = []
    for _attempt in range(2):
        panel, index = _open(qtbot, clip, cache)
        try:
            panel.timeline.set_visible_range(6_000, 6_001)
            qtbot.waitUntil(lambda: _own_frames(panel, index), timeout=20_000)  # noqa: B023
            frames = {wanted for wanted, _shown in _tiles(panel, index)}
            kept = {p.stem: p for p in cache.rglob("*.npy")}
            assert frames <= {int(name) for name in kept}
            files.append({str(f): kept[str(f)].stat().st_ino for f in frames})
        finally:
            panel.shutdown()
    assert files[0] == files[1]


def test_opening_a_video_keeps_its_frame_index_for_exports(
    qtbot: QtBot, clip: Path, tmp_path: Path
) -> None:
    """Exports number segments' frames from this index without demuxing the file again."""
    from eas_coder.media.frame_cache import FrameIndexCache
    from eas_coder.media.probe import fingerprint

    cache = FrameIndexCache(tmp_path / "frame-index")
    application()
    panel = PlayerPanel(QtBackend(), ThumbnailLoader(tmp_path / "thumbs", frame_cache=cache))
    qtbot.addWidget(panel)
    try:
        with qtbot.waitSignal(panel.thumbnails.finished, timeout=20_000):
            panel.open_video(clip)
        assert cache.load(fingerprint(clip)) == panel.player.frame_index
    finally:
        panel.shutdown()
