"""Frame-time measurement for the map canvas and for a naive one-scatter baseline.

A "frame" here is: set the view, run the view-dependent work the canvas would do after
the debounce (point queries, density image), then repaint synchronously. That is the
cost a user pays when they stop panning/zooming; pans in between only repaint.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from app.map.layers.base import Bounds
from app.map.render.canvas import BACKGROUND, MapCanvas


def _app() -> QtWidgets.QApplication:
    app = QtWidgets.QApplication.instance()
    return app if isinstance(app, QtWidgets.QApplication) else pg.mkQApp()


class _PaintCounter(QtCore.QObject):
    def __init__(self) -> None:
        super().__init__()
        self.n = 0

    def eventFilter(self, obj: QtCore.QObject, ev: QtCore.QEvent) -> bool:
        if ev.type() == QtCore.QEvent.Type.Paint:
            self.n += 1
        return False


def _paint(widget: QtWidgets.QGraphicsView) -> None:
    """Exactly one synchronous paint, as the event loop would do it.

    ``repaint()`` followed by ``processEvents()`` paints twice (the update posted by the
    range change is still queued), so let the event loop paint and force a repaint only
    if it did not.
    """
    counter = _PaintCounter()
    vp = widget.viewport()
    vp.installEventFilter(counter)
    try:
        _app().processEvents()
        if counter.n == 0:
            vp.repaint()
    finally:
        vp.removeEventFilter(counter)


def render_frame_times(canvas: MapCanvas, views: Sequence[Bounds], repeats: int = 3) -> list[float]:
    """Milliseconds per frame for each view, ``repeats`` times round (first round included)."""
    _app().processEvents()
    times: list[float] = []
    for _ in range(repeats):
        for b in views:
            t0 = time.perf_counter()
            canvas.zoom_to(b, margin=0.0)
            canvas.flush()
            _paint(canvas)
            times.append((time.perf_counter() - t0) * 1000.0)
    return times


def naive_scatter_frame_times(
    x: np.ndarray,
    y: np.ndarray,
    views: Sequence[Bounds],
    repeats: int = 3,
    size: tuple[int, int] = (1280, 800),
    widget: pg.PlotWidget | None = None,
) -> list[float]:
    """Same measurement for one ``ScatterPlotItem`` holding every point (the baseline)."""
    app = _app()
    own = widget is None
    if widget is None:
        widget = pg.PlotWidget(background=BACKGROUND)
        widget.resize(*size)
        widget.hideAxis("left")
        widget.hideAxis("bottom")
        widget.setAspectLocked(True)
        scatter = pg.ScatterPlotItem(x=x, y=y, size=4, pen=None, brush=pg.mkBrush(31, 119, 180, 200))
        widget.addItem(scatter)
        widget.show()
        app.processEvents()
    vb = widget.getViewBox()
    times: list[float] = []
    for _ in range(repeats):
        for b in views:
            t0 = time.perf_counter()
            vb.setRange(xRange=(b[0], b[2]), yRange=(b[1], b[3]), padding=0.0)
            _paint(widget)
            times.append((time.perf_counter() - t0) * 1000.0)
    if own:
        widget.close()
    return times


def summarize(times: Sequence[float]) -> tuple[float, float]:
    """(median, p95) in ms."""
    a = np.asarray(times, float)
    return float(np.median(a)), float(np.percentile(a, 95))
