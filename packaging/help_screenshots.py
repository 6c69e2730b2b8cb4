"""Remake the Getting Started screenshots in ``resources/help/`` (run once, look at them,
commit them): ``.venv/bin/python packaging/help_screenshots.py`` starts Xvfb itself.

The images come from the real window on the demo study, as the GUI tests show it, made
small (at most 720 px wide) so the app stays light.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "help"
WIDTH = 720


def _inside() -> int:
    from PySide6.QtCore import Qt, QTimer

    from eas_coder.demo import build_demo
    from eas_coder.gui.window.app import application, open_window
    from eas_coder.location import from_string

    study_file = build_demo(Path(sys.argv[2]))
    app = application()
    window = open_window(from_string(study_file), explicit=True, player="qt")
    window.resize(1180, 720)
    window.show()
    dialog = window.choose_coder()

    def save(widget: object, name: str) -> None:
        image = widget.grab().toImage()  # type: ignore[attr-defined]
        if image.width() > WIDTH:
            image = image.scaledToWidth(WIDTH, Qt.TransformationMode.SmoothTransformation)
        assert image.save(str(OUT / name), "PNG", 0), name

    def coder_dialog() -> None:
        save(dialog, "who-is-coding.png")
        dialog.reject()
        window.sign_in("Coder B (demo)")
        QTimer.singleShot(1500, select_segment)  # its first video is open by now

    def select_segment() -> None:
        first = window.session.my_segments()[0]
        window.segmentTable.select_segment(first.id)
        window.playerPanel.player.seek_ms(first.start_ms + 1500)
        window.ratingPanel.focus_dimension(window.study.scheme.keys[1])
        QTimer.singleShot(1200, shoot)

    def shoot() -> None:
        save(window, "coding-window.png")
        save(window.ratingDock, "rating-panel.png")
        window.close()
        app.exit(0)

    QTimer.singleShot(1500, coder_dialog)
    QTimer.singleShot(60_000, lambda: app.exit(2))  # never hang a terminal
    return app.exec()


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--inside":
        return _inside()
    sys.path.insert(0, str(ROOT))
    from tests.gui.xvfb import window_env, xvfb

    with tempfile.TemporaryDirectory() as tmp, xvfb("Xvfb", size="1280x800x24") as display:
        env = {**window_env(display), "EAS_CODER_AUDIO": "off",
               "XDG_CONFIG_HOME": str(Path(tmp) / "config")}  # fmt: skip
        done = subprocess.run(
            [sys.executable, __file__, "--inside", str(Path(tmp) / "demo")], env=env, timeout=180
        )
    for name in ("who-is-coding.png", "coding-window.png", "rating-panel.png"):
        path = OUT / name
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
