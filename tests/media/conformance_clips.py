"""Short clips in every accepted format, each frame carrying its own index in its pixels.

Every frame shows its index as a binary pattern: 8 × 2 blocks, bit b white when bit b of
the frame number is set (16 bits). Blocks are an eighth of the width and half the height of
the picture, so the pattern survives any codec's compression, interlacing and scaling; the
reader samples each block's centre. Frame numbers come from ffmpeg's ``N`` (the input frame
count), so a test knows which picture it was shown without trusting any timestamp.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

COLUMNS, ROWS = 8, 2
FPS = 25
# The pattern: bit (column + 8 × row) of the frame number, white or black.
_BIT = f"floor(X*{COLUMNS}/W)+{COLUMNS}*floor(Y*{ROWS}/H)"
_PATTERN = f"geq=lum='if(mod(floor(N/pow(2,{_BIT})),2),235,16)':cb=128:cr=128"


@dataclass(frozen=True)
class Clip:
    """One format of the conformance matrix: how ffmpeg writes it."""

    name: str  # shown in the table
    suffix: str
    codec: list[str]  # encoder options
    seconds: float = 4.0
    size: str = "192x64"
    gop: int = 12
    filters: list[str] = field(default_factory=list)  # after the pattern
    extra: list[str] = field(default_factory=list)  # muxer / output options
    pix_fmt: str = "yuv420p"
    remux: list[str] = field(default_factory=list)  # options of a second, copying pass


_X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-bf", "2"]
# ultrafast turns B-frames off; these keep them (and CABAC) on, still fast at this size.
_X264_B = ["-c:v", "libx264", "-preset", "veryfast", "-bf", "2"]
_VFR_CURVE = "setpts='if(lt(N,50),N/25,2+(N-50)*2/25)/TB'"

CLIPS: tuple[Clip, ...] = (
    Clip("H.264 MP4", ".mp4", _X264_B),
    Clip("H.264 MOV", ".mov", _X264_B),
    Clip("H.264 MKV", ".mkv", _X264_B),
    Clip("H.264 MPEG-TS .mts", ".mts", _X264_B),
    Clip("H.264 MPEG-TS .m2ts", ".m2ts", _X264_B, extra=["-mpegts_m2ts_mode", "1"]),
    # AVCHD camcorders: interlaced (MBAFF), open GOP, in a transport stream
    Clip(
        "H.264 interlaced open-GOP .mts",
        ".mts",
        [*_X264_B, "-x264-params", "interlaced=1:tff=1:open-gop=1"],
        size="192x128",
        gop=25,
    ),
    Clip("HEVC MP4", ".mp4", ["-c:v", "libx265", "-preset", "ultrafast", "-tag:v", "hvc1"]),
    Clip("HEVC MKV", ".mkv", ["-c:v", "libx265", "-preset", "ultrafast"]),
    # DVD / camcorder MPEG-2: program stream, interlaced, open GOPs with B-frames
    Clip(
        "MPEG-2 interlaced .mpg (PS)",
        ".mpg",
        ["-c:v", "mpeg2video", "-bf", "2", "-flags", "+ilme+ildct", "-top", "1", "-q:v", "4"],
        size="192x128",
        gop=15,
        filters=["setfield=tff"],
        extra=["-f", "vob"],
    ),
    Clip("MPEG-4 part 2 AVI", ".avi", ["-c:v", "mpeg4", "-bf", "2", "-q:v", "4"]),
    Clip("MJPEG AVI", ".avi", ["-c:v", "mjpeg", "-q:v", "4"], pix_fmt="yuvj420p"),
    Clip("VP9 WebM", ".webm", ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"]),
    Clip("WMV (wmv2)", ".wmv", ["-c:v", "wmv2", "-q:v", "4"]),
    Clip(
        "DV (PAL)",
        ".dv",
        ["-c:v", "dvvideo"],
        seconds=2.0,
        size="192x144",  # drawn small (geq is slow), scaled to DV's only picture size
        gop=1,
        filters=["scale=720:576:flags=neighbor"],
        extra=["-f", "dv"],
    ),
    Clip(
        "H.264 variable rate MKV",
        ".mkv",
        _X264_B,
        filters=[_VFR_CURVE],
        extra=["-fps_mode", "passthrough"],
    ),
    Clip("H.264 start at 2.5 s MP4", ".mp4", _X264_B, extra=["-output_ts_offset", "2.5"]),
    Clip("H.264 start at 2.5 s MKV", ".mkv", _X264_B, extra=["-output_ts_offset", "2.5"]),
    # ffmpeg 5 drops a rotation given while encoding; a copying pass keeps it
    Clip("H.264 rotated 90° MP4 (phone)", ".mp4", _X264_B, remux=["-metadata:s:v:0", "rotate=90"]),
)


def slug(clip: Clip) -> str:
    """A file name for a clip."""
    keep = "".join(c if c.isalnum() else "-" for c in clip.name.lower())
    return "-".join(part for part in keep.split("-") if part)


def write_clip(clip: Clip, folder: Path, ffmpeg: str = "ffmpeg") -> Path:
    """Encode a clip with ffmpeg into ``folder``; returns its path."""
    path = folder / f"{slug(clip)}{clip.suffix}"
    source = f"nullsrc=size={clip.size}:rate={FPS},{_PATTERN}"
    chain = ",".join([source, *clip.filters])
    command = [ffmpeg, "-v", "error", "-y", "-f", "lavfi", "-i", chain, "-t", str(clip.seconds)]
    command += [*clip.codec, "-pix_fmt", clip.pix_fmt]
    if clip.gop > 1:
        command += ["-g", str(clip.gop), "-keyint_min", str(clip.gop), "-sc_threshold", "0"]
    encoded = path.with_name(f"encoded-{path.name}") if clip.remux else path
    command += [*clip.extra, str(encoded)]
    subprocess.run(command, check=True, timeout=120, capture_output=True)
    if clip.remux:
        copy = [ffmpeg, "-v", "error", "-y", "-i", str(encoded), "-c", "copy", *clip.remux]
        subprocess.run([*copy, str(path)], check=True, timeout=120, capture_output=True)
        encoded.unlink()
    return path


def read_index(rgb: np.ndarray) -> int:
    """The frame number a picture carries (RGB or gray, any size).

    Pictures are read as stored: the player shows decoded frames unrotated (a rotation flag
    is metadata; the clip with one checks that it does not move the frame).
    """
    gray = rgb if rgb.ndim == 2 else rgb[..., :3].mean(axis=2)
    return _read(gray)


def _read(gray: np.ndarray) -> int:
    height, width = gray.shape
    value = 0
    for bit in range(COLUMNS * ROWS):
        column, row = bit % COLUMNS, bit // COLUMNS
        y0, y1 = row * height // ROWS, (row + 1) * height // ROWS
        x0, x1 = column * width // COLUMNS, (column + 1) * width // COLUMNS
        # The middle half of the block: away from edges ringing and chroma bleeding.
        dy, dx = (y1 - y0) // 4, (x1 - x0) // 4
        block = gray[y0 + dy : y1 - dy, x0 + dx : x1 - dx]
        if float(block.mean()) > 128:
            value |= 1 << bit
    return value


def clips_in(folder: Path, ffmpeg: str = "ffmpeg") -> dict[str, Path]:
    """Every clip of the matrix in ``folder``, written once (a test run's modules share it)."""
    folder.mkdir(parents=True, exist_ok=True)
    found = {}
    for clip in CLIPS:
        path = folder / f"{slug(clip)}{clip.suffix}"
        found[clip.name] = path if path.is_file() else write_clip(clip, folder, ffmpeg)
    return found


# An MP4 with its index at the front (as phones write it) whose last bytes are then lost:
# the index still lists every frame, the tail's frames cannot be decoded.
DAMAGED_TAIL = Clip("H.264 MP4, tail damaged", ".mp4", _X264_B, extra=["-movflags", "+faststart"])


def damaged_tail_clip(folder: Path, ffmpeg: str = "ffmpeg", share: float = 0.15) -> Path:
    """DAMAGED_TAIL written, then its last ``share`` of bytes overwritten with zeros."""
    folder.mkdir(parents=True, exist_ok=True)
    path = write_clip(DAMAGED_TAIL, folder, ffmpeg)
    data = bytearray(path.read_bytes())
    cut = int(len(data) * (1 - share))
    data[cut:] = bytes(len(data) - cut)
    path.write_bytes(bytes(data))
    return path


def last_decodable(path: Path) -> int:
    """The number carried by the last picture a straight decode puts out undamaged."""
    import av  # only the tests that damage a clip need it

    last = -1
    with av.open(str(path)) as container:
        try:
            for frame in container.decode(video=0):
                if not frame.is_corrupt:
                    last = read_index(frame.to_ndarray(format="rgb24"))
        except av.FFmpegError:
            pass  # a decoder giving up in the damaged tail ends the decodable frames
    return last
