"""Rule 1 of the architecture: the core imports without Qt or VLC installed."""

from __future__ import annotations

import subprocess
import sys
import textwrap

_BLOCK_AND_IMPORT = textwrap.dedent(
    """
    import importlib, importlib.abc, pkgutil, sys

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"PySide6", "shiboken6", "vlc"}:
                raise ImportError(f"{name} is blocked in this test")
            return None

    sys.meta_path.insert(0, Blocker())
    import eas_coder
    imported = []
    for module in pkgutil.walk_packages(eas_coder.__path__, "eas_coder."):
        name = module.name
        if name.startswith(("eas_coder.gui", "eas_coder.store.migrations", "eas_coder.__main__")):
            continue
        importlib.import_module(name)
        imported.append(name)
    from eas_coder.cli import build_parser
    build_parser()
    print(len(imported), " ".join(sorted(imported)))
    """
)


def test_core_modules_import_with_qt_and_vlc_blocked() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _BLOCK_AND_IMPORT], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    count, names = result.stdout.split(" ", 1)
    assert int(count) >= 10
    for expected in ("eas_coder.scheme", "eas_coder.store.study", "eas_coder.cli",
                     "eas_coder.media.probe", "eas_coder.demo"):  # fmt: skip
        assert expected in names.split()


def test_blocker_really_blocks() -> None:
    code = _BLOCK_AND_IMPORT.replace("import eas_coder\n", "import eas_coder.gui.window.app\n", 1)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0 and "PySide6" in result.stderr
