"""Polygon layers as one path item (plus highlight outline and labels)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from app.map.layers.events import Event
from app.map.layers.polygon import PolygonLayer
from app.map.render.labels import LabelItem
from app.map.render.visual import CulledPath, ViewState, Visual, cosmetic_pen

if TYPE_CHECKING:
    from app.map.layers._geometry import GeometryLayer
    from app.map.render.canvas import MapCanvas


class GeometryVisual(Visual):
    """Shared by polygons and lines: labels and the highlight outline."""

    LABEL_MAX = 300  # more visible features than this: no labels (unreadable, slow)

    layer: GeometryLayer

    def __init__(self, layer: GeometryLayer, canvas: MapCanvas) -> None:
        super().__init__(layer, canvas)
        self.labels = LabelItem(layer.style.label_color)
        self.labels.setParentItem(self.overlay_root)
        self.highlight_item = QtWidgets.QGraphicsPathItem(self.overlay_root)
        self.highlight_item.setZValue(10)
        self.highlight_item.setVisible(False)
        self._style_highlight()

    def _style_highlight(self) -> None:
        self.highlight_item.setPen(cosmetic_pen(self.layer.style.highlight_color, 3.0))
        self.highlight_item.setBrush(QtGui.QBrush(QtCore.Qt.BrushStyle.NoBrush))

    def on_view_settled(self, view: ViewState) -> None:
        super().on_view_settled(view)
        self._update_labels(view)

    def _update_labels(self, view: ViewState) -> None:
        layer = self.layer
        if not (layer.show_labels and layer.labels is not None and self.shown):
            self.labels.clear()
            return
        x0, y0, x1, y1 = view.expanded(0.1)
        lx, ly = layer.label_points()
        idx = layer.indices_in_rect(x0, y0, x1, y1)
        idx = idx[(lx[idx] >= x0) & (lx[idx] <= x1) & (ly[idx] >= y0) & (ly[idx] <= y1)]
        if len(idx) > self.LABEL_MAX:
            self.labels.clear()
            return
        area = QtCore.QRectF(x0, y0, x1 - x0, y1 - y0)
        self.labels.set_labels(lx[idx], ly[idx], [layer.labels[i] for i in idx], area)

    def _on_highlight_change(self, event: Event | None = None) -> None:
        h = self.layer.highlight
        if h is None:
            self.highlight_item.setVisible(False)
            return
        x, y = self.layer.coords_for(np.array([h]))
        self.highlight_item.setPath(pg.arrayToQPath(x, y, connect="finite"))
        self.highlight_item.setVisible(True)

    def _on_style_change(self, event: Event | None = None) -> None:
        self.labels.set_color(self.layer.style.label_color)
        self._style_highlight()


class PolygonVisual(GeometryVisual):
    """One ``QGraphicsPathItem`` for all polygons of the layer (never one per feature)."""

    layer: PolygonLayer

    def __init__(self, layer: PolygonLayer, canvas: MapCanvas) -> None:
        super().__init__(layer, canvas)
        self.path = CulledPath(self.root, layer)
        self.path_item = self.path.item
        self._on_style_change()

    def _on_style_change(self, event: Event | None = None) -> None:
        super()._on_style_change(event)
        st = self.layer.style
        self.path_item.setPen(cosmetic_pen(st.pen_color, st.line_width))
        if st.fill_color:
            self.path_item.setBrush(pg.mkBrush(st.fill_color))
        else:
            self.path_item.setBrush(QtGui.QBrush(QtCore.Qt.BrushStyle.NoBrush))

    def on_view_changed(self, view: ViewState) -> None:
        super().on_view_changed(view)
        # Cheap (bounds scan + small path) so done at once: no gaps while panning.
        if self.shown:
            self.path.update(view)

    def _on_data_change(self, event: Event | None = None) -> None:
        self.path.set_features(None)
        self._on_highlight_change()
        self.on_view_changed(self.view)
        self.on_view_settled(self.view)
