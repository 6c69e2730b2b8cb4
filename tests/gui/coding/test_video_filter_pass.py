"""The Videos list's filter answers every row in one pass when the list is filtered again
(issue 18: a sign-in's turn spent 2 of its 7 ms asking each of 10,000 rows for its status
key on its own), and a row changed since that pass is still shown or hidden rightly."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from eas_coder.gui.coding.video_list import ALL, ASKED_ALONE, NOT_MINE, VideoFilter
from eas_coder.gui.common.models import VideoTableModel
from eas_coder.model import Video

ROWS = 600


class _CountingModel(VideoTableModel):
    """Counts the questions asked of one row at a time."""

    asked = 0

    def status_key(self, row: int) -> str:
        self.asked += 1
        return super().status_key(row)

    def video(self, row: int) -> Video:
        self.asked += 1
        return super().video(row)


def _video(i: int) -> Video:
    return Video(id=i, participant_code=f"P{i:04d}", timepoint=("T1", "T2")[i % 2], path=None)


def _model() -> _CountingModel:
    statuses = [("mine", "not started") if i % 3 == 0 else ("", NOT_MINE) for i in range(ROWS)]
    return _CountingModel([_video(i) for i in range(ROWS)], [False] * ROWS, None, statuses)


def _shown(proxy: VideoFilter) -> list[int]:
    model = proxy.table()
    assert model is not None
    return [model.rows()[0][proxy.mapToSource(proxy.index(r, 0)).row()].id
            for r in range(proxy.rowCount())]  # fmt: skip


def test_filtering_again_asks_no_row_on_its_own(qtbot: QtBot) -> None:
    model = _model()
    proxy = VideoFilter()
    proxy.setSourceModel(model)
    assert _shown(proxy) == list(range(0, ROWS, 3))  # a coder's own videos
    model.asked = 0
    proxy.hold(True)  # a sign-in: no row until the statuses are read, then every row again
    proxy.hold(False)
    assert proxy.rowCount() == ROWS // 3
    proxy.set_status(ALL)
    proxy.set_text("t2")
    assert _shown(proxy) == list(range(1, ROWS, 2))
    assert model.asked == 0  # the old code asked each row's key (and video) on its own


def test_a_row_changed_after_the_pass_is_filtered_by_its_new_status(qtbot: QtBot) -> None:
    model = _model()
    proxy = VideoFilter()
    proxy.setSourceModel(model)
    proxy.rowCount()  # (the pass)
    model.set_status(1, ("mine", "not started"))  # assigned to this coder meanwhile
    model.set_status(0, ("", NOT_MINE))  # taken away
    model.insert_row(2, _video(ROWS), False, ("mine", "submitted"))
    shown = _shown(proxy)
    assert shown[:3] == [1, ROWS, 3]
    assert 0 not in shown
    assert len(shown) == ROWS // 3 + 1


def test_many_rows_asked_after_a_change_make_a_new_pass(qtbot: QtBot) -> None:
    model = _model()
    proxy = VideoFilter()
    proxy.setSourceModel(model)
    proxy.rowCount()
    statuses: list[Any] = [("mine", "not started")] * ROWS  # every video now this coder's
    model.asked = 0
    model.set_statuses(statuses, whole=True)
    assert proxy.rowCount() == ROWS
    assert model.asked <= 2 * ASKED_ALONE  # then one pass, not a question per row
