"""The agreement plot: points where its own mapping puts them, limit lines at the core's values,
deterministic jitter with counts, hover tooltips and clicks that name the unit."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage, QPalette
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from eas_coder.gui.reliability.agreement_plot import AgreementPlot
from eas_coder.gui.window.app import application
from eas_coder.stats import bland_altman

A = [3.5, 4.5, 5.0, 5.0, 6.0, 2.0]
B = [3.5, 5.0, 4.5, 4.5, 6.5, 3.0]
UNITS = [11, 12, 13, 14, 15, 16]
LABELS = ["D001 · T1", "D002 · T1", "D003 · T1", "D004 · T1", "D005 · T1", "D006 · T1"]


@pytest.fixture
def plot(qtbot: QtBot) -> AgreementPlot:
    application()
    widget = AgreementPlot()
    qtbot.addWidget(widget)
    widget.resize(640, 420)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _show(plot: AgreementPlot, mode: str = "bland-altman") -> None:
    plot.set_data(A, B, "Ana", "Ben", 1, 7, mode, step=0.5, units=UNITS, unit_labels=LABELS,
                  unit_name="video")  # fmt: skip


def _image(plot: AgreementPlot) -> QImage:
    image = plot.grab().toImage()
    assert image.devicePixelRatio() == 1.0, "pixel checks below assume one pixel per point"
    return image


def _colour_near(image: QImage, at: QPointF, colour: QColor, reach: int = 1) -> bool:
    x, y = round(at.x()), round(at.y())
    return any(
        image.pixelColor(x + dx, y + dy).rgb() == colour.rgb()
        for dx in range(-reach, reach + 1)
        for dy in range(-reach, reach + 1)
    )


def _row_has(image: QImage, y: float, x0: float, x1: float, colour: QColor) -> int:
    """How many pixels of ``colour`` lie on the rows around y between x0 and x1."""
    return sum(
        image.pixelColor(x, round(y) + dy).rgb() == colour.rgb()
        for x in range(round(x0) + 2, round(x1) - 2)
        for dy in (-1, 0, 1)
    )


def test_points_land_where_the_plots_mapping_puts_them(plot: AgreementPlot) -> None:
    empty = _image(plot)
    _show(plot)
    drawn = _image(plot)
    assert drawn != empty
    highlight = plot.palette().color(QPalette.ColorRole.Highlight)
    # Unit 16 is alone at mean 2.5, difference −1: drawn exactly at the mapped pixel.
    lone = next(p for p in plot.points() if p.unit == 16)
    assert (lone.x, lone.y, lone.count) == (2.5, -1.0, 1)
    at = plot.to_pixel(2.5, -1.0)
    assert lone.pos == at
    assert _colour_near(drawn, at, highlight, reach=0)
    assert not _colour_near(empty, at, highlight, reach=2)
    # The mapping itself: the scale's ends sit half a step inside the plot area's edges.
    area = plot.plot_rect()
    x0, x1 = plot.x_range()
    assert (x0, x1) == (0.75, 7.25)
    assert plot.to_pixel(x0, 0).x() == pytest.approx(area.left())
    assert plot.to_pixel(x1, 0).x() == pytest.approx(area.right())


def test_limit_lines_are_drawn_at_the_cores_values(plot: AgreementPlot) -> None:
    _show(plot)
    core = bland_altman(np.column_stack([A, B]))
    assert plot.limits() == core
    lines = plot.limit_lines()
    assert lines == {"mean": core.mean_difference, "upper": core.upper, "lower": core.lower}
    image = _image(plot)
    area = plot.plot_rect()
    for name, value in lines.items():
        y = plot.to_pixel(0, value).y()
        assert area.top() < y < area.bottom()
        colour = plot.line_colour(name)
        assert _row_has(image, y, area.left(), area.right(), colour) > area.width() / 4, name
    # A line one step away from the mean is not drawn.
    off = plot.to_pixel(0, core.mean_difference + 0.3).y()
    assert _row_has(image, off, area.left(), area.right(), plot.line_colour("mean")) == 0


def test_scatter_has_no_limit_lines_and_draws_points_at_a_versus_b(plot: AgreementPlot) -> None:
    _show(plot, "scatter")
    image = _image(plot)
    area = plot.plot_rect()
    core = bland_altman(np.column_stack([A, B]))
    y = plot.to_pixel(0, core.upper).y()
    assert _row_has(image, y, area.left(), area.right(), plot.line_colour("upper")) == 0
    lone = next(p for p in plot.points() if p.unit == 16)
    assert (lone.x, lone.y) == (2.0, 3.0)
    assert lone.pos == plot.to_pixel(2.0, 3.0)
    assert plot.x_range() == plot.y_range() == (0.75, 7.25)


def test_coinciding_points_are_jittered_the_same_way_each_time(plot: AgreementPlot) -> None:
    _show(plot, "scatter")
    first = {p.unit: p.pos for p in plot.points()}
    both = [p for p in plot.points() if p.unit in (13, 14)]
    assert [p.count for p in both] == [2, 2]
    assert both[0].pos != both[1].pos
    centre = plot.to_pixel(5.0, 4.5)
    for point in both:
        distance = np.hypot(point.pos.x() - centre.x(), point.pos.y() - centre.y())
        assert 0 < distance < 8
    _show(plot, "scatter")
    assert {p.unit: p.pos for p in plot.points()} == first
    tip = plot.tooltip_at(both[0].pos)
    assert "D003 · T1" in tip and "2 videos here" in tip and "D004 · T1" in tip


def test_hover_tooltip_names_the_unit_under_the_mouse(plot: AgreementPlot) -> None:
    _show(plot)
    point = next(p for p in plot.points() if p.unit == 15)
    local = point.pos.toPoint()
    event = QHelpEvent(QEvent.Type.ToolTip, local, plot.mapToGlobal(local))
    QApplication.sendEvent(plot, event)
    assert QToolTip.isVisible()
    assert "Video D005 · T1" in QToolTip.text()
    assert "Ana: 6 · Ben: 6.5" in QToolTip.text()
    assert plot.tooltip_at(QPointF(plot.plot_rect().left() + 3, plot.plot_rect().top() + 3)) == ""
    QToolTip.hideText()


def test_clicking_a_point_emits_its_unit(plot: AgreementPlot, qtbot: QtBot) -> None:
    _show(plot)
    point = next(p for p in plot.points() if p.unit == 12)
    with qtbot.waitSignal(plot.pointClicked, timeout=1000) as blocker:
        qtbot.mouseClick(plot, Qt.MouseButton.LeftButton, pos=point.pos.toPoint())
    assert blocker.args == [12]
    empty_spot = plot.plot_rect().topLeft().toPoint() + QPoint(4, 4)
    with qtbot.assertNotEmitted(plot.pointClicked, wait=50):
        qtbot.mouseClick(plot, Qt.MouseButton.LeftButton, pos=empty_spot)


def test_colours_follow_the_palette(plot: AgreementPlot) -> None:
    _show(plot)
    dark = QPalette(plot.palette())
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#e8e8e8"))
    dark.setColor(QPalette.ColorRole.Highlight, QColor("#ffb000"))
    plot.setPalette(dark)
    image = _image(plot)
    assert image.pixelColor(2, 2) == QColor("#1e1e1e")
    assert _colour_near(image, plot.to_pixel(2.5, -1.0), QColor("#ffb000"), reach=0)
    mean = plot.to_pixel(0, plot.limits().mean_difference).y()
    area = plot.plot_rect()
    assert _row_has(image, mean, area.left(), area.right(), QColor("#e8e8e8")) > 0


def test_no_data_and_bad_input(plot: AgreementPlot) -> None:
    plot.set_data([], [], "Ana", "Ben", 1, 7, step=0.5)
    assert plot.points() == [] and plot.limit_lines() == {}
    with pytest.raises(ValueError, match="mode"):
        plot.set_data(A, B, "Ana", "Ben", 1, 7, "violin")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="length"):
        plot.set_data(A, B[:-1], "Ana", "Ben", 1, 7)
