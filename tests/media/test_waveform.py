"""Audio waveforms: where a sound lands, mixing, zoom levels, stopping and the on-disk cache.

Files are made with ffmpeg: silence with one loud 440-Hz burst from 1.5 s to 1.6 s (the
sine starts at zero there and reaches half its height within 0.2 ms), so the first bin above
half the peak must be the 1500-ms bin on the video's clock.
"""

from __future__ import annotations

import itertools
import subprocess
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eas_coder.errors import VideoUnreadable
from eas_coder.media.waveform import (
    LEVEL_FACTOR,
    Waveform,
    WaveformCache,
    compute_waveform,
)
from tests.support import need_tool

BURST_MS = 1500
BURST = "if(between(t,1.5,1.6),sin(2*PI*440*t),0)"


def make_media(
    path: Path,
    audio: str | None = BURST,
    video: bool = True,
    seconds: float = 3.0,
    rate: int = 48000,
    codec: str = "aac",
    extra: tuple[str, ...] = (),
) -> Path:
    """A short file: testsrc2 video (optional) and an aevalsrc audio expression (optional)."""
    ffmpeg = need_tool("ffmpeg")
    command = [ffmpeg, "-v", "error", "-y"]
    if video:
        command += ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=30"]
    if audio is not None:
        command += ["-f", "lavfi", "-i", f"aevalsrc='{audio}':s={rate}"]
    command += ["-t", str(seconds)]
    if video:
        command += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if audio is not None:
        command += ["-c:a", codec, *extra]
    subprocess.run([*command, str(path)], check=True, timeout=120)
    return path


def first_loud_ms(waveform: Waveform) -> float:
    """Where the first bin above half the peak starts, on the video's clock."""
    _mins, maxs = waveform.levels[0]
    return int(np.argmax(maxs > 0.5 * waveform.peak)) + waveform.start_offset_ms


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("waveform")


@pytest.fixture(scope="session")
def burst_mp4(media: Path) -> Path:
    return make_media(media / "burst.mp4")


def test_burst_lands_on_its_millisecond_in_an_mp4(burst_mp4: Path) -> None:
    waveform = compute_waveform(burst_mp4)
    assert waveform is not None
    assert abs(first_loud_ms(waveform) - BURST_MS) <= 1
    assert waveform.sample_rate == 48000
    assert 0.9 < waveform.peak < 1.1  # full scale
    assert not waveform.silent
    assert 2900 <= waveform.duration_ms <= 3100
    mins, maxs = waveform.levels[0]
    assert np.all(mins <= maxs)
    quiet = maxs[: BURST_MS - 30]
    assert float(np.abs(quiet).max()) < 0.01  # silence before (AAC pre-echo is tiny)


def test_matroska_priming_samples_are_placed_before_the_first_frame(media: Path) -> None:
    """MKV keeps AAC's 1024 priming samples: the audio starts ~21 ms before the video."""
    waveform = compute_waveform(make_media(media / "burst.mkv"))
    assert waveform is not None
    assert -25 < waveform.start_offset_ms < -15
    assert abs(first_loud_ms(waveform) - BURST_MS) <= 1


@pytest.mark.parametrize(
    ("suffix", "codec", "rate", "audio"),
    [
        ("wav", "pcm_s16le", 44100, f"{BURST}|{BURST}"),  # packed s16, 44.1 bins of 44/45
        ("wav", "pcm_u8", 22050, BURST),  # unsigned 8-bit
        ("flac", "flac", 32000, BURST),
        ("m4a", "aac", 48000, f"{BURST}|{BURST}"),  # planar float stereo
    ],
)
def test_audio_files_of_any_sample_format(
    media: Path, suffix: str, codec: str, rate: int, audio: str
) -> None:
    path = make_media(
        media / f"{codec}-{rate}.{suffix}", audio, video=False, rate=rate, codec=codec
    )
    waveform = compute_waveform(path)
    assert waveform is not None
    assert waveform.start_offset_ms == 0.0
    assert waveform.sample_rate == rate
    assert abs(first_loud_ms(waveform) - BURST_MS) <= 1
    assert 0.9 < waveform.peak < 1.1
    assert abs(waveform.duration_ms - 3000) <= 25


def test_channels_are_mixed_to_mono(media: Path) -> None:
    path = make_media(media / "left.wav", f"{BURST}|0", video=False, codec="pcm_s16le")
    waveform = compute_waveform(path)
    assert waveform is not None
    assert 0.45 < waveform.peak < 0.55


def test_a_gap_in_the_timestamps_keeps_later_sounds_in_place(media: Path) -> None:
    """Half a second of audio lost at 1 s: the burst (1.5 s of audio) plays at 2.0 s, and the
    file (cut at 3 s of its timestamps) still lasts 3 s."""
    gap = ("-af", "asetpts='if(gte(T,1),PTS+0.5/TB,PTS)'")
    path = make_media(media / "gap.mkv", video=False, codec="pcm_s16le", extra=gap)
    waveform = compute_waveform(path)
    assert waveform is not None
    assert abs(first_loud_ms(waveform) - 2000) <= 1
    assert abs(waveform.duration_ms - 3000) <= 2


def test_silence_is_silent(media: Path) -> None:
    waveform = compute_waveform(make_media(media / "silent.mp4", "0"))
    assert waveform is not None
    assert waveform.silent and waveform.peak < 1e-3


def test_no_audio_stream_gives_none(media: Path) -> None:
    assert compute_waveform(make_media(media / "mute.mp4", None)) is None


def test_an_unreadable_file_raises(tmp_path: Path) -> None:
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video\n", encoding="utf-8")
    with pytest.raises(VideoUnreadable):
        compute_waveform(bad)
    with pytest.raises(VideoUnreadable):
        compute_waveform(tmp_path / "absent.mp4")


def test_stop_is_honoured(media: Path) -> None:
    path = make_media(media / "long.m4a", "0.3*sin(2*PI*220*t)", video=False, seconds=60)
    started = time.perf_counter()
    assert compute_waveform(path, stop=lambda: True) is None
    assert time.perf_counter() - started < 0.5
    calls = itertools.count()
    assert compute_waveform(path, stop=lambda: next(calls) >= 3) is None


def test_progress_rises_to_one(media: Path) -> None:
    path = make_media(media / "progress.m4a", "0.3*sin(2*PI*220*t)", video=False, seconds=30)
    seen: list[float] = []
    assert compute_waveform(path, progress=seen.append) is not None
    assert len(seen) >= 3
    assert seen == sorted(seen) and seen[-1] == 1.0


# -- zoom levels and columns ------------------------------------------------------------


def synthetic(bins: int, seed: int = 1, offset: float = 0.0) -> Waveform:
    rng = np.random.default_rng(seed)
    a = rng.uniform(-1, 1, bins).astype(np.float32)
    b = rng.uniform(-1, 1, bins).astype(np.float32)
    return Waveform.from_bins(np.minimum(a, b), np.maximum(a, b), 48000, offset)


def test_levels_are_exact_coarsenings() -> None:
    waveform = synthetic(1000)
    assert len(waveform.levels[-1][0]) == 1
    for (fine_min, fine_max), (min_, max_) in itertools.pairwise(waveform.levels):
        assert len(min_) == -(-len(fine_min) // LEVEL_FACTOR)
        for i in range(len(min_)):
            group = slice(i * LEVEL_FACTOR, (i + 1) * LEVEL_FACTOR)
            assert min_[i] == fine_min[group].min() and max_[i] == fine_max[group].max()


def test_columns_finer_than_a_bin_repeat_the_bin() -> None:
    waveform = synthetic(100)
    mins, maxs = waveform.columns(10, 20, 40)  # 4 columns per millisecond
    level_min, level_max = waveform.levels[0]
    assert np.array_equal(mins, np.repeat(level_min[10:20], 4))
    assert np.array_equal(maxs, np.repeat(level_max[10:20], 4))


def test_columns_outside_the_audio_are_nan() -> None:
    waveform = synthetic(100, offset=50.0)  # audio from 50 ms to 150 ms of video time
    mins, maxs = waveform.columns(0, 200, 200)
    assert np.isnan(mins[:50]).all() and np.isnan(maxs[150:]).all()
    assert not np.isnan(mins[50:150]).any()
    assert mins[50] == waveform.levels[0][0][0]


@settings(max_examples=60, deadline=None)
@given(
    bins=st.integers(1, 5000),
    start=st.floats(-500, 5000),
    span=st.floats(0.5, 20000),
    n=st.integers(1, 700),
)
def test_columns_cover_their_time_and_no_more_than_a_column_beyond(
    bins: int, start: float, span: float, n: int
) -> None:
    waveform = synthetic(bins, seed=bins)
    mins, maxs = waveform.columns(start, start + span, n)
    assert mins.shape == maxs.shape == (n,)
    level_min, level_max = waveform.levels[0]
    width = span / n
    for i in range(n):
        t0, t1 = start + i * width, start + (i + 1) * width
        inner = slice(max(0, int(np.ceil(t0))), max(0, int(np.floor(t1))))
        outer = slice(max(0, int(np.floor(t0 - width - 1))), max(0, int(np.ceil(t1 + width + 1))))
        if np.isnan(mins[i]):
            assert not len(level_min[inner])
            continue
        assert mins[i] <= maxs[i]
        if len(level_min[inner]):
            assert mins[i] <= level_min[inner].min() and maxs[i] >= level_max[inner].max()
        assert mins[i] in level_min[outer] and maxs[i] in level_max[outer]


def test_shifted_moves_the_audio_on_the_video_clock() -> None:
    waveform = synthetic(100)
    later = waveform.shifted(250.0)
    assert later.start_offset_ms == 250.0 and later.levels is waveform.levels
    assert np.array_equal(later.columns(250, 350, 100)[0], waveform.columns(0, 100, 100)[0])
    assert np.isnan(later.columns(0, 250, 10)[0]).all()


def test_the_whole_tape_in_few_columns_keeps_the_extremes() -> None:
    waveform = synthetic(100_000)
    mins, maxs = waveform.columns(0, 100_000, 37)
    assert mins.min() == waveform.levels[0][0].min()
    assert maxs.max() == waveform.levels[0][1].max()


# -- the cache ----------------------------------------------------------------------------


def test_cache_round_trip(burst_mp4: Path, tmp_path: Path) -> None:
    waveform = compute_waveform(burst_mp4)
    assert waveform is not None
    cache = WaveformCache(tmp_path / "cache")
    assert cache.load("abc") is None
    cache.save("abc", waveform)
    loaded = cache.load("abc")
    assert loaded is not None
    assert loaded.sample_rate == waveform.sample_rate
    assert loaded.start_offset_ms == waveform.start_offset_ms
    assert len(loaded.levels) == len(waveform.levels)
    for (a_min, a_max), (b_min, b_max) in zip(loaded.levels, waveform.levels, strict=True):
        assert a_min.dtype == np.float32
        np.testing.assert_allclose(a_min, b_min, rtol=1e-3, atol=1e-6)
        np.testing.assert_allclose(a_max, b_max, rtol=1e-3, atol=1e-6)
    assert abs(first_loud_ms(loaded) - BURST_MS) <= 1
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["abc-v1.npz"]  # no leftovers


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "wrong arrays"])
def test_a_damaged_cache_file_reads_as_absent(tmp_path: Path, damage: str) -> None:
    cache = WaveformCache(tmp_path)
    cache.save("key", synthetic(5000))
    file = tmp_path / "key-v1.npz"
    data = file.read_bytes()
    if damage == "truncated":
        file.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        file.write_bytes(b"\x00junk" * 100)
    elif damage == "empty":
        file.write_bytes(b"")
    else:
        with zipfile.ZipFile(file, "w") as archive:
            archive.writestr("other.npy", b"")
    assert cache.load("key") is None
