"""Importing segment boundaries from an .eaf in ELAN's own layout: the chosen tier becomes
segments on exact frames; a broken file or tier is refused naming the annotation, and
nothing is written (the study compared before and after)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from eas_coder.cli import main
from eas_coder.exchange.eaf_check import check_eaf
from eas_coder.exchange.segment_import import SegmentImportRejected, apply, import_segments, preview
from eas_coder.location import from_string
from eas_coder.media.frame_index import FrameIndex
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study
from tests.exchange.segment_files import add_video, elan_file, h264, mpeg2, study_state

EPISODES = [(0, 1500, "Free play"), (1500, 3210, "Structured task"), (4003, 5900, "Clean-up")]
GAZE = [(100, 900, "at child"), (800, 2000, "away")]  # overlapping, as gaze coding may be


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("eaf-import-videos")
    return {"mp4": h264(folder / "M014_pre.mp4"), "mpg": mpeg2(folder / "D020_post.mpg")}


@pytest.fixture
def study(tmp_path: Path, videos: dict[str, Path]) -> Iterator[tuple[Study, dict[str, FrameIndex]]]:
    with Study.create(from_string(tmp_path / "s.sqlite"), load_scheme(), "S") as s:
        s.coders.add("Ana")
        s.coders.add("Ben")
        _, mp4 = add_video(s, videos["mp4"], "M014")
        _, mpg = add_video(s, videos["mpg"], "D020")
        yield s, {"mp4": mp4, "mpg": mpg}


def _expected(index: FrameIndex, start: int, end: int) -> tuple[int, int]:
    """The frame on screen at the start is the first in, the one at the end the first out."""
    first = index.index_at(start)
    last = max(first, index.index_at(end) - 1)
    stop = index.time_ms(last + 1) if last + 1 < index.frame_count else index.duration_ms
    return index.time_ms(first), stop


def test_real_elan_layout_imports_the_chosen_tier(
    study: tuple[Study, dict[str, FrameIndex]], videos: dict[str, Path], tmp_path: Path
) -> None:
    s, indices = study
    eaf = elan_file(tmp_path / "session one.eaf", videos["mp4"], EPISODES, GAZE)
    plan = preview(s, eaf, "Ana", tier="Episodes")  # matched to the video by its MEDIA_URL
    assert plan.problems == []
    assert [p.episode for p in plan.segments] == ["free_play", "structured_task", "clean_up"]
    result = apply(s, plan)
    stored = s.segments.all(coder_id=s.coders.get("Ana").id)
    assert [(g.start_ms, g.end_ms) for g in stored] == [
        _expected(indices["mp4"], a, b) for a, b, _ in EPISODES
    ]
    assert len(result.segments) == 3
    assert stored[0].start_ms == 0 and stored[1].start_ms == stored[0].end_ms  # adjacent kept
    # every boundary sits on a frame start (the 29.97 fps index), as the window marks them
    starts = {indices["mp4"].time_ms(i) for i in range(indices["mp4"].frame_count)}
    assert all(g.start_ms in starts for g in stored)


def test_reference_tier_takes_its_parents_times(
    study: tuple[Study, dict[str, FrameIndex]], videos: dict[str, Path], tmp_path: Path
) -> None:
    s, indices = study
    eaf = elan_file(tmp_path / "M014_pre.eaf", videos["mp4"], EPISODES)
    plan = preview(s, eaf, "Ben", tier="Episode notes", episode="Free play")
    assert plan.problems == []
    assert [(p.start_ms, p.end_ms) for p in plan.segments] == [
        _expected(indices["mp4"], a, b) for a, b, _ in EPISODES
    ]
    assert {p.episode for p in plan.segments} == {"free_play"}


@pytest.mark.parametrize(
    ("tier", "episode", "named"),
    [
        ("Utterances", "Free play", "a4"),  # an unaligned time slot: no time of its own
        ("Mother gaze", None, "'at child'"),  # not an episode label of the scheme
        ("Mother gaze", "Free play", "overlaps"),  # overlapping annotations, scheme forbids
        ("Mother's gaze", None, "Episodes, Episode notes, Utterances, Mother gaze"),
    ],
)
def test_bad_tiers_are_refused_naming_the_annotation(
    study: tuple[Study, dict[str, FrameIndex]],
    videos: dict[str, Path],
    tmp_path: Path,
    tier: str,
    episode: str | None,
    named: str,
) -> None:
    s, _ = study
    eaf = elan_file(tmp_path / "M014_pre.eaf", videos["mp4"], EPISODES, GAZE)
    before = study_state(s)
    with pytest.raises(SegmentImportRejected) as caught:
        import_segments(s, eaf, "Ana", tier=tier, episode=episode)
    assert named in str(caught.value)
    assert study_state(s) == before


def test_broken_files_are_refused_and_nothing_is_written(
    study: tuple[Study, dict[str, FrameIndex]], videos: dict[str, Path], tmp_path: Path
) -> None:
    s, _ = study
    before = study_state(s)
    bad = elan_file(tmp_path / "M014_pre.eaf", videos["mp4"], EPISODES, bad_xml=True)
    with pytest.raises(SegmentImportRejected, match=r"line \d+"):
        import_segments(s, bad, "Ana", tier="Episodes")
    late = elan_file(
        tmp_path / "late.eaf", videos["mp4"], [*EPISODES[:2], (5000, 9000, "Clean-up")]
    )
    with pytest.raises(SegmentImportRejected, match=r"a11.*after the end of the video"):
        import_segments(s, late, "Ana", tier="Episodes")
    assert study_state(s) == before


def test_overlap_with_the_coders_own_segments_is_refused(
    study: tuple[Study, dict[str, FrameIndex]], videos: dict[str, Path], tmp_path: Path
) -> None:
    s, _ = study
    video = next(v for v in s.videos.all() if v.name == "M014_pre.mp4")
    s.segments.add(video.id, s.coders.get("Ana").id, 5000, 5500, "clean_up")
    before = study_state(s)
    eaf = elan_file(tmp_path / "M014_pre.eaf", videos["mp4"], EPISODES)
    with pytest.raises(SegmentImportRejected, match=r"a11.*overlaps"):
        import_segments(s, eaf, "Ana", tier="Episodes")
    assert study_state(s) == before
    # Ben has nothing there: the same file imports for him
    assert len(import_segments(s, eaf, "Ben", tier="Episodes").segments) == 3


def test_cli_dry_run_folder_and_manager_rule(
    study: tuple[Study, dict[str, FrameIndex]],
    videos: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    s, _ = study
    folder = tmp_path / "elan"
    folder.mkdir()
    # matched by file name; the media URLs point where the files once were
    elan_file(folder / "M014_pre.eaf", "file:///C:/lab/old/M014_pre.mp4", EPISODES)
    elan_file(folder / "D020_post.eaf", "file:///C:/lab/old/D020_post.mpg", EPISODES[:2])
    db = str(s.location.path)
    before = study_state(s)
    args = ["--db", db, "import-segments", str(folder), "--coder", "Ana", "--tier", "Episodes"]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Would import 5 segment(s)" in out and "D020 · T1" in out
    assert study_state(s) == before
    s.manager.set_passphrase("pw-pass1")
    before = study_state(s)
    assert main(args) == 2
    assert "--manager" in capsys.readouterr().err
    assert study_state(s) == before
    monkeypatch.setenv("EAS_CODER_MANAGER_PASSPHRASE", "pw-pass1")
    assert main([*args, "--manager"]) == 0
    assert "Imported 5 segment(s)" in capsys.readouterr().out
    assert len(s.segments.all(coder_id=s.coders.get("Ana").id)) == 5
    # a file matching no video is refused, naming it
    elan_file(folder / "X999_pre.eaf", "file:///C:/lab/X999.mp4", EPISODES)
    assert main([*args, "--manager", "--coder", "Ben"]) == 2
    assert "X999_pre.eaf" in capsys.readouterr().err


def test_structural_check_passes_elans_layout_and_names_broken_links(
    study: tuple[Study, dict[str, FrameIndex]], videos: dict[str, Path], tmp_path: Path
) -> None:
    s, _ = study
    good = elan_file(tmp_path / "M014_pre.eaf", videos["mp4"], EPISODES, GAZE)
    assert check_eaf(good) == []
    text = good.read_text(encoding="utf-8")
    text = text.replace('TIME_SLOT_REF2="ts2"', 'TIME_SLOT_REF2="ts99"', 1)
    text = text.replace(
        'PARENT_REF="Episodes" TIER_ID="Utterances"', 'PARENT_REF="Episode" TIER_ID="Utterances"'
    )
    bad = tmp_path / "broken" / "M014_pre.eaf"
    bad.parent.mkdir()
    bad.write_text(text, encoding="utf-8")
    problems = " | ".join(check_eaf(bad))
    assert "'a1': refers to a time slot" in problems and "parent tier 'Episode'" in problems
    before = study_state(s)
    with pytest.raises(SegmentImportRejected, match=r"annotation a1: refers to time slot 'ts99'"):
        import_segments(s, bad, "Ana", tier="Episodes")
    assert study_state(s) == before
