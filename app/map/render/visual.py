"""Base class of layer visuals, plus helpers shared by them (labels, culled paths)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtGui, QtWidgets

from app.map.layers.base import Bounds, Layer
from app.map.layers.events import Event

if TYPE_CHECKING:
    from app.map.layers._geometry import GeometryLayer
    from app.map.render.canvas import MapCanvas


@dataclass(frozen=True)
class ViewState:
    """The visible map rectangle and its resolution (metres per screen pixel)."""

    bounds: Bounds
    pixel_size: float

    @property
    def width(self) -> float:
        return self.bounds[2] - self.bounds[0]

    @property
    def height(self) -> float:
        return self.bounds[3] - self.bounds[1]

    def expanded(self, frac: float) -> Bounds:
        x0, y0, x1, y1 = self.bounds
        dx, dy = (x1 - x0) * frac, (y1 - y0) * frac
        return (x0 - dx, y0 - dy, x1 + dx, y1 + dy)


def contains(outer: Bounds, inner: Bounds) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and outer[2] >= inner[2] and outer[3] >= inner[3]


def cosmetic_pen(color: str | Sequence[int], width: float) -> QtGui.QPen:
    """A pen whose width is in screen pixels whatever the zoom."""
    pen = pg.mkPen(color, width=width)
    pen.setCosmetic(True)
    return pen


class Visual:
    """Draws one layer. Owns a root item in the canvas ViewBox; sub-items are its children,
    so visibility, opacity and z-order are set once on the root. Labels and highlights go
    in ``overlay_root``, stacked above every layer's content so points never cover them.

    Two hooks from the canvas: ``on_view_changed`` runs at every range change and must be
    cheap; ``on_view_settled`` runs after the view has been still for ~30 ms and may do
    heavier work (re-querying points).
    """

    def __init__(self, layer: Layer, canvas: MapCanvas) -> None:
        self.layer = layer
        self.canvas = canvas
        self.root = pg.ItemGroup()
        canvas.view.addItem(self.root, ignoreBounds=True)
        self.overlay_root = pg.ItemGroup()
        canvas.view.addItem(self.overlay_root, ignoreBounds=True)
        self._connections: list[tuple[str, Callable[[Event], Any]]] = []
        self._view: ViewState | None = None
        self._connect("visible", self._on_visible_change)
        self._connect("max_view_width", self._on_visible_change)
        self._connect("opacity", self._on_opacity_change)
        self._connect("style", self._on_style_change)
        self._connect("show_labels", self._on_labels_change)
        self._connect("highlight", self._on_highlight_change)
        self._connect("data", self._on_data_change)
        self._on_opacity_change()

    def _connect(self, name: str, callback: Callable[[Event], Any]) -> None:
        self.layer.events[name].connect(callback)
        self._connections.append((name, callback))

    def close(self, remove_items: bool = True) -> None:
        """Disconnect from the layer; remove the items unless the scene is going anyway."""
        for name, cb in self._connections:
            self.layer.events[name].disconnect(cb)
        self._connections.clear()
        if remove_items:
            self.canvas.view.removeItem(self.root)
            self.canvas.view.removeItem(self.overlay_root)

    @property
    def view(self) -> ViewState:
        return self._view or self.canvas.view_state()

    @property
    def shown(self) -> bool:
        """Drawn at the current zoom (layer visible and within its scale range)."""
        return self.root.isVisible()

    def set_order(self, z: float) -> None:
        self.root.setZValue(z)
        self.overlay_root.setZValue(1000 + z)

    def _set_shown(self, on: bool) -> None:
        self.root.setVisible(on)
        self.overlay_root.setVisible(on)

    # -- hooks ------------------------------------------------------------------------
    def on_view_changed(self, view: ViewState) -> None:
        self._view = view
        self._set_shown(self.layer.visible_at(view.width))

    def on_view_settled(self, view: ViewState) -> None:
        self._view = view

    # -- layer events -----------------------------------------------------------------
    def _on_visible_change(self, event: Event | None = None) -> None:
        was = self.root.isVisible()
        self.on_view_changed(self.view)
        if self.root.isVisible() and not was:
            # Content may be stale: settled work is skipped while hidden.
            self.on_view_settled(self.view)

    def _on_opacity_change(self, event: Event | None = None) -> None:
        self.root.setOpacity(self.layer.opacity)
        self.overlay_root.setOpacity(self.layer.opacity)

    def _on_style_change(self, event: Event | None = None) -> None:
        pass

    def _on_labels_change(self, event: Event | None = None) -> None:
        self.on_view_settled(self.view)

    def _on_highlight_change(self, event: Event | None = None) -> None:
        pass

    def _on_data_change(self, event: Event | None = None) -> None:
        pass


class CulledPath:
    """One ``QGraphicsPathItem`` showing a set of features of a geometry layer.

    Zoomed out it holds the whole set (path cached); zoomed in it holds only features
    near the view, so Qt does not transform and clip every vertex of the layer on each
    paint. The culled path covers the view plus a margin and is rebuilt only when the
    view leaves that area or it became much larger than the view.
    """

    MARGIN = 0.3  # of the view size, each side
    FULL_FRACTION = 0.5  # above this share of features near the view, draw all

    def __init__(
        self, parent: QtWidgets.QGraphicsItem, layer: GeometryLayer, features: np.ndarray | None = None
    ) -> None:
        self.item = QtWidgets.QGraphicsPathItem(parent)
        self.layer = layer
        self.set_features(features)

    def set_features(self, features: np.ndarray | None) -> None:
        self.features = (
            np.arange(self.layer.n_features) if features is None else np.asarray(features, np.int64)
        )
        self._fb = self.layer.feature_bounds[self.features]
        self._full: QtGui.QPainterPath | None = None
        self._covered: Bounds | None = None
        self._is_full = False
        self.item.setPath(QtGui.QPainterPath())

    def _full_path(self) -> QtGui.QPainterPath:
        if self._full is None:
            x, y = self.layer.coords_for(self.features)
            self._full = pg.arrayToQPath(x, y, connect="finite")
        return self._full

    def update(self, view: ViewState) -> None:
        if len(self.features) == 0:
            return
        cov = self._covered
        if cov is not None and contains(cov, view.bounds) and cov[2] - cov[0] < 4 * view.width:
            return  # current path still covers the view and is not much too big
        area = view.expanded(self.MARGIN)
        fb = self._fb
        mask = (fb[:, 2] >= area[0]) & (fb[:, 0] <= area[2]) & (fb[:, 3] >= area[1]) & (fb[:, 1] <= area[3])
        k = int(mask.sum())
        self._covered = area
        if k > self.FULL_FRACTION * len(self.features):
            if not self._is_full:
                self.item.setPath(self._full_path())
                self._is_full = True
            return
        x, y = self.layer.coords_for(self.features[mask])
        self.item.setPath(pg.arrayToQPath(x, y, connect="finite") if k else QtGui.QPainterPath())
        self._is_full = False
