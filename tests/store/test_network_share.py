"""A study on a network share is warned about (mount table read like /proc/self/mounts)."""

from __future__ import annotations

from pathlib import Path

from eas_coder.store.network_share import network_filesystem, share_warning


def _mounts(tmp_path: Path, share: Path) -> Path:
    table = tmp_path / "mounts"
    table.write_text(
        "/dev/sda1 / ext4 rw 0 0\n"
        f"server:/lab {share} nfs4 rw,relatime 0 0\n"
        f"//nas/coding {share}/smb\\040folder cifs rw 0 0\n"
        f"/dev/sdb1 {share}/usb ext4 rw 0 0\n",
        encoding="utf-8",
    )
    return table


def test_network_shares_are_recognised_by_the_deepest_mount(tmp_path: Path) -> None:
    share = tmp_path / "mnt"
    (share / "smb folder").mkdir(parents=True)
    (share / "usb").mkdir()
    table = _mounts(tmp_path, share)
    assert network_filesystem(share / "lab.sqlite", table) == "nfs4"
    assert network_filesystem(share / "smb folder" / "lab.sqlite", table) == "cifs"
    assert network_filesystem(share / "usb" / "lab.sqlite", table) is None  # local disk
    assert network_filesystem(tmp_path / "elsewhere.sqlite", table) is None
    warning = share_warning(share / "lab.sqlite", table)
    assert "network share (nfs4)" in warning and "PostgreSQL" in warning
    assert share_warning(share / "usb" / "x.sqlite", table) == ""


def test_no_mount_table_means_no_warning(tmp_path: Path) -> None:
    assert network_filesystem(tmp_path / "s.sqlite", tmp_path / "missing") is None
