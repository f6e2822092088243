"""Line layers (roads): one path item per road class, pen width by class."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from app.map.layers.events import Event
from app.map.layers.line import LineLayer
from app.map.render.polygon_visual import GeometryVisual
from app.map.render.visual import CulledPath, ViewState, cosmetic_pen

if TYPE_CHECKING:
    from app.map.render.canvas import MapCanvas


class LineVisual(GeometryVisual):
    """Roads: class 0 drawn widest and on top; minor classes hidden when zoomed out."""

    layer: LineLayer

    def __init__(self, layer: LineLayer, canvas: MapCanvas) -> None:
        super().__init__(layer, canvas)
        self.paths: list[CulledPath] = []
        self._build()

    def _build(self) -> None:
        for p in self.paths:
            p.item.setParentItem(None)
            if p.item.scene() is not None:
                p.item.scene().removeItem(p.item)
        self.paths = []
        for c in range(self.layer.n_classes):
            p = CulledPath(self.root, self.layer, np.flatnonzero(self.layer.road_class == c))
            p.item.setZValue(self.layer.n_classes - c)  # major roads over minor ones
            self.paths.append(p)
        self._on_style_change()

    def _on_style_change(self, event: Event | None = None) -> None:
        super()._on_style_change(event)
        st = self.layer.style
        for c, p in enumerate(self.paths):
            p.item.setPen(cosmetic_pen(st.pen_color, self.layer.class_widths[c] * st.line_width))

    def on_view_changed(self, view: ViewState) -> None:
        super().on_view_changed(view)
        if not self.shown:
            return
        for c, p in enumerate(self.paths):
            on = self.layer.class_visible_at(c, view.width)
            p.item.setVisible(on)
            if on:
                p.update(view)

    def _on_data_change(self, event: Event | None = None) -> None:
        self._build()
        self._on_highlight_change()
        self.on_view_changed(self.view)
        self.on_view_settled(self.view)
