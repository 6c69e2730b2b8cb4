"""Start a real X server (Xvfb) for tests of the real window."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


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
