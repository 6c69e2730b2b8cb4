"""Shared pieces of the command line: the program name, usage errors, opening the study."""

from __future__ import annotations

import argparse

from eas_coder.errors import EasCoderError
from eas_coder.location import Location
from eas_coder.store.study import Study

PROG = "eas-coder"


class UsageError(EasCoderError):
    """A command was called with arguments that do not make sense together."""


def open_study(args: argparse.Namespace) -> Study:
    """The study the command line names (``--db``, ``$EAS_CODER_DB`` or the default)."""
    location: Location = args.location
    return Study.open(location)


def split_list(value: str | None) -> list[str] | None:
    """``"A, B,"`` -> ``["A", "B"]``; None when nothing was given."""
    return [part.strip() for part in value.split(",") if part.strip()] if value else None
