"""Tools ▸ Scheme Editor… in the real window, driven with keys and clicks: the lab manager
edits the demo study's scheme, Save makes version 2 in the study, old ratings keep version
1 (read back from an exported workbook), the rating panel shows the new scheme, and a scheme
that would drop a dimension with ratings is refused, naming it, with nothing changed."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
)
from pytestqt.qtbot import QtBot

from eas_coder.exchange.export import export_study
from eas_coder.gui.manager.scheme_editor import SchemeEditor
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.location import from_string
from eas_coder.store.study import Study


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_node(qtbot: QtBot, tree: QTreeWidget, text: str) -> QTreeWidgetItem:
    found = tree.findItems(text, Qt.MatchFlag.MatchStartsWith | Qt.MatchFlag.MatchRecursive)
    assert found, text
    tree.scrollToItem(found[0])
    rect = tree.visualItemRect(found[0])
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tree.currentItem() is found[0]
    return found[0]


def click_tab(qtbot: QtBot, tabs: QTabWidget, title: str) -> None:
    bar = tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i).replace("&", "") == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def type_in_cell(qtbot: QtBot, table: QTableWidget, row: int, column: int, text: str) -> None:
    """Click the cell, F2, type over what is there, Enter (as a person edits a cell)."""
    table.scrollToItem(table.item(row, column))
    rect = table.visualItemRect(table.item(row, column))
    if table.state() != QAbstractItemView.State.EditingState:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.keyClick(table, Qt.Key.Key_F2)
    editors = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next event loop
    qtbot.waitUntil(lambda: table.item(row, column).text() == text, timeout=5000)


def open_editor(window: MainWindow, qtbot: QtBot) -> SchemeEditor:
    action = window.findChild(QAction, "actionSchemeEditor")
    assert action is not None and action in window.menuTools.actions()
    window.sign_in("Coder A (demo)")
    assert not action.isEnabled()  # a coder does not edit the scheme (lab manager only)
    window.sign_in(None, manager=True)
    assert action.isEnabled()
    action.trigger()
    editor = window.findChild(SchemeEditor)
    assert editor is not None
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitActive(editor)
    return editor


def test_edit_items_derive_and_cutoffs_then_save_version_2(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    study = window.study
    before = study.ratings.all()
    assert before and {r.scheme_version for r in before} == {1}
    old_panel = window.ratingPanel
    editor = open_editor(window, qtbot)
    assert editor.historyTable.rowCount() == 1  # version 1, when, by whom
    assert editor.saveButton.isEnabled() is False  # nothing edited yet

    click_node(qtbot, editor.schemeTree, "Sensitivity")
    page = editor.dimensionPage
    assert page.keyEdit.text() == "sensitivity" and page.keyEdit.isReadOnly()
    click_tab(qtbot, page.tabs, "Items")
    click(qtbot, page.addItemButton)
    assert page.itemsTable.rowCount() == 1
    type_in_cell(qtbot, page.itemsTable, 0, 1, "Warmth")
    click_tab(qtbot, page.tabs, "Scale")
    page.deriveBox.setFocus()
    qtbot.keyClicks(page.deriveBox, "Sum")
    assert page.deriveBox.currentData() == "sum"
    assert "follows from its items" in page.rangeNote.text()

    click_tab(qtbot, page.tabs, "Cut-offs")
    type_in_cell(qtbot, page.cutoffsTable, 0, 1, "4")
    qtbot.mouseClick(page.sourceEdit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.sourceEdit, "Lab EAS training, 2024")
    assert editor.problemLabel.text() == ""
    assert editor.saveButton.isEnabled()

    click(qtbot, editor.saveButton)
    assert editor.statusLabel.text() == "Version 2 saved"
    assert editor.historyTable.rowCount() == 2
    assert study.scheme_revision == 2
    dim = study.scheme.dimension("sensitivity")
    assert dim.derive == "sum" and [i.label for i in dim.items] == ["Warmth"]
    assert dim.cutoffs == (("nonrisk", 4.0), ("optimal", 5.5))
    assert dim.cutoffs_source == "Lab EAS training, 2024"
    # the rating panel was built again on the new version, the manager still signed in
    assert window.ratingPanel is not old_panel and window.session.manager
    shown = [label.text() for label in window.ratingPanel.findChildren(QLabel)]
    assert any("Warmth" in text for text in shown)  # the new item is scored in the panel
    assert not editor.saveButton.isEnabled()  # saved: nothing left to save

    out = tmp_path / "after.xlsx"
    export_study(study, out)
    sheet = load_workbook(out, read_only=True)["Ratings"]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("scheme_version")
    assert len(rows) - 1 == len(before)
    assert {row[column] for row in rows[1:]} == {1}  # old ratings keep version 1
    location = study.location
    window.close()
    with Study.open(from_string(location.display()), backup=False) as again:
        assert again.scheme_revision == 2
        assert [v.number for v in again.scheme_versions()] == [1, 2]
        assert again.scheme.dimension("sensitivity").items[0].label == "Warmth"


def test_removing_a_dimension_with_ratings_is_refused_and_nothing_changes(
    window: MainWindow, qtbot: QtBot
) -> None:
    study = window.study
    scored = {r.dimension for r in study.ratings.all()}
    assert "child_involvement" in scored
    text_before = study.scheme.source_text
    editor = open_editor(window, qtbot)
    click_node(qtbot, editor.schemeTree, "Child involvement")
    click(qtbot, editor.removeDimensionButton)
    assert not editor.schemeTree.findItems("Child involvement", Qt.MatchFlag.MatchRecursive)
    click(qtbot, editor.saveButton)
    message = editor.problemLabel.text()
    assert "Child involvement" in message and "Nothing was saved" in message
    assert study.scheme_revision == 1 and study.scheme.source_text == text_before
    assert editor.historyTable.rowCount() == 1
    # closing with the edit unsaved asks first; "Keep Editing" keeps the dialog open
    editor.closeButton.click()
    box = editor.findChild(QMessageBox, "discardBox")
    assert box is not None and box.isVisible()
    click(qtbot, box.button(QMessageBox.StandardButton.Cancel))
    assert editor.isVisible()
    click(qtbot, editor.revertButton)  # back to the saved version: nothing to ask
    assert editor.schemeTree.findItems("Child involvement", Qt.MatchFlag.MatchRecursive)
    editor.closeButton.click()
    assert not editor.isVisible()


def test_a_field_typed_wrong_is_named_and_save_waits(window: MainWindow, qtbot: QtBot) -> None:
    editor = open_editor(window, qtbot)
    click_node(qtbot, editor.schemeTree, "Structuring")
    page = editor.dimensionPage
    click_tab(qtbot, page.tabs, "Scale")
    page.maxSpin.setFocus()
    page.maxSpin.selectAll()
    qtbot.keyClicks(page.maxSpin, "1")
    qtbot.keyClick(page.maxSpin, Qt.Key.Key_Tab)
    assert editor.problemLabel.text().startswith("Dimension “Structuring” › Maximum:")
    assert not editor.saveButton.isEnabled()
    qtbot.keyClicks(page.maxSpin, "7")  # 17 is over nothing: a valid maximum again
    qtbot.keyClick(page.maxSpin, Qt.Key.Key_Tab)
    assert editor.problemLabel.text() == "" and editor.saveButton.isEnabled()


def test_the_menu_entry_and_the_editor_share_one_title() -> None:
    """The action names the editor without importing it (it loads on first use)."""
    from eas_coder.gui.manager import scheme_editor, scheme_editor_action

    assert scheme_editor_action.TITLE == scheme_editor.TITLE == "Scheme Editor"
