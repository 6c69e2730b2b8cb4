"""The Python API for analysts: open a study as one person, read it as pandas DataFrames.

``open_study`` signs in exactly as the command line does (``cli_support``): a coder sees only
what blind coding lets them see, the lab manager everything after the study's passphrase,
and a study without a passphrase is open to everyone. The frames are the export's sheets
(``exchange.meta_sheets.build_sheets``), so they hold the same columns and values as the
xlsx, CSV and SPSS files; ``reliability`` is ``eas-coder reliability --json``. Reading
changes nothing in the study. See docs/api.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import warnings
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, Self

from eas_coder.cli_support import (
    UsageError,
    asking_password,
    check_who,
    comparing_viewer,
    refuse_odd_location,
    viewer_of,
)
from eas_coder.errors import StudyError
from eas_coder.location import Location, from_string
from eas_coder.store.network_share import share_warning
from eas_coder.store.study import Study as _Store
from eas_coder.viewer import Viewer

if TYPE_CHECKING:
    import pandas as pd

    from eas_coder.exchange.sheets import ExportOptions

__all__ = ["Study", "open_study"]

Level = Literal["session", "segment"]

# The command line's words for who is asking, and the same in Python arguments: the checks
# (and their refusals) are the command line's own, only the spelling of the fix differs.
_PYTHON_WORDS = (
    ("run the command in a terminal to be asked for it", "give passphrase=..."),
    ("--coder NAME", "coder=NAME"),
    ("--manager", "manager=True"),
    ("--coder", "coder=..."),
)


@contextlib.contextmanager
def _in_python_words() -> Iterator[None]:
    """Refusals that name command-line options name ``open_study``'s arguments instead."""
    try:
        yield
    except UsageError as exc:
        message = str(exc)
        for cli, python in _PYTHON_WORDS:
            message = message.replace(cli, python)
        raise UsageError(message) from None


class Study:
    """A study opened for reading by one person (see ``open_study``); close it when done,
    or use it in a ``with`` block."""

    def __init__(self, store: _Store, args: argparse.Namespace, viewer: Viewer) -> None:
        self._store: _Store | None = store
        self._args = args  # who signed in, as the command line's checks read it
        self._signed_in = viewer

    # --- who and what ---------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The study's name."""
        return self._open().info.name

    @property
    def location(self) -> str:
        """Where the study lives (a file path, or a server URL without its password)."""
        return self._open().location.display()

    @property
    def dimensions(self) -> list[str]:
        """The keys of the coding scheme's dimensions, in the scheme's order."""
        return list(self._open().scheme.keys)

    @property
    def seen_as(self) -> str:
        """Whose view the frames give, in words (as an export's About sheet says it)."""
        return self._signed_in.describe()

    @property
    def closed(self) -> bool:
        """True once ``close`` was called (or the ``with`` block ended)."""
        return self._store is None

    # --- the export's sheets as frames ----------------------------------------------------

    def ratings_frame(
        self,
        *,
        coders: Sequence[str] = (),
        timepoints: Sequence[str] = (),
        videos: Sequence[int] = (),
        coder_codes: bool = False,
    ) -> pd.DataFrame:
        """The long layout (the export's Ratings sheet): one row per score, then one per item
        score; the filters are ``eas-coder export``'s (``--coders``, ``--timepoints``,
        ``--videos``, ``--coder-codes``)."""
        return self._frame("Ratings", coders, timepoints, videos, coder_codes)

    def sessions_frame(
        self,
        *,
        coders: Sequence[str] = (),
        timepoints: Sequence[str] = (),
        videos: Sequence[int] = (),
        coder_codes: bool = False,
    ) -> pd.DataFrame:
        """The wide layout (the export's Sessions sheet): one row per video, a column per
        dimension and coder, the coders' mean, the consensus and its band."""
        return self._frame("Sessions", coders, timepoints, videos, coder_codes)

    def segments_frame(
        self,
        *,
        coders: Sequence[str] = (),
        timepoints: Sequence[str] = (),
        videos: Sequence[int] = (),
        coder_codes: bool = False,
    ) -> pd.DataFrame:
        """Every segment (the export's Segments sheet): coder, times, frames, episode, note."""
        return self._frame("Segments", coders, timepoints, videos, coder_codes)

    def _frame(
        self,
        sheet: str,
        coders: Sequence[str],
        timepoints: Sequence[str],
        videos: Sequence[int],
        coder_codes: bool,
    ) -> pd.DataFrame:
        # imported here: pandas and the export load only when a frame is asked for
        from eas_coder.api_frames import sheet_frame
        from eas_coder.exchange.meta_sheets import build_sheets
        from eas_coder.exchange.sheets import ExportOptions

        options: ExportOptions = ExportOptions(
            coders=tuple(coders),
            timepoints=tuple(timepoints),
            video_ids=tuple(int(v) for v in videos),
            coder_codes=coder_codes,
        )
        store = self._open()
        sheets = build_sheets(store, options, viewer=self._viewer())
        return sheet_frame(next(s for s in sheets if s.name == sheet))

    # --- reliability ----------------------------------------------------------------------

    def reliability(
        self,
        coders: Sequence[str] | None = None,
        level: Level = "session",
        dimensions: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """Agreement between coders, per dimension: the object ``eas-coder reliability
        --json`` prints (NaN as None), for the lab manager (or anyone in a study without a
        passphrase; a coder there gets their own blind view)."""
        from eas_coder import reliability  # numpy/scipy only when needed

        store = self._open()
        with _in_python_words():
            viewer = self._comparing_viewer("reliability (it compares coders)")
        chosen = list(coders) if coders else None  # none named: all, as without --coders
        keys = list(dimensions) if dimensions else None
        report = reliability.compute(store, chosen, level, keys, viewer)
        # through JSON, as the command prints it: plain lists, dicts, numbers and None
        shown: dict[str, Any] = json.loads(json.dumps(report.to_json()))
        return shown

    # --- signing in and closing -----------------------------------------------------------

    def _viewer(self) -> Viewer:
        """The signed-in person's view now: a coder's follows the assignments as they are
        (another coder may have submitted, or the manager reopened, since opening)."""
        if self._signed_in.manager:
            return self._signed_in
        return Viewer(self._signed_in.coder, self._open().assignments.all())

    def _comparing_viewer(self, what: str) -> Viewer:
        if self._signed_in.manager:  # checked at opening, as the command line checks it
            return self._signed_in
        # a coder: the command line's rule (refused in a study with a manager passphrase)
        return comparing_viewer(self._args, self._open(), what)

    def _open(self) -> _Store:
        if self._store is None:
            raise StudyError("this study was closed; open it again with eas_coder.open_study")
        return self._store

    def close(self) -> None:
        """Release the database connections (and the study file); calling it again is fine."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._store is None:
            return "<eas_coder.Study (closed)>"
        return f"<eas_coder.Study {self.name!r} at {self.location}, as {self.seen_as}>"


def open_study(
    where: str | os.PathLike[str],
    *,
    coder: str | None = None,
    manager: bool = False,
    passphrase: str | None = None,
) -> Study:
    """Open the study at ``where`` (a study file, or a database URL such as
    ``postgresql+psycopg://host/db``) for reading, as one person.

    ``coder="NAME"`` gives that coder's blind view (``passphrase`` is theirs, when the lab
    manager gave them one); ``manager=True`` the lab manager's (``passphrase`` is the
    study's lab-manager passphrase; a ``passphrase`` without ``coder`` means the manager).
    Without either, the passphrase is read from the same environment variables as the
    command line's, else asked at a terminal. A study without a lab-manager passphrase is
    open to everyone, as on the command line.
    """
    location: Location = from_string(where)
    args = argparse.Namespace(
        coder=coder,
        manager=manager or (coder is None and passphrase is not None),
        passphrase=passphrase,
        location=location,
    )
    with _in_python_words():
        check_who(args)
        refuse_odd_location(location)
        if location.path is not None and (warning := share_warning(location.path)):
            warnings.warn(warning, stacklevel=2)
        # no backup on opening: reading changes nothing, and a script opening the study in
        # a loop must not push the lab's real backups out of the kept few
        store = asking_password(location, lambda here: _Store.open(here, backup=False))
        try:
            viewer = viewer_of(args, store, "eas_coder.open_study")
        except BaseException:
            store.close()
            raise
    return Study(store, args, viewer)
