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
