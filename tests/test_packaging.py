"""An installed wheel carries ui/ and resources/ and finds them at run time."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        check=True, timeout=300, capture_output=True,
    )  # fmt: skip
    (built,) = out.glob("eas_coder-*.whl")
    return built


def test_wheel_contains_forms_schemes_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "eas_coder/_data/resources/scales/eas-direct.toml",
        "eas_coder/_data/resources/scales/eas-demo.toml",
        "eas_coder/_data/resources/style.qss",
        # the methods report's PDF font and its licence (issue 19)
        "eas_coder/_data/resources/fonts/DejaVuSans.ttf",
        "eas_coder/_data/resources/fonts/DejaVuSans-Bold.ttf",
        "eas_coder/_data/resources/fonts/LICENSE-DejaVu.txt",
        "eas_coder/_data/ui/main_window.ui",
        "eas_coder/store/migrations/env.py",
        "eas_coder/store/migrations/script.py.mako",
        "eas_coder/store/migrations/versions/0001_initial.py",
    ):
        assert expected in names


def test_installed_wheel_finds_its_data_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    code = (
        "import eas_coder.resources as r, eas_coder.scheme as s, sys;"
        "assert str(r.data_root()).startswith(sys.argv[1]), r.data_root();"
        "print(s.load_scheme().id, (r.ui_dir() / 'main_window.ui').is_file())"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", code, str(target)], capture_output=True, text=True, env=env,
        cwd=tmp_path, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["eas-direct", "True"]


# Run from the unpacked wheel: a study with two coders, then the methods report as a PDF,
# whose font must come from the wheel (not from the checkout or the system).
_REPORT = """
import sys
from pathlib import Path
import eas_coder.methods_pdf as m
from eas_coder.cli import main
from eas_coder.location import from_string
from eas_coder.scheme import load_scheme
from eas_coder.store.study import Study
root, out = Path(sys.argv[1]), Path(sys.argv[2])
assert str(m._fonts()).startswith(str(root)), m._fonts()
db = out.with_suffix(".sqlite")
with Study.create(from_string(db), load_scheme(), "Wheel") as study:
    a, b = study.coders.add("Ana"), study.coders.add("Ben")
    for v in range(12):
        video = study.videos.add(f"V{v}", "T1", None)
        for coder, extra in ((a, 0.0), (b, 0.5 * (v % 2))):
            study.ratings.set(video.id, coder.id, "sensitivity", 2.0 + v % 5 + extra)
sys.exit(main(["--db", str(db), "report", "reliability", str(out), "--dimensions", "sensitivity"]))
"""


def test_installed_wheel_writes_the_pdf_report_with_its_own_font(
    wheel: Path, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    target = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    out = tmp_path / "work" / "reliability.pdf"
    out.parent.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", _REPORT, str(target), str(out)], capture_output=True, text=True,
        env=env, cwd=out.parent, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    reader = PdfReader(out)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "ICC" in text and "α" in text  # drawn in the shipped font: Greek prints
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("DejaVu" in name for name in fonts), fonts


def test_the_wheel_carries_the_licence_the_notices_and_the_help(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
        meta = archive.read(metadata).decode()
    assert "License-Expression: GPL-3.0-or-later" in meta
    for inside in ("eas_coder/_data/LICENSE", "eas_coder/_data/THIRD_PARTY_NOTICES.md",
                   "eas_coder/_data/resources/help/getting-started.html",
                   "eas_coder/_data/resources/help/coding-window.png"):  # fmt: skip
        assert inside in names, inside
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
