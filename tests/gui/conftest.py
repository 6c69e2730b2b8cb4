"""GUI fixtures: a demo study built once per session (videos take a moment to write)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from eas_coder.demo import build_demo


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo-template"), seconds=4.0).parent


@pytest.fixture
def demo_study_file(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo study (tests may change it)."""
    target = tmp_path / "demo"
    shutil.copytree(demo_template, target)
    return next(target.glob("*.sqlite"))
