"""Start a real X server (Xvfb) for tests of the real window, and run window scripts on it
with faulthandler on, so a crash leaves every thread's Python stack in the output."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


@contextmanager
def xvfb(xvfb_path: str, size: str = "1280x800x24") -> Iterator[str]:
    """Run Xvfb on a free display; yields the DISPLAY value."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        [xvfb_path, "-displayfd", str(write_fd), "-screen", "0", size, "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not report a display number")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def window_env(display: str) -> dict[str, str]:
    """The environment of a window process on ``display``: Qt on X11, this checkout
    importable, and faulthandler on (PYTHONFAULTHANDLER reaches its children too)."""
    return {
        **os.environ,
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "PYTHONPATH": str(REPOSITORY),
        "PYTHONFAULTHANDLER": "1",
    }


def python_command(script: Path, *args: str) -> list[str]:
    """This interpreter running ``script`` with faulthandler on."""
    return [sys.executable, "-X", "faulthandler", str(script), *args]


def run_window_script(
    xvfb_path: str, script: Path, *args: str, size: str = "1280x800x24", timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run a window script with ``args`` on a fresh Xvfb screen of ``size``; a crash shows as
    a negative return code with faulthandler's dump in ``stderr``."""
    with xvfb(xvfb_path, size=size) as display:
        return subprocess.run(
            python_command(script, *args),
            capture_output=True,
            text=True,
            env=window_env(display),
            timeout=timeout,
        )
