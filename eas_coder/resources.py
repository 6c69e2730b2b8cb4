"""Where the shipped data lives: ``resources/`` and ``ui/``.

In a wheel both are inside the package (``eas_coder/_data/``, see pyproject.toml); in a
source checkout or an editable install they sit beside the package. Callers never care which.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path


@cache
def data_root() -> Path:
    """The folder holding ``resources/`` and ``ui/``."""
    packaged = Path(str(files("eas_coder"))) / "_data"
    if (packaged / "resources").is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """Icons, the stylesheet and the shipped coding schemes."""
    return data_root() / "resources"


def scales_dir() -> Path:
    """The shipped coding schemes (``*.toml``)."""
    return resources_dir() / "scales"


def ui_dir() -> Path:
    """Qt Designer forms (``*.ui``)."""
    return data_root() / "ui"
