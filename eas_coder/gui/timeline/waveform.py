"""The timeline's audio lane: the waveform as min/max per device-pixel column.

Each column is one vertical run of pixels from the column's minimum to its maximum, built as
a numpy mask and drawn as one image: exact to the pixel at every zoom, and a few hundred
microseconds for a full-width lane. Amplitudes are scaled to the track's own peak, so a
quiet recording fills the lane as well as a loud one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QPen

from eas_coder.gui.timeline.geometry import LayerView

if TYPE_CHECKING:  # numpy and PyAV come with the first waveform, not at start-up
    import numpy as np

    from eas_coder.media.waveform import Waveform

WAVE_H = 36
_INK_SHARE = 0.6  # the waveform's colour: this much of the text colour over the base
Role = QPalette.ColorRole


def lane_height(waveform: Waveform | None) -> int:
    """How tall the lane is: nothing without an audio track; a silent track's lane says so."""
    return WAVE_H if waveform is not None and (not waveform.silent or waveform.label) else 0


def wave_color(palette: QPalette) -> QColor:
    """The waveform's colour: between the text and the background, in any theme."""
    ink, base = palette.color(Role.Text), palette.color(Role.Base)

    def mix(a: int, b: int) -> int:
        return round(_INK_SHARE * a + (1 - _INK_SHARE) * b)

    return QColor(
        mix(ink.red(), base.red()), mix(ink.green(), base.green()), mix(ink.blue(), base.blue())
    )


def paint_waveform(
    p: QPainter, view: LayerView, pal: QPalette, waveform: Waveform, top: float, dpr: float
) -> None:
    """The lane at ``top``: the waveform over the visible range, and a line under it."""
    height = WAVE_H - 2  # a pixel of air above, the separator line below
    if waveform.label:  # a track with nothing to draw: say so rather than show a blank
        p.setPen(QPen(pal.color(Role.PlaceholderText)))
        p.drawText(QRectF(6, top + 1, max(0.0, view.width - 12), height),
                   int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                   waveform.label)  # fmt: skip
        p.setPen(QPen(pal.color(Role.Midlight)))
        p.drawLine(QPointF(0, top + WAVE_H - 0.5), QPointF(view.width, top + WAVE_H - 0.5))
        return
    import numpy as np

    columns = max(1, round(view.width * dpr))
    rows = max(2, round(height * dpr))
    mins, maxs = waveform.columns(view.start_ms, view.start_ms + view.span_ms, columns)
    mask = _column_mask(mins, maxs, rows, waveform.peak)
    image = QImage(columns, rows, QImage.Format.Format_ARGB32)
    pixels = np.ndarray((rows, image.bytesPerLine() // 4), np.uint32, image.bits())
    argb = wave_color(pal).rgba()
    pixels[:, :columns] = np.where(mask, np.uint32(argb), np.uint32(0))
    image.setDevicePixelRatio(dpr)
    p.drawImage(QPointF(0, top + 1), image)
    p.setPen(QPen(pal.color(Role.Midlight)))
    p.drawLine(QPointF(0, top + WAVE_H - 0.5), QPointF(view.width, top + WAVE_H - 0.5))


def _column_mask(mins: np.ndarray, maxs: np.ndarray, rows: int, peak: float) -> np.ndarray:
    """(rows, columns) booleans: which pixels each column's run covers (none where NaN)."""
    import numpy as np

    centre = rows // 2
    scale = (rows / 2 - 0.5) / peak if peak > 0 else 0.0
    known = ~(np.isnan(mins) | np.isnan(maxs))
    lo = np.where(known, mins, 0.0)
    hi = np.where(known, maxs, 0.0)
    first = np.clip(np.floor(centre - hi * scale), 0, rows - 1).astype(np.int64)
    last = np.clip(np.ceil(centre - lo * scale), 0, rows - 1).astype(np.int64)
    last = np.maximum(first, last)
    y = np.arange(rows)[:, None]
    mask: np.ndarray = (y >= first[None, :]) & (y <= last[None, :]) & known[None, :]
    return mask
