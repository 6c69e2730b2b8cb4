"""Issue 22 part 1, end to end on a real SQLite study: item-derived scores, zones, scheme
versions and where each session score comes from, through the store, the workbook (read
back with openpyxl), reliability and a reimport."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from eas_coder import reliability
from eas_coder.cli import main
from eas_coder.errors import ScoreError
from eas_coder.exchange.export import export_study
from eas_coder.exchange.importer import import_ratings
from eas_coder.location import from_string
from eas_coder.scheme import Scheme, parse_scheme
from eas_coder.session_scores import SessionScore, scored_sessions
from eas_coder.store.study import Study

SCHEME = """
[scheme]
id = "derive-test"
name = "Derived scores test"
version = "{version}"

[[bands]]
key = "risk"
label = "Risk"

[[bands]]
key = "nonrisk"
label = "Non-risk"

[[dimensions]]
key = "sensitivity"
label = "Sensitivity"
side = "adult"
derive = "sum"
cutoffs = {{ nonrisk = 8, source = "Lab training 2024 (test)" }}

[[dimensions.items]]
key = "item_1"
label = "{item_label}"
min = 1
max = 3

[[dimensions.items]]
key = "item_2"
label = "Item 2"
min = 1
max = 7

[[dimensions.items]]
key = "item_3"
label = "Item 3"
min = 1
max = 3

[[dimensions]]
key = "zone_adult"
label = "EA Zone (adult)"
side = "adult"
type = "zone"
levels = ["Problematic", "Detached", "Complicated", "Emotionally available"]

[[dimensions]]
key = "child_involvement"
label = "Child involvement"
side = "child"
min = 1
max = 7
step = 0.5
cutoffs = {{ nonrisk = 4 }}
"""


def scheme_text(version: str = "1", item_label: str = "Item 1") -> str:
    return SCHEME.format(version=version, item_label=item_label)


def make_scheme(version: str = "1", item_label: str = "Item 1") -> Scheme:
    return parse_scheme(scheme_text(version, item_label), source="test scheme")


ITEMS_ANA = {"item_1": 2.0, "item_2": 5.0, "item_3": 3.0}  # sum 10
ITEMS_BEN = {"item_1": 3.0, "item_2": 6.0, "item_3": 3.0}  # sum 12


def rows_of(sheet: Any) -> list[dict[str, Any]]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(2)]


def test_sum_items_give_the_derived_score_everywhere(tmp_path: Path) -> None:
    with Study.create(from_string(tmp_path / "a.sqlite"), make_scheme(), "A") as study:
        ana, ben = study.coders.add("Ana"), study.coders.add("Ben")
        videos = [study.videos.add(p, "T1 pre", None, name=f"{p}.mp4") for p in ("M01", "M02")]
        for n, video in enumerate(videos):
            for coder, items in ((ana, ITEMS_ANA), (ben, ITEMS_BEN)):
                shifted = {k: min(v + n, 3.0 if k != "item_2" else 7.0) for k, v in items.items()}
                saved = study.ratings.set(video.id, coder.id, "sensitivity", None, items=shifted)
                assert saved.score == sum(shifted.values())  # the store derived it
                zone = 3 if coder is ana or n == 0 else 4
                study.ratings.set(video.id, coder.id, "zone_adult", zone)
        # the derived score is the items' sum: a different typed score is refused, as are
        # missing items (a partial sum would pass for a low score)
        with pytest.raises(ScoreError, match="sum of its items"):
            study.ratings.set(videos[0].id, ana.id, "sensitivity", 9, items=ITEMS_ANA)
        with pytest.raises(ScoreError, match="item_3"):
            study.ratings.set(videos[0].id, ana.id, "sensitivity", None, items={"item_1": 1})
        stored = {(r.video_id, r.coder_id): r for r in study.ratings.all()
                  if r.dimension == "sensitivity"}  # fmt: skip
        assert stored[(videos[0].id, ana.id)].score == 10
        assert stored[(videos[0].id, ana.id)].items == ITEMS_ANA

        # reliability uses the derived scores and says where they came from
        _coders, tables = reliability.compute_tables(study, None, "session", ["sensitivity"])
        assert tables["sensitivity"].scores.tolist() == [[10.0, 12.0], [12.0, 13.0]]
        report = reliability.compute(study).to_json()
        assert report["scheme_versions"] == [1]
        assert report["session_score_weighting"] == "none"
        assert report["dimensions"]["sensitivity"]["session_score_source"] == {"session rating": 4}
        assert report["dimensions"]["zone_adult"]["scale"] == "ordinal"

        out = tmp_path / "out.xlsx"
        export_study(study, out)
        book = load_workbook(out)
        long_rows = rows_of(book["Ratings"])
        first = next(r for r in long_rows if r["dimension"] == "sensitivity" and not r["item"]
                     and r["coder"] == "Ana" and r["participant"] == "M01")  # fmt: skip
        assert first["score"] == 10 and first["band"] == "Non-risk"
        assert first["scheme_version"] == 1
        assert first["session_score_source"] == "session rating"
        items = {r["item"]: r["score"] for r in long_rows if r["dimension"] == "sensitivity"
                 and r["item"] and r["coder"] == "Ana" and r["participant"] == "M01"}  # fmt: skip
        assert items == ITEMS_ANA
        zone = next(r for r in long_rows if r["dimension"] == "zone_adult" and r["coder"] == "Ana")
        assert (zone["score"], zone["score_label"]) == (3, "Complicated")
        wide = rows_of(book["Sessions"])
        assert wide[0]["sensitivity_ana"] == 10 and wide[0]["sensitivity_ben"] == 12
        assert wide[0]["sensitivity_item_2_ana"] == 5
        assert wide[0]["scheme_version"] == "1"
        assert wide[0]["session_score_source"] == "session rating"
        assert wide[0]["zone_adult_ana"] == 3 and wide[0]["zone_adult_label"] == "Complicated"
        assert wide[1]["zone_adult_label"] is None  # the coders' mean 3.5 lies between zones
        codebook = [" ".join(str(c or "") for c in row) for row in book["Codebook"].values]
        assert any("Lab training 2024 (test)" in line for line in codebook)
        assert any("Emotionally available" in line for line in codebook)

    # reimport into a fresh study with the same scheme: the same items and derived scores
    with Study.create(from_string(tmp_path / "b.sqlite"), make_scheme(), "B") as fresh:
        _plan, summary = import_ratings(fresh, out)
        assert summary is not None and summary.ratings == 8
        again = {(r.coder_id, r.video_id, r.dimension): r for r in fresh.ratings.all()}
        ana_b = fresh.coders.get("Ana").id
        m01 = next(v for v in fresh.videos.all() if v.participant_code == "M01").id
        assert again[(ana_b, m01, "sensitivity")].score == 10
        assert again[(ana_b, m01, "sensitivity")].items == ITEMS_ANA
        assert again[(ana_b, m01, "zone_adult")].score == 3


def test_import_refuses_a_derived_score_that_is_not_its_items_sum(tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "participant,timepoint,coder,dimension,item,score\n"
        "M01,T1,Ana,sensitivity,,11\n"
        "M01,T1,Ana,sensitivity,item_1,2\n"
        "M01,T1,Ana,sensitivity,item_2,5\n"
        "M01,T1,Ana,sensitivity,item_3,3\n",
        encoding="utf-8",
    )
    with Study.create(from_string(tmp_path / "c.sqlite"), make_scheme(), "C") as study:
        from eas_coder.exchange.importer import ImportRejected

        with pytest.raises(ImportRejected, match="sum of its items"):
            import_ratings(study, sheet)
        assert study.ratings.all() == []


def test_scheme_edit_makes_version_2_and_old_ratings_keep_version_1(tmp_path: Path) -> None:
    location = from_string(tmp_path / "v.sqlite")
    with Study.create(location, make_scheme(), "V") as study:
        ana = study.coders.add("Ana")
        old_video = study.videos.add("M01", "T1 pre", None, name="m01.mp4")
        new_video = study.videos.add("M02", "T1 pre", None, name="m02.mp4")
        study.ratings.set(old_video.id, ana.id, "child_involvement", 4.5)
        assert study.scheme_revision == 1
        edited = parse_scheme(scheme_text("2", "Warmth"), source="edited")
        assert study.set_scheme(edited) == 2
        assert study.scheme.dimension("sensitivity").item("item_1").label == "Warmth"
        study.ratings.set(new_video.id, ana.id, "child_involvement", 5.0)
        versions = {r.video_id: r.scheme_version for r in study.ratings.all()}
        assert versions == {old_video.id: 1, new_video.id: 2}
        # a scheme that would orphan stored ratings is refused, nothing written
        without = parse_scheme(
            scheme_text("3").split('[[dimensions]]\nkey = "child_involvement"')[0],
            source="shrunk",
        )
        with pytest.raises(Exception, match="child_involvement"):
            study.set_scheme(without)
        assert study.scheme_revision == 2
        out = tmp_path / "v.xlsx"
        export_study(study, out)
    book = load_workbook(out)
    long_rows = {r["participant"]: r for r in rows_of(book["Ratings"])}
    assert long_rows["M01"]["scheme_version"] == 1
    assert long_rows["M02"]["scheme_version"] == 2
    wide = {r["participant"]: r for r in rows_of(book["Sessions"])}
    assert (wide["M01"]["scheme_version"], wide["M02"]["scheme_version"]) == ("1", "2")
    # the study reopens on version 2
    with Study.open(location, backup=False) as study:
        assert study.scheme_revision == 2
        assert study.scheme.version == "2"


def test_scheme_set_cli_is_for_the_manager(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from eas_coder.cli_support import PASSPHRASE_ENV

    location = tmp_path / "cli.sqlite"
    with Study.create(from_string(location), make_scheme(), "Cli") as study:
        study.manager.set_passphrase("secret-pass")
    new_file = tmp_path / "edited.toml"
    new_file.write_text(scheme_text("2", "Warmth"), encoding="utf-8")
    assert main(["--db", str(location), "scheme", "set", str(new_file)]) == 2
    assert "lab manager" in capsys.readouterr().err
    monkeypatch.setenv(PASSPHRASE_ENV, "secret-pass")
    assert main(["--db", str(location), "--manager", "scheme", "set", str(new_file)]) == 0
    assert "version 2" in capsys.readouterr().out
    with Study.open(from_string(location), backup=False) as study:
        assert study.scheme_revision == 2


def test_session_score_source_session_rating_vs_segment_mean(tmp_path: Path) -> None:
    with Study.create(from_string(tmp_path / "s.sqlite"), make_scheme(), "S") as study:
        ana, ben = study.coders.add("Ana"), study.coders.add("Ben")
        video = study.videos.add("M01", "T1 pre", None, name="m01.mp4")
        short = study.segments.add(video.id, ana.id, 0, 10_000)
        long = study.segments.add(video.id, ana.id, 10_000, 40_000)
        study.ratings.set(video.id, ana.id, "child_involvement", 2.0, segment_id=short.id)
        study.ratings.set(video.id, ana.id, "child_involvement", 6.0, segment_id=long.id)
        study.ratings.set(video.id, ben.id, "child_involvement", 4.0)  # a session rating
        # plain segment mean: (2 + 6) / 2
        assert scored_sessions(study.ratings.all())[("child_involvement", video.id, ana.id)] == (
            SessionScore(4.0, "segment mean")
        )
        out = tmp_path / "plain.xlsx"
        export_study(study, out)
        book = load_workbook(out)
        wide = rows_of(book["Sessions"])[0]
        assert wide["child_involvement_ana"] == 4.0
        assert wide["session_score_source"] == "segment mean; session rating"
        ana_row = next(r for r in rows_of(book["Ratings"]) if r["coder"] == "Ana")
        assert ana_row["session_score_source"] == "segment mean"
        ben_row = next(r for r in rows_of(book["Ratings"]) if r["coder"] == "Ben")
        assert ben_row["session_score_source"] == "session rating"

        # the study weights segment means by duration: (2*10 + 6*30) / 40 = 5
        study.settings.set("scores.segment_weighting", "duration")
        out = tmp_path / "weighted.xlsx"
        export_study(study, out)
        book = load_workbook(out)
        wide = rows_of(book["Sessions"])[0]
        assert wide["child_involvement_ana"] == 5.0
        assert wide["session_score_source"] == "segment mean (duration-weighted); session rating"
        ana_row = next(r for r in rows_of(book["Ratings"]) if r["coder"] == "Ana")
        assert ana_row["session_score_source"] == "segment mean (duration-weighted)"
        _coders, tables = reliability.compute_tables(study, None, "session", ["child_involvement"])
        assert tables["child_involvement"].scores.tolist() == [[5.0, 4.0]]
        report = reliability.compute(study).to_json()
        assert report["session_score_weighting"] == "duration"
        assert report["dimensions"]["child_involvement"]["session_score_source"] == {
            "segment mean (duration-weighted)": 1,
            "session rating": 1,
        }
        # CSV says the same
        export_study(study, tmp_path / "w.csv")
        text = (tmp_path / "w-Sessions.csv").read_text(encoding="utf-8-sig")
        assert "segment mean (duration-weighted); session rating" in text
        assert json.dumps(report)  # the JSON report is plain JSON


def test_zone_in_spss_has_value_labels(tmp_path: Path) -> None:
    import pyreadstat

    with Study.create(from_string(tmp_path / "z.sqlite"), make_scheme(), "Z") as study:
        ana = study.coders.add("Ana")
        video = study.videos.add("M01", "T1 pre", None, name="m01.mp4")
        study.ratings.set(video.id, ana.id, "zone_adult", 4)
        export_study(study, tmp_path / "z.sav")
    frame, meta = pyreadstat.read_sav(str(tmp_path / "z.sav"))
    assert frame["zone_adult_ana"].tolist() == [4.0]
    assert meta.variable_value_labels["zone_adult_ana"][4.0] == "Emotionally available"
    assert frame["zone_adult_label"].tolist() == ["Emotionally available"]
    assert frame["session_score_source"].tolist() == ["session rating"]
    long, _ = pyreadstat.read_sav(str(tmp_path / "z-Ratings.sav"))
    assert long["score_label"].tolist() == ["Emotionally available"]
    assert long["scheme_version"].tolist() == [1.0]


def test_reliability_cli_says_sources_versions_and_ordinal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    location = tmp_path / "r.sqlite"
    with Study.create(from_string(location), make_scheme(), "R") as study:
        coders = [study.coders.add("Ana"), study.coders.add("Ben")]
        for p in ("M01", "M02", "M03"):
            video = study.videos.add(p, "T1", None)
            for n, coder in enumerate(coders):
                study.ratings.set(video.id, coder.id, "zone_adult", 2 + n)
    assert main(["--db", str(location), "reliability", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    zone = report["dimensions"]["zone_adult"]
    assert zone["scale"] == "ordinal" and zone["scheme_versions"] == [1]
    assert zone["session_score_source"] == {"session rating": 6}
    assert main(["--db", str(location), "reliability", "--dimensions", "zone_adult"]) == 0
    text = capsys.readouterr().out
    assert "Ordinal (zones): read α ordinal" in text
    assert "Session scores: 6 session rating" in text
    assert "Scheme version(s) of the scores used: 1" in text
