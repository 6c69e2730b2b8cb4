"""Errors the core raises: each carries what a person needs to fix the input.

The GUI shows ``str(error)`` in a message box; the CLI prints it on one line and exits 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eas_coder.model import Rating


class EasCoderError(Exception):
    """Base of every error a user can act on."""


class SchemeError(EasCoderError):
    """A coding scheme file is malformed; the message names the file, the line or key."""

    def __init__(self, source: str, where: str, problem: str) -> None:
        self.source = source
        self.where = where
        self.problem = problem
        location = f"{source}, {where}" if where else source
        super().__init__(f"{location}: {problem}")


class ScoreError(EasCoderError):
    """A score does not fit the study's coding scheme."""


class UnknownDimension(ScoreError):
    """A rating names a dimension (or item) the scheme does not define."""


class ScoreOutOfRange(ScoreError):
    """A score lies outside the dimension's min..max."""


class ScoreOffStep(ScoreError):
    """A score is within range but not on the dimension's step grid."""


class VideoUnreadable(EasCoderError):
    """A video file is missing, is not a video, or cannot be decoded."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class StudyError(EasCoderError):
    """A study database cannot be opened or a request on it is invalid."""


class StudyNotFound(StudyError):
    """No study exists at the given location."""


class NotAStudy(StudyError):
    """The file exists but is not an EAS Coder study database."""


class SchemaTooNew(StudyError):
    """The database was written by a newer EAS Coder; it is left untouched."""


class StudyDamaged(StudyError):
    """The study file is damaged; ``backup`` is the newest good backup to restore, if any."""

    def __init__(
        self, message: str, path: Path, problems: tuple[str, ...], backup: Path | None
    ) -> None:
        self.path = path
        self.problems = problems
        self.backup = backup
        super().__init__(message)


class NotFound(StudyError):
    """A coder, participant, video or segment named in a request does not exist."""


class Conflict(StudyError):
    """A request would duplicate something that must be unique (a coder's name, ...)."""


class StudyBusy(StudyError):
    """The change could not be saved: the study file stayed locked by another program past
    the busy timeout, or the database server could not be reached. Nothing was saved."""


class StaleEdit(Conflict):
    """A score was changed (or cleared) by someone else since the editor read it.

    Nothing was saved; ``current`` is the stored rating now (None when it was cleared), so
    the editor can show it.
    """

    def __init__(self, message: str, current: Rating | None) -> None:
        self.current = current
        super().__init__(message)


class PasswordNeeded(StudyError):
    """The database server wants a password: none was given, or the one given was refused.

    ``where`` is the location as shown to people (no password), ``user`` the role the server
    was asked for, ``wrong`` True when a password was given and refused. The message never
    holds a password.
    """

    def __init__(self, where: str, user: str, wrong: bool) -> None:
        self.where = where
        self.user = user
        self.wrong = wrong
        problem = (
            f"the server refused the password for user {user!r}"
            if wrong
            else f"the server wants a password for user {user!r} and none was given"
        )
        super().__init__(
            f"{where}: {problem}. Set PGPASSWORD, put the password in ~/.pgpass "
            "(one line host:port:database:user:password, chmod 600), or type it when "
            "EAS Coder asks; EAS Coder never stores it"
        )
