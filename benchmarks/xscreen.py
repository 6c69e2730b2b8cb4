"""Windows on a real X server for benchmarks: a fresh Xvfb, and the titles of its viewable
top-level windows read through libX11 (ctypes, so nothing to install beyond libX11)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

SCREEN = "1366x768x24"


class _Attributes(ctypes.Structure):  # XWindowAttributes
    _fields_ = [
        ("x", ctypes.c_int), ("y", ctypes.c_int), ("width", ctypes.c_int),
        ("height", ctypes.c_int), ("border_width", ctypes.c_int), ("depth", ctypes.c_int),
        ("visual", ctypes.c_void_p), ("root", ctypes.c_ulong), ("class_", ctypes.c_int),
        ("bit_gravity", ctypes.c_int), ("win_gravity", ctypes.c_int),
        ("backing_store", ctypes.c_int), ("backing_planes", ctypes.c_ulong),
        ("backing_pixel", ctypes.c_ulong), ("save_under", ctypes.c_int),
        ("colormap", ctypes.c_ulong), ("map_installed", ctypes.c_int),
        ("map_state", ctypes.c_int), ("all_event_masks", ctypes.c_long),
        ("your_event_mask", ctypes.c_long), ("do_not_propagate_mask", ctypes.c_long),
        ("override_redirect", ctypes.c_int), ("screen", ctypes.c_void_p),
    ]  # fmt: skip


class _TextProperty(ctypes.Structure):  # XTextProperty
    _fields_ = [
        ("value", ctypes.c_void_p), ("encoding", ctypes.c_ulong), ("format", ctypes.c_int),
        ("nitems", ctypes.c_ulong),
    ]  # fmt: skip


_IS_VIEWABLE = 2


class Screen:
    """A connection to an X display that lists the titles of its viewable top-level windows
    (no window manager runs on Xvfb, so top-level windows are the root's children)."""

    def __init__(self, display: str) -> None:
        name = ctypes.util.find_library("X11")
        if name is None:
            raise RuntimeError("libX11 is needed to watch for windows (apt-get install libx11-6)")
        x11 = ctypes.CDLL(name)
        x11.XOpenDisplay.restype = ctypes.c_void_p
        x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x11.XDefaultRootWindow.restype = ctypes.c_ulong
        x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x11.XQueryTree.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
            ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
            ctypes.POINTER(ctypes.c_uint),
        ]  # fmt: skip
        # XGetWMName, not XFetchName: Qt sets titles as UTF8_STRING, which XFetchName refuses
        x11.XGetWMName.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(_TextProperty)]
        x11.XGetWindowAttributes.argtypes = [
            ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(_Attributes)
        ]  # fmt: skip
        x11.XFree.argtypes = [ctypes.c_void_p]
        x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        # a window that vanishes between listing and asking raises BadWindow: ignore it
        self._handler = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(
            lambda _d, _e: 0
        )
        x11.XSetErrorHandler(self._handler)
        self._x11 = x11
        self._display = x11.XOpenDisplay(display.encode())
        if not self._display:
            raise RuntimeError(f"cannot open the X display {display}")
        self._root = x11.XDefaultRootWindow(self._display)

    def titles(self, min_width: int = 50) -> list[bytes]:
        """The titles of the viewable top-level windows at least ``min_width`` wide."""
        x11, display = self._x11, self._display
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children = ctypes.POINTER(ctypes.c_ulong)()
        count = ctypes.c_uint()
        if not x11.XQueryTree(display, self._root, root, parent, children, count):
            return []
        found: list[bytes] = []
        try:
            for index in range(count.value):
                window = children[index]
                attributes = _Attributes()
                if not x11.XGetWindowAttributes(display, window, ctypes.byref(attributes)):
                    continue
                if attributes.map_state != _IS_VIEWABLE or attributes.width < min_width:
                    continue
                name = _TextProperty()
                if x11.XGetWMName(display, window, ctypes.byref(name)) and name.value:
                    found.append(ctypes.string_at(name.value, name.nitems))
                    x11.XFree(name.value)
        finally:
            if children:
                x11.XFree(children)
        return found

    def close(self) -> None:
        self._x11.XCloseDisplay(self._display)


@contextmanager
def xvfb() -> Iterator[str]:
    """A fresh Xvfb on a free display; yields the DISPLAY value."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
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
