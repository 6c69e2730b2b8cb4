"""Is a study file on a network share? SQLite's locking is unreliable over NFS and SMB, so
several workstations on one file there can corrupt it; a shared study belongs on a
PostgreSQL server. We warn; we do not refuse (one person on a share is usually fine)."""

from __future__ import annotations

from pathlib import Path

# Linux filesystem types that are network or user-space remote mounts
NETWORK_TYPES = {
    "nfs", "nfs4", "cifs", "smbfs", "smb3", "ncpfs", "afs", "9p", "fuse.sshfs",
    "fuse.rclone", "davfs", "fuse.davfs2", "glusterfs", "ceph", "lustre",
}  # fmt: skip
MOUNTS = Path("/proc/self/mounts")


def network_filesystem(path: Path, mounts: Path = MOUNTS) -> str | None:
    """The network filesystem type ``path`` lives on, or None (local, or unknown)."""
    try:
        lines = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None  # not Linux, or no /proc: say nothing rather than guess
    target = path.expanduser().resolve()
    best: tuple[int, str] | None = None
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = Path(fields[1].replace("\\040", " "))
        if target == mount_point or mount_point in target.parents:
            depth = len(mount_point.parts)
            if best is None or depth > best[0]:
                best = (depth, fields[2])
    if best is None:
        return None
    return best[1] if best[1] in NETWORK_TYPES else None


def share_warning(path: Path, mounts: Path = MOUNTS) -> str:
    """A sentence for the user when the study file is on a network share, else ''."""
    kind = network_filesystem(path, mounts)
    if kind is None:
        return ""
    return (
        f"{path} is on a network share ({kind}). SQLite cannot lock reliably there: "
        "if several workstations code at once, use a PostgreSQL study instead."
    )
