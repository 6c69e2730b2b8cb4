"""File ▸ Recent Studies: order, de-duplication, limit, pruning, no passwords, the menu."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QMenu
from pytestqt.qtbot import QtBot

from eas_coder.gui.study.recent import MAX_RECENT, SETTING, RecentStudies, storable
from eas_coder.gui.window.app import application


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    application()
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _studies(tmp_path: Path, count: int) -> list[Path]:
    paths = []
    for n in range(count):
        path = tmp_path / f"study {n}.sqlite"
        path.write_bytes(b"")
        paths.append(path)
    return paths


def test_most_recent_first_without_duplicates(settings: QSettings, tmp_path: Path) -> None:
    a, b, c = _studies(tmp_path, 3)
    recent = RecentStudies(settings)
    for path in (a, b, c, a):
        recent.add(str(path))
    recent.add(f"sqlite:///{b}")  # the same file named as a URL is the same study
    assert recent.items() == [str(b), str(a), str(c)]


def test_relative_paths_are_kept_absolute(
    settings: QSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (study,) = _studies(tmp_path, 1)
    monkeypatch.chdir(tmp_path)
    recent = RecentStudies(settings)
    recent.add(study.name)
    recent.add(str(study))
    assert recent.items() == [str(study)]


def test_at_most_eight(settings: QSettings, tmp_path: Path) -> None:
    paths = _studies(tmp_path, MAX_RECENT + 3)
    recent = RecentStudies(settings)
    for path in paths:
        recent.add(path)
    items = recent.items()
    assert len(items) == MAX_RECENT
    assert items == [str(p) for p in reversed(paths)][:MAX_RECENT]


def test_missing_files_are_pruned_on_read(settings: QSettings, tmp_path: Path) -> None:
    a, b = _studies(tmp_path, 2)
    recent = RecentStudies(settings)
    recent.add(a)
    recent.add(b)
    recent.add("postgresql+psycopg://coder@db.lab.example/eas")  # never pruned: not a file
    a.unlink()
    assert recent.items() == ["postgresql+psycopg://coder@db.lab.example/eas", str(b)]
    assert settings.value(SETTING) == ["postgresql+psycopg://coder@db.lab.example/eas", str(b)]


def test_passwords_are_never_stored(settings: QSettings, tmp_path: Path) -> None:
    recent = RecentStudies(settings)
    recent.add("postgresql+psycopg://ana:s3cret!@db.lab.example:5433/eas")
    recent.add("postgresql+psycopg://ben@db.lab.example/eas2?password=hunter22&sslmode=require")
    assert recent.items() == [
        "postgresql+psycopg://ben@db.lab.example/eas2?sslmode=require",
        "postgresql+psycopg://ana@db.lab.example:5433/eas",
    ]
    settings.sync()
    text = (tmp_path / "settings.ini").read_text()
    assert "s3cret" not in text and "hunter22" not in text
    assert "ana@db.lab.example" in text
    # the same server typed again with its password is the same entry
    recent.add("postgresql+psycopg://ana:other@db.lab.example:5433/eas")
    assert len(recent.items()) == 2


def test_unparseable_urls_are_not_kept() -> None:
    assert storable("postgresql+psycopg://ana:pw@host:notaport/db") is None
    assert storable("   ") is None


def test_clear_forgets_everything(settings: QSettings, tmp_path: Path) -> None:
    recent = RecentStudies(settings)
    recent.add(_studies(tmp_path, 1)[0])
    recent.clear()
    assert recent.items() == []
    assert RecentStudies(settings).items() == []


def test_kept_across_instances_in_the_app_settings(tmp_path: Path) -> None:
    application()
    (study,) = _studies(tmp_path, 1)
    RecentStudies().clear()
    RecentStudies().add(study)
    assert RecentStudies().items() == [str(study)]
    RecentStudies().clear()


def _labels(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_menu_numbers_entries_and_opens_the_chosen_one(
    qtbot: QtBot, settings: QSettings, tmp_path: Path
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    file_menu = window.menuBar().addMenu("&File")
    submenu = file_menu.addMenu("Recent Studies")
    a, b = _studies(tmp_path, 2)
    weird = tmp_path / "R&D study.sqlite"
    weird.write_bytes(b"")
    recent = RecentStudies(settings)
    for path in (a, b, weird):
        recent.add(path)
    opened: list[str] = []
    recent.fill_menu(submenu, opened.append)
    labels = _labels(submenu)
    assert [label[:3] for label in labels[:3]] == ["&1 ", "&2 ", "&3 "]
    assert labels[0].endswith("R&&D study.sqlite")  # shown as "R&D", not as a mnemonic
    assert labels[1].endswith(b.name) and labels[2].endswith(a.name)
    assert labels[3:] == ["Clear Menu"]
    assert [action.data() for action in submenu.actions()[:3]] == [str(weird), str(b), str(a)]
    assert submenu.actions()[-1].isEnabled()
    window.show()
    qtbot.waitExposed(window)
    submenu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitExposed(submenu)
    # choosing an entry by its number, as a person does with the menu open
    qtbot.keyClick(submenu, "2")
    assert opened == [str(b)]


def test_menu_when_empty_and_after_clear(qtbot: QtBot, settings: QSettings, tmp_path: Path) -> None:
    menu = QMenu()
    qtbot.addWidget(menu)
    recent = RecentStudies(settings)
    recent.fill_menu(menu, lambda _item: None)
    assert menu.title() == "Recent &Studies"
    assert _labels(menu) == ["No recent studies", "Clear Menu"]
    assert not any(a.isEnabled() for a in menu.actions() if not a.isSeparator())

    recent.add(_studies(tmp_path, 1)[0])
    recent.fill_menu(menu, lambda _item: None)
    assert len(_labels(menu)) == 2 and _labels(menu)[0].startswith("&1 ")
    menu.actions()[-1].trigger()  # Clear Menu
    assert recent.items() == []
    qtbot.waitUntil(lambda: _labels(menu) == ["No recent studies", "Clear Menu"])


def test_long_paths_are_shortened_in_the_middle(
    qtbot: QtBot, settings: QSettings, tmp_path: Path
) -> None:
    folder = tmp_path / ("deep-folder-" * 8)
    folder.mkdir()
    study = folder / "final cohort.sqlite"
    study.write_bytes(b"")
    recent = RecentStudies(settings)
    recent.add(study)
    menu = QMenu()
    qtbot.addWidget(menu)
    recent.fill_menu(menu, lambda _item: None)
    label = menu.actions()[0].text()
    assert "…" in label and label.endswith("final cohort.sqlite") and len(label) < 80
    assert menu.actions()[0].toolTip() == str(study)
