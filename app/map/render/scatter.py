"""A lean screen-space scatter item for many categorised points.

``pg.ScatterPlotItem.setData`` styles every point in Python (~7 µs/point with per-point
brushes: 270 ms for 40 k points), which would stall every view change. This item keeps
only the blitting fast path of ScatterPlotItem: one pre-rendered symbol per
(category, size) style in an atlas pixmap, and per paint one numpy transform plus one
``QPainter.drawPixmapFragments`` call. Setting data is just storing arrays.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from pyqtgraph import Qt as pgQt
from pyqtgraph.graphicsItems.ScatterPlotItem import renderSymbol
from PySide6 import QtCore, QtGui


class SymbolScatterItem(pg.GraphicsObject):
    """Points drawn as fixed-pixel-size symbols; style ``k`` of each point picks its symbol."""

    def __init__(self) -> None:
        super().__init__()
        self.x = np.empty(0)
        self.y = np.empty(0)
        self.style_index = np.empty(0, np.int64)
        self._atlas: QtGui.QPixmap | None = None
        self._src = np.empty((0, 4))  # per style: sx, sy, sw, sh (device pixels)
        self._dpr = 1.0
        self._styles: list[tuple[QtGui.QBrush, float]] = []
        self._pen = pg.mkPen(None)
        self._symbol = "o"
        self._rect = QtCore.QRectF()
        self._frags = pgQt.internals.PrimitiveArray(QtGui.QPainter.PixmapFragment, 10)

    def set_styles(self, styles: Sequence[tuple[QtGui.QBrush, float]], pen: QtGui.QPen, symbol: str = "o") -> None:
        """Styles as (brush, size in px); rendered once into an atlas."""
        self._styles = list(styles)
        self._pen = pen
        self._symbol = symbol
        self._atlas = None
        self.update()

    def _build_atlas(self, dpr: float) -> None:
        images = [renderSymbol(self._symbol, size, self._pen, brush, dpr=dpr) for brush, size in self._styles]
        width = sum(im.width() for im in images) or 1
        height = max((im.height() for im in images), default=1)
        atlas = QtGui.QImage(width, height, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        atlas.fill(QtCore.Qt.GlobalColor.transparent)
        src = np.zeros((len(images), 4))
        p = QtGui.QPainter(atlas)
        x = 0
        for i, im in enumerate(images):
            im.setDevicePixelRatio(1.0)  # place in device pixels
            p.drawImage(x, 0, im)
            src[i] = (x, 0, im.width(), im.height())
            x += im.width()
        p.end()
        self._atlas = QtGui.QPixmap.fromImage(atlas)
        self._src = src
        self._dpr = dpr

    def set_points(self, x: np.ndarray, y: np.ndarray, style_index: np.ndarray, area: QtCore.QRectF) -> None:
        """Replace the points. ``area`` (map units) must contain them; it is the bounding
        rect Qt uses for culling, so include a margin for symbol size."""
        self.prepareGeometryChange()
        self.x = np.asarray(x, np.float64)
        self.y = np.asarray(y, np.float64)
        self.style_index = np.asarray(style_index, np.int64)
        self._rect = QtCore.QRectF(area)
        self.update()

    def __len__(self) -> int:
        return len(self.x)

    def boundingRect(self) -> QtCore.QRectF:
        return self._rect

    def paint(self, p: QtGui.QPainter, option: object, widget: object = None) -> None:
        if len(self.x) == 0 or not self._styles:
            return
        dpr = widget.devicePixelRatioF() if widget is not None else 1.0  # type: ignore[attr-defined]
        if self._atlas is None or dpr != self._dpr:
            self._build_atlas(dpr)
        t = p.transform()
        dx = t.m11() * self.x + t.m21() * self.y + t.dx()
        dy = t.m12() * self.x + t.m22() * self.y + t.dy()
        # Cull to the device area being painted (plus the largest symbol).
        pad = float(self._src[:, 2].max()) / dpr if len(self._src) else 0.0
        dev = p.viewport() if widget is None else widget.rect()  # type: ignore[attr-defined]
        m = (dx > dev.left() - pad) & (dx < dev.right() + pad) & (dy > dev.top() - pad) & (dy < dev.bottom() + pad)
        n = int(m.sum())
        if n == 0:
            return
        self._frags.resize(n)
        frags = self._frags.ndarray()
        frags[:, 0] = dx[m]
        frags[:, 1] = dy[m]
        frags[:, 2:6] = self._src[self.style_index[m]]
        frags[:, 6:10] = (1 / dpr, 1 / dpr, 0.0, 1.0)  # scaleX, scaleY, rotation, opacity
        p.resetTransform()
        p.drawPixmapFragments(*self._frags.drawargs(), self._atlas)
