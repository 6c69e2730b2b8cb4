"""Merging a copy carries the data of issues 21 and 22: each rating's scheme version, the
timepoint order, measures with their directions and values. What differs is reported as a
conflict and kept as it is here, never overwritten; a copy whose scheme versions differ from
this study's is refused, naming the version, before anything is written. Every table of the
schema is either merged or on the list of what merge leaves out, with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from eas_coder import merge
from eas_coder.errors import StudyError
from eas_coder.location import Location, from_string
from eas_coder.merge import merge_study
from eas_coder.scheme import parse_scheme
from eas_coder.store.measures import NewValue
from eas_coder.store.study import Study
from eas_coder.store.tables import Base
from tests.carry_support import ORDER, POST, PRE, SCHEME, V2, fill, natural, new_study


def _laptop(tmp_path: Path) -> Path:
    path = tmp_path / "laptop.sqlite"
    with new_study(from_string(path), "Laptop") as laptop:
        fill(laptop)
    return path


def _lab(location: Location) -> Study:
    """The lab's study: the same videos and scheme history, nothing coded yet."""
    lab = new_study(location, "Lab")
    lab.videos.add("M001", "pre", None, PRE)
    lab.videos.add("M001", "post", None, POST)
    return lab


def test_merge_carries_scheme_versions_order_and_measures(
    db_location: Location, tmp_path: Path
) -> None:
    laptop_file = _laptop(tmp_path)
    lab = _lab(db_location)
    lab.set_scheme(V2)
    with lab, Study.open(from_string(laptop_file), backup=False) as laptop:
        expected = natural(laptop)
        report = merge_study(lab, laptop)
        assert not report.conflicts and not report.refused, report
        got = natural(lab)
        assert got["ratings"] == expected["ratings"]  # versions 1 and 2 kept
        assert [v[1:] for v in got["scheme_versions"]] == [
            v[1:] for v in expected["scheme_versions"]
        ]
        assert got["timepoint_order"] == ORDER
        assert got == expected
        again = merge_study(lab, laptop)  # twice changes nothing
        assert not again.changed and not again.conflicts and natural(lab) == expected


def test_merge_reports_conflicts_and_keeps_what_is_here(
    db_location: Location, tmp_path: Path
) -> None:
    laptop_file = _laptop(tmp_path)
    lab = _lab(db_location)
    post = next(v for v in lab.videos.all() if v.timepoint == "post")
    ana = lab.coders.add("Ana")
    lab.ratings.set(post.id, ana.id, "sensitivity", 6.5, note="under version 1")  # v1 here
    ben = lab.coders.add("Ben")
    pre = next(v for v in lab.videos.all() if v.timepoint == "pre")
    lab.item_drafts.save(pre.id, ben.id, "warmth", {"touch": 1})  # the copy has smiles 2
    lab.set_scheme(V2)
    lab.timepoints.set(["post", "pre"])
    lab.measures.write([NewValue(1, "M001", "pre", "BDI", 30, True)], "lab")
    with lab, Study.open(from_string(laptop_file), backup=False) as laptop:
        before = natural(lab)
        report = merge_study(lab, laptop)
        text = "\n".join(report.conflicts)
        assert "timepoint order" in text and "post, pre" in text, text
        assert "BDI of M001 at pre is 30 here and 27 in the copy" in text, text
        assert "BDI is higher-better here and lower-better in the copy" in text, text
        assert "scheme version 1 here and scheme version 2 in the copy" in text, text
        assert "unfinished items of warmth" in text and "other unfinished items" in text, text
        after = natural(lab)
        assert [d[5] for d in after["item_drafts"] if d[2] == "Ben"] == [[("touch", 1.0)]]
        assert after["timepoint_order"] == ["post", "pre"]
        assert ("BDI", True) in after["measures"]
        assert ("M001", "pre", "BDI", 30) in after["values"]
        assert ("M001", "pre", "BDI", 27) not in after["values"]
        kept = [r for r in after["ratings"] if r[:4] == ("M001", "post", "Ana", "sensitivity")]
        assert [r[-1] for r in kept] == [1]
        # what does not conflict came in: PSI, BDI at follow-up (a timepoint new here)
        assert ("M001", "post", "PSI", 115) in after["values"]
        assert ("M001", "follow-up", "BDI", 16) in after["values"]
        assert len(after["ratings"]) == len(before["ratings"]) + 4


def test_merge_refuses_scheme_versions_that_differ(tmp_path: Path) -> None:
    laptop_file = _laptop(tmp_path)
    other_v2 = parse_scheme(
        SCHEME.source_text.replace('label = "Structuring"', 'label = "Structuring (S)"')
    )
    lab = _lab(from_string(tmp_path / "lab.sqlite"))
    with lab, Study.open(from_string(laptop_file), backup=False) as laptop:
        # the copy's version 2 is not here at all
        with pytest.raises(StudyError, match="version 2") as missing:
            merge_study(lab, laptop)
        assert "Nothing was changed" in str(missing.value)
        lab.set_scheme(other_v2)  # a version 2 of another text
        with pytest.raises(StudyError, match="version 2") as differs:
            merge_study(lab, laptop)
        assert "differs" in str(differs.value)
        assert lab.ratings.all() == [] and lab.measures.all() == []
        assert lab.timepoints.order() == []


def test_every_table_is_merged_or_left_out_with_a_reason() -> None:
    """A new table must be added to one list or the other, or this fails."""
    tables = set(Base.metadata.tables)
    assert not set(merge.MERGED) & set(merge.NOT_MERGED)
    assert set(merge.MERGED) | set(merge.NOT_MERGED) == tables
    assert all(reason.strip() for reason in merge.NOT_MERGED.values())
