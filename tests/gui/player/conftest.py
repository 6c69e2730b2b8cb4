"""Player fixtures: generated videos (made once per run), backends and a panel to drive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from eas_coder.gui.player.backend import PlaybackBackend
from eas_coder.gui.player.panel import PlayerPanel
from eas_coder.gui.player.qt_backend import QtBackend
from eas_coder.gui.player.thumbnail_loader import ThumbnailLoader
from eas_coder.gui.player.vlc_backend import VlcBackend, load_vlc
from eas_coder.gui.window.app import application
from tests.support import ffmpeg_video, need, shared_clip

# name -> how to make it: constant and variable rate, short and long keyframe spacing, audio
VIDEOS = {
    "cfr-short-gop": {"seconds": 4.0, "fps": "25", "gop": 10},
    "cfr-long-gop": {"seconds": 6.0, "fps": "30", "gop": 150},
    "vfr": {"seconds": 4.0, "fps": "25", "gop": 12, "variable_rate": True},
}


@pytest.fixture(scope="session")
def generated_videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The contract-test videos, written once per test run."""
    folder = tmp_path_factory.mktemp("player-videos")
    return {
        name: ffmpeg_video(folder / f"{name}.mp4", **options)  # type: ignore[arg-type]
        for name, options in VIDEOS.items()
    }


def opencv_frames(path: Path) -> tuple[list[np.ndarray], list[float]]:
    """Every frame as RGB and its timestamp (ms), decoded sequentially by OpenCV."""
    capture = cv2.VideoCapture(str(path))
    frames, times = [], []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
        times.append(float(capture.get(cv2.CAP_PROP_POS_MSEC)))
    capture.release()
    return frames, times


def make_backend(name: str) -> PlaybackBackend:
    """A real backend by name (VLC must be installed: CI installs it)."""
    if name == "vlc":
        module = load_vlc()
        need(module is not None, "libVLC (libvlc5, vlc-plugin-base) is not installed")
        return VlcBackend(module)
    return QtBackend()


@pytest.fixture(params=["vlc", "qt"])
def backend_name(request: pytest.FixtureRequest) -> str:
    """Each contract test runs once per backend."""
    return str(request.param)


@pytest.fixture
def panel(qtbot: QtBot, backend_name: str, tmp_path: Path) -> Iterator[PlayerPanel]:
    """A shown player panel on the given backend, with its own thumbnail cache."""
    application()
    widget = PlayerPanel(
        make_backend(backend_name), ThumbnailLoader(tmp_path / "thumbs"), parent=None
    )
    qtbot.addWidget(widget)
    widget.resize(640, 480)
    widget.show()
    yield widget
    widget.shutdown()


def open_and_wait(qtbot: QtBot, panel: PlayerPanel, path: Path) -> None:
    """Open a video and wait until its frame index is known and frame 0 shown."""
    with qtbot.waitSignal(panel.player.mediaOpened, timeout=15_000):
        panel.open_video(path)
    qtbot.waitUntil(lambda: not panel.surface.image().isNull(), timeout=5_000)


def shown_rgb(panel: PlayerPanel) -> np.ndarray:
    """The picture on the surface as an RGB array."""
    image = panel.surface.image().convertToFormat(panel.surface.image().Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    raw = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
    return raw.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def real_clip(name: str) -> Path:
    """A shared camera clip (odd frame rates, Matroska without frame count)."""
    return shared_clip(name)
