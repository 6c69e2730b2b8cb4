"""File ▸ New Study: the dialog explains each problem inline, and create_study makes the study."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QPushButton
from pytestqt.qtbot import QtBot

from eas_coder.errors import Conflict, StudyError
from eas_coder.gui.study.new_study_dialog import (
    OTHER_SCHEME,
    NewStudy,
    NewStudyDialog,
    create_study,
    suggested_file_name,
)
from eas_coder.gui.window.app import application
from eas_coder.location import from_string
from eas_coder.scheme import load_scheme, shipped_schemes
from eas_coder.store.study import Study


@pytest.fixture
def dialog(qtbot: QtBot, tmp_path: Path) -> NewStudyDialog:
    application()
    shown = NewStudyDialog(folder=tmp_path)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def _ok(dialog: NewStudyDialog) -> QPushButton:
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def _type(qtbot: QtBot, widget: object, text: str) -> None:
    widget.setFocus()  # type: ignore[attr-defined]
    for number, line in enumerate(text.split("\n")):
        if number:
            qtbot.keyClick(widget, Qt.Key.Key_Return)  # keyClicks cannot type a newline
        if line:
            qtbot.keyClicks(widget, line)


def _fill_valid(qtbot: QtBot, dialog: NewStudyDialog) -> None:
    _type(qtbot, dialog.nameEdit, "Cohort A")
    _type(qtbot, dialog.passphraseEdit, "lab-manager-7")
    _type(qtbot, dialog.repeatEdit, "lab-manager-7")


def test_ok_only_when_every_field_is_valid(
    qtbot: QtBot, dialog: NewStudyDialog, tmp_path: Path
) -> None:
    assert not _ok(dialog).isEnabled()
    assert "a study name" in dialog.statusLabel.text()

    _type(qtbot, dialog.nameEdit, "Cohort A")
    # the file follows the name until the person edits it
    assert dialog.locationEdit.text() == str(tmp_path / "Cohort A.sqlite")
    assert not _ok(dialog).isEnabled()

    _type(qtbot, dialog.passphraseEdit, "abc")
    assert dialog.passphraseError.isVisible()
    assert "at least 6 characters" in dialog.passphraseError.text()
    assert not _ok(dialog).isEnabled()

    _type(qtbot, dialog.passphraseEdit, "defgh")
    assert not dialog.passphraseError.isVisible()
    _type(qtbot, dialog.repeatEdit, "abcdefgX")
    assert dialog.passphraseError.isVisible()
    assert "do not match" in dialog.passphraseError.text()
    assert not _ok(dialog).isEnabled()

    qtbot.keyClick(dialog.repeatEdit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.repeatEdit, "h")
    assert not dialog.passphraseError.isVisible()
    assert not dialog.statusLabel.isVisible()
    assert _ok(dialog).isEnabled()

    # passwords are never shown as typed
    assert dialog.passphraseEdit.echoMode() == dialog.passphraseEdit.EchoMode.Password
    assert dialog.repeatEdit.echoMode() == dialog.passphraseEdit.EchoMode.Password
    assert "salted hash" in dialog.passphraseHint.text()
    assert "assigning videos" in dialog.passphraseHint.text()

    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    values = dialog.result_values()
    assert values == NewStudy(
        path=(tmp_path / "Cohort A.sqlite").resolve(),
        name="Cohort A",
        scheme_path=shipped_schemes()["eas-direct"].resolve(),
        passphrase="abcdefgh",
        coders=[],
    )
    assert "abcdefgh" not in repr(values)


def test_whitespace_does_not_count_towards_the_passphrase(
    qtbot: QtBot, dialog: NewStudyDialog
) -> None:
    _type(qtbot, dialog.nameEdit, "Cohort A")
    _type(qtbot, dialog.passphraseEdit, "  ab    ")
    _type(qtbot, dialog.repeatEdit, "  ab    ")
    assert "too short" in dialog.passphraseError.text()
    assert not _ok(dialog).isEnabled()


def test_an_existing_file_is_refused_inline(
    qtbot: QtBot, dialog: NewStudyDialog, tmp_path: Path
) -> None:
    (tmp_path / "taken.sqlite").write_text("someone's work")
    _fill_valid(qtbot, dialog)
    assert _ok(dialog).isEnabled()
    dialog.locationEdit.selectAll()
    _type(qtbot, dialog.locationEdit, "taken")  # relative to the folder, suffix added
    assert dialog.locationError.isVisible()
    assert "already exists" in dialog.locationError.text()
    assert not _ok(dialog).isEnabled()
    # the name no longer overwrites what the person typed
    _type(qtbot, dialog.nameEdit, " 2")
    assert dialog.locationEdit.text() == "taken"

    qtbot.keyClicks(dialog.locationEdit, "-new")
    assert not dialog.locationError.isVisible()
    assert _ok(dialog).isEnabled()
    assert dialog.result_values().path == (tmp_path / "taken-new.sqlite").resolve()


def test_a_database_url_is_explained(qtbot: QtBot, dialog: NewStudyDialog) -> None:
    _fill_valid(qtbot, dialog)
    dialog.locationEdit.selectAll()
    _type(qtbot, dialog.locationEdit, "postgresql+psycopg://lab@server/eas")
    assert "eas-coder --db URL init" in dialog.locationError.text()
    assert not _ok(dialog).isEnabled()


def test_browse_sets_the_file(
    qtbot: QtBot, dialog: NewStudyDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[object, ...]] = []
    chosen = tmp_path / "sub" / "picked.sqlite"

    def save_name(*args: object, **kwargs: object) -> tuple[str, str]:
        asked.append(args)
        return str(chosen), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    _fill_valid(qtbot, dialog)
    qtbot.mouseClick(dialog.browseButton, Qt.MouseButton.LeftButton)
    assert asked and asked[0][3] == "EAS Coder studies (*.sqlite)"
    assert dialog.locationEdit.text() == str(chosen)
    assert _ok(dialog).isEnabled()  # a new sub-folder is made when the study is created


def test_schemes_show_their_description_and_bands_note(
    qtbot: QtBot, dialog: NewStudyDialog
) -> None:
    box = dialog.schemeBox
    names = [box.itemText(i) for i in range(box.count())]
    assert names[-1] == OTHER_SCHEME
    assert set(names[:-1]) == {load_scheme(p).name for p in shipped_schemes().values()}
    direct = load_scheme("eas-direct")
    assert box.currentText() == direct.name
    assert dialog.schemeDescription.text() == direct.description
    assert not dialog.schemeNote.isVisible()

    demo = load_scheme("eas-demo")
    box.setFocus()
    while box.currentText() != demo.name:  # arrow keys, as a person picks with the keyboard
        qtbot.keyClick(box, Qt.Key.Key_Up if box.currentIndex() > 0 else Qt.Key.Key_Down)
    assert dialog.schemeNote.isVisible()
    assert dialog.schemeNote.text() == demo.bands_note
    assert dialog.schemeDescription.text() == demo.description


def _choose_other(qtbot: QtBot, dialog: NewStudyDialog) -> None:
    box = dialog.schemeBox
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_End)


def test_other_scheme_file(
    qtbot: QtBot, dialog: NewStudyDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = shipped_schemes()["eas-direct"].read_text(encoding="utf-8")
    own = tmp_path / "our-lab.toml"
    own.write_text(
        text.replace('id = "eas-direct"', 'id = "our-lab"').replace(
            'name = "Emotional Availability Scales — direct dimension scores"',
            'name = "Our lab\'s EAS"',
        ),
        encoding="utf-8",
    )
    broken = tmp_path / "broken.toml"
    broken.write_text("[scheme\nid = 3\n", encoding="utf-8")
    picks = iter([str(broken), "", str(own)])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (next(picks), ""))
    _fill_valid(qtbot, dialog)
    before = dialog.schemeBox.currentText()

    _choose_other(qtbot, dialog)  # a broken file: explained, previous scheme kept
    assert dialog.schemeBox.currentText() == before
    assert dialog.schemeError.isVisible()
    assert "broken.toml" in dialog.schemeError.text()
    assert _ok(dialog).isEnabled()

    _choose_other(qtbot, dialog)  # cancelled
    assert dialog.schemeBox.currentText() == before

    _choose_other(qtbot, dialog)
    assert dialog.schemeBox.currentText() == "Our lab's EAS"
    assert not dialog.schemeError.isVisible()
    assert dialog.schemeBox.itemText(dialog.schemeBox.count() - 1) == OTHER_SCHEME
    assert dialog.result_values().scheme_path == own.resolve()


def test_coders_one_per_line(qtbot: QtBot, dialog: NewStudyDialog) -> None:
    _fill_valid(qtbot, dialog)
    _type(qtbot, dialog.codersEdit, "Ana\n\n  Ben  \nana")
    assert "listed twice" in dialog.codersError.text()
    assert not _ok(dialog).isEnabled()
    for _ in "ana":
        qtbot.keyClick(dialog.codersEdit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.codersEdit, "Chloe")
    assert not dialog.codersError.isVisible()
    assert _ok(dialog).isEnabled()
    assert dialog.result_values().coders == ["Ana", "Ben", "Chloe"]


# --- create_study ----------------------------------------------------------------------------


def _values(
    path: Path, coders: list[str] | None = None, passphrase: str = "s3cret-pass"
) -> NewStudy:
    return NewStudy(
        path=path,
        name="Cohort B",
        scheme_path=shipped_schemes()["eas-demo"],
        passphrase=passphrase,
        coders=coders if coders is not None else ["Ana", "Ben"],
    )


def test_create_study_sets_passphrase_and_coders(tmp_path: Path) -> None:
    path = tmp_path / "new" / "cohort-b.sqlite"
    with create_study(_values(path)) as study:
        assert study.info.name == "Cohort B"
        assert study.scheme.id == "eas-demo"
        assert study.manager.verify("s3cret-pass")
        assert not study.manager.verify("s3cret-pas")
        assert [c.name for c in study.coders.all()] == ["Ana", "Ben"]
    with Study.open(from_string(path)) as reopened:  # it is really on disk
        assert reopened.manager.has_passphrase()
        assert [c.name for c in reopened.coders.all()] == ["Ana", "Ben"]
    # read as bytes only once closed: an open study is SQLite's alone (store/study_files.py)
    assert "s3cret-pass" not in path.read_bytes().decode("latin-1")


def test_create_study_refuses_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "cohort-b.sqlite"
    create_study(_values(path)).close()
    before = path.read_bytes()
    with pytest.raises(Conflict, match="already exists"):
        create_study(_values(path, coders=["Zoe"]))
    assert path.read_bytes() == before
    other = tmp_path / "notes.sqlite"
    other.write_text("not a study")
    with pytest.raises(Conflict, match="notes.sqlite"):
        create_study(_values(other))
    assert other.read_text() == "not a study"


def test_a_refused_step_leaves_no_half_made_study(tmp_path: Path) -> None:
    path = tmp_path / "cohort-b.sqlite"
    with pytest.raises(Conflict, match="named twice"):
        create_study(_values(path, coders=["Ana", "ANA"]))
    assert not path.exists()
    with pytest.raises(StudyError, match="at least 6"):
        create_study(_values(path, passphrase="short"))
    assert list(tmp_path.iterdir()) == []


def test_ok_creates_the_study_or_shows_why_not(qtbot: QtBot, tmp_path: Path) -> None:
    application()
    dialog = NewStudyDialog(folder=tmp_path, create=create_study)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    _fill_valid(qtbot, dialog)
    _type(qtbot, dialog.codersEdit, "Ana\nBen")
    # someone else creates the file while the dialog is open
    target = tmp_path / "Cohort A.sqlite"
    create_study(_values(target)).close()
    qtbot.mouseClick(_ok(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.study is None
    assert dialog.createError.isVisible()
    assert "already exists" in dialog.createError.text()
    assert not _ok(dialog).isEnabled()  # and the field says so too
    assert "already exists" in dialog.locationError.text()

    dialog.locationEdit.selectAll()
    _type(qtbot, dialog.locationEdit, "Cohort A (2)")
    assert not dialog.createError.isVisible()
    with qtbot.waitSignal(dialog.finished):
        qtbot.keyClick(dialog.repeatEdit, Qt.Key.Key_Return)  # Enter presses OK
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.study is not None
    with dialog.study as study:
        assert study.location.path == (tmp_path / "Cohort A (2).sqlite").resolve()
        assert study.manager.verify("lab-manager-7")
        assert [c.name for c in study.coders.all()] == ["Ana", "Ben"]


def test_suggested_file_names() -> None:
    assert suggested_file_name("Cohort A") == "Cohort A.sqlite"
    assert suggested_file_name('a/b:c*"d"') == "a-b-c-d.sqlite"
    assert suggested_file_name("...") == "study.sqlite"
