"""Tile basemaps in the window: an MBTiles file made here is drawn under the vector layers.

The tiles are coloured by column and row (and zoom), with a grid and their z/x/y written
on them, so a pixel of the map tells which tile is drawn there: a wrong TMS row flip, a
wrong zoom or a misplaced tile changes the colour under a known point.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import shapely
from PySide6 import QtCore
from PySide6.QtCore import QBuffer, QIODevice, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPen

from app.gis import crs
from app.gis.tiles import (
    MBTilesSource,
    PMTilesSource,
    TileId,
    UrlTemplateSource,
    tile_to_lonlat,
    tiles_in_bounds,
    zoom_for_resolution,
)
from app.map.layers import LayerList, LayerStyle, PolygonLayer, TileLayer
from app.map.render import MapCanvas, TileVisual
from app.store.store import Store
from app.ui.app import ensure_app, install_language
from app.ui.basemap_dialog import BasemapDialog
from app.ui.main_window import MainWindow

pytestmark = pytest.mark.ui

STREET = "110108011"  # 中关村街道, the seeded street
SHOTS = Path("/tmp/cg_shots")


# --- a test MBTiles file -------------------------------------------------------------------


def tile_colour(t: TileId) -> QColor:
    return QColor(70 + 45 * (t.x % 4), 150 + 25 * (t.y % 4), 90 + 25 * (t.z % 4))


def tile_png(t: TileId) -> bytes:
    img = QImage(256, 256, QImage.Format.Format_RGB32)
    img.fill(tile_colour(t))
    p = QPainter(img)
    p.setPen(QPen(tile_colour(t).darker(150), 1))
    for i in range(0, 256, 64):
        p.drawLine(i, 0, i, 255)
        p.drawLine(0, i, 255, i)
    font = QFont()
    font.setPixelSize(16)
    p.setFont(font)
    p.setPen(QColor(40, 40, 40))
    p.drawText(QtCore.QRectF(0, 110, 256, 36), Qt.AlignmentFlag.AlignCenter, str(t))
    p.end()
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    assert img.save(buf, "PNG")
    return bytes(buf.data())


def street_lonlat_bounds(store: Store) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = store.admin.bbox_of("street", STREET)
    lon, lat = crs.to_geographic(np.array([x0, x1, x0, x1]), np.array([y0, y0, y1, y1]))
    return float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())


def make_mbtiles(path: Path, bounds: tuple[float, float, float, float],
                 zooms: range = range(12, 17), **meta: str) -> dict[TileId, bytes]:
    tiles = {t: tile_png(t) for z in zooms for t in tiles_in_bounds(bounds, z)}
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
               "tile_data BLOB)")
    metadata = {"name": "测试底图", "format": "png", "minzoom": str(zooms.start),
                "maxzoom": str(zooms.stop - 1), "bounds": ",".join(f"{v:.6f}" for v in bounds),
                **meta}
    db.executemany("INSERT INTO metadata VALUES (?, ?)", metadata.items())
    db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                   [(t.z, t.x, t.tms_row, d) for t, d in tiles.items()])
    db.commit()
    db.close()
    return tiles


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def store(street_db_url: str) -> Iterator[Store]:
    s = Store.open(street_db_url)
    yield s
    s.close()


@pytest.fixture
def window(qtbot, store: Store) -> MainWindow:  # type: ignore[no-untyped-def]
    ensure_app(offscreen=True)
    install_language("zh_CN")
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    win.load_sync()
    return win


@pytest.fixture
def mbtiles(tmp_path: Path, store: Store) -> tuple[Path, dict[TileId, bytes]]:
    path = tmp_path / "zhongguancun.mbtiles"
    return path, make_mbtiles(path, street_lonlat_bounds(store))


def settle(canvas: MapCanvas, qtbot) -> None:  # type: ignore[no-untyped-def]
    canvas.flush()
    qtbot.wait(20)
    canvas.flush()


def pixel_of(canvas: MapCanvas, x: float, y: float) -> QtCore.QPoint:
    return canvas.mapFromScene(canvas.view.mapViewToScene(QPointF(x, y)))


def map_xy(t: TileId, fx: float, fy: float) -> tuple[float, float]:
    """Map metres of the point at fraction (fx, fy) across tile ``t`` from its NW corner."""
    lon, lat = tile_to_lonlat(t.x + fx, t.y + fy, t.z)
    x, y = crs.to_projected(float(lon), float(lat))
    return float(x), float(y)


def colour_near(img: QImage, p: QtCore.QPoint, r: int = 1) -> tuple[int, int, int]:
    """The median colour of a (2r+1)² block (robust to a stray line or point)."""
    px = [img.pixelColor(p.x() + dx, p.y() + dy)
          for dx in range(-r, r + 1) for dy in range(-r, r + 1)]
    return tuple(int(np.median([getattr(c, k)() for c in px])) for k in ("red", "green", "blue"))


def close_to(c: tuple[int, int, int], q: QColor, tol: int = 8) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(c, (q.red(), q.green(), q.blue()), strict=True))


# --- the window ---------------------------------------------------------------------------


def test_mbtiles_basemap_is_drawn_under_the_vector_layers(window: MainWindow, mbtiles,  # type: ignore[no-untyped-def]
                                                          qtbot) -> None:
    path, tiles = mbtiles
    panel = window.layer_panel
    window.apply_view(f"street:{STREET}")
    assert window.layers["blocks"].visible

    layer = panel.add_basemap(MBTilesSource(path))
    canvas = window.canvas
    settle(canvas, qtbot)

    # Listed like any layer, at the bottom; drawn below every vector layer.
    assert window.layers.names[0] == layer.name
    titles = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert titles[-1] == "测试底图"
    assert panel.current_layer() is layer
    vis = canvas.visual(layer.name)
    assert isinstance(vis, TileVisual)
    z_tiles = vis.root.zValue()
    assert all(z_tiles < canvas.visual(n).root.zValue() for n in window.layers.names[1:])
    # The generated blocks (an opaque fill) make way; roads and the rest stay.
    assert window.layers["blocks"].visible is False
    assert window.layers["roads"].visible
    assert "blocks" in window.layers
    assert panel.basemap_status.isVisible() and "建筑" in panel.basemap_status.text()

    # The zoom follows the view's resolution; every tile in view is drawn.
    view = canvas.view_state()
    _, lat = crs.to_geographic((view.bounds[0] + view.bounds[2]) / 2,
                                 (view.bounds[1] + view.bounds[3]) / 2)
    assert vis.zoom == zoom_for_resolution(view.pixel_size, float(lat), 12, 16)
    assert vis.wanted and all(t in tiles for t in vis.wanted)
    assert vis.drawn_tiles == len(vis.wanted)

    # Shot of the whole window for the record (looked at by a person).
    SHOTS.mkdir(parents=True, exist_ok=True)
    QGuiApplication.sync()
    assert window.grab().save(str(SHOTS / "basemap.png"))

    # With vectors on top: most of the street shows tile colours, vectors still show.
    img = canvas.grab().toImage()
    colours = {tile_colour(t).rgb() & 0xFFFFFF for t in vis.wanted}
    arr = np.frombuffer(img.convertToFormat(QImage.Format.Format_RGB32).constBits(),
                        dtype=np.uint32).reshape(img.height(), img.width()) & 0xFFFFFF
    tile_share = np.isin(arr, list(colours)).mean()
    assert tile_share > 0.25, tile_share
    r, g, b = (arr >> 16) & 0xFF, (arr >> 8) & 0xFF, arr & 0xFF
    # Test tiles are never bluer than green: blue pixels are grid lines and parts on top;
    # the street is highlighted in red by the view.
    assert ((b.astype(int) > g + 30) & (b > 120)).sum() > 500
    assert ((r > 200) & (g < 90) & (b < 90)).sum() > 300

    # Each tile is where it belongs: hide the vectors and read the colour under points.
    for name in window.layers.names[1:]:
        window.layers[name].visible = False
    settle(canvas, qtbot)
    img = canvas.grab().toImage()
    checked = 0
    # Sample points clear of the tiles' grid lines (every quarter) and their label.
    fractions = [(fx, fy) for fx in (0.1, 0.4, 0.6, 0.9) for fy in (0.1, 0.35, 0.65, 0.9)]
    for t in vis.wanted:
        for fx, fy in fractions:
            p = pixel_of(canvas, *map_xy(t, fx, fy))
            if not (3 <= p.x() < img.width() - 3 and 3 <= p.y() < img.height() - 3):
                continue
            assert close_to(colour_near(img, p), tile_colour(t)), (t, fx, fy,
                                                                   colour_near(img, p))
            checked += 1
    assert checked >= 16
    # A shared tile edge lands within a few pixels of where the tile math puts it.
    a = next(t for t in vis.wanted if TileId(t.z, t.x + 1, t.y) in vis.wanted
             and 10 < pixel_of(canvas, *map_xy(t, 1.0, 0.3)).x() < img.width() - 10
             and 10 < pixel_of(canvas, *map_xy(t, 1.0, 0.3)).y() < img.height() - 10)
    b = TileId(a.z, a.x + 1, a.y)
    edge = pixel_of(canvas, *map_xy(a, 1.0, 0.3))
    assert close_to(colour_near(img, edge - QtCore.QPoint(4, 0), 0), tile_colour(a))
    assert close_to(colour_near(img, edge + QtCore.QPoint(4, 0), 0), tile_colour(b))

    # Opacity applies like on any layer.
    panel.opacity.setValue(40)
    assert layer.opacity == pytest.approx(0.4) and vis.root.opacity() == pytest.approx(0.4)


def test_zooming_in_switches_tile_level_and_enlarges_past_maxzoom(window: MainWindow,  # type: ignore[no-untyped-def]
                                                                   mbtiles, qtbot) -> None:
    path, _ = mbtiles
    layer = window.layer_panel.add_basemap(MBTilesSource(path))
    vis = window.canvas.visual(layer.name)
    x0, y0, x1, y1 = window.store.admin.bbox_of("street", STREET)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    seen = []
    for width in (12000.0, 6000.0, 3000.0, 1500.0, 400.0, 60.0):
        window.canvas.center_on(cx, cy, width)
        settle(window.canvas, qtbot)
        seen.append(vis.zoom)
        assert vis.drawn_tiles >= len(vis.wanted) > 0
        assert layer.status is None
    assert seen == sorted(seen) and seen[0] <= 13 and seen[-1] == 16  # 16: the deepest


def test_gcj02_basemap_warns_and_removing_it_restores_the_generated_basemap(  # type: ignore[no-untyped-def]
        window: MainWindow, tmp_path: Path, store: Store, qtbot) -> None:
    path = tmp_path / "gaode.mbtiles"
    make_mbtiles(path, street_lonlat_bounds(store), range(13, 15), crs="GCJ-02")
    panel = window.layer_panel
    layer = panel.add_basemap(MBTilesSource(path))
    assert layer.is_gcj02
    text = panel.basemap_status.text()
    assert "GCJ-02" in text and "300–500" in text and "CGCS2000" in text
    assert panel.remove_button.isEnabled()
    panel.list.setCurrentItem(panel.item_for("grids"))
    assert not panel.remove_button.isEnabled()  # the store's layers are not removable here
    with pytest.raises(TypeError, match="only basemaps"):
        panel.remove_layer("grids")

    removed: list[str] = []
    panel.basemap_removed.connect(removed.append)
    panel.list.setCurrentItem(panel.item_for(layer.name))
    panel.remove_button.click()
    assert removed == [layer.name] and layer.name not in window.layers
    assert layer.name not in window.canvas.visuals
    assert window.layers["blocks"].visible  # the generated basemap is back
    assert not panel.basemap_status.isVisible()
    with pytest.raises(Exception, match="closed"):
        layer.source.read_tile(TileId(13, 0, 0))


def test_pmtiles_basemap_in_the_window(window: MainWindow, tmp_path: Path, store: Store,  # type: ignore[no-untyped-def]
                                       qtbot) -> None:
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import write

    bounds = street_lonlat_bounds(store)
    tiles = {t: tile_png(t) for z in (13, 14) for t in tiles_in_bounds(bounds, z)}
    path = tmp_path / "zgc.pmtiles"
    with write(str(path)) as w:
        for tid, data in sorted((zxy_to_tileid(t.z, t.x, t.y), d) for t, d in tiles.items()):
            w.write_tile(tid, data)
        w.finalize({"tile_type": TileType.PNG, "tile_compression": Compression.NONE,
                    "min_lon_e7": int(bounds[0] * 1e7), "min_lat_e7": int(bounds[1] * 1e7),
                    "max_lon_e7": int(bounds[2] * 1e7), "max_lat_e7": int(bounds[3] * 1e7)},
                   {"name": "PMTiles 底图"})
    window.apply_view(f"street:{STREET}")
    layer = window.layer_panel.add_basemap(PMTilesSource(path))
    settle(window.canvas, qtbot)
    vis = window.canvas.visual(layer.name)
    assert layer.title == "PMTiles 底图"
    assert vis.zoom in (13, 14) and vis.drawn_tiles == len(vis.wanted) > 0
    for name in window.layers.names[1:]:
        window.layers[name].visible = False
    settle(window.canvas, qtbot)
    img = window.canvas.grab().toImage()
    t = vis.wanted[0]
    assert close_to(colour_near(img, pixel_of(window.canvas, *map_xy(t, 0.4, 0.6))),
                    tile_colour(t))


def test_zoomed_out_tiles_are_cut_to_fit_without_seams(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Zoom-9 tiles are ~70 km wide: one affine map each would be pixels off, so they are
    drawn in pieces, and the pieces must close up (no background shows between them)."""
    ensure_app(offscreen=True)
    bounds = (115.8, 39.6, 116.8, 40.3)
    make_mbtiles(tmp_path / "low.mbtiles", bounds, range(8, 10))
    x0, y0 = crs.to_projected(bounds[0], bounds[1])
    x1, y1 = crs.to_projected(bounds[2], bounds[3])
    layers = LayerList([PolygonLayer("frame", "框", np.array([shapely.box(x0, y0, x1, y1)]),
                                     ["f"])])
    canvas = MapCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(800, 600)
    canvas.set_layers(layers)
    canvas.show()
    qtbot.waitExposed(canvas)
    layers.insert(0, TileLayer("low", "low", MBTilesSource(tmp_path / "low.mbtiles")))
    w = (x1 - x0) * 0.6
    canvas.center_on((x0 + x1) / 2, (y0 + y1) / 2, w)
    layers["frame"].visible = False
    settle(canvas, qtbot)
    vis = canvas.visual("low")
    assert vis.zoom == 9 and vis.drawn_tiles > 2 * len(vis.wanted)  # cut into pieces
    img = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), dtype=np.uint32).reshape(img.height(), img.width())
    r, g, b = (arr >> 16) & 0xFF, (arr >> 8) & 0xFF, arr & 0xFF
    # Exclude the scale bar and north arrow (overlays in the corners).
    h, wd = arr.shape
    body = np.ones_like(arr, dtype=bool)
    body[h - 60:, :160] = False
    body[:80, wd - 60:] = False
    light = (r > 200) & (g > 200) & (b > 200) & body
    assert light.sum() == 0, np.argwhere(light)[:10]


# --- the dialog ---------------------------------------------------------------------------


def test_dialog_opens_files_and_says_why_it_refuses(qtbot, mbtiles, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ensure_app(offscreen=True)
    install_language("en")
    path, _ = mbtiles
    dlg = BasemapDialog(cache_dir=tmp_path / "cache")
    qtbot.addWidget(dlg)
    dlg.path_edit.setText(str(tmp_path / "nothing.mbtiles"))
    dlg.accept()
    assert dlg.result() != dlg.DialogCode.Accepted and dlg.source is None
    assert "cannot be added" in dlg.message and "nothing.mbtiles" in dlg.message
    vector = tmp_path / "vector.mbtiles"
    db = sqlite3.connect(vector)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level, tile_column, tile_row, tile_data BLOB)")
    db.execute("INSERT INTO metadata VALUES ('format', 'pbf')")
    db.execute("INSERT INTO tiles VALUES (0, 0, 0, x'1f8b0800')")
    db.commit()
    db.close()
    dlg.path_edit.setText(str(vector))
    dlg.accept()
    assert "vector tiles" in dlg.message and dlg.source is None

    dlg.file_gcj02.setChecked(True)
    assert "300–500 m" in dlg.message  # the warning shows at once, no modal box
    dlg.path_edit.setText(str(path))
    dlg.accept()
    assert dlg.result() == dlg.DialogCode.Accepted
    assert isinstance(dlg.source, MBTilesSource) and dlg.source.is_gcj02
    dlg.source.close()


def test_dialog_builds_a_tile_server_source(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ensure_app(offscreen=True)
    install_language("en")
    dlg = BasemapDialog(cache_dir=tmp_path)
    qtbot.addWidget(dlg)
    dlg.tabs.setCurrentIndex(BasemapDialog.SERVER_TAB)
    dlg.url_edit.setText("http://10.1.2.3/{z}/{x}/{row}.png")
    dlg.accept()
    assert "unknown placeholder" in dlg.message and dlg.source is None
    dlg.findChild(type(dlg.ok_button), "tiandituExample").click()
    dlg.accept()
    assert "no key was given" in dlg.message
    dlg.key_edit.setText("abc123")
    dlg.accept()
    src = dlg.source
    assert isinstance(src, UrlTemplateSource) and not src.is_gcj02
    assert "tk=abc123" in src.url_for(TileId(3, 1, 2)) and "abc123" not in src.location
    assert src.name == "Tianditu vector"


# --- a tile server, in the background -------------------------------------------------------


class _SlowServer:
    """Serves tiles on 127.0.0.1 after ``delay`` seconds; counts the requests."""

    def __init__(self, tiles: dict[TileId, bytes], delay: float) -> None:
        self.tiles, self.delay, self.hits = tiles, delay, 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.hits += 1
                time.sleep(outer.delay)
                z, x, y = (int(v.split(".")[0]) for v in self.path.split("/")[-3:])
                data = outer.tiles.get(TileId(z, x, y))
                self.send_response(200 if data else 404)
                self.send_header("Content-Length", str(len(data or b"")))
                self.end_headers()
                self.wfile.write(data or b"")

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_tile_server_never_blocks_the_map_and_failures_show(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ensure_app(offscreen=True)
    lon, lat = 116.31, 39.98
    bounds = (lon - 0.02, lat - 0.015, lon + 0.02, lat + 0.015)
    tiles = {t: tile_png(t) for t in tiles_in_bounds(bounds, 14)}
    server = _SlowServer(tiles, delay=1.0)
    try:
        x0, y0 = crs.to_projected(bounds[0], bounds[1])
        x1, y1 = crs.to_projected(bounds[2], bounds[3])
        frame = PolygonLayer("frame", "框", np.array([shapely.box(x0, y0, x1, y1)]), ["f"],
                             style=LayerStyle(pen_color="#ff0000", line_width=2))
        layers = LayerList([frame])
        canvas = MapCanvas()
        qtbot.addWidget(canvas)
        canvas.resize(700, 500)
        canvas.set_layers(layers)
        canvas.show()
        qtbot.waitExposed(canvas)
        canvas.zoom_to((x0, y0, x1, y1), margin=0.0)
        source = UrlTemplateSource(f"http://127.0.0.1:{server.port}/t/{{z}}/{{x}}/{{y}}.png",
                                   cache_dir=tmp_path, minzoom=14, maxzoom=14, timeout=3)
        layer = TileLayer("basemap", "server", source)
        started = time.monotonic()
        layers.insert(0, layer)
        canvas.flush()
        # The GUI thread did not wait for a tile (each takes the server a second).
        assert time.monotonic() - started < 0.5
        vis = canvas.visual("basemap")
        assert isinstance(vis, TileVisual) and vis.drawn_tiles == 0 and vis.wanted
        qtbot.waitUntil(lambda: vis.drawn_tiles == len(vis.wanted), timeout=15_000)
        assert layer.status is None
        hits = server.hits
        assert hits >= len(vis.wanted)
        # Every tile is now on disk: a new canvas on the same cache asks nothing.
        server.stop()
        layers.remove("basemap")
        again = TileLayer("basemap2", "server", UrlTemplateSource(
            source.template, cache_dir=tmp_path, minzoom=14, maxzoom=14, timeout=1))
        layers.insert(0, again)
        canvas.flush()
        vis2 = canvas.visual("basemap2")
        assert vis2.drawn_tiles == len(vis2.wanted) and server.hits == hits
        # Pan off the cached area with the server gone: a clear failure, shown on the layer.
        canvas.center_on((x0 + x1) / 2 + (x1 - x0), (y0 + y1) / 2)
        canvas.flush()
        qtbot.waitUntil(lambda: again.status is not None, timeout=10_000)
        assert "tile server" in again.status and "cannot be reached" in again.status
    finally:
        server.stop()
