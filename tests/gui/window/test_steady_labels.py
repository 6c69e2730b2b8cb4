"""The playhead's frame and time and the save state keep their labels' size (issue 18): a
label's new text used to ask the whole window's layout again, at every frame stepped or
played and at every save, and the status bar's items jumped sideways."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QStatusBar
from pytestqt.qtbot import QtBot

from eas_coder.gui.common.steady_text import set_steady_text
from eas_coder.gui.player.transport import TransportBar
from eas_coder.gui.window.main_window import MainWindow
from tests.gui.window.test_player_window import at_frame, press, ready


class LayoutRequests(QObject):
    """Counts the layout requests the transport bar and the status bar receive."""

    def __init__(self, *watched: QObject) -> None:
        super().__init__()
        self.count = 0
        for widget in watched:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def test_stepping_frames_asks_no_layout_again(qtbot: QtBot, window: MainWindow) -> None:
    ready(qtbot, window)
    transport = window.playerPanel.transport
    assert isinstance(transport, TransportBar)
    status = window.findChild(QStatusBar)
    assert status is not None
    press(qtbot, window, Qt.Key.Key_Right)  # the labels take the width of a frame number
    at_frame(qtbot, window, 1)
    qtbot.wait(50)
    requests = LayoutRequests(transport, status)
    for frame in range(2, 8):
        press(qtbot, window, Qt.Key.Key_Right)
        at_frame(qtbot, window, frame)
        qtbot.wait(20)  # (the posted layout requests arrive)
    assert transport.frameLabel.text() == "frame 7 / 99"
    assert window.position_label.text().endswith("frame 7")
    assert requests.count == 0


def test_a_steady_label_grows_for_a_longer_text_and_never_shrinks(
    qtbot: QtBot, window: MainWindow
) -> None:
    label = window.saveState_label
    set_steady_text(label, "Saved: Sensitivity 2 · 15:43:31")
    wide = label.width()
    set_steady_text(label, "Saving… X")
    assert label.text() == "Saving… X" and label.width() == wide  # the neighbours stay put
    set_steady_text(label, "Saved: Child responsiveness 6 · 15:43:31")
    assert label.width() > wide
    assert label.sizeHint().width() <= label.width()  # the whole text shows
