"""Tools ▸ Reliability shows what the CLI, JSON and report have (issue 19): the F test of every
ICC form, how segments met at segment level (matched share, onset / offset differences, the
tolerance setting when overlapping segments were left out), the bias flags and the D-study."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.gui.window.main_window import MainWindow
from eas_coder.reliability import compute
from eas_coder.reliability_design import f_text
from eas_coder.stats import ICC_FORMS

A, B = "Coder A (demo)", "Coder B (demo)"
LEFT = Qt.MouseButton.LeftButton
SETTING = "reliability.boundary_tolerance_ms"


def _open(window: MainWindow, qtbot: QtBot) -> QDialog:
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = next(d for d in window.findChildren(QDialog) if d.objectName() == "ReliabilityDialog")
    qtbot.waitExposed(dialog)
    return dialog


def _click_tab(qtbot: QtBot, dialog: QDialog, name: str) -> QWidget:
    bar = dialog.tabs.tabBar()
    index = next(
        i for i in range(dialog.tabs.count()) if dialog.tabs.widget(i).objectName() == name
    )
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(index).center())
    assert dialog.tabs.currentIndex() == index
    return dialog.tabs.widget(index)


def _click_row(qtbot: QtBot, table: QTableWidget, row: int) -> None:
    rect = table.visualItemRect(table.item(row, 0))
    qtbot.mouseClick(table.viewport(), LEFT, pos=rect.center())
    assert table.currentRow() == row


def _choose(qtbot: QtBot, box: QWidget, data: str) -> None:
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Home)
    for _ in range(box.count()):
        if box.currentData() == data:
            return
        qtbot.keyClick(box, Qt.Key.Key_Down)
    assert box.currentData() == data


def _p(value: float) -> str:
    return "< .001" if value < 0.001 else f"{value:.3f}".replace("0.", ".", 1)


def test_every_icc_form_with_its_f_test_in_the_details_tab_and_the_row_tooltip(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialog = _open(window, qtbot)
    report = compute(window.study, [A, B])
    keys = list(report.dimensions)
    _click_row(qtbot, dialog.statsTable, 2)  # a person picks the third dimension
    details = _click_tab(qtbot, dialog, "detailsTab")
    forms = details.findChild(QTableWidget, "formsTable")
    assert forms is not None and forms.isVisible()
    result = report.dimensions[keys[2]]
    header = [forms.horizontalHeaderItem(c).text() for c in range(forms.columnCount())]
    assert header == ["Form", "ICC", "95% CI", "F", "df", "p", "n"]
    assert forms.rowCount() == len(ICC_FORMS)
    for row, form in enumerate(ICC_FORMS):
        got = result.icc[form]
        cells = [forms.item(row, c).text() for c in range(forms.columnCount())]
        assert cells[0] == form
        assert cells[1] == f"{got.value:.2f}"
        assert cells[3] == f"{got.f:.2f}"
        assert cells[4] == f"{got.df1:g}, {got.df2:g}"
        assert cells[5] == _p(got.p)
        assert cells[6] == str(result.icc.n_for(form))
    # the F / df / p cells of the main table name every form's test on hover
    table = dialog.statsTable
    f_column = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())].index(
        "ICC2 F"
    )
    tip = table.item(2, f_column).toolTip()
    for form in ICC_FORMS:
        assert f"{form}: {f_text(result.icc[form])}" in tip
    # the D-study line and each coder's bias of the selected dimension
    text = details.findChild(QWidget, "detailsText").text()
    d = result.dstudy
    assert d is not None and f"D-study ({d.form}" in text
    assert f"{d.units_for_width} double-coded videos" in text
    for bias in result.bias:
        assert bias.coder in text and f"{bias.mean_difference:+.2f}" in text


def test_segment_level_says_how_segments_met_and_names_the_tolerance_setting(
    window: MainWindow, qtbot: QtBot
) -> None:
    study = window.study
    a, b = study.coders.get(A), study.coders.get(B)
    double = sorted(
        {s.video_id for s in study.segments.all(coder_id=a.id)}
        & {s.video_id for s in study.segments.all(coder_id=b.id)}
    )
    # Coder B's segment starts 0.5 s late on one video (still met) and 3 s late on another
    # (overlapping, but further apart than the 2 s tolerance: left out).
    for video_id, start in ((double[0], 500), (double[1], 3000)):
        (seg,) = study.segments.all(video_id=video_id, coder_id=b.id)
        study.segments.update(
            seg.id, start_ms=start, end_ms=seg.end_ms, episode=seg.episode, note=seg.note
        )
    dialog = _open(window, qtbot)
    label = dialog.findChild(QWidget, "segmentMatchingLabel")
    assert label is not None and not label.isVisible()  # session level: nothing to say
    _choose(qtbot, dialog.levelBox, "segment")
    report = compute(study, [A, B], level="segment")
    assert report.segment_matching is not None
    (pair,) = report.segment_matching.pairs
    assert pair.overlapping > pair.matched  # the 3 s late one
    assert label.isVisible()
    text = label.text()
    assert f"{pair.matched} of {pair.segments[0]} + {pair.segments[1]}" in text
    assert f"{100 * pair.matched_share:.0f}%" in text
    assert f"|onset| {pair.mean_onset_difference_ms:.0f} ms" in text
    assert f"|offset| {pair.mean_offset_difference_ms:.0f} ms" in text
    assert SETTING in text
    details = _click_tab(qtbot, dialog, "detailsTab")
    first = next(iter(report.dimensions.values()))
    assert f"n = {first.n_units}" in details.findChild(QWidget, "detailsText").text()
    _choose(qtbot, dialog.levelBox, "session")
    assert not label.isVisible()


def test_a_biased_coder_is_flagged_in_the_table_and_the_details(
    window: MainWindow, qtbot: QtBot
) -> None:
    study = window.study
    b = study.coders.get(B)
    # Coder B scores every session 1.5 points above what they gave: a lenient coder
    key = study.scheme.dimensions[0].key
    for rating in study.ratings.all(coder_id=b.id):
        if rating.segment_id is None and rating.dimension == key:
            study.ratings.set(rating.video_id, b.id, key, min(rating.score + 1.5, 7.0))
    report = compute(study, [A, B])
    bias = {x.coder: x for x in report.dimensions[key].bias}
    # with two coders one's bias is the other's, turned round: both flagged
    assert bias[B].flagged and bias[B].mean_difference > 0 and bias[A].flagged
    dialog = _open(window, qtbot)
    table = dialog.statsTable
    flag_column = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())].index(
        "Flag"
    )
    assert f"bias: {A} lower, {B} higher" in table.item(0, flag_column).text()
    _click_row(qtbot, table, 0)
    details = _click_tab(qtbot, dialog, "detailsTab")
    text = details.findChild(QWidget, "detailsText").text()
    assert f"{B} {bias[B].mean_difference:+.2f}" in text and "scores higher" in text
    assert f"{A} {bias[A].mean_difference:+.2f}" in text and "scores lower" in text
