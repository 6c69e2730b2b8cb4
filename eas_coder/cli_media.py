"""``eas-coder videos attach`` and ``check``: the media files a study points to."""

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


def cmd_check(args: argparse.Namespace) -> int:
    from eas_coder.adding_videos import recheck_videos  # PyAV only for this command
    from eas_coder.file_contents import verify_contents

    with open_study(args) as study:
        report = study.check()
        findings = recheck_videos(study)  # every file present, checked again and stored
        for video, problems in findings:
            for problem in problems:
                print(f"video {video.label}: {problem}")
        for message in report.database_messages:
            print(f"database: {message}")
        for video in report.missing_files:
            print(f"missing file: {video.label}: {study.videos.file_of(video)}")
        for video in report.changed_files:
            print(f"file changed size: {video.label}: {study.videos.file_of(video)}")
        for problem in report.attachment_problems:
            print(problem)
        content = verify_contents(study)  # whole-file hashes (file_contents.py)
        for line in content.lines():
            print(line)
    if report.ok and not findings and content.ok:
        print("Study OK: database intact, every video file present and readable to the end.")
        return 0
    return 1
