"""Export, then import into an empty study with the same scheme history, gives back the
data of issue 22: each rating's scheme version, the timepoint order (About sheet) and the
measures with their directions (Measures sheet)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eas_coder.exchange.export import export_study
from eas_coder.exchange.importer import ImportRejected, import_ratings
from eas_coder.exchange.measures_import import import_measures
from eas_coder.location import Location, from_string
from eas_coder.store.study import Study
from tests.carry_support import ORDER, V2, fill, natural, new_study


def test_export_then_import_carries_versions_order_and_measures(
    db_location: Location, tmp_path: Path
) -> None:
    with new_study(db_location) as study:
        fill(study)
        export_study(study, tmp_path / "out.xlsx")
        expected = natural(study)
    with new_study(from_string(tmp_path / "empty.sqlite"), "Empty") as empty:
        empty.set_scheme(V2)  # the same scheme history: versions 1 and 2
        import_ratings(empty, tmp_path / "out.xlsx")
        import_measures(empty, tmp_path / "out.xlsx")
        got = natural(empty)
    assert got["timepoint_order"] == ORDER
    assert got["ratings"] == expected["ratings"]  # scheme versions 1 and 2 kept
    assert got["measures"] == expected["measures"]
    assert got["values"] == expected["values"]


def test_a_version_the_study_lacks_is_refused_naming_it(tmp_path: Path) -> None:
    with new_study(from_string(tmp_path / "a.sqlite")) as study:
        fill(study)
        export_study(study, tmp_path / "out.xlsx")
    with new_study(from_string(tmp_path / "b.sqlite"), "Only v1") as only_v1:
        with pytest.raises(ImportRejected) as refused:
            import_ratings(only_v1, tmp_path / "out.xlsx")
        assert "scheme_version" in str(refused.value) and "version 2" in str(refused.value)
        assert only_v1.ratings.all() == []
    with Study.open(from_string(tmp_path / "b.sqlite"), backup=False) as reopened:
        assert reopened.timepoints.order() == []  # nothing half-written
