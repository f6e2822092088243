"""``MapCanvas``: the pyqtgraph map view that draws a ``LayerList``.

Display CRS is projected metres (EPSG:4548), y north, aspect locked. Each layer gets one
visual from ``VISUAL_FOR_LAYER``; heavy per-view work (point queries, density images) is
debounced so panning repaints cached items only.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6 import QtCore
from PySide6.QtCore import Signal

from app.map.layers.base import Bounds, Layer, LayerList
from app.map.layers.events import Event
from app.map.layers.line import LineLayer
from app.map.layers.point import PointLayer
from app.map.layers.polygon import PolygonLayer
from app.map.layers.tile_layer import TileLayer
from app.map.render.line_visual import LineVisual
from app.map.render.overlays import NorthArrowItem, ScaleBarItem
from app.map.render.point_visual import PointVisual
from app.map.render.polygon_visual import PolygonVisual
from app.map.render.tile_visual import TileVisual
from app.map.render.visual import ViewState, Visual

# Most specific class first is not needed: lookup walks the layer's MRO.
VISUAL_FOR_LAYER: dict[type[Layer], type[Visual]] = {
    PolygonLayer: PolygonVisual,
    LineLayer: LineVisual,
    PointLayer: PointVisual,
    TileLayer: TileVisual,
}

BACKGROUND = "#f2efe9"


def visual_class_for(layer: Layer) -> type[Visual]:
    for cls in type(layer).__mro__:
        if cls in VISUAL_FOR_LAYER:
            return VISUAL_FOR_LAYER[cls]
    raise TypeError(f"no visual registered for {type(layer).__name__}")


class MapCanvas(pg.GraphicsLayoutWidget):
    """Map view: left-drag pans, wheel zooms about the cursor, aspect locked."""

    cursor_moved = Signal(float, float)  # (x, y) map metres under the mouse; at most ~30 Hz
    clicked = Signal(float, float)  # (x, y) map metres of a left click (not a drag)
    view_changed = Signal(object)  # (xmin, ymin, xmax, ymax) map metres, on every range change

    SETTLE_MS = 30

    def __init__(self, parent: Any = None, background: str = BACKGROUND) -> None:
        super().__init__(parent)
        self.setBackground(background)
        self.ci.layout.setContentsMargins(0, 0, 0, 0)
        self.ci.layout.setSpacing(0)
        self.view: pg.ViewBox = self.addViewBox(lockAspect=True, enableMenu=False)
        self.view.disableAutoRange()  # item bounds over 1.4 M points are expensive; we zoom explicitly
        self.layers: LayerList | None = None
        self.visuals: dict[str, Visual] = {}
        self.scale_bar = ScaleBarItem(self.view)
        self.north_arrow = NorthArrowItem(self.view)

        self._settle_timer = QtCore.QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(self.SETTLE_MS)
        self._settle_timer.timeout.connect(self._settle)

        self.view.sigRangeChanged.connect(self._on_range_changed)
        self.view.sigResized.connect(self._on_resized)
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self._mouse_proxy = pg.SignalProxy(
            self.scene().sigMouseMoved, rateLimit=30, slot=self._on_mouse_moved
        )

    # -- layers -------------------------------------------------------------------------------
    def set_layers(self, layers: LayerList) -> None:
        """Draw ``layers`` (replacing any previous list) and follow its changes."""
        if self.layers is not None:
            self.layers.events.inserted.disconnect(self._on_layer_inserted)
            self.layers.events.removed.disconnect(self._on_layer_removed)
            self.layers.events.moved.disconnect(self._on_layers_moved)
        for vis in self.visuals.values():
            vis.close()
        self.visuals.clear()
        self.layers = layers
        layers.events.inserted.connect(self._on_layer_inserted)
        layers.events.removed.connect(self._on_layer_removed)
        layers.events.moved.connect(self._on_layers_moved)
        for layer in layers:
            self._add_visual(layer)
        self._reorder()
        self._update_limits()
        self._refresh(settle=True)

    def _add_visual(self, layer: Layer) -> Visual:
        vis = visual_class_for(layer)(layer, self)
        self.visuals[layer.name] = vis
        return vis

    def _on_layer_inserted(self, event: Event) -> None:
        vis = self._add_visual(event.value)
        self._reorder()
        self._update_limits()
        view = self.view_state()
        vis.on_view_changed(view)
        vis.on_view_settled(view)

    def _on_layer_removed(self, event: Event) -> None:
        vis = self.visuals.pop(event.value.name, None)
        if vis is not None:
            vis.close()
        self._reorder()

    def _on_layers_moved(self, event: Event) -> None:
        self._reorder()

    def _reorder(self) -> None:
        if self.layers is None:
            return
        for i, layer in enumerate(self.layers):
            vis = self.visuals.get(layer.name)
            if vis is not None:
                vis.set_order(i)

    def _update_limits(self) -> None:
        b = self.layers.bounds() if self.layers is not None else None
        if b is None:
            return
        w, h = b[2] - b[0], b[3] - b[1]
        pad = max(w, h)
        # Keep the district on screen and stop zooming past ~1 cm/px or out to the globe.
        self.view.setLimits(
            xMin=b[0] - pad, xMax=b[2] + pad, yMin=b[1] - pad, yMax=b[3] + pad,
            minXRange=20.0, minYRange=20.0, maxXRange=3 * pad, maxYRange=3 * pad,
        )

    def visual(self, name: str) -> Visual:
        return self.visuals[name]

    # -- view -----------------------------------------------------------------------------------
    def view_bounds(self) -> Bounds:
        (x0, x1), (y0, y1) = self.view.viewRange()
        return (float(x0), float(y0), float(x1), float(y1))

    def view_state(self) -> ViewState:
        b = self.view_bounds()
        w = max(1.0, float(self.view.width()))
        return ViewState(b, (b[2] - b[0]) / w)

    def zoom_to(self, bounds: Bounds, margin: float = 0.05) -> None:
        """Show ``bounds`` (xmin, ymin, xmax, ymax) with ``margin`` (fraction) around it."""
        x0, y0, x1, y1 = bounds
        self.view.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=margin)

    def zoom_to_layer(self, name: str, margin: float = 0.05) -> None:
        if self.layers is None:
            raise KeyError(name)
        b = self.layers[name].bounds()
        if b is not None:
            self.zoom_to(b, margin)

    def center_on(self, x: float, y: float, width: float | None = None) -> None:
        """Centre the view on (x, y), optionally at a given view width in metres."""
        b = self.view_bounds()
        w = width if width is not None else b[2] - b[0]
        h = w * (b[3] - b[1]) / max(b[2] - b[0], 1e-9)
        self.view.setRange(xRange=(x - w / 2, x + w / 2), yRange=(y - h / 2, y + h / 2), padding=0)

    def flush(self) -> None:
        """Run pending debounced view work now (tests, benchmarks, screenshots)."""
        if self._settle_timer.isActive():
            self._settle_timer.stop()
        self._settle()

    def identify(self, x: float, y: float, tolerance_px: float = 5.0) -> list[tuple[str, int]]:
        """Features under (x, y), top layer first: ``[(layer name, feature index), ...]``."""
        if self.layers is None:
            return []
        tol = tolerance_px * self.view_state().pixel_size
        hits = []
        for layer in reversed(list(self.layers)):
            vis = self.visuals.get(layer.name)
            if vis is None or not vis.shown:
                continue
            idx = layer.feature_at(x, y, tol) if not isinstance(layer, PolygonLayer) else layer.feature_at(x, y)
            if idx is not None:
                hits.append((layer.name, idx))
        return hits

    # -- internals ------------------------------------------------------------------------------
    def _refresh(self, settle: bool) -> None:
        view = self.view_state()
        self.scale_bar.update_scale(view.pixel_size, float(self.view.height()))
        self.north_arrow.place(float(self.view.width()))
        for vis in self.visuals.values():
            vis.on_view_changed(view)
        if settle:
            self._settle()
        else:
            self._settle_timer.start()

    def _settle(self) -> None:
        view = self.view_state()
        for vis in self.visuals.values():
            vis.on_view_settled(view)

    def _on_range_changed(self, *args: object) -> None:
        self._refresh(settle=False)
        self.view_changed.emit(self.view_bounds())

    def _on_resized(self, *args: object) -> None:
        self._refresh(settle=False)

    def _on_mouse_moved(self, args: tuple[Any, ...]) -> None:
        pos = args[0]
        if not self.view.sceneBoundingRect().contains(pos):
            return
        p = self.view.mapSceneToView(pos)
        self.cursor_moved.emit(float(p.x()), float(p.y()))

    def _on_scene_clicked(self, ev: Any) -> None:
        if ev.button() != QtCore.Qt.MouseButton.LeftButton or ev.double():
            return
        pos = ev.scenePos()
        if not self.view.sceneBoundingRect().contains(pos):
            return
        p = self.view.mapSceneToView(pos)
        self.clicked.emit(float(p.x()), float(p.y()))

    def close(self) -> bool:
        """Detach from the layers, then let pyqtgraph tear down the scene (only once)."""
        if getattr(self, "closed", False):
            return True
        self._settle_timer.stop()
        if self.layers is not None:
            self.layers.events.inserted.disconnect(self._on_layer_inserted)
            self.layers.events.removed.disconnect(self._on_layer_removed)
            self.layers.events.moved.disconnect(self._on_layers_moved)
        for vis in self.visuals.values():
            vis.close(remove_items=False)  # the scene is cleared as a whole below
        self.visuals.clear()
        return bool(super().close())
