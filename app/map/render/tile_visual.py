"""Tile basemaps: web-mercator tiles placed in Gauss-Krüger map metres.

For the current view the visual picks the zoom whose tile pixels are closest to screen
pixels, lists the tiles that touch the view (in lon/lat), and places each one by its
corners: tile → lon/lat (``app.gis.tiles``) → EPSG:4548 metres (``app.gis.crs``). Over a
tile of zoom ≥ 12 the projection change is an affine map to within a quarter pixel, so a
tile is drawn with one ``QTransform`` from three corners; larger tiles (zoomed out) are
cut into 2×2, 4×4… pieces until each piece is within that error, which keeps Qt on its
fast affine image path and leaves no seams between tiles.

Decoded tiles are kept in an LRU cache. Local files are read on the GUI thread (an
indexed read); a tile server is asked through ``TileLoader`` worker threads, and tiles
arriving later are handed back to the GUI thread by a queued Qt signal. While a tile is
missing, an ancestor tile already in memory is drawn enlarged in its place.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QObject, Signal

from app.gis import crs
from app.gis.tiles import (
    TileId,
    TileLoader,
    TileSourceError,
    UrlTemplateSource,
    intersects,
    tile_range,
    tile_to_lonlat,
    tiles_in_bounds,
    zoom_for_resolution,
)
from app.map.layers.events import Event
from app.map.layers.tile_layer import TileLayer
from app.map.render.visual import ViewState, Visual

if TYPE_CHECKING:
    from app.map.render.canvas import MapCanvas

@dataclass
class _Piece:
    """One image (or part of one) drawn onto a parallelogram of the map."""

    image: QtGui.QImage
    source: QtCore.QRectF  # in image pixels
    transform: QtGui.QTransform  # unit square → map metres
    target: QtCore.QRectF  # the unit square, a little wider (see ``TileVisual._place``)


class _TileItem(QtWidgets.QGraphicsItem):
    """Paints the current pieces; one item for the whole layer, never one per tile."""

    def __init__(self, parent: QtWidgets.QGraphicsItem) -> None:
        super().__init__(parent)
        self.pieces: list[_Piece] = []
        self._rect = QtCore.QRectF()

    def set_pieces(self, pieces: list[_Piece], rect: QtCore.QRectF) -> None:
        self.prepareGeometryChange()
        self.pieces = pieces
        self._rect = rect
        self.update()

    def boundingRect(self) -> QtCore.QRectF:
        return self._rect

    def paint(self, painter: QtGui.QPainter, option: Any, widget: Any = None) -> None:
        painter.setRenderHint(QtGui.QPainter.RenderHint.SmoothPixmapTransform, True)
        base = painter.transform()
        for p in self.pieces:
            painter.setTransform(p.transform * base)
            painter.drawImage(p.target, p.image, p.source)
        painter.setTransform(base)


class _Arrivals(QObject):
    """Carries loader results from worker threads to the GUI thread (queued signal)."""

    arrived = Signal(object, object, object)  # TileId, bytes | None, error str | None


class TileVisual(Visual):
    """Draws a ``TileLayer`` (below the vector layers: it sits at the bottom of the list)."""

    layer: TileLayer

    CACHE_TILES = 400  # decoded images kept (≈ 100 MB of 256² ARGB at most)
    MAX_TILES = 300  # more tiles than this in view: zoom in to see the basemap
    ANCESTOR_LEVELS = 5  # how far up to look for a stand-in while a tile is missing
    MAX_ERROR_PX = 0.25  # affine placement error tolerated before a tile is cut up

    def __init__(self, layer: TileLayer, canvas: MapCanvas) -> None:
        super().__init__(layer, canvas)
        self.item = _TileItem(self.root)
        self._images: OrderedDict[TileId, QtGui.QImage] = OrderedDict()
        self._absent: set[TileId] = set()  # the source has no such tile
        self._broken: set[TileId] = set()  # delivered but not a readable image
        self._read_error: str | None = None  # a local file failed to read
        self.wanted: list[TileId] = []  # tiles of the current view, centre first
        self.zoom: int | None = None
        self._key: tuple[Any, ...] | None = None
        self._arrivals = _Arrivals()
        self._arrivals.arrived.connect(self._on_tile_arrived)
        self.loader: TileLoader | None = None
        if layer.source.remote:
            self.loader = TileLoader(layer.source, self._arrivals.arrived.emit)
        self._redraw_timer = QtCore.QTimer()
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(15)  # coalesce a burst of arriving tiles
        self._redraw_timer.timeout.connect(self._redraw)

    # -- hooks ----------------------------------------------------------------------------
    def on_view_changed(self, view: ViewState) -> None:
        super().on_view_changed(view)
        # Cheap unless the set of tiles changed: panning reveals new tiles at once.
        if self.shown:
            self._update(view)

    def on_view_settled(self, view: ViewState) -> None:
        super().on_view_settled(view)
        if self.shown:
            self._update(view)

    def _on_data_change(self, event: Event | None = None) -> None:
        self._images.clear()
        self._absent.clear()
        self._broken.clear()
        self._read_error = None
        self._key = None
        self._update(self.view)

    def close(self, remove_items: bool = True) -> None:
        self._redraw_timer.stop()
        if self.loader is not None:
            self.loader.shutdown()
        try:
            self._arrivals.arrived.disconnect(self._on_tile_arrived)
        except (RuntimeError, TypeError):
            pass
        super().close(remove_items)

    # -- which tiles ----------------------------------------------------------------------
    def _view_lonlat(self, view: ViewState) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = view.bounds
        # Edges sampled, not just corners: meridians are not straight in Gauss-Krüger.
        t = np.linspace(0.0, 1.0, 5)
        xs = np.concatenate([x0 + (x1 - x0) * t, np.full(5, x1), x0 + (x1 - x0) * t,
                             np.full(5, x0)])
        ys = np.concatenate([np.full(5, y0), y0 + (y1 - y0) * t, np.full(5, y1),
                             y0 + (y1 - y0) * t])
        lon, lat = crs.to_geographic(xs, ys)
        return (float(np.min(lon)), float(np.min(lat)), float(np.max(lon)), float(np.max(lat)))

    def _update(self, view: ViewState) -> None:
        src = self.layer.source
        ll = self._view_lonlat(view)
        if not all(math.isfinite(v) for v in ll):
            return
        lat = (ll[1] + ll[3]) / 2.0
        dpr = max(1.0, float(self.canvas.devicePixelRatioF()))
        ideal = zoom_for_resolution(view.pixel_size / dpr, lat, 0, 30, src.tile_size)
        z = min(max(ideal, src.minzoom), src.maxzoom)
        if src.bounds is not None:
            if not intersects(ll, src.bounds):
                self._show([], None, key=("outside",))
                return
            ll = (max(ll[0], src.bounds[0]), max(ll[1], src.bounds[1]),
                  min(ll[2], src.bounds[2]), min(ll[3], src.bounds[3]))
        rng = tile_range(ll, z)
        count = (rng[2] - rng[0] + 1) * (rng[3] - rng[1] + 1)
        if count > self.MAX_TILES:
            msg = QtCore.QCoreApplication.translate(
                "TileVisual", "Zoom in to see this basemap (its tiles start at zoom %1).")
            self._show([], msg.replace("%1", str(src.minzoom)), key=("too-many", z, rng))
            return
        # The pixel size matters through how finely tiles are cut (a power of two).
        key = (z, rng, round(math.log2(max(view.pixel_size, 1e-9))))
        if key == self._key:
            return
        self.zoom = z
        tiles = [t for t in tiles_in_bounds(ll, z) if src.covers(t)]
        self.wanted = tiles
        if self.loader is not None:
            self.loader.retain(tiles)
        self._show(tiles, self._status_text(), key=key, view=view)

    def _status_text(self) -> str | None:
        if self._read_error:
            return self._read_error
        if self.loader is not None and self.loader.last_error:
            msg = QtCore.QCoreApplication.translate("TileVisual", "The tile server is failing: %1")
            return msg.replace("%1", self.loader.last_error)
        if self._broken:
            t = min(self._broken)
            msg = QtCore.QCoreApplication.translate("TileVisual",
                                                    "Tile %1 is not a readable image.")
            return msg.replace("%1", str(t))
        return None

    # -- images ---------------------------------------------------------------------------
    def _image(self, tile: TileId) -> QtGui.QImage | None:
        """The decoded tile, reading local files at once and asking a server in the
        background (None until it arrives)."""
        img = self._images.get(tile)
        if img is not None:
            self._images.move_to_end(tile)
            return img
        if tile in self._absent or tile in self._broken:
            return None
        src = self.layer.source
        if isinstance(src, UrlTemplateSource):
            data = src.cached(tile)  # disk cache: no network
            if data is None:
                if src.known_absent(tile):
                    self._absent.add(tile)
                elif self.loader is not None:
                    self.loader.request(tile)
                return None
        else:
            try:
                data = src.read_tile(tile)
            except TileSourceError as exc:
                self._read_error = str(exc)
                self._absent.add(tile)
                return None
            if data is None:
                self._absent.add(tile)
                return None
        return self._decode(tile, data)

    def _decode(self, tile: TileId, data: bytes) -> QtGui.QImage | None:
        """Decode and cache a tile, with one extra column and row copied from its right
        and bottom edges, which pieces may reach into (see ``_place``)."""
        img = QtGui.QImage.fromData(data)
        if img.isNull() or img.width() < 2 or img.height() < 2:
            self._broken.add(tile)
            return None
        w, h = img.width(), img.height()
        padded = QtGui.QImage(w + 1, h + 1, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        padded.fill(QtCore.Qt.GlobalColor.transparent)
        p = QtGui.QPainter(padded)
        p.setCompositionMode(QtGui.QPainter.CompositionMode.CompositionMode_Source)
        p.drawImage(0, 0, img)
        p.drawImage(QtCore.QRect(w, 0, 1, h), img, QtCore.QRect(w - 1, 0, 1, h))
        p.drawImage(QtCore.QRect(0, h, w + 1, 1), padded, QtCore.QRect(0, h - 1, w + 1, 1))
        p.end()
        img = padded
        self._images[tile] = img
        while len(self._images) > self.CACHE_TILES:
            self._images.popitem(last=False)
        return img

    def _ancestor(self, tile: TileId) -> tuple[QtGui.QImage, QtCore.QRectF] | None:
        """A coarser tile in memory covering ``tile``, and the part of it that does."""
        for k in range(1, min(self.ANCESTOR_LEVELS, tile.z) + 1):
            img = self._images.get(tile.parent(k))
            if img is None:
                continue
            n = 1 << k
            w, h = (img.width() - 1) / n, (img.height() - 1) / n  # without the padding
            return img, QtCore.QRectF((tile.x % n) * w, (tile.y % n) * h, w, h)
        return None

    def _on_tile_arrived(self, tile: object, data: object, error: object) -> None:
        if not isinstance(tile, TileId):
            return
        if error:
            self.layer.status = self._status_text()
            return
        if data is None:
            self._absent.add(tile)
        elif isinstance(data, bytes):
            self._decode(tile, data)
        if tile in self.wanted:
            self._redraw_timer.start()

    def _redraw(self) -> None:
        self._key = None
        if self.shown:
            self._update(self.view)

    # -- placing --------------------------------------------------------------------------
    def _show(self, tiles: list[TileId], status: str | None, key: tuple[Any, ...],
              view: ViewState | None = None) -> None:
        self._key = key
        plan: list[tuple[TileId, QtGui.QImage, QtCore.QRectF]] = []
        for t in tiles:
            img = self._image(t)
            if img is not None:
                plan.append((t, img, QtCore.QRectF(0, 0, img.width() - 1, img.height() - 1)))
                continue
            anc = self._ancestor(t)
            if anc is not None:
                plan.append((t, anc[0], anc[1]))
        if not tiles:
            self.wanted = []
        pixel = view.pixel_size if view is not None else self.view.pixel_size
        pieces, rect = self._place(plan, pixel)
        self.item.set_pieces(pieces, rect)
        if status is None:
            status = self._status_text()
        self.layer.status = status

    def _place(self, plan: list[tuple[TileId, QtGui.QImage, QtCore.QRectF]],
               pixel: float) -> tuple[list[_Piece], QtCore.QRectF]:
        if not plan:
            return [], QtCore.QRectF()
        # Pass 1: the four corners of every tile, to measure how far from affine it is.
        z = plan[0][0].z
        tx = np.array([t.x for t, _, _ in plan], dtype=float)
        ty = np.array([t.y for t, _, _ in plan], dtype=float)
        cx = np.stack([tx, tx + 1, tx, tx + 1], axis=1)
        cy = np.stack([ty, ty, ty + 1, ty + 1], axis=1)
        X, Y = self._project(cx, cy, z)
        err = np.hypot(X[:, 1] + X[:, 2] - X[:, 0] - X[:, 3], Y[:, 1] + Y[:, 2] - Y[:, 0] - Y[:, 3])
        err_px = err / max(pixel, 1e-9)
        # The error shrinks with the square of the piece size.
        cuts = np.ones(len(plan), dtype=int)
        over = err_px > self.MAX_ERROR_PX
        if over.any():
            need = np.sqrt(err_px[over] / self.MAX_ERROR_PX)
            cuts[over] = np.minimum(2 ** np.ceil(np.log2(need)), 16).astype(int)
        pieces: list[_Piece] = []
        xmin = ymin = math.inf
        xmax = ymax = -math.inf
        for i, (tile, img, srect) in enumerate(plan):
            n = int(cuts[i])
            if n == 1:
                gx, gy = X[i].reshape(2, 2), Y[i].reshape(2, 2)
            else:
                f = np.linspace(0.0, 1.0, n + 1)
                fx, fy = np.meshgrid(tile.x + f, tile.y + f)
                gx, gy = self._project(fx, fy, z)
            xmin, xmax = min(xmin, float(gx.min())), max(xmax, float(gx.max()))
            ymin, ymax = min(ymin, float(gy.min())), max(ymax, float(gy.max()))
            sw, sh = srect.width() / n, srect.height() / n
            for r in range(n):
                for c in range(n):
                    nw = (gx[r, c], gy[r, c])
                    ne = (gx[r, c + 1], gy[r, c + 1])
                    sw_ = (gx[r + 1, c], gy[r + 1, c])
                    tf = QtGui.QTransform(ne[0] - nw[0], ne[1] - nw[1], sw_[0] - nw[0],
                                          sw_[1] - nw[1], nw[0], nw[1])
                    # Each piece is exact at its north-west, north-east and south-west
                    # corners; its south-east corner may miss the neighbours' by up to
                    # MAX_ERROR_PX, which would leave hairline gaps. Reaching ~0.6 screen
                    # pixels further east and south (into the padding at an image edge;
                    # never more than one image pixel) covers them with the same content.
                    span_x = math.hypot(ne[0] - nw[0], ne[1] - nw[1]) / max(pixel, 1e-9)
                    span_y = math.hypot(sw_[0] - nw[0], sw_[1] - nw[1]) / max(pixel, 1e-9)
                    ex = min(0.6 / max(span_x, 1e-9), 1.0 / sw)
                    ey = min(0.6 / max(span_y, 1e-9), 1.0 / sh)
                    src = QtCore.QRectF(srect.x() + c * sw, srect.y() + r * sh,
                                        sw * (1 + ex), sh * (1 + ey))
                    pieces.append(_Piece(img, src, tf, QtCore.QRectF(0, 0, 1 + ex, 1 + ey)))
        return pieces, QtCore.QRectF(xmin, ymin, xmax - xmin, ymax - ymin)

    @staticmethod
    def _project(fx: np.ndarray, fy: np.ndarray, z: int) -> tuple[np.ndarray, np.ndarray]:
        """Fractional tile coordinates → map metres (EPSG:4548), same shape."""
        lon, lat = tile_to_lonlat(fx, fy, z)
        x, y = crs.to_projected(lon, lat)
        return np.asarray(x).reshape(np.shape(fx)), np.asarray(y).reshape(np.shape(fy))

    # -- for tests and the panel ----------------------------------------------------------
    @property
    def drawn_tiles(self) -> int:
        """Number of pieces painted (a tile cut in n×n counts n² times)."""
        return len(self.item.pieces)

    def wait_idle(self) -> bool:
        """No request in flight (tests poll this)."""
        return self.loader is None or not self.loader.pending()
