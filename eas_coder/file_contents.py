"""Whole-file comparison of the study's files in place, for ``eas-coder check``.

The sampled fingerprint cannot see a change between its samples, so ``check`` hashes every
video and attached file that is present (SHA-256, ``media.probe.full_hash``) and compares it
with the hash recorded when the file was added or relinked (``relink.py`` refuses a changed
file the same way). Files added before hashes were recorded are listed as not compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eas_coder.media.probe import full_hash
from eas_coder.relink import file_problem
from eas_coder.store.study import Study


@dataclass(frozen=True)
class ContentCheck:
    """Whole-file comparison of the files in place (``verify_contents``)."""

    changed: tuple[str, ...] = ()  # "label: path" of files whose content differs
    unverified: tuple[str, ...] = ()  # present, but no whole-file hash recorded to compare

    @property
    def ok(self) -> bool:
        """True when no file present differs from the one recorded."""
        return not self.changed

    def lines(self) -> list[str]:
        """What ``eas-coder check`` prints."""
        return [f"content changed: {item} (it is not the file the coders rated)"
                for item in self.changed] + [
            f"not compared (no whole-file hash recorded): {item}" for item in self.unverified
        ]  # fmt: skip


def verify_contents(study: Study) -> ContentCheck:
    """Hash every video and attached file that is present with its recorded size and
    compare with the SHA-256 recorded when it was added (or relinked). Missing files and
    changed sizes are ``Study.check``'s to report."""
    changed: list[str] = []
    unverified: list[str] = []
    labels = {}
    for video in study.videos.all():
        labels[video.id] = video.label
        path = study.videos.file_of(video)
        if path is not None and file_problem(path, video.file_size) is None:
            _compare(f"{video.label}: {path}", path, study.videos.full_hash_of(video.id),
                     changed, unverified)  # fmt: skip
    for attached in study.attachments.all():
        path = study.attachments.file_of(attached)
        if file_problem(path, attached.file_size) is None:
            label = f"{labels.get(attached.video_id, attached.video_id)}, {attached.kind}"
            _compare(f"{label} {attached.name or path.name}: {path}", path,
                     study.attachments.full_hash_of(attached.id), changed, unverified)  # fmt: skip
    return ContentCheck(tuple(changed), tuple(unverified))


def _compare(
    item: str, path: Path, recorded: str | None, changed: list[str], unverified: list[str]
) -> None:
    if recorded is None:
        unverified.append(item)
        return
    try:
        same = full_hash(path) == recorded
    except OSError:
        return  # gone or unreadable since: Study.check reports missing files
    if not same:
        changed.append(item)
