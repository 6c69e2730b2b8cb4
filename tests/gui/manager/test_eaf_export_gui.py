"""File ▸ Export ELAN (.eaf)… in the real window: the selected video or every video into a
folder, in the background, with the CLI's blind-coding rules; read back with pympi."""

from __future__ import annotations

from pathlib import Path

import pytest
from pympi.Elan import Eaf
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.demo import CODERS
from eas_coder.gui.manager.export_dialog import offer_folder
from eas_coder.gui.window.main_window import MainWindow
from tests.gui.manager.interchange_support import manager_window, menu_action  # noqa: F401


def _answer(qtbot: QtBot, helper: object, button: str) -> None:
    """Click the button of the question the action asks (this video, or all of them)."""
    box = helper.choice_box  # type: ignore[attr-defined]
    assert isinstance(box, QMessageBox)
    qtbot.waitExposed(box)
    found = [b for b in box.buttons() if b.text().replace("&", "").startswith(button)]
    assert found, [b.text() for b in box.buttons()]
    qtbot.mouseClick(found[0], Qt.MouseButton.LeftButton)


def _open_folder(
    qtbot: QtBot, helper: object, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> QMessageBox:
    """The export ends with the "Open Folder" box naming ``folder``; its button asks the
    desktop to open that folder (nothing is launched: the URL asked for is checked)."""
    box = helper.exported_box  # type: ignore[attr-defined]
    assert isinstance(box, QMessageBox) and box.objectName() == "exportedBox"
    qtbot.waitUntil(box.isVisible)
    assert str(folder) in box.text()
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    button = box.findChild(QPushButton, "openFolderButton")
    assert button is not None and button.text() == "Open Folder"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert opened == [QUrl.fromLocalFile(str(folder))]
    return box


def test_export_the_selected_videos_eaf_and_read_it_back(
    manager_window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = manager_window
    video = window.current_video()
    assert video is not None and video.name == "d001_t1.mp4"  # double-coded
    action = menu_action(window, "actionExportEaf")
    helper = action.parent()
    out = tmp_path / "for ELAN" / "d001"  # no suffix typed: .eaf is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    action.trigger()
    with qtbot.waitSignal(helper.exported, timeout=60_000) as exported:  # type: ignore[attr-defined]
        _answer(qtbot, helper, "This Video")
    written = out.with_suffix(".eaf")
    assert exported.args == [[written]]
    assert written.name in helper.box.text()  # type: ignore[attr-defined]
    assert written.name in _open_folder(qtbot, helper, written.parent, monkeypatch).text()
    eaf = Eaf(str(written))
    for name in CODERS:
        coder = window.study.coders.get(name)
        segments = window.study.segments.all(video.id, coder.id)
        annotations = sorted(eaf.get_annotation_data_for_tier(name))
        assert [(a[0], a[1]) for a in annotations] == [(s.start_ms, s.end_ms) for s in segments]
    assert any(d["MEDIA_URL"].endswith("d001_t1.mp4") for d in eaf.media_descriptors)


def test_export_every_video_into_a_folder(
    manager_window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = manager_window
    action = menu_action(window, "actionExportEaf")
    helper = action.parent()
    folder = tmp_path / "eaf"
    folder.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    action.trigger()
    with qtbot.waitSignal(helper.exported, timeout=60_000) as exported:  # type: ignore[attr-defined]
        _answer(qtbot, helper, "All Videos")
    files = sorted(folder.glob("*.eaf"))
    assert len(files) == len(window.study.videos.all()) == len(exported.args[0])
    assert "8 .eaf file(s)" in helper.box.text()  # type: ignore[attr-defined]
    assert "8 .eaf file(s)" in _open_folder(qtbot, helper, folder, monkeypatch).text()
    for file in files:
        assert Eaf(str(file)).get_tier_names()


def test_a_coder_exports_only_what_blind_coding_shows_them(
    manager_window: MainWindow,  # noqa: F811
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Coder B has not submitted D001 T1: Coder A's segments there stay hidden, as in the
    CLI's ``export-eaf --coder``."""
    window = manager_window
    window.sign_in(CODERS[1])  # the demo's coders have no passphrase of their own
    action = menu_action(window, "actionExportEaf")
    assert action.isEnabled()
    assert not menu_action(window, "actionImportSegments").isEnabled()  # the lab manager's
    helper = action.parent()
    out = tmp_path / "mine.eaf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    action.trigger()
    with qtbot.waitSignal(helper.exported, timeout=60_000):  # type: ignore[attr-defined]
        _answer(qtbot, helper, "This Video")
    tiers = Eaf(str(out)).get_tier_names()
    assert CODERS[1] in tiers and CODERS[0] not in tiers
    assert "own work" in helper.box.text()  # type: ignore[attr-defined]
    assert "own work" in _open_folder(qtbot, helper, tmp_path, monkeypatch).text()


def test_the_folder_box_names_ten_files_and_keeps_the_rest_under_details(
    qtbot: QtBot, tmp_path: Path
) -> None:
    """A folder of .eaf files for a large study: the box stays short, every name is kept."""
    parent = QWidget()
    qtbot.addWidget(parent)
    paths = [tmp_path / f"v{n:02d}.eaf" for n in range(12)]
    box = offer_folder(parent, paths, "Wrote 12 .eaf file(s).")
    text = box.text()
    assert "v09.eaf" in text and "v10.eaf" not in text and "… and 2 more" in text
    assert text.endswith("Wrote 12 .eaf file(s).")
    assert box.detailedText().split("\n") == [p.name for p in paths]
    box.close()
