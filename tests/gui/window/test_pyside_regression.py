"""Guard for the PySide6 pin: 6.12.0 drops a reference to None in every processEvents().

On Python 3.11 that aborts the interpreter after a few thousand calls ("none_dealloc").
The check runs in its own process so a bad PySide6 fails this test instead of killing the
whole run. When it passes on a newer PySide6, the pin in pyproject.toml may be lifted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

_CHECK = textwrap.dedent(
    """
    import sys
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    QApplication.processEvents()
    before = sys.getrefcount(None)
    for _ in range(5000):
        QApplication.processEvents()
    print(sys.getrefcount(None) - before)
    """
)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_process_events_keeps_the_refcount_of_none() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", _CHECK], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, f"PySide6 crashed the interpreter: {result.stderr[-500:]}"
    drift = int(result.stdout.strip().splitlines()[-1])
    assert abs(drift) < 50, f"refcount of None drifted by {drift} over 5,000 processEvents()"
