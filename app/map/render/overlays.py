"""Screen-anchored map furniture: scale bar and north arrow (children of the ViewBox)."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets


def nice_length(max_metres: float) -> float:
    """Largest 1/2/5 × 10^k not above ``max_metres``."""
    if max_metres <= 0:
        return 0.0
    e = 10 ** math.floor(math.log10(max_metres))
    for m in (5, 2, 1):
        if m * e <= max_metres:
            return m * e
    return e


def format_length(metres: float) -> str:
    if metres >= 1000:
        return f"{metres / 1000:g} km"
    return f"{metres:g} m"


class ScaleBarItem(pg.GraphicsObject):
    """Bottom-left scale bar whose length is a round distance (e.g. '500 m', '2 km')."""

    TARGET_PX = 110.0
    MARGIN = 12.0

    def __init__(self, parent: QtWidgets.QGraphicsItem) -> None:
        super().__init__(parent)
        self.text = ""
        self.bar_px = 0.0
        self.font = QtGui.QFont()
        self.font.setPointSizeF(8.5)
        self.setZValue(1e6)

    def boundingRect(self) -> QtCore.QRectF:
        return QtCore.QRectF(0, 0, self.TARGET_PX + 30, 34)

    def update_scale(self, pixel_size: float, view_height_px: float) -> None:
        metres = nice_length(self.TARGET_PX * pixel_size) if pixel_size > 0 else 0.0
        self.bar_px = metres / pixel_size if pixel_size > 0 else 0.0
        self.text = format_length(metres) if metres else ""
        self.setPos(self.MARGIN, view_height_px - self.MARGIN - 34)
        self.update()

    def paint(self, p: QtGui.QPainter, *args: object) -> None:
        if not self.bar_px:
            return
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        w = self.bar_px
        p.setPen(QtCore.Qt.PenStyle.NoPen)
        p.setBrush(QtGui.QColor(255, 255, 255, 190))
        p.drawRoundedRect(QtCore.QRectF(0, 0, w + 16, 34), 3, 3)
        pen = QtGui.QPen(QtGui.QColor(30, 30, 30), 2)
        p.setPen(pen)
        y = 26.0
        p.drawLine(QtCore.QPointF(8, y), QtCore.QPointF(8 + w, y))
        p.drawLine(QtCore.QPointF(8, y - 5), QtCore.QPointF(8, y))
        p.drawLine(QtCore.QPointF(8 + w, y - 5), QtCore.QPointF(8 + w, y))
        p.setFont(self.font)
        p.drawText(QtCore.QRectF(0, 2, w + 16, 18), QtCore.Qt.AlignmentFlag.AlignCenter, self.text)


class NorthArrowItem(pg.GraphicsObject):
    """Top-right north arrow. Grid north ≈ true north near the CM 117°E meridian."""

    SIZE = 36.0

    def __init__(self, parent: QtWidgets.QGraphicsItem) -> None:
        super().__init__(parent)
        self.setZValue(1e6)
        self.font = QtGui.QFont()
        self.font.setPointSizeF(9)
        self.font.setBold(True)

    def boundingRect(self) -> QtCore.QRectF:
        return QtCore.QRectF(0, 0, self.SIZE, self.SIZE + 14)

    def place(self, view_width_px: float) -> None:
        self.setPos(view_width_px - self.SIZE - 12, 10)

    def paint(self, p: QtGui.QPainter, *args: object) -> None:
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        s = self.SIZE
        p.setFont(self.font)
        p.setPen(QtGui.QColor(30, 30, 30))
        p.drawText(QtCore.QRectF(0, 0, s, 14), QtCore.Qt.AlignmentFlag.AlignCenter, "N")
        cx, top, bottom = s / 2, 16.0, s + 12
        left = QtGui.QPolygonF([QtCore.QPointF(cx, top), QtCore.QPointF(cx - 9, bottom),
                                QtCore.QPointF(cx, bottom - 8)])
        right = QtGui.QPolygonF([QtCore.QPointF(cx, top), QtCore.QPointF(cx + 9, bottom),
                                 QtCore.QPointF(cx, bottom - 8)])
        p.setPen(QtGui.QPen(QtGui.QColor(30, 30, 30), 1))
        p.setBrush(QtGui.QColor(30, 30, 30))
        p.drawPolygon(left)
        p.setBrush(QtGui.QColor(255, 255, 255))
        p.drawPolygon(right)
