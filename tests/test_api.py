"""The Python API (``eas_coder.open_study``): the same blind-coding rules as the command line,
frames equal to the export cell for cell, reliability equal to ``reliability --json``."""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook

import eas_coder
from eas_coder.cli_support import PASSPHRASE_ENV
from eas_coder.demo import CODERS, DEMO_PASSPHRASE, build_demo
from eas_coder.errors import EasCoderError, StudyError
from eas_coder.location import Location, from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study as Store

CODER_A, CODER_B = CODERS


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo study (passphrase ``demo-manager``); the API only reads it."""
    return build_demo(tmp_path_factory.mktemp("api-demo"), seconds=4.0)


def _cli(study_file: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, **{PASSPHRASE_ENV: DEMO_PASSPHRASE})
    result = subprocess.run(
        [sys.executable, "-m", "eas_coder", "--db", str(study_file), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result


# --- importing is cheap -------------------------------------------------------------------


def test_import_eas_coder_loads_neither_pandas_scipy_nor_sqlalchemy() -> None:
    code = (
        "import eas_coder, sys; "
        "print(' '.join(str(m in sys.modules) for m in ('pandas', 'scipy', 'sqlalchemy'))); "
        "from eas_coder import Study, open_study; "
        "print(Study.__module__, open_study.__module__, 'sqlalchemy' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert first == "False False False"
    assert second == "eas_coder.api eas_coder.api True"


def test_every_public_name_resolves_and_unknown_names_fail() -> None:
    assert {"open_study", "Study", "EasCoderError", "__version__"} <= set(eas_coder.__all__)
    for name in eas_coder.__all__:
        assert getattr(eas_coder, name) is not None
    assert set(eas_coder.__all__) <= set(dir(eas_coder))
    with pytest.raises(AttributeError, match="no_such_thing"):
        eas_coder.no_such_thing  # type: ignore[attr-defined]  # noqa: B018


# --- frames are the export, cell for cell ---------------------------------------------------


def _same(frame_value: Any, cell: Any) -> bool:
    """A frame value against an xlsx cell: missing is None there; empty text is None too."""
    if frame_value is None or frame_value is pd.NA or frame_value is pd.NaT:
        return cell is None
    if isinstance(frame_value, float) and math.isnan(frame_value):
        return cell is None
    if isinstance(frame_value, str) and frame_value == "":
        return cell in (None, "")
    if isinstance(frame_value, pd.Timestamp | datetime):
        # Excel keeps a date-time to the millisecond
        return (
            isinstance(cell, datetime)
            and abs(pd.Timestamp(frame_value) - cell).total_seconds() < 0.001
        )
    return bool(frame_value == cell) and type(cell) is not bool


def _frame_rows(frame: pd.DataFrame) -> list[list[Any]]:
    return [list(row) for row in frame.astype(object).itertuples(index=False)]


def test_manager_frames_equal_the_xlsx_export_cell_for_cell(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "export.xlsx"
    _cli(demo, "--manager", "export", str(out))
    book = load_workbook(out, read_only=True)
    with eas_coder.open_study(demo, passphrase=DEMO_PASSPHRASE) as study:
        frames = {
            "Ratings": study.ratings_frame(),
            "Sessions": study.sessions_frame(),
            "Segments": study.segments_frame(),
        }
    for sheet, frame in frames.items():
        rows = [list(r) for r in book[sheet].iter_rows(values_only=True)]
        assert list(frame.columns) == list(rows[0]), sheet
        assert len(frame) == len(rows) - 1 > 0, sheet
        for number, (mine, theirs) in enumerate(zip(_frame_rows(frame), rows[1:], strict=True)):
            for column, a, b in zip(frame.columns, mine, theirs, strict=True):
                assert _same(a, b), (sheet, number, column, a, b)
    # the layouts' types: scores are numbers, frames whole numbers, saved_at date-times
    ratings = frames["Ratings"]
    assert ratings["score"].dtype == "float64"
    assert str(ratings["segment_start_frame"].dtype) == "Int64"
    assert str(ratings["saved_at"].dtype).startswith("datetime64")
    assert {CODER_A, CODER_B} <= set(ratings["coder"])


def test_a_coder_sees_only_their_own_work_as_in_their_csv_export(
    demo: Path, tmp_path: Path
) -> None:
    _cli(demo, "--coder", CODER_B, "export", str(tmp_path / "b.csv"))
    with eas_coder.open_study(demo, coder=CODER_B) as study:
        assert study.seen_as.startswith(f"coder {CODER_B}")
        frames = {
            "Ratings": study.ratings_frame(),
            "Sessions": study.sessions_frame(),
            "Segments": study.segments_frame(),
        }
    # blind: Coder A's work is on the same videos (not all submitted), and nowhere here
    assert set(frames["Ratings"]["coder"]) == {CODER_B}
    assert set(frames["Segments"]["coder"]) == {CODER_B}
    assert frames["Sessions"]["sensitivity_coder_a_demo"].isna().all()
    for sheet, frame in frames.items():
        with open(tmp_path / f"b-{sheet}.csv", encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        assert list(frame.columns) == rows[0], sheet
        assert len(frame) == len(rows) - 1 > 0, sheet
        for mine, theirs in zip(_frame_rows(frame), rows[1:], strict=True):
            for column, a, b in zip(frame.columns, mine, theirs, strict=True):
                if (
                    a is None
                    or a is pd.NA
                    or a is pd.NaT
                    or (isinstance(a, float) and math.isnan(a))
                ):
                    assert b == "", (sheet, column, b)
                elif isinstance(a, pd.Timestamp):
                    assert a.strftime("%Y-%m-%d %H:%M:%S") == b, (sheet, column)
                elif isinstance(a, str):
                    assert a == b, (sheet, column)
                else:
                    assert float(a) == float(b), (sheet, column, a, b)


def test_filters_are_the_exports(demo: Path) -> None:
    with eas_coder.open_study(demo, manager=True, passphrase=DEMO_PASSPHRASE) as study:
        only_a = study.ratings_frame(coders=[CODER_A], timepoints=["T1 pre"], coder_codes=True)
        assert set(only_a["timepoint"]) == {"T1 pre"}
        assert set(only_a["coder"]) == {"C1"}
        with pytest.raises(EasCoderError, match="Nobody"):
            study.sessions_frame(coders=["Nobody"])


# --- reliability is reliability --json -------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "flags"),
    [
        ({}, []),
        (
            {"level": "segment", "dimensions": ["sensitivity", "structuring"]},
            ["--level", "segment", "--dimensions", "sensitivity,structuring"],
        ),
    ],
)
def test_reliability_is_the_clis_json(demo: Path, kwargs: dict[str, Any], flags: list[str]) -> None:
    cli = json.loads(_cli(demo, "--manager", "reliability", "--json", *flags).stdout)
    with eas_coder.open_study(demo, passphrase=DEMO_PASSPHRASE) as study:
        mine = study.reliability(**kwargs)
    assert mine == cli
    assert mine["dimensions"]["sensitivity"]["n_units"] > 0


# --- who may open what: the command line's rules ------------------------------------------


def test_refusals_name_the_python_arguments(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    with pytest.raises(EasCoderError, match="wrong lab-manager passphrase"):
        eas_coder.open_study(demo, manager=True, passphrase="not-it")
    with pytest.raises(EasCoderError, match=r"manager=True.*coder="):
        eas_coder.open_study(demo)  # blind-coded: say who you are
    with pytest.raises(EasCoderError, match="not both"):
        eas_coder.open_study(demo, coder=CODER_A, manager=True)
    with pytest.raises(EasCoderError, match="passphrase="):
        eas_coder.open_study(demo, manager=True)  # no passphrase given, none in the env
    as_a = eas_coder.open_study(demo, coder=CODER_A)
    with as_a, pytest.raises(EasCoderError, match=r"lab manager.*manager=True"):
        as_a.reliability()
    monkeypatch.setenv(PASSPHRASE_ENV, DEMO_PASSPHRASE)  # as the CLI reads it
    with eas_coder.open_study(demo, manager=True) as study:
        assert study.seen_as.startswith("lab manager")


def test_a_coder_with_a_passphrase_gives_it(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with Store.create(from_string(path), load_scheme("eas-demo"), "S") as store:
        coder = store.coders.add("Ana")
        store.coders.set_passphrase(coder.id, "ana-secret")
    with pytest.raises(EasCoderError, match="wrong passphrase for Ana"):
        eas_coder.open_study(path, coder="Ana", passphrase="nope")
    with eas_coder.open_study(path, coder="Ana", passphrase="ana-secret") as study:
        assert study.ratings_frame().empty
        assert list(study.ratings_frame().columns)[:3] == ["participant", "timepoint", "video"]


def test_the_context_manager_closes_the_study_file(demo: Path) -> None:
    def open_handles() -> int:
        return sum(1 for fd in Path("/proc/self/fd").iterdir() if str(demo) in os.path.realpath(fd))

    with eas_coder.open_study(demo, passphrase=DEMO_PASSPHRASE) as study:
        assert study.name == "Demo study (synthetic videos)"
        study.ratings_frame()
        assert open_handles() > 0
    assert study.closed and open_handles() == 0
    with pytest.raises(StudyError, match="closed"):
        study.sessions_frame()


def test_a_missing_study_is_named(tmp_path: Path) -> None:
    with pytest.raises(EasCoderError, match="nothing.sqlite"):
        eas_coder.open_study(tmp_path / "nothing.sqlite", coder="A")


def test_blind_on_either_backend_by_path_or_url(db_location: Location) -> None:
    """A study file or a server URL: the coder's frames hold only their own scores until
    both submitted; the lab manager's hold both."""
    with Store.create(db_location, load_scheme("eas-demo"), "Both") as store:
        ana, ben = store.coders.add("Ana"), store.coders.add("Ben")
        video = store.videos.add("P1", "T1", None, name="p1")
        for coder, score in ((ana, 3.0), (ben, 6.0)):
            store.assignments.add(video.id, coder.id)
            store.ratings.set(video.id, coder.id, "sensitivity", score)
        store.manager.set_passphrase("lab-secret")
    where = db_location.path or db_location.url.render_as_string(hide_password=False)
    with eas_coder.open_study(where, coder="Ben") as study:
        assert study.ratings_frame()[["coder", "score"]].values.tolist() == [["Ben", 6.0]]
        assert study.sessions_frame()["sensitivity_ana"].isna().all()
    with eas_coder.open_study(where, passphrase="lab-secret") as study:
        assert sorted(study.ratings_frame()["score"]) == [3.0, 6.0]
        assert study.sessions_frame()["sensitivity_mean"].tolist() == [4.5]
