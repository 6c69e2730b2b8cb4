"""Shared pieces of the command line: the program name, usage errors, opening the study, and
who is asking (a coder, with their passphrase when they have one, or the lab manager with the
study's). Who is asking is also who the audit log names, beside the computer's login."""

from __future__ import annotations

import argparse
import getpass
import os
import stat
import sys
from collections.abc import Callable
from typing import TypeVar

from eas_coder.errors import EasCoderError, PasswordNeeded
from eas_coder.location import Location, server_label, with_password
from eas_coder.model import Coder
from eas_coder.store.network_share import share_warning
from eas_coder.store.study import Study
from eas_coder.viewer import Viewer

PROG = "eas-coder"
PASSPHRASE_ENV = "EAS_CODER_MANAGER_PASSPHRASE"
CODER_PASSPHRASE_ENV = "EAS_CODER_CODER_PASSPHRASE"  # for `--coder NAME` with a passphrase
T = TypeVar("T")
MAX_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL


class UsageError(EasCoderError):
    """A command was called with arguments that do not make sense together."""


def checked_id(value: int, name: str, what: str) -> int:
    """An id given on the command line, refused (UsageError, one line) unless 1..MAX_ID:
    a database would fail on a 20-digit number with a traceback instead of an answer."""
    if not 1 <= value <= MAX_ID:
        raise UsageError(
            f"{name} {value} is not a {what} id: ids are whole numbers from 1 to {MAX_ID} "
            f"(see `{PROG} {what}s list`)"
        )
    return value


_ODD_FILES = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def refuse_odd_location(location: Location) -> None:
    """Refuse at once a study path that exists but is not a regular file (a pipe would block
    the first read forever; a folder or a device is never a study). URLs pass."""
    if location.path is None:
        return
    try:
        mode = os.stat(location.path).st_mode  # follows links: a link to a study is fine
    except OSError:
        return  # missing: `init` creates it, every other command says it is not there
    for test, kind in _ODD_FILES:
        if test(mode):
            raise UsageError(
                f"{location.path}: is {kind}, not a study file; give a study file "
                "(.sqlite) or a database URL with --db"
            )


def open_study(args: argparse.Namespace) -> Study:
    """The study the command line names (``--db``, ``$EAS_CODER_DB`` or the default)."""
    location: Location = args.location
    if location.path is not None:
        warning = share_warning(location.path)
        if warning:
            print(f"{PROG}: warning: {warning}", file=sys.stderr)
    study = asking_password(location, Study.open)
    args.location = study.location  # with a typed password, in memory, for a second opening
    return study


def _terminal_password(label: str, refused: bool) -> str | None:
    """Ask at the terminal, not echoed; None when there is no terminal to ask at."""
    if sys.stdin is None or not sys.stdin.isatty():
        return None
    if refused:
        print(f"{PROG}: the server refused the password for {label}", file=sys.stderr)
    try:
        return getpass.getpass(f"Password for {label}: ")
    except EOFError:
        return None


# Asks for a database server's password (``USER@HOST:PORT/DB``, whether one was refused);
# tests replace it to answer as a person would.
password_prompt: Callable[[str, bool], str | None] = _terminal_password


def asking_password(location: Location, action: Callable[[Location], T]) -> T:
    """``action(location)``; when the server wants a password, ask once (at a terminal) and
    try again with it in memory only. Without a terminal PasswordNeeded's message stands."""
    try:
        return action(location)
    except PasswordNeeded as exc:
        password = password_prompt(server_label(location), exc.wrong)
        if password is None:
            raise
    return action(with_password(location, password))


def split_list(value: str | None) -> list[str] | None:
    """``"A, B,"`` -> ``["A", "B"]``; None when nothing was given."""
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


def add_who_options(parser: argparse.ArgumentParser, suppress: bool = False) -> None:
    """``--coder NAME`` and ``--manager``; ``suppress`` leaves them unset when not given (for
    subcommands, so the same options given before the command are not overwritten)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--coder",
        metavar="NAME",
        default=argparse.SUPPRESS if suppress else None,
        help="act as this coder: see only what blind coding lets them see (a coder with a "
        f"passphrase: from ${CODER_PASSPHRASE_ENV}, else asked)",
    )
    group.add_argument(
        "--manager",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help=f"act as the lab manager (passphrase from ${PASSPHRASE_ENV}, else asked)",
    )


def check_who(args: argparse.Namespace) -> None:
    """Refuse ``--coder`` together with ``--manager`` (they may sit on either side of the
    command, where argparse cannot see both)."""
    if getattr(args, "coder", None) is not None and getattr(args, "manager", False):
        raise UsageError(
            "act as a coder (--coder NAME) or as the lab manager (--manager), not both"
        )


def terminal() -> bool:
    """True when someone at a terminal can be asked (stdin is a TTY)."""
    return sys.stdin is not None and sys.stdin.isatty()


def _secret(env: str, prompt: str, missing: str, given: str | None = None) -> str:
    """The passphrase ``given`` (the Python API's ``passphrase=``), else ``$env``, else asked
    (not echoed) at a terminal, else UsageError."""
    given = given if given is not None else os.environ.get(env)
    if given:
        return given
    if terminal():
        try:
            return getpass.getpass(prompt)
        except EOFError:
            return ""
    raise UsageError(f"{missing}: set {env}, or run the command in a terminal to be asked for it")


def _given(args: argparse.Namespace) -> str | None:
    """A passphrase handed over in ``args`` (eas_coder.api does; the command line never)."""
    given: str | None = getattr(args, "passphrase", None)
    return given


def _check_manager(study: Study, given: str | None = None) -> None:
    passphrase = _secret(
        PASSPHRASE_ENV,
        "Lab-manager passphrase: ",
        "--manager needs the lab-manager passphrase",
        given,
    )
    if not study.manager.verify(passphrase):
        raise UsageError("wrong lab-manager passphrase")
    study.coders.act_as(None, manager=True)


def sign_in_coder(study: Study, name: str, given: str | None = None) -> Coder:
    """The coder ``--coder NAME`` names, after their passphrase when they have one; from now
    on the audit log names them."""
    coder = study.coders.get(name)
    if not coder.active:  # as the window, which no longer offers them at sign-in
        raise UsageError(
            f"{coder.name} is retired: the lab manager can make them active again "
            f"(eas-coder coders unretire {coder.name!r})"
        )
    if study.coders.has_passphrase(coder.id):
        passphrase = _secret(
            CODER_PASSPHRASE_ENV,
            f"Passphrase of {coder.name}: ",
            f"{coder.name} signs in with a passphrase",
            given,
        )
        if not study.coders.verify(coder.id, passphrase):
            raise UsageError(f"wrong passphrase for {coder.name}")
    study.coders.act_as(coder)
    return coder


def _coder_name(args: argparse.Namespace) -> str | None:
    name: str | None = getattr(args, "coder", None)
    return name


def require_manager(args: argparse.Namespace, study: Study, what: str) -> None:
    """Let only the lab manager go on (in a study without a passphrase: everyone, as before).

    ``what`` names the action for the refusal, e.g. "adding coders".
    """
    name = _coder_name(args)
    if not study.manager.has_passphrase():
        if name is not None:  # a mistyped name is still worth saying; the audit names them
            sign_in_coder(study, name, _given(args))
        return
    if name is not None:
        raise UsageError(f"{what} is for the lab manager, not a coder: use --manager, not --coder")
    if not getattr(args, "manager", False):
        raise UsageError(f"{what} is for the lab manager in this study: add --manager")
    _check_manager(study, _given(args))


def viewer_of(args: argparse.Namespace, study: Study, what: str) -> Viewer:
    """Whose view a command that shows coders' work gives: the lab manager's (everything) or
    the ``--coder``'s (blind, as in the window, with or without a passphrase). Without a
    passphrase and without ``--coder`` nothing is protected: everything is shown."""
    name = _coder_name(args)
    if name is not None:
        return Viewer(sign_in_coder(study, name, _given(args)), study.assignments.all())
    if not study.manager.has_passphrase():
        return Viewer.everyone()
    if not getattr(args, "manager", False):
        raise UsageError(
            f"{what} shows coders' scores and this study is blind-coded: "
            "add --manager (lab manager) or --coder NAME (your own view)"
        )
    _check_manager(study, _given(args))
    return Viewer.everyone()


def comparing_viewer(args: argparse.Namespace, study: Study, what: str) -> Viewer:
    """For commands that compare coders (reliability, disagreements): the lab manager's in a
    study with a passphrase; in one without, a ``--coder``'s own blind view if asked for."""
    if study.manager.has_passphrase():
        require_manager(args, study, what)
        return Viewer.everyone()
    return viewer_of(args, study, what)
