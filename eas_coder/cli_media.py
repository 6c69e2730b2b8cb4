"""``eas-coder videos attach``: further camera angles and separate audio for a video."""

from __future__ import annotations

import argparse
from pathlib import Path

from eas_coder.cli_support import checked_id, open_study, require_manager


def cmd_videos_attach(args: argparse.Namespace) -> int:
    """Attach FILE to video VIDEO_ID as another camera angle (or ``--audio``) with an offset."""
    from eas_coder.media.probe import fingerprint, full_hash, probe, probe_audio

    file = Path(args.file)
    kind = "audio" if args.audio else "angle"
    video_id = checked_id(args.video, "VIDEO_ID", "video")
    with open_study(args) as study:
        require_manager(args, study, "attaching media")
        video = study.videos.get(video_id)
        if kind == "angle":
            info = probe(file)  # must decode as a video
            size, print_ = info.file_size, info.fingerprint
        else:
            size, print_ = probe_audio(file)
        whole = full_hash(file)  # relinking later refuses any changed byte
        attached = study.attachments.attach(
            video.id, file, kind, args.offset, size, print_, full_hash=whole
        )
    shown = "an audio track" if kind == "audio" else "a camera angle"
    print(
        f"Attached {file.name} to {video.label} as {shown}, offset {attached.offset_ms:+d} ms "
        f"(fingerprint {fingerprint(file)[:12]}…)"
    )
    return 0


def add_attach_parser(videos_sub: argparse._SubParsersAction, who: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Register ``videos attach`` under ``videos``."""
    attach = videos_sub.add_parser(
        "attach",
        help="attach another camera angle or a separate audio recording to a video",
        parents=[who],
    )
    attach.add_argument("video", type=int, metavar="VIDEO_ID", help="see `videos list`")
    attach.add_argument("file", metavar="FILE")
    attach.add_argument(
        "--offset",
        type=int,
        default=0,
        metavar="MS",
        help="ms added to the video's time to get this file's time (e.g. -1000 if it started "
        "recording 1 s later)",
    )
    attach.add_argument("--audio", action="store_true", help="FILE is an audio recording")
    attach.set_defaults(func=cmd_videos_attach)
