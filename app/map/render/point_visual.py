"""Point layers with level of detail: density image when crowded, symbols otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from app.map.layers.base import Bounds
from app.map.layers.events import Event
from app.map.layers.point import PointLayer
from app.map.render.scatter import SymbolScatterItem
from app.map.render.visual import ViewState, Visual, contains

if TYPE_CHECKING:
    from app.map.render.canvas import MapCanvas


def density_lut(rgb: tuple[int, int, int], max_alpha: int = 215) -> np.ndarray:
    """256×4 RGBA ramp: transparent for empty cells, then pale to saturated ``rgb``."""
    t = np.linspace(0.0, 1.0, 256)[:, None]
    pale = np.array([255, 255, 255], float) * 0.55 + np.array(rgb, float) * 0.45
    dark = np.array(rgb, float) * 0.75
    col = pale * (1 - t) + dark * t
    alpha = (45 + (max_alpha - 45) * t[:, 0] ** 0.7)[:, None]
    lut = np.hstack([col, alpha]).clip(0, 255).astype(np.ubyte)
    lut[0] = 0
    return lut


class PointVisual(Visual):
    """The points in view as one ``SymbolScatterItem``, or one ``ImageItem`` of their density.

    ``SymbolScatterItem`` is ScatterPlotItem's pixmap-atlas fast path without its per-point
    Python styling (see ``scatter.py``); a pg.ScatterPlotItem marks the highlight.

    Parameters tunable per instance: ``max_points`` (above this many points in view the
    density image is drawn), ``density_pixels`` (screen pixels per density cell).
    """

    layer: PointLayer
    MARGIN = 0.25  # scatter holds the view plus this fraction each side: small pans need no re-query

    def __init__(self, layer: PointLayer, canvas: MapCanvas) -> None:
        super().__init__(layer, canvas)
        self.max_points = 20_000
        self.density_pixels = 4.0
        self.mode: str | None = None  # "points" | "density"
        self.scatter = SymbolScatterItem()
        self.scatter.setParentItem(self.root)
        self.visible_indices = np.empty(0, np.int64)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setParentItem(self.root)
        self.image.setVisible(False)
        self.scatter.setVisible(False)
        self.highlight_item = pg.ScatterPlotItem(pxMode=True, symbol="o", size=20)
        self.highlight_item.setParentItem(self.overlay_root)
        self.highlight_item.setZValue(10)
        self.highlight_item.setVisible(False)
        self._covered: Bounds | None = None
        self._on_style_change()

    # -- style --------------------------------------------------------------------------
    def _on_style_change(self, event: Event | None = None) -> None:
        st = self.layer.style
        sz = self.layer.size
        # Sizes snapped to half pixels: one atlas symbol per (category, size level).
        self._size_levels = (
            np.array([st.point_size]) if sz is None or len(sz) == 0 else np.unique(np.round(sz * 2) / 2)
        )
        styles = [
            (pg.mkBrush(r, g, b, 235), float(s)) for (r, g, b) in self.layer.palette for s in self._size_levels
        ]
        self.scatter.set_styles(styles, pg.mkPen(255, 255, 255, 210, width=0.8))
        rgb = pg.mkColor(st.fill_color or st.pen_color).getRgb()[:3]
        self.image.setLookupTable(density_lut((int(rgb[0]), int(rgb[1]), int(rgb[2]))))
        self.highlight_item.setPen(pg.mkPen(st.highlight_color, width=3))
        self.highlight_item.setBrush(pg.mkBrush(None))
        self._covered = None
        if self._view is not None:
            self.on_view_settled(self._view)

    # -- view -------------------------------------------------------------------------------
    def on_view_settled(self, view: ViewState) -> None:
        super().on_view_settled(view)
        if not self.shown:
            return
        layer = self.layer
        x0, y0, x1, y1 = view.bounds
        estimate = layer.count_in_rect(x0, y0, x1, y1)  # whole cells: over-estimates
        if estimate > 2 * self.max_points:
            crowded = True
        elif estimate > self.max_points:
            crowded = len(layer.indices_in_rect(x0, y0, x1, y1)) > self.max_points
        else:
            crowded = False
        if crowded:
            self._show_density(view)
        else:
            self._show_points(view)

    def _show_density(self, view: ViewState) -> None:
        area = view.expanded(self.MARGIN)
        counts, ext = self.layer.density_grid(area, view.pixel_size * self.density_pixels)
        top = float(counts.max()) if counts.size else 0.0
        if top > 0:
            # log scale: a few dense blocks must not wash out the rest of the district
            img = (np.log1p(counts) * (254.0 / np.log1p(top)) + 1.0).astype(np.ubyte)
            img[counts == 0] = 0
        else:
            img = np.zeros(counts.shape, np.ubyte)
        self.image.setImage(img, autoLevels=False, levels=(0, 255))
        self.image.setRect(QtCore.QRectF(ext[0], ext[1], ext[2] - ext[0], ext[3] - ext[1]))
        self.image.setVisible(True)
        self.scatter.setVisible(False)
        self.mode = "density"
        self._covered = None

    def _show_points(self, view: ViewState) -> None:
        if self.mode == "points" and self._covered is not None and contains(self._covered, view.bounds):
            cw = self._covered[2] - self._covered[0]
            if cw < 3 * view.width:
                return  # already holds every point in view
        area = view.expanded(self.MARGIN)
        sub = self.layer.points_in_rect(*area)
        if len(sub) > 2 * self.max_points:
            # The margin made it crowded: fall back to the view itself.
            area = view.bounds
            sub = self.layer.points_in_rect(*area)
        style = sub.category.astype(np.int64) * len(self._size_levels)
        x, y, idx = sub.x, sub.y, sub.indices
        if sub.size is not None and len(self._size_levels) > 1:
            level = np.searchsorted(self._size_levels, np.round(sub.size * 2) / 2)
            style += level
            order = np.argsort(level, kind="stable")  # big (urgent) symbols drawn last, on top
            x, y, idx, style = x[order], y[order], idx[order], style[order]
        rect = QtCore.QRectF(area[0], area[1], area[2] - area[0], area[3] - area[1])
        self.scatter.set_points(x, y, style, rect)
        self.visible_indices = idx
        self.scatter.setVisible(True)
        self.image.setVisible(False)
        self.mode = "points"
        self._covered = area

    # -- layer events ---------------------------------------------------------------------
    def _on_highlight_change(self, event: Event | None = None) -> None:
        h = self.layer.highlight
        if h is None:
            self.highlight_item.setVisible(False)
            return
        self.highlight_item.setData(x=[self.layer.x[h]], y=[self.layer.y[h]])
        self.highlight_item.setVisible(True)

    def _on_data_change(self, event: Event | None = None) -> None:
        self._on_style_change()  # size levels may have changed
        self._covered = None
        self.mode = None
        self._on_highlight_change()
        self.on_view_settled(self.view)

    def _on_labels_change(self, event: Event | None = None) -> None:
        pass  # points carry no labels; identify shows details instead
