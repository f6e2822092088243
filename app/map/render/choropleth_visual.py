"""``ChoroplethLayer`` as one filled path per class under the layer's outline path.

Registers itself in ``VISUAL_FOR_LAYER`` on import (``app.ui.hotspot_panel`` imports it):
without the entry a ``ChoroplethLayer`` would fall back, through its MRO, to the plain
``PolygonVisual`` and be drawn as outlines only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from app.map.layers.choropleth import ChoroplethLayer
from app.map.render.canvas import VISUAL_FOR_LAYER
from app.map.render.polygon_visual import PolygonVisual
from app.map.render.visual import CulledPath, ViewState

if TYPE_CHECKING:
    from app.map.layers.events import Event
    from app.map.render.canvas import MapCanvas


class ChoroplethVisual(PolygonVisual):
    """Class fills (no pen, so 8,500 shared edges are not stroked twice) plus outlines."""

    layer: ChoroplethLayer

    def __init__(self, layer: ChoroplethLayer, canvas: MapCanvas) -> None:
        self.fills: list[CulledPath] = []
        super().__init__(layer, canvas)
        self.path_item.setZValue(1)  # outlines over the fills
        self._connect("classes", self._on_classes_change)
        self._build_fills()

    def _build_fills(self) -> None:
        for f in self.fills:
            f.item.setParentItem(None)
            if f.item.scene() is not None:
                f.item.scene().removeItem(f.item)
        self.fills = []
        no_pen = QtGui.QPen(QtCore.Qt.PenStyle.NoPen)
        for k, colour in enumerate(self.layer.colors):
            idx = self.layer.features_of_class(k)
            if len(idx) == 0:
                continue
            cp = CulledPath(self.root, self.layer, idx)
            cp.item.setPen(no_pen)
            cp.item.setBrush(pg.mkBrush(colour))
            cp.item.setZValue(0)
            self.fills.append(cp)
        if self.shown:
            for cp in self.fills:
                cp.update(self.view)

    def _on_style_change(self, event: Event | None = None) -> None:
        super()._on_style_change(event)
        # The layer's fill colour is replaced by the class fills.
        self.path_item.setBrush(QtGui.QBrush(QtCore.Qt.BrushStyle.NoBrush))

    def on_view_changed(self, view: ViewState) -> None:
        super().on_view_changed(view)
        if self.shown:
            for cp in self.fills:
                cp.update(view)

    def _on_classes_change(self, event: Event | None = None) -> None:
        self._build_fills()

    def _on_data_change(self, event: Event | None = None) -> None:
        super()._on_data_change(event)
        self._build_fills()


VISUAL_FOR_LAYER[ChoroplethLayer] = ChoroplethVisual
