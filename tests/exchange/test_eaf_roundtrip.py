"""EAS Coder -> .eaf -> an empty study: the same segments, frame for frame, on a 29.97 fps
MP4 and an MPEG-2 .mpg; the file passes the structural check and reads back with pympi; the
export obeys blind coding as the sheet export does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pympi.Elan import Eaf

from eas_coder.cli import main
from eas_coder.exchange.eaf_check import check_eaf
from eas_coder.exchange.eaf_export import export_eaf
from eas_coder.exchange.frames import video_frames
from eas_coder.exchange.segment_import import apply, preview
from eas_coder.location import from_string
from eas_coder.media.frame_index import FrameIndex
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer
from tests.exchange.segment_files import add_video, h264, mpeg2, study_state

PASS = "mgr-pass"


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("eaf-videos")
    return {"mp4": h264(folder / "M014_pre.mp4"), "mpg": mpeg2(folder / "D020_post.mpg")}


def _mark(index: FrameIndex, first: int, last: int) -> tuple[int, int]:
    """The window's I / O rule (coding_controller.mark_out_here)."""
    end = index.time_ms(last + 1) if last + 1 < index.frame_count else index.duration_ms
    return index.time_ms(first), end


# frames marked per coder: (first, last, episode)
MARKS = {
    "Ana": [(0, 44, "free_play"), (45, 101, "structured_task"), (150, 179, None)],
    "Ben": [(3, 60, "free_play"), (61, 61, "clean_up")],
}


@pytest.fixture
def source(tmp_path: Path, videos: dict[str, Path]) -> Iterator[Study]:
    with Study.create(from_string(tmp_path / "src.sqlite"), load_scheme(), "Src") as study:
        coders = {name: study.coders.add(name) for name in MARKS}
        for kind, participant in (("mp4", "M014"), ("mpg", "D020")):
            video_id, index = add_video(study, videos[kind], participant)
            for name, marks in MARKS.items():
                for n, (first, last, episode) in enumerate(marks):
                    last = min(last, index.frame_count - 1)
                    if first >= index.frame_count:
                        continue
                    start, end = _mark(index, first, last)
                    note = 'mother <on> the phone & "tired"' if n == 0 else ""
                    seg = study.segments.add(video_id, coders[name].id, start, end, episode, note)
                    study.ratings.set(video_id, coders[name].id, "sensitivity", 5.5, seg.id)
                    study.ratings.set(video_id, coders[name].id, "structuring", 4 + n, seg.id)
            study.ratings.set(video_id, coders["Ana"].id, "sensitivity", 6)
        yield study


def _frames(study: Study, video_id: int, coder_id: int) -> list[tuple[object, ...]]:
    video = study.videos.get(video_id)
    frames = video_frames(study, [video])
    return [
        (*frames.span(s), s.start_ms, s.end_ms, s.episode, s.note)
        for s in study.segments.all(video_id, coder_id)
    ]


@pytest.mark.parametrize("kind", ["mp4", "mpg"])
def test_eaf_round_trip_gives_the_same_frames(
    source: Study, videos: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    video = next(v for v in source.videos.all() if v.name == videos[kind].name)
    out = tmp_path / "out.eaf"
    written = export_eaf(source, out, [video.id])
    assert written == [out]
    assert check_eaf(out) == []
    eaf = Eaf(str(out))  # the same reader the import uses
    tiers = set(eaf.get_tier_names())
    assert {"Ana", "Ben", "sensitivity (Ana)", "structuring (Ben)", "session (Ana)"} <= tiers
    media = eaf.get_linked_files()[0]
    assert media["MEDIA_URL"] == videos[kind].resolve().as_uri()
    assert media["MIME_TYPE"] == ("video/mp4" if kind == "mp4" else "video/mpeg")
    scores = sorted(v for _s, _e, v, *_ in eaf.get_annotation_data_for_tier("sensitivity (Ana)"))
    assert scores and set(scores) == {"5.5"}

    with Study.create(from_string(tmp_path / "new.sqlite"), load_scheme(), "New") as new:
        for name in MARKS:
            new.coders.add(name)
        new_id, _ = add_video(new, videos[kind], "M014" if kind == "mp4" else "D020")
        for name in MARKS:
            plan = preview(new, out, name, tier=name)
            assert plan.problems == [], plan.problems
            old = source.coders.get(name).id
            assert len(apply(new, plan).segments) == len(source.segments.all(video.id, old))
        for name in MARKS:
            old = source.coders.get(name).id
            assert _frames(new, new_id, new.coders.get(name).id) == _frames(source, video.id, old)
            assert all(first is not None for first, *_ in _frames(new, new_id, old))


def test_import_twice_skips_what_is_there(source: Study, tmp_path: Path) -> None:
    video = next(v for v in source.videos.all() if (v.name or "").endswith(".mp4"))
    out = tmp_path / "again.eaf"
    export_eaf(source, out, [video.id])
    before = study_state(source)
    plan = preview(source, out, "Ana", tier="Ana")
    assert plan.problems == [] and plan.segments == [] and plan.skipped == 3
    assert study_state(source) == before


def test_export_eaf_cli_obeys_blind_coding(
    source: Study,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source.manager.set_passphrase(PASS)
    db = str(source.location.path)
    video = source.videos.all()[0]
    out = tmp_path / "mine.eaf"
    # A coder's own view: only Ana's tiers (she is not assigned, so she sees only her work)
    assert main(["--db", db, "export-eaf", str(video.id), str(out), "--coder", "Ana"]) == 0
    tiers = set(Eaf(str(out)).get_tier_names())
    assert "Ana" in tiers and not any("Ben" in t for t in tiers)
    # Nobody named in a blind study: refused, nothing written
    assert main(["--db", db, "export-eaf", str(video.id), str(tmp_path / "x.eaf")]) == 2
    assert "--manager" in capsys.readouterr().err
    assert not (tmp_path / "x.eaf").exists()
    monkeypatch.setenv("EAS_CODER_MANAGER_PASSPHRASE", PASS)
    folder = tmp_path / "all"
    assert main(["--db", db, "--manager", "export-eaf", str(folder)]) == 0
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["D020_post.eaf", "M014_pre.eaf"]
    assert all(check_eaf(folder / f) == [] for f in files)
    assert {"Ana", "Ben"} <= set(Eaf(str(folder / files[0])).get_tier_names())


def test_viewer_filters_in_the_core(source: Study, tmp_path: Path) -> None:
    ben = source.coders.get("Ben")
    video = source.videos.all()[0]
    out = tmp_path / "ben.eaf"
    export_eaf(source, out, [video.id], viewer=Viewer(ben, source.assignments.all()))
    assert not any("Ana" in t for t in Eaf(str(out)).get_tier_names())
