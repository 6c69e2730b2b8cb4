"""Recordings with something wrong, made with ffmpeg at test time: truncated, empty,
damaged at the end, silent, variable-rate, rotated, starting late."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support import need_tool


def _ffmpeg(*args: str) -> None:
    ffmpeg = need_tool("ffmpeg")
    subprocess.run([ffmpeg, "-v", "error", "-y", *args], check=True, timeout=120)


def intact_mp4(path: Path, seconds: float = 4.0, audio: str = "sine") -> Path:
    """640×480, every frame a keyframe, the index (moov) at the front as phones write it;
    ``audio``: "sine", "silent" (digital zero AAC) or "none"."""
    args = ["-f", "lavfi", "-i", f"testsrc2=size=640x480:rate=25:duration={seconds}"]
    if audio == "sine":
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    elif audio == "silent":
        args += ["-f", "lavfi", "-i", f"anullsrc=r=48000:cl=stereo:d={seconds}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "14", "-g", "1"]
    args += ["-pix_fmt", "yuv420p", "-movflags", "+faststart"]
    args += ["-c:a", "aac", "-shortest"] if audio != "none" else []
    _ffmpeg(*args, str(path))
    return path


def truncated_mp4(path: Path) -> Path:
    """The first 50 kB of an intact 4-s MP4: the header promises 100 frames."""
    whole = intact_mp4(path.with_name(f"whole-{path.name}"))
    path.write_bytes(whole.read_bytes()[:50_000])
    return path


def empty_file(path: Path) -> Path:
    """A zero-length file with a video's name."""
    path.write_bytes(b"")
    return path


def damaged_tail_mp4(path: Path, share: float = 0.2) -> Path:
    """An intact MP4 whose last ``share`` of bytes were overwritten with zeros (the index,
    at the front, still lists every frame)."""
    intact_mp4(path, seconds=2.0)
    data = bytearray(path.read_bytes())
    cut = int(len(data) * (1 - share))
    data[cut:] = bytes(len(data) - cut)
    path.write_bytes(bytes(data))
    return path


def small_video(path: Path, *extra: str, seconds: float = 2.0, audio: bool = True) -> Path:
    """A 160×120 H.264 clip; ``extra`` ffmpeg output options (e.g. a rotation tag)."""
    args = ["-f", "lavfi", "-i", f"testsrc2=size=160x120:rate=25:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", *extra]
    args += ["-c:a", "aac", "-shortest"] if audio else []
    _ffmpeg(*args, str(path))
    return path


def rotated_mp4(path: Path) -> Path:
    """A clip whose header asks players to turn it by 90° (as phones record portrait)."""
    plain = small_video(path.with_name(f"plain-{path.name}"))
    # this ffmpeg (5.1) writes the display matrix only when copying, not when encoding
    _ffmpeg("-i", str(plain), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(path))
    return path


def start_offset_mkv(path: Path, seconds: float = 2.0) -> Path:
    """A Matroska clip whose first frame is stamped 2 s."""
    return small_video(path, "-output_ts_offset", str(seconds))


def variable_rate_mkv(path: Path) -> Path:
    """A clip whose later frames last twice as long as the first 30."""
    curve = "if(lt(N,30),N/25/TB,(30+(N-30)*2)/25/TB)"
    return small_video(path, "-vf", f"setpts='{curve}'", "-fps_mode", "passthrough",
                       audio=False)  # fmt: skip
