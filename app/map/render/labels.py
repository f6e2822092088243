"""All labels of a layer in one item, drawn in screen space with collision culling.

A ``pg.TextItem`` per label re-computes its transform on every view change (hundreds of
Python calls per frame). This item paints cached ``QStaticText``s at mapped positions and
skips labels that would overlap one already drawn (greedy, in the order given).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui


class LabelItem(pg.GraphicsObject):
    """Text labels at map positions; fixed pixel size; overlapping labels are dropped."""

    def __init__(self, color: str = "#202020", point_size: float = 9.0) -> None:
        super().__init__()
        self.font = QtGui.QFont()
        self.font.setPointSizeF(point_size)
        self._metrics = QtGui.QFontMetricsF(self.font)
        self.color = QtGui.QColor(color)
        self.halo = QtGui.QColor(255, 255, 255, 170)
        self.x = np.empty(0)
        self.y = np.empty(0)
        self.texts: list[str] = []
        self._cache: dict[str, tuple[QtGui.QStaticText, float, float]] = {}
        self._rect = QtCore.QRectF()
        self.n_drawn = 0

    def set_labels(self, x: np.ndarray, y: np.ndarray, texts: Sequence[str], area: QtCore.QRectF) -> None:
        self.prepareGeometryChange()
        self.x = np.asarray(x, float)
        self.y = np.asarray(y, float)
        self.texts = list(texts)
        self._rect = QtCore.QRectF(area)
        self.update()

    def clear(self) -> None:
        self.set_labels(np.empty(0), np.empty(0), [], QtCore.QRectF())

    def set_color(self, color: str) -> None:
        self.color = QtGui.QColor(color)
        self.update()

    def _static(self, text: str) -> tuple[QtGui.QStaticText, float, float]:
        got = self._cache.get(text)
        if got is None:
            st = QtGui.QStaticText(text)
            st.prepare(QtGui.QTransform(), self.font)
            r = self._metrics.boundingRect(text)
            got = (st, r.width(), r.height())
            if len(self._cache) > 5000:  # bounded: grids have ~8,500 names
                self._cache.clear()
            self._cache[text] = got
        return got

    def boundingRect(self) -> QtCore.QRectF:
        return self._rect

    def paint(self, p: QtGui.QPainter, option: object, widget: object = None) -> None:
        self.n_drawn = 0
        if not self.texts:
            return
        t = p.transform()
        dx = t.m11() * self.x + t.m21() * self.y + t.dx()
        dy = t.m12() * self.x + t.m22() * self.y + t.dy()
        p.resetTransform()
        p.setFont(self.font)
        p.setPen(self.color)
        taken: list[QtCore.QRectF] = []
        cell = 64.0
        grid: dict[tuple[int, int], list[QtCore.QRectF]] = {}
        for px, py, text in zip(dx.tolist(), dy.tolist(), self.texts, strict=True):
            st, w, h = self._static(text)
            r = QtCore.QRectF(px - w / 2 - 2, py - h / 2 - 1, w + 4, h + 2)
            keys = [(i, j) for i in range(int(r.left() // cell), int(r.right() // cell) + 1)
                    for j in range(int(r.top() // cell), int(r.bottom() // cell) + 1)]
            if any(r.intersects(o) for k in keys for o in grid.get(k, ())):
                continue
            for k in keys:
                grid.setdefault(k, []).append(r)
            taken.append(r)
            p.fillRect(r, self.halo)
            p.drawStaticText(QtCore.QPointF(px - w / 2, py - h / 2), st)
        self.n_drawn = len(taken)
