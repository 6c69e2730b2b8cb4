"""EAS Coder: code the Emotional Availability Scales from video.

The Python API for analysts (see docs/api.md)::

    import eas_coder
    with eas_coder.open_study("study.sqlite", coder="Ana") as study:
        ratings = study.ratings_frame()

Importing the package is cheap: the API, and pandas, SQLAlchemy and scipy behind it, load
on first use of a name below (PEP 562 module ``__getattr__``).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# Type checkers read the public names' types from __init__.pyi; nothing is imported here,
# not even under TYPE_CHECKING: every module importing __version__ would then depend on the
# API (and so on the export) for the import-layer contracts in pyproject.toml.
__all__ = ["EasCoderError", "Study", "__version__", "open_study"]

# public name -> the module that defines it, imported when the name is first asked for
_LAZY = {
    "open_study": "eas_coder.api",
    "Study": "eas_coder.api",
    "EasCoderError": "eas_coder.errors",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'eas_coder' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once imported, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
