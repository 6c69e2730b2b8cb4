"""The ``eas-coder`` command. Arguments are parsed only inside ``main()``.

Exit status: 0 on success, 2 with a one-line message on bad input (argparse's own errors
also exit 2).

Who is asking: ``--coder NAME`` or ``--manager`` (before or after the command). In a study
with a lab-manager passphrase, commands that change the study or compare coders are the
lab manager's, and ``export`` gives a coder only what blind coding lets them see
(``cli_support.require_manager`` and ``viewer_of``). Without a passphrase, all is open,
except that ``--coder NAME`` still gives that coder's own blind view. A coder the lab manager
gave a passphrase (``coders passphrase NAME``) is asked for it.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from eas_coder import __version__
from eas_coder.cli_analysis import (
    cmd_consensus,
    cmd_disagreements,
    cmd_export,
    cmd_import,
    cmd_reliability,
    cmd_sample,
    cmd_settings,
)
from eas_coder.cli_backups import add_backup_parsers
from eas_coder.cli_change import add_change_parsers
from eas_coder.cli_coders import add_coder_parsers
from eas_coder.cli_files import add_merge_parser, add_relink_parser
from eas_coder.cli_interchange import add_interchange_parsers
from eas_coder.cli_media import add_attach_parser, cmd_check
from eas_coder.cli_media_root import add_media_root_parser
from eas_coder.cli_report import add_report_parser
from eas_coder.cli_scheme import add_scheme_parsers
from eas_coder.cli_support import (
    PROG,
    UsageError,
    add_who_options,
    asking_password,
    check_who,
    open_study,
    refuse_odd_location,
    require_manager,
    terminal,
)
from eas_coder.errors import EasCoderError
from eas_coder.location import ENV_VAR, Location, resolve
from eas_coder.scheme import DEFAULT_SCHEME_ID, load_scheme, shipped_schemes
from eas_coder.store.study import Study
from eas_coder.timecode import clock


def cmd_init(args: argparse.Namespace) -> int:
    scheme = load_scheme(args.scheme)
    location: Location = args.location
    if location.path is not None and location.path.exists():
        raise UsageError(f"{location.path}: already exists; choose another study file")
    name = args.name or (location.path.stem if location.path else "EAS study")
    with asking_password(location, lambda where: Study.create(where, scheme, name)):
        pass
    print(f"Created study {name!r} at {location.display()} (scheme {scheme.id} v{scheme.version})")
    return 0


def cmd_coders_add(args: argparse.Namespace) -> int:
    with open_study(args) as study:
        require_manager(args, study, "adding coders")
        for coder in study.coders.add_many(args.names):  # all or none
            print(f"Added coder {coder.name} (id {coder.id})")
    return 0


def _new_passphrase(name: str) -> str:
    """The new passphrase: typed twice (not echoed) at a terminal, else stdin's first line."""
    if not terminal():
        return sys.stdin.readline().rstrip("\r\n") if sys.stdin is not None else ""
    first = getpass.getpass(f"New passphrase for {name}: ")
    if getpass.getpass("The same again: ") != first:
        raise UsageError("the two passphrases differ; nothing was changed")
    return first


def cmd_coders_passphrase(args: argparse.Namespace) -> int:
    with open_study(args) as study:
        require_manager(args, study, "setting a coder's passphrase")
        coder = study.coders.get(args.name)
        if args.clear:
            study.coders.set_passphrase(coder.id, None)
            print(f"Removed the passphrase of {coder.name}")
            return 0
        study.coders.set_passphrase(coder.id, _new_passphrase(coder.name))
    print(f"Set the passphrase of {coder.name}; they are asked for it when signing in")
    return 0


def cmd_coders_list(args: argparse.Namespace) -> int:
    with open_study(args) as study:
        coders = study.coders.all()
    if not coders:
        print("No coders yet; add some with `eas-coder coders add NAME`.")
    for coder in coders:
        print(f"{coder.id:>4}  {coder.name}{'' if coder.active else '  (inactive)'}")
    return 0


def cmd_videos_add(args: argparse.Namespace) -> int:
    # OpenCV and PyAV load only for commands that need them
    from eas_coder.adding_videos import DamagedVideo, VideoEntry, add_checked, inspect_for_adding

    files = [Path(f) for f in args.files]
    with open_study(args) as study:
        require_manager(args, study, "adding videos")
        # Check and probe every file before writing anything: one bad file adds none of them.
        checked = []
        for file in files:
            try:
                checked.append((file, *inspect_for_adding(file, args.accept_damaged)))
            except DamagedVideo as exc:
                raise UsageError(
                    f"{exc}. Nothing was added. If this is all there is of the recording, "
                    "add it anyway with --accept-damaged"
                ) from None
        for file, accuracy, info in checked:
            entry = VideoEntry(file, args.participant, args.timepoint)
            video = add_checked(study, entry, accuracy, info, args.allow_duplicate)
            print(
                f"Added {video.label}: {file.name} ({clock(info.duration_ms)}, "
                f"{info.fps:.3g} fps, {info.frame_count} frames, {info.width}×{info.height})"
            )
            for problem in accuracy.problems:
                print(f"  warning: {problem}")
    return 0


def cmd_videos_list(args: argparse.Namespace) -> int:
    with open_study(args) as study:
        videos = study.videos.all()
    if not videos:
        print("No videos yet; add some with `eas-coder videos add FILE --participant ...`.")
        return 0
    print(f"{'id':>4}  {'participant':<12} {'timepoint':<14} {'duration':>12} {'fps':>7}  file")
    for v in videos:
        fps = f"{v.fps:.3f}" if v.fps else "-"
        print(
            f"{v.id:>4}  {v.participant_code:<12} {v.timepoint:<14} "
            f"{clock(v.duration_ms) or '-':>12} {fps:>7}  {v.path or '(no file)'}"
        )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from eas_coder.demo import build_demo

    study_file = build_demo(Path(args.directory))
    print(f"Demo study: {study_file}")
    print(f"Open it with: {PROG} --db {shlex.quote(str(study_file))}")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
        and not os.environ.get("QT_QPA_PLATFORM")
    ):
        raise UsageError("no display to open the window on (DISPLAY is not set)")
    # Imported by name so the command line works (and imports) without Qt.
    app = importlib.import_module("eas_coder.gui.window.app")
    launch: Callable[[Location, bool, str | None], int] = app.launch
    return launch(args.location, args.location_explicit, getattr(args, "player", None))


# --- parser --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (built on demand, never at import time)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Code the Emotional Availability Scales from video.",
        epilog=f"Without --db, ${ENV_VAR} is used, else a default study in your data folder.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="study file (SQLite) or SQLAlchemy URL such as postgresql+psycopg://host/db",
    )
    add_who_options(parser)
    # The same options after a command too (`export out.xlsx --coder B`); an exact option
    # also keeps argparse from reading `--coder` as an abbreviation of `--coders`.
    who = argparse.ArgumentParser(add_help=False)
    add_who_options(who, suppress=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the application window (the default)")
    gui.add_argument(
        "--player",
        choices=["vlc", "qt"],
        help="playback engine: vlc (libVLC) or qt (Qt Multimedia); default: VLC when installed",
    )
    gui.set_defaults(func=cmd_gui)

    init = sub.add_parser("init", help="create a study")
    init.add_argument(
        "--scheme",
        default=DEFAULT_SCHEME_ID,
        metavar="ID_OR_TOML_PATH",
        help=f"shipped scheme id ({', '.join(shipped_schemes())}) or a scheme file",
    )
    init.add_argument("--name", help="study name (default: the file name)")
    init.set_defaults(func=cmd_init)

    coders = sub.add_parser("coders", help="add or list coders")
    coders_sub = coders.add_subparsers(dest="action", metavar="ACTION", required=True)
    c_add = coders_sub.add_parser("add", help="add coders", parents=[who])
    c_add.add_argument("names", nargs="+", metavar="NAME")
    c_add.set_defaults(func=cmd_coders_add)
    coders_sub.add_parser("list", help="list coders", parents=[who]).set_defaults(
        func=cmd_coders_list
    )
    c_pass = coders_sub.add_parser(
        "passphrase",
        help="set a coder's sign-in passphrase (lab manager; asked, or read from stdin)",
        parents=[who],
    )
    c_pass.add_argument("name", metavar="NAME")
    c_pass.add_argument("--clear", action="store_true", help="remove the passphrase instead")
    c_pass.set_defaults(func=cmd_coders_passphrase)
    add_coder_parsers(coders_sub, who)  # rename, retire, unretire, delete

    videos = sub.add_parser("videos", help="add or list videos")
    videos_sub = videos.add_subparsers(dest="action", metavar="ACTION", required=True)
    v_add = videos_sub.add_parser(
        "add", help="add video files of one dyad at one timepoint", parents=[who]
    )
    v_add.add_argument("files", nargs="+", metavar="FILE")
    v_add.add_argument("--participant", required=True, help="de-identified dyad code")
    v_add.add_argument("--timepoint", required=True, help='e.g. "T1 pre" or "T2 follow-up"')
    v_add.add_argument(
        "--allow-duplicate",
        action="store_true",
        help="add a file even if the same recording is already in the study",
    )
    v_add.add_argument(
        "--accept-damaged",
        action="store_true",
        help="add a truncated or damaged file anyway (the lab manager accepts what is missing)",
    )
    v_add.set_defaults(func=cmd_videos_add)
    videos_sub.add_parser("list", help="list videos", parents=[who]).set_defaults(
        func=cmd_videos_list
    )
    add_attach_parser(videos_sub, who)

    demo = sub.add_parser("demo", help="make a small demo study in DIR")
    demo.add_argument("directory", metavar="DIR")
    demo.set_defaults(func=cmd_demo)

    rel = sub.add_parser(
        "reliability", help="agreement between coders, per dimension", parents=[who]
    )
    rel.add_argument("--coders", metavar="A,B,...", help="coder names (default: all)")
    rel.add_argument("--level", choices=("session", "segment"), default="session")
    rel.add_argument("--dimensions", metavar="K1,K2", help="dimension keys (default: all)")
    rel.add_argument("--json", action="store_true", help="print one JSON object")
    rel.set_defaults(func=cmd_reliability)

    dis = sub.add_parser(
        "disagreements", help="where coders' scores differ, largest first", parents=[who]
    )
    dis.add_argument("--coders", metavar="A,B,...", help="coder names (default: all)")
    dis.add_argument("--level", choices=("session", "segment"), default="session")
    dis.add_argument("--min", type=float, default=0.5, help="smallest difference (default 0.5)")
    dis.set_defaults(func=cmd_disagreements)

    cons = sub.add_parser(
        "consensus", help="record an agreed session score after review", parents=[who]
    )
    cons.add_argument("video", type=int, metavar="VIDEO_ID", help="see `videos list`")
    cons.add_argument("dimension", metavar="DIMENSION", help="dimension key")
    cons.add_argument("score", type=float, metavar="SCORE")
    cons.add_argument("--note", default="", help="what was agreed and why")
    cons.set_defaults(func=cmd_consensus)

    sample = sub.add_parser("sample", help="draw and assign the reliability sample", parents=[who])
    sample.add_argument("--coders", required=True, metavar="A,B", help="coders to double-code")
    sample.add_argument("--share", type=float, default=0.2, help="share of videos (default 0.2)")
    sample.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    sample.add_argument("--no-stratify", action="store_true", help="do not draw per timepoint")
    sample.set_defaults(func=cmd_sample)

    settings = sub.add_parser("settings", help="show or change study settings", parents=[who])
    settings.add_argument("key", nargs="?", help="e.g. reliability.target")
    settings.add_argument("value", nargs="?", help='new value (JSON, e.g. 0.75 or "ICC3")')
    settings.set_defaults(func=cmd_settings)

    export = sub.add_parser(
        "export", help="export ratings for analysis (xlsx, csv, sav)", parents=[who]
    )
    export.add_argument("out", metavar="OUT", help="e.g. ratings.xlsx, ratings.csv, ratings.sav")
    export.add_argument("--format", choices=("xlsx", "csv", "sav"), help="default: from OUT")
    export.add_argument("--coders", metavar="A,B", help="only these coders")
    export.add_argument("--timepoints", metavar="T1,T2", help="only these timepoints")
    export.add_argument("--videos", metavar="ID,ID", help="only these video ids")
    export.add_argument("--coder-codes", action="store_true", help="C1, C2... instead of names")
    export.set_defaults(func=cmd_export)

    imp = sub.add_parser(
        "import-ratings", help="import a long-format rating sheet (xlsx, csv, sav)", parents=[who]
    )
    imp.add_argument(
        "file",
        metavar="FILE",
        help="columns: participant, timepoint, coder, "
        "dimension, score [, video, level, segment_start, segment_end, episode, item, "
        "score_note, segment_note]",
    )
    imp.add_argument(
        "--dry-run",
        action="store_true",
        help="check everything and list the coders, participants and videos it would "
        "create; write nothing",
    )
    imp.add_argument(
        "--allow-new",
        action="store_true",
        help="confirm new coders and participants whose names are one letter from "
        "existing ones (otherwise refused as likely typos)",
    )
    imp.add_argument(
        "--encoding",
        metavar="NAME",
        help="a CSV sheet's encoding, e.g. cp1252 (default: UTF-8, with or without BOM)",
    )
    imp.set_defaults(func=cmd_import)

    check = sub.add_parser(
        "check", help="check the study's database and video files", parents=[who]
    )
    check.set_defaults(func=cmd_check)
    add_backup_parsers(sub, who)
    add_relink_parser(sub, who)
    add_merge_parser(sub, who)
    add_report_parser(sub, who)
    add_scheme_parsers(sub, who)
    add_interchange_parsers(sub, who)
    add_change_parsers(sub, who)
    add_media_root_parser(sub, who)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        args.func = cmd_gui
    try:
        check_who(args)
        args.location, args.location_explicit = resolve(args.db)
        refuse_odd_location(args.location)  # a pipe would hang, a folder is never a study
        status: int = args.func(args)
    except BrokenPipeError:  # output piped into `head`: stop quietly, as Unix tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (EasCoderError, OSError) as exc:
        if isinstance(exc, OSError) and not isinstance(exc, EasCoderError):
            message = f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")
        else:
            message = str(exc)
        one_line = " ".join(message.split())  # driver messages can span lines
        print(f"{PROG}: error: {one_line}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return status


def gui_main() -> int:
    """Entry point of the GUI script: the window, whatever the arguments say otherwise."""
    argv = sys.argv[1:]
    return main(argv if argv else ["gui"])


if __name__ == "__main__":
    sys.exit(main())
