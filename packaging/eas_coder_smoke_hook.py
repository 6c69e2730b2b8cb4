"""The bundle's hidden smoke-test mode: ``EAS_CODER_SMOKE=script.py eas-coder …``.

The app starts exactly as a person starts it (command line parsed, study opened, window
shown, "who is coding?" asked); once its event loop runs, ``script.py`` is run inside the
app with ``window`` (the main window), ``app`` and ``shown_at`` (``time.time()`` when the
event loop first found the main window shown) in its globals. The script drives the window and
ends the app itself.

Nothing here changes the app: ``launch`` is wrapped when ``eas_coder.gui.window.app`` is
first imported. The same hook runs in the venv (``packaging/run_venv.py``), so both start-up
times are measured at the same point.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import runpy
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

_TARGET = "eas_coder.gui.window.app"


def _main_window() -> Any:
    from PySide6.QtWidgets import QApplication, QMainWindow

    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow)]
    return next((w for w in shown if w.isVisible()), None)


def _run_script(script: str, window: Any) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    try:
        runpy.run_path(script, {"window": window, "app": app, "shown_at": time.time()})
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        if app is not None:
            app.exit(3)


def _wait_for_window(script: str, deadline: float) -> None:
    """Poll until the main window is shown (a first start shows the demo's progress window
    first, in a loop of its own), then run the script."""
    from PySide6.QtCore import QTimer

    window = _main_window()
    if window is not None:
        _run_script(script, window)
    elif time.time() > deadline:
        print("smoke: no main window after start-up", file=sys.stderr, flush=True)
        sys.exit(3)
    else:
        QTimer.singleShot(20, lambda: _wait_for_window(script, deadline))


def _wrap(module: ModuleType, script: str) -> None:
    original: Callable[..., int] = module.launch

    def launch(*args: Any, **kwargs: Any) -> int:
        from PySide6.QtCore import QTimer

        app = module.application()  # the same instance launch() then uses
        deadline = time.time() + 240
        QTimer.singleShot(0, app, lambda: _wait_for_window(script, deadline))
        return original(*args, **kwargs)

    module.launch = launch


class _WrappingLoader(importlib.abc.Loader):
    """Loads the module with its own loader, then wraps ``launch`` (a loader of its own, as
    PyInstaller's one loader object may serve every module of the bundle)."""

    def __init__(self, inner: importlib.abc.Loader, script: str) -> None:
        self.inner, self.script = inner, script

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)
        _wrap(module, self.script)


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self, script: str) -> None:
        self.script = script

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != _TARGET:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _WrappingLoader(spec.loader, self.script)
        return spec


def install(script: str) -> None:
    """Run ``script`` inside the app once its window is up."""
    sys.meta_path.insert(0, _Finder(script))
