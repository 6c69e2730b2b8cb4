"""libVLC (the player's backend) is installed and demuxes a real file.

Frame-exact playback is tested with the player itself; this proves the system part is there
and usable from python-vlc.
"""

from __future__ import annotations

import ctypes.util
import time
from pathlib import Path

from tests.support import ffmpeg_video, need


def test_libvlc_reads_a_real_video(tmp_path: Path) -> None:
    need(ctypes.util.find_library("vlc") is not None, "libVLC (libvlc5) is not installed")
    import vlc

    assert vlc.libvlc_get_version().decode().startswith("3.")
    instance = vlc.Instance(["--no-audio", "--quiet", "--no-xlib"])
    assert instance is not None
    video = ffmpeg_video(tmp_path / "clip.mp4", seconds=2.0, fps="25")
    media = instance.media_new_path(str(video))
    status = media.parse_with_options(vlc.MediaParseFlag.local, 10_000)
    assert status == 0
    for _ in range(200):
        if media.get_parsed_status() == vlc.MediaParsedStatus.done:
            break
        time.sleep(0.05)
    assert media.get_parsed_status() == vlc.MediaParsedStatus.done
    assert abs(media.get_duration() - 2000) <= 80
    media.release()
    instance.release()
