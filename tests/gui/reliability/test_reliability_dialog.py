"""Tools ▸ Reliability in the window: the table, labels, flags and disagreements; the agreement
plot following the selected dimension and pair; drift; consensus; opening a disagreement."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QDialog, QDialogButtonBox, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from eas_coder.drift import drift
from eas_coder.gui.reliability.consensus_dialog import ConsensusDialog
from eas_coder.gui.reliability.dialog import ReliabilityDialog
from eas_coder.gui.window.main_window import MainWindow
from eas_coder.model import Video
from eas_coder.reliability import compute, compute_tables, koo_li_label
from eas_coder.review import disagreements
from eas_coder.stats import agreement_within

A, B, C = "Coder A (demo)", "Coder B (demo)", "Coder C (demo)"
LEFT = Qt.MouseButton.LeftButton


def _dialog(window: MainWindow) -> QDialog:
    return next(d for d in window.findChildren(QDialog) if d.objectName() == "ReliabilityDialog")


def _open(window: MainWindow, qtbot: QtBot) -> QDialog:
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    dialog = _dialog(window)
    qtbot.waitExposed(dialog)
    return dialog


def _click_cell(qtbot: QtBot, table: QTableWidget, row: int, column: int = 0, double=False) -> None:
    rect = table.visualItemRect(table.item(row, column))
    assert table.viewport().rect().contains(rect.center()), "row not visible"
    click = qtbot.mouseDClick if double else qtbot.mouseClick
    if double:
        qtbot.mouseClick(table.viewport(), LEFT, pos=rect.center())
    click(table.viewport(), LEFT, pos=rect.center())


def _click_tab(qtbot: QtBot, dialog: QDialog, name: str) -> None:
    bar = dialog.tabs.tabBar()
    index = next(
        i for i in range(dialog.tabs.count()) if dialog.tabs.widget(i).objectName() == name
    )
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(index).center())
    assert dialog.tabs.currentIndex() == index


def _choose(qtbot: QtBot, box: QWidget, text: str) -> None:
    """Pick a combo box entry with the keyboard, as a person would."""
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Home)
    for _ in range(box.count()):
        if box.currentText() == text:
            return
        qtbot.keyClick(box, Qt.Key.Key_Down)
    assert box.currentText() == text


def test_reliability_table_matches_the_core_and_flags_low_dimensions(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialog = _open(window, qtbot)
    # Coder C has rated nothing yet, so the dialog starts on the pair who share videos.
    assert dialog.chosen_coders() == (A, B)
    assert dialog.codersBox.count() == 4  # all three, and each pair
    report = compute(window.study, [A, B])
    first = next(iter(report.dimensions))
    table = dialog.statsTable
    assert table.rowCount() == len(report.dimensions)
    for row, result in enumerate(report.dimensions.values()):
        value = result.icc["ICC2"].value
        assert table.item(row, 0).text() == result.label
        assert table.item(row, 1).text() == str(result.n_units) != "0"
        # four double-coded demo videos: fewer than the minimum of 10, said so, not "poor"
        assert table.item(row, 4).text() == result.quality == "too few units (n = 4)"
        assert koo_li_label(value) not in table.item(row, 4).text()
        flagged = result.flagged("ICC2", 0.70)
        assert ("below target" in table.item(row, 8).text()) is flagged
        main = result.icc["ICC2"]  # the F test, shown (issue 19)
        assert table.horizontalHeaderItem(9).text() == "ICC2 F"
        assert table.item(row, 9).text() == f"{main.f:.2f}"
        assert table.item(row, 10).text() == f"{main.df1:g}, {main.df2:g}"
        assert table.item(row, 12).text() == f"{result.values['gwet_ac1']:.2f}"
    found = disagreements(window.study, [A, B])
    assert dialog.disagreementsTable.rowCount() == len(found) > 0
    _choose(qtbot, dialog.codersBox, "All 3 coders")
    assert dialog.chosen_coders() == (A, B, C)
    # Coder C has rated nothing: left out with a note, the ICCs of A and B stay defined
    assert dialog.statsTable.item(0, 1).text() == "4"
    assert (
        dialog.statsTable.item(0, 2).text() == f"{report.dimensions[first].icc['ICC2'].value:.2f}"
    )
    assert C in dialog.summaryLabel.text() and "no ratings" in dialog.summaryLabel.text()
    assert dialog.disagreementsTable.rowCount() == len(disagreements(window.study)) == 0


def test_switching_to_segment_level_recomputes(window: MainWindow, qtbot: QtBot) -> None:
    window.actionReliability.trigger()
    dialog = _dialog(window)
    dialog.levelBox.setFocus()
    qtbot.keyClick(dialog.levelBox, Qt.Key.Key_Down)
    assert dialog.levelBox.currentData() == "segment"
    segment_level = compute(window.study, [A, B], level="segment")
    first = next(iter(segment_level.dimensions.values()))
    assert dialog.statsTable.item(0, 1).text() == str(first.n_units)
    found = disagreements(window.study, [A, B], level="segment")
    assert dialog.disagreementsTable.rowCount() == len(found)
    assert dialog.plot.points()[0].unit == first_unit(window, "segment")


def first_unit(window: MainWindow, level: str) -> object:
    key = window.study.scheme.dimensions[0].key
    _, tables = compute_tables(window.study, [A, B], level, [key])  # type: ignore[arg-type]
    table = tables[key]
    return next(
        u for u, row in zip(table.units, table.scores, strict=True) if not np.isnan(row).any()
    )


def test_the_plot_follows_the_selected_dimension_pair_and_mode(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialog = _open(window, qtbot)
    _click_tab(qtbot, dialog, "plotTab")
    plot = dialog.plot
    report = compute(window.study, [A, B])
    _, tables = compute_tables(window.study, [A, B], "session", None)
    keys = list(report.dimensions)
    seen = []
    for row in (0, 5, 1):
        _click_cell(qtbot, dialog.statsTable, row)
        key = keys[row]
        assert dialog.current_dimension() == key
        table = tables[key]
        keep = ~np.isnan(table.scores).any(axis=1)
        assert [p.a for p in plot.points()] == list(table.scores[keep, 0])
        assert [p.b for p in plot.points()] == list(table.scores[keep, 1])
        units = [u for u, kept in zip(table.units, keep, strict=True) if kept]
        assert [p.unit for p in plot.points()] == units
        values = report.dimensions[key].values
        limits = plot.limits()
        assert limits.mean_difference == values["mean_difference"]
        assert (limits.lower, limits.upper) == (values["loa_lower"], values["loa_upper"])
        seen.append([(p.a, p.b) for p in plot.points()])
    assert seen[0] != seen[1]
    qtbot.mouseClick(dialog.scatterRadio, LEFT)
    assert plot.mode() == "scatter"
    qtbot.mouseClick(dialog.blandAltmanRadio, LEFT)
    assert plot.mode() == "bland-altman"
    # The pair follows the coders chosen for the dialog; with all three, it is free.
    assert not dialog.pairBox.isEnabled()
    _choose(qtbot, dialog.codersBox, "All 3 coders")
    assert dialog.pairBox.isEnabled()
    _choose(qtbot, dialog.pairBox, f"{B} & {C}")
    assert dialog.plot_pair() == (B, C)
    assert plot.points() == []  # Coder C has rated nothing


def test_clicking_a_point_selects_its_disagreement_and_double_click_opens_it(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialog = _open(window, qtbot)
    found = disagreements(window.study, [A, B])
    biggest = found[0]
    row = list(compute(window.study, [A, B]).dimensions).index(biggest.dimension)
    _click_cell(qtbot, dialog.statsTable, row)
    _click_tab(qtbot, dialog, "plotTab")
    point = next(p for p in dialog.plot.points() if p.unit == biggest.unit)
    qtbot.mouseClick(dialog.plot, LEFT, pos=point.pos.toPoint())
    assert dialog.selected_disagreement() == biggest
    assert "selected under" in dialog.plotInfoLabel.text()
    with qtbot.waitSignal(dialog.openRequested, timeout=1000) as blocker:
        qtbot.mouseDClick(dialog.plot, LEFT, pos=point.pos.toPoint())
    assert blocker.args == [biggest.video_id, None]


def test_drift_table_matches_drift_py(window: MainWindow, qtbot: QtBot) -> None:
    dialog = _open(window, qtbot)
    _click_cell(qtbot, dialog.statsTable, 1)
    key = dialog.current_dimension()
    _click_tab(qtbot, dialog, "driftTab")
    view = dialog.driftView
    table = view.table
    study = window.study
    _, tables = compute_tables(study, [A, B], "session", [key])
    tolerance = float(study.settings.get("reliability.tolerance"))

    def check(batch: int | None) -> None:
        periods = drift(study, [A, B], batch)
        assert [len(p.video_ids) for p in periods] == [p.n_units for p in periods]
        assert table.rowCount() == len(periods) > 0
        for r, period in enumerate(periods):
            rows = [i for i, u in enumerate(tables[key].units) if u in set(period.video_ids)]
            within = agreement_within(tables[key].scores[rows], tolerance)
            expected = [period.label, str(period.n_units), f"{period.icc[key]:.2f}"]
            expected.append("–" if within != within else f"{within:.2f}")
            assert [table.item(r, c).text() for c in range(4)] == expected

    assert [table.horizontalHeaderItem(c).text() for c in range(4)] == [
        "Period", "n videos", "ICC2", "within ±1",
    ]  # fmt: skip
    check(None)
    assert not view.batchBox.isEnabled()
    _choose(qtbot, view.modeBox, "Per batch of")
    assert view.batchBox.isEnabled()
    check(10)
    view.batchBox.setFocus()
    view.batchBox.selectAll()
    qtbot.keyClicks(view.batchBox, "2")
    assert view.batch() == 2
    check(2)
    assert table.rowCount() == 2
    _click_tab(qtbot, dialog, "disagreementsTab")
    _click_cell(qtbot, dialog.statsTable, 4)
    key = dialog.current_dimension()
    _, tables = compute_tables(study, [A, B], "session", [key])
    check(2)


def _consensus_dialog(dialog: QDialog) -> ConsensusDialog:
    return next(d for d in dialog.findChildren(ConsensusDialog) if d.isVisible())


def _ok(consensus: ConsensusDialog) -> QAbstractButton:
    return consensus.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_consensus_is_recorded_and_the_coders_ratings_stay(
    window: MainWindow, qtbot: QtBot
) -> None:
    study = window.study
    before = study.ratings.all()
    dialog = _open(window, qtbot)
    table = dialog.disagreementsTable
    assert not dialog.consensusButton.isEnabled()
    _click_cell(qtbot, table, 1)
    target = dialog.selected_disagreement()
    assert target == disagreements(study, [A, B])[1]
    qtbot.mouseClick(dialog.consensusButton, LEFT)
    consensus = _consensus_dialog(dialog)
    qtbot.waitExposed(consensus)
    assert consensus.videoLabel.text() == table.item(1, 1).text()
    for name, score in target.scores.items():
        assert f"{name}: {score:g}" in consensus.scoresLabel.text()
    box = consensus.scoreBox
    assert (box.minimum(), box.maximum(), box.singleStep()) == (1.0, 7.0, 0.5)
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "4.3")  # off the scale's steps: refused
    assert box.value() != 4.3
    box.selectAll()
    qtbot.keyClicks(box, "6.5")
    qtbot.keyClick(box, Qt.Key.Key_Up)  # one step
    assert box.value() == 7.0
    qtbot.keyClick(box, Qt.Key.Key_Up)  # the top of the scale
    assert box.value() == 7.0
    qtbot.keyClick(box, Qt.Key.Key_Down)
    qtbot.mouseClick(consensus.noteEdit.viewport(), LEFT)
    qtbot.keyClicks(consensus.noteEdit, "agreed after review")
    qtbot.mouseClick(_ok(consensus), LEFT)
    agreed = study.consensus.all()
    assert [(c.video_id, c.dimension, c.score, c.segment_id, c.note) for c in agreed] == [
        (target.video_id, target.dimension, 6.5, None, "agreed after review")
    ]
    assert table.item(1, 4).text() == "6.5"
    assert dialog.selected_disagreement().consensus == 6.5
    assert study.ratings.all() == before
    assert [(r.score, r.note) for r in study.ratings.all()] == [(r.score, r.note) for r in before]


def test_segment_consensus_goes_on_a_segment_of_that_span(window: MainWindow, qtbot: QtBot) -> None:
    study = window.study
    before = study.ratings.all()
    dialog = _open(window, qtbot)
    _choose(qtbot, dialog.levelBox, "Segments")
    table = dialog.disagreementsTable
    _click_cell(qtbot, table, 0)
    target = dialog.selected_disagreement()
    assert target.start_ms is not None
    assert dialog.consensusButton.shortcut().toString() == "Alt+N"
    qtbot.keyClick(dialog.consensusButton, Qt.Key.Key_Space)
    consensus = _consensus_dialog(dialog)
    consensus.scoreBox.selectAll()
    qtbot.keyClicks(consensus.scoreBox, "3")
    qtbot.keyClick(consensus.scoreBox, Qt.Key.Key_Return)  # OK is the default button
    [agreed] = study.consensus.all()
    segment = next(s for s in study.segments.all() if s.id == agreed.segment_id)
    assert (segment.video_id, segment.start_ms, segment.end_ms, segment.episode) == target.unit
    assert (agreed.dimension, agreed.score) == (target.dimension, 3.0)
    assert table.item(0, 4).text() == "3"
    assert study.ratings.all() == before


def test_double_click_or_enter_on_a_disagreement_asks_to_open_the_video(
    window: MainWindow, qtbot: QtBot
) -> None:
    study = window.study
    coder_a, coder_b = study.coders.get(A), study.coders.get(B)
    study.assignments.reopen(6, coder_a.id)
    for segment in study.segments.all(video_id=6):
        study.segments.update(
            segment.id, start_ms=1500, end_ms=segment.end_ms, episode=segment.episode, note=""
        )
    assert {s.coder_id for s in study.segments.all(video_id=6)} == {coder_a.id, coder_b.id}
    dialog = _open(window, qtbot)
    opened: list[tuple[int, object]] = []
    dialog.openRequested.connect(lambda video_id, start: opened.append((video_id, start)))
    _choose(qtbot, dialog.levelBox, "Segments")
    found = disagreements(study, [A, B], level="segment")
    row = next(i for i, d in enumerate(found) if d.video_id == 6)
    other = next(i for i, d in enumerate(found) if d.video_id != 6)
    _click_cell(qtbot, dialog.disagreementsTable, row, double=True)
    assert opened == [(6, 1500)]
    _click_cell(qtbot, dialog.disagreementsTable, other)
    qtbot.keyClick(dialog.disagreementsTable, Qt.Key.Key_Return)
    assert opened[1:] == [(found[other].video_id, 0)]
    _choose(qtbot, dialog.levelBox, "Whole session")
    _click_cell(qtbot, dialog.disagreementsTable, 0)
    qtbot.keyClick(dialog.disagreementsTable, Qt.Key.Key_Enter)
    qtbot.mouseClick(dialog.openButton, LEFT)
    first = disagreements(study, [A, B])[0]
    assert opened[2:] == [(first.video_id, None), (first.video_id, None)]


def _open_at_2000(window: MainWindow, qtbot: QtBot) -> tuple[ReliabilityDialog, Video]:
    """The Reliability dialog asks the window to open the fifth video at 2000 ms."""
    dialog = window.study_actions.reliability()
    target_video = window.study.videos.all()[4]
    player = window.playerPanel.player
    dialog.openRequested.emit(target_video.id, 2000)
    path = window.study.videos.file_of(target_video)  # (the window's first video may open
    qtbot.waitUntil(  # while the switch waits for the reads queued before it)
        lambda: player.path == path and player.frame_index is not None, timeout=10_000
    )
    return dialog, target_video


def test_a_disagreement_opens_its_video_at_its_segment_in_the_window(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialog, target_video = _open_at_2000(window, qtbot)
    player = window.playerPanel.player
    assert window.current_video() == target_video
    qtbot.waitUntil(
        lambda: (
            player.position_ms() == player.frame_index.time_ms(player.frame_index.index_at(2000))
        )
    )  # type: ignore[union-attr]
    dialog.close()


def test_a_second_disagreement_on_the_open_video_goes_to_its_segment(
    window: MainWindow, qtbot: QtBot
) -> None:
    dialog, target_video = _open_at_2000(window, qtbot)
    player = window.playerPanel.player
    index = player.frame_index
    assert index is not None
    qtbot.waitUntil(lambda: player.position_ms() == index.time_ms(index.index_at(2000)))
    dialog.openRequested.emit(target_video.id, 1000)  # the same video, already open
    qtbot.waitUntil(lambda: player.position_ms() == index.time_ms(index.index_at(1000)))
    other = window.study.videos.all()[1]
    with qtbot.waitSignal(player.mediaOpened, timeout=10_000):
        dialog.openRequested.emit(other.id, None)
    qtbot.wait(300)
    assert player.position_ms() == 0  # no seek left waiting takes the next video elsewhere
    dialog.close()
