"""ExactFrames returns the frame asked for in every accepted format, or says it cannot.

Each clip (tests/media/conformance_clips.py) carries its frame number in its pixels, so a
frame is checked by reading it, not by trusting a timestamp. MPEG transport and program
streams seek by byte estimates and land after the target: the regression this guards.
"""

from __future__ import annotations

import random
from pathlib import Path

import av
import pytest

from eas_coder.media.exact_frames import ExactFrames, FrameUndecodable
from eas_coder.media.frame_index import read_frame_index
from tests.media.conformance_clips import (
    CLIPS,
    Clip,
    clips_in,
    damaged_tail_clip,
    last_decodable,
    read_index,
    slug,
    write_clip,
)
from tests.support import need_tool


@pytest.fixture(scope="session")
def conformance_clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every clip of the matrix, written once per test run."""
    return clips_in(tmp_path_factory.getbasetemp() / "conformance-clips", need_tool("ffmpeg"))


def _ids(clip: Clip) -> str:
    return slug(clip)


def test_mts_frame_60_is_frame_60_not_the_next_keyframe(
    conformance_clips: dict[str, Path],
) -> None:
    """The bug report: asked for frame 60 of an .mts, the picture was a later keyframe's."""
    path = conformance_clips["H.264 MPEG-TS .mts"]
    with ExactFrames(path) as frames:
        assert read_index(frames.frame(60)) == 60
        assert read_index(frames.frame(0)) == 0
        assert read_index(frames.frame(frames.index.frame_count - 1)) == 99


@pytest.mark.parametrize("clip", CLIPS, ids=_ids)
def test_every_frame_in_random_order(clip: Clip, conformance_clips: dict[str, Path]) -> None:
    path = conformance_clips[clip.name]
    index = read_frame_index(path)
    with av.open(str(path)) as container:
        decoded = sum(1 for _ in container.decode(video=0))
    assert index.frame_count == decoded
    order = list(range(index.frame_count))
    random.Random(clip.name).shuffle(order)
    with ExactFrames(path, index) as frames:
        wrong = [(i, got) for i in order if (got := read_index(frames.frame(i))) != i]
    assert wrong == [], f"{clip.name}: (asked, shown) {wrong[:10]}"


@pytest.mark.parametrize("clip", CLIPS, ids=_ids)
def test_steps_across_keyframes_and_the_ends(
    clip: Clip, conformance_clips: dict[str, Path]
) -> None:
    """±1 steps over every keyframe boundary from a fresh decoder, then End and Home."""
    path = conformance_clips[clip.name]
    index = read_frame_index(path)
    last = index.frame_count - 1
    wrong: list[tuple[int, int]] = []
    with ExactFrames(path, index) as frames:
        for key in [k for k in index.keyframes if k > 0][:6]:
            for i in (key + 1, key, key - 1, key - 2, key - 1, key, key + 1):
                i = max(0, i)  # all-intra formats: keyframe 1 is one step from the start
                if (got := read_index(frames.frame(i))) != i:
                    wrong.append((i, got))
        for i in (last, 0, last, last - 1, last, 0, 1):
            if (got := read_index(frames.frame(i))) != i:
                wrong.append((i, got))
    assert wrong == [], f"{clip.name}: (asked, shown) {wrong[:10]}"


@pytest.mark.parametrize("name", ["H.264 MPEG-TS .mts", "MPEG-2 interlaced .mpg (PS)"])
def test_prefetch_keeps_only_true_frames(name: str, conformance_clips: dict[str, Path]) -> None:
    """The cache filled around the playhead after a seek holds each frame under its index."""
    path = conformance_clips[name]
    with ExactFrames(path, behind=20, ahead=20) as frames:
        frames.frame(70)
        while frames.prefetch_step():
            pass
        for i in range(50, 91):
            assert frames.cached(i), f"frame {i} not cached"
            assert read_index(frames.frame(i)) == i


def test_a_frame_that_cannot_be_decoded_is_refused_by_number(tmp_path: Path) -> None:
    """Cut a transport stream's head off: its first frames lose their keyframe. Asking for
    one names the frame; it never answers with a later picture under that number."""
    ffmpeg = need_tool("ffmpeg")
    clip = next(c for c in CLIPS if c.name == "H.264 MPEG-TS .mts")
    whole = write_clip(clip, tmp_path, ffmpeg)
    data = whole.read_bytes()
    # Keep whole 188-byte packets, from a little past the first keyframe's start.
    cut = tmp_path / "cut.mts"
    cut.write_bytes(data[188 * 12 :])
    index = read_frame_index(cut)
    shown: dict[int, int] = {}
    refused: dict[int, str] = {}
    with ExactFrames(cut, index) as frames:
        for i in range(index.frame_count):
            try:
                shown[i] = read_index(frames.frame(i))
            except FrameUndecodable as exc:
                refused[i] = str(exc)
    assert refused, "the frames before the first whole keyframe cannot be decoded"
    assert all(f"frame {i} cannot be decoded" in text for i, text in refused.items())
    assert shown, "the frames after it can"
    # Every picture shown is the frame its number says (one constant shift: the cut frames).
    offsets = {got - i for i, got in shown.items()}
    assert len(offsets) == 1, f"pictures shown under the wrong numbers: {shown}"


def test_the_end_of_a_damaged_tail_is_the_last_decodable_frame(tmp_path: Path) -> None:
    """The index (at the front) lists frames whose bytes were lost: asking for the last
    frame, or past the last decodable one, answers with the last decodable frame."""
    path = damaged_tail_clip(tmp_path, need_tool("ffmpeg"))
    index = read_frame_index(path)
    good = last_decodable(path)
    assert 0 < good < index.frame_count - 1, "the clip's tail must be damaged"
    with ExactFrames(path, index) as frames:
        served, rgb = frames.frame_at(index.frame_count - 1)
        assert (served, read_index(rgb)) == (good, good)
        assert frames.decodable_end == good
        assert frames.frame_at(good + 1)[0] == good
        served, rgb = frames.frame_at(good - 1)
        assert (served, read_index(rgb)) == (good - 1, good - 1)


@pytest.mark.parametrize(
    "name", ["H.264 MPEG-TS .mts", "H.264 MPEG-TS .m2ts", "H.264 interlaced open-GOP .mts"]
)
def test_mpeg_seeks_land_on_their_keyframe_after_the_first(
    name: str, conformance_clips: dict[str, Path]
) -> None:
    """These demuxers compare a seek with decode timestamps: seeking to a keyframe's
    presentation time lands a keyframe late and costs a second seek. Learnt once per file,
    every later jump takes one seek. (Not asserted on the tiny .mpg: there several frames
    share a PES packet and the first frames after any seek carry no timestamp of ours, so a
    start may need a keyframe more, whatever the seek lands on.)"""
    path = conformance_clips[name]
    index = read_frame_index(path)
    keys = [k for k in index.keyframes if k > 0]
    targets = [k + 2 for k in keys]
    random.Random(name).shuffle(targets)
    with ExactFrames(path, index, behind=0, ahead=0) as frames:
        for target in targets:
            assert read_index(frames.frame(target)) == target
        assert frames.seeks <= len(targets) + 1, f"{frames.seeks} seeks for {len(targets)}"


def test_stepping_back_refills_behind_in_runs_not_a_seek_per_step(
    conformance_clips: dict[str, Path],
) -> None:
    """Between ±1 steps the frame server fills the window; stepping back through it must not
    seek for each step (each seek decodes up to a keyframe interval for one frame)."""
    path = conformance_clips["H.264 MPEG-TS .mts"]
    with ExactFrames(path, behind=12, ahead=4) as frames:
        frames.frame(90)
        _fill(frames)
        seeks = frames.seeks
        for i in range(89, 59, -1):
            assert frames.cached(i), f"frame {i} was not prefetched"
            assert read_index(frames.frame(i)) == i
            _fill(frames)
        assert frames.seeks - seeks <= 8, f"{frames.seeks - seeks} seeks for 30 steps back"


def test_a_prefetch_gives_way_to_a_waiting_request(conformance_clips: dict[str, Path]) -> None:
    """Asked to give way, a prefetch that needs a seek stops before decoding on; the window
    still fills afterwards with true frames."""
    path = conformance_clips["H.264 MPEG-TS .mts"]
    with ExactFrames(path, behind=20, ahead=0) as frames:
        assert read_index(frames.frame(80)) == 80  # a fresh start: frames 60-79 need a seek
        decoded = frames.decoded
        assert frames.prefetch_step(lambda: True)
        assert frames.decoded == decoded
        _fill(frames)
        assert all(read_index(frames.frame(i)) == i for i in range(60, 81))


def _fill(frames: ExactFrames) -> None:
    for _ in range(1000):
        if not frames.prefetch_step():
            return
    raise AssertionError("prefetch never comes to rest")
