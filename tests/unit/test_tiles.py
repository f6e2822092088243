"""Tile sources for offline basemaps: tile math, MBTiles, PMTiles, URL templates + cache.

Qt-free: tiles are tiny PNGs written with zlib; a local ``http.server`` on 127.0.0.1
plays the intranet tile server.
"""

from __future__ import annotations

import math
import sqlite3
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from pyproj import Transformer

from app.gis import crs
from app.gis.tiles import (
    MBTilesSource,
    PMTilesSource,
    TileFetchError,
    TileId,
    TileLoader,
    TileSourceError,
    UrlTemplateSource,
    ground_resolution,
    lonlat_to_mercator,
    lonlat_to_tile,
    mercator_to_lonlat,
    open_tile_file,
    sniff_format,
    tile_range,
    tile_to_lonlat,
    tiles_in_bounds,
    zoom_for_resolution,
)
from app.map.layers import LayerList, TileLayer

# Around Zhongguancun (中关村), the demo street.
LON, LAT = 116.310, 39.980


def png(rgb: tuple[int, int, int], size: int = 4) -> bytes:
    """A valid ``size``×``size`` single-colour PNG (no imaging library needed)."""
    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def tile_png(t: TileId) -> bytes:
    """Different bytes for every tile, so a wrong row or column is caught."""
    return png((t.z * 10 % 256, t.x % 256, t.y % 256))


def write_mbtiles(path: Path, tiles: dict[TileId, bytes], metadata: dict[str, str]) -> Path:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, "
               "tile_data BLOB)")
    db.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
    db.executemany("INSERT INTO metadata VALUES (?, ?)", metadata.items())
    db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                   [(t.z, t.x, t.tms_row, data) for t, data in tiles.items()])
    db.commit()
    db.close()
    return path


def street_tiles(zooms: range = range(12, 15)) -> dict[TileId, bytes]:
    bounds = (LON - 0.02, LAT - 0.015, LON + 0.02, LAT + 0.015)
    return {t: tile_png(t) for z in zooms for t in tiles_in_bounds(bounds, z)}


# --- tile math --------------------------------------------------------------------------


def test_lonlat_to_tile_matches_the_slippy_map_formula_and_round_trips() -> None:
    fx, fy = lonlat_to_tile(0.0, 0.0, 0)
    assert (fx, fy) == pytest.approx((0.5, 0.5))
    # Zhongguancun at zoom 12 is tile 3371/1550 (the OSM numbering).
    fx, fy = lonlat_to_tile(LON, LAT, 12)
    assert (int(fx), int(fy)) == (3371, 1550)
    lon, lat = tile_to_lonlat(fx, fy, 12)
    assert (float(lon), float(lat)) == pytest.approx((LON, LAT), abs=1e-9)
    # Corners: tile 0/0/0 spans the whole web-mercator square.
    w, n = tile_to_lonlat(0, 0, 0)
    e, s = tile_to_lonlat(1, 1, 0)
    assert (float(w), float(s), float(e), float(n)) == pytest.approx(
        (-180, -85.0511287798, 180, 85.0511287798))


def test_mercator_formulas_agree_with_proj_epsg3857() -> None:
    t = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    lon = np.array([LON, -73.98, 151.2, 0.0])
    lat = np.array([LAT, 40.75, -33.87, 0.0])
    x, y = lonlat_to_mercator(lon, lat)
    px, py = t.transform(lon, lat)
    assert np.allclose(x, px, atol=1e-6) and np.allclose(y, py, atol=1e-6)
    back = mercator_to_lonlat(x, y)
    assert np.allclose(back[0], lon) and np.allclose(back[1], lat)


def test_tile_id_rows_parents_and_validation() -> None:
    t = TileId(14, 13486, 6203)
    assert t.tms_row == 2**14 - 1 - 6203
    assert t.parent() == TileId(13, 6743, 3101)
    assert t.parent(14) == TileId(0, 0, 0)
    w, s, e, n = t.lonlat_bounds()
    assert w < e and s < n
    assert (w + e) / 2 == pytest.approx(float(tile_to_lonlat(t.x + 0.5, t.y, t.z)[0]))
    with pytest.raises(ValueError, match="outside the web-mercator grid"):
        TileId(2, 4, 0)
    with pytest.raises(ValueError, match="outside"):
        TileId(1, 0, -1)


def test_zoom_for_resolution_picks_the_nearest_level_and_clamps() -> None:
    r14 = ground_resolution(LAT, 14)
    assert r14 == pytest.approx(7.32, abs=0.01)  # metres per pixel at 40°N
    assert zoom_for_resolution(r14, LAT) == 14
    assert zoom_for_resolution(r14 * 1.3, LAT) == 14
    assert zoom_for_resolution(r14 * 1.6, LAT) == 13
    assert zoom_for_resolution(r14 / 1000, LAT, 0, 16) == 16  # enlarged beyond maxzoom
    assert zoom_for_resolution(r14 * 1000, LAT, 12, 16) == 12


def test_tiles_for_a_view_cover_it_exactly_nearest_the_centre_first() -> None:
    view = (LON - 0.03, LAT - 0.02, LON + 0.03, LAT + 0.02)
    tiles = tiles_in_bounds(view, 14)
    x0, y0, x1, y1 = tile_range(view, 14)
    assert len(tiles) == (x1 - x0 + 1) * (y1 - y0 + 1) == len(set(tiles))
    # Every tile touches the view and together they cover it.
    for t in tiles:
        w, s, e, n = t.lonlat_bounds()
        assert w < view[2] and view[0] < e and s < view[3] and view[1] < n
    ws = min(t.lonlat_bounds()[0] for t in tiles)
    en = max(t.lonlat_bounds()[3] for t in tiles)
    assert ws <= view[0] and en >= view[3]
    fx, fy = lonlat_to_tile(LON, LAT, 14)
    assert tiles[0] == TileId(14, int(fx), int(fy))
    # A view ending exactly on a tile edge does not pull in the next column.
    w, s, e, n = TileId(14, 13486, 6203).lonlat_bounds()
    assert tiles_in_bounds((w, s + 1e-9, e, n - 1e-9), 14) == [TileId(14, 13486, 6203)]


def test_sniff_format() -> None:
    assert sniff_format(png((1, 2, 3))) == "png"
    assert sniff_format(b"\xff\xd8\xff\xe0rest") == "jpg"
    assert sniff_format(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert sniff_format(b"\x1f\x8b\x08\x00") == "pbf"
    assert sniff_format(b"<html>") is None


# --- MBTiles ------------------------------------------------------------------------------


def test_mbtiles_reads_tms_rows_and_metadata(tmp_path: Path) -> None:
    tiles = street_tiles()
    path = write_mbtiles(tmp_path / "zgc.mbtiles", tiles, {
        "name": "中关村底图", "format": "png", "bounds": f"{LON - 0.02},{LAT - 0.015},"
        f"{LON + 0.02},{LAT + 0.015}", "minzoom": "12", "maxzoom": "14", "type": "baselayer"})
    with MBTilesSource(path) as src:
        assert (src.name, src.format, src.minzoom, src.maxzoom) == ("中关村底图", "png", 12, 14)
        assert src.bounds == pytest.approx((LON - 0.02, LAT - 0.015, LON + 0.02, LAT + 0.015))
        assert src.crs == "EPSG:3857" and src.is_gcj02 is False and not src.remote
        for t, data in tiles.items():
            assert src.read_tile(t) == data
        # The stored row is the TMS row: asking XYZ row == stored row finds another tile.
        t = next(iter(tiles))
        assert src.read_tile(TileId(t.z, t.x, t.tms_row)) != tiles[t]
        assert src.read_tile(TileId(15, 0, 0)) is None
        assert src.covers(t) and not src.covers(TileId(15, t.x * 2, t.y * 2))
        assert not src.covers(TileId(12, 0, 0))  # outside the bounds
        assert "MBTiles" in src.describe() and "z12–14" in src.describe()
    with pytest.raises(TileSourceError, match="closed"):
        src.read_tile(t)


def test_mbtiles_without_metadata_takes_zooms_from_tiles_and_sniffs_format(
        tmp_path: Path) -> None:
    tiles = street_tiles(range(13, 15))
    path = write_mbtiles(tmp_path / "bare.mbtiles", tiles, {})
    with MBTilesSource(path) as src:
        assert (src.name, src.format, src.minzoom, src.maxzoom) == ("bare", "png", 13, 14)
        assert src.bounds is None


def test_mbtiles_metadata_can_imply_gcj02_and_the_user_can_override(tmp_path: Path) -> None:
    path = write_mbtiles(tmp_path / "amap.mbtiles", street_tiles(range(12, 13)),
                         {"name": "高德", "format": "png", "crs": "GCJ-02"})
    with MBTilesSource(path) as src:
        assert src.is_gcj02 is True
        assert "GCJ-02" in src.describe()
    with MBTilesSource(path, gcj02=False) as src:
        assert src.is_gcj02 is False
    plain = write_mbtiles(tmp_path / "plain.mbtiles", street_tiles(range(12, 13)),
                          {"format": "png"})
    with MBTilesSource(plain, gcj02=True) as src:
        assert src.is_gcj02 is True


@pytest.mark.parametrize(("meta", "tiles", "message"), [
    ({"format": "pbf"}, {TileId(0, 0, 0): b"\x1f\x8b\x08\x00abc"}, "holds vector tiles"),
    ({"format": "tiff"}, {TileId(0, 0, 0): b"II*\x00"}, "tile format 'tiff' is not supported"),
    ({"format": "png"}, {}, "holds no tiles"),
])
def test_mbtiles_refusals_name_the_file_and_the_rule(tmp_path: Path, meta: dict[str, str],
                                                     tiles: dict[TileId, bytes],
                                                     message: str) -> None:
    path = write_mbtiles(tmp_path / "bad.mbtiles", tiles, meta)
    with pytest.raises(TileSourceError, match=message) as err:
        MBTilesSource(path)
    assert str(path) in str(err.value)


def test_mbtiles_refuses_files_that_are_not_mbtiles(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.mbtiles"
    garbage.write_bytes(b"\x00\x01not sqlite at all" * 100)
    with pytest.raises(TileSourceError, match="not an MBTiles file .not an SQLite database"):
        MBTilesSource(garbage)
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE parts (id)")
    db.commit()
    db.close()
    with pytest.raises(TileSourceError, match="no 'tiles' table"):
        MBTilesSource(other)
    with pytest.raises(TileSourceError, match="no such file"):
        MBTilesSource(tmp_path / "missing.mbtiles")


def test_open_tile_file_chooses_by_content(tmp_path: Path) -> None:
    path = write_mbtiles(tmp_path / "a.bin", street_tiles(range(12, 13)), {"format": "png"})
    with open_tile_file(path) as src:
        assert isinstance(src, MBTilesSource)
    empty = tmp_path / "empty.mbtiles"
    empty.write_bytes(b"")
    with pytest.raises(TileSourceError, match="empty"):
        open_tile_file(empty)
    text = tmp_path / "notes.pmtiles"
    text.write_text("hello")
    with pytest.raises(TileSourceError, match="neither an MBTiles"):
        open_tile_file(text)


# --- PMTiles ------------------------------------------------------------------------------


def write_pmtiles(path: Path, tiles: dict[TileId, bytes], *, tile_type: str = "PNG",
                  metadata: dict[str, object] | None = None) -> Path:
    from pmtiles.tile import Compression, TileType, zxy_to_tileid
    from pmtiles.writer import write

    lons = [b for t in tiles for b in t.lonlat_bounds()[0::2]]
    lats = [b for t in tiles for b in t.lonlat_bounds()[1::2]]
    with write(str(path)) as w:
        for tid, data in sorted((zxy_to_tileid(t.z, t.x, t.y), d) for t, d in tiles.items()):
            w.write_tile(tid, data)
        w.finalize({
            "tile_type": TileType[tile_type], "tile_compression": Compression.NONE,
            "min_lon_e7": int(min(lons) * 1e7), "min_lat_e7": int(min(lats) * 1e7),
            "max_lon_e7": int(max(lons) * 1e7), "max_lat_e7": int(max(lats) * 1e7),
            "center_zoom": 13, "center_lon_e7": int(LON * 1e7), "center_lat_e7": int(LAT * 1e7),
        }, metadata or {"name": "zgc"})
    return path


def test_pmtiles_reads_tiles_bounds_and_zooms(tmp_path: Path) -> None:
    tiles = street_tiles()
    path = write_pmtiles(tmp_path / "zgc.pmtiles", tiles,
                         metadata={"name": "中关村", "description": "test"})
    with PMTilesSource(path) as src:
        assert (src.name, src.format, src.minzoom, src.maxzoom) == ("中关村", "png", 12, 14)
        w, s, e, n = src.bounds
        assert w < LON < e and s < LAT < n
        for t, data in tiles.items():
            assert src.read_tile(t) == data
        assert src.read_tile(TileId(12, 0, 0)) is None
        assert src.is_gcj02 is False
    with open_tile_file(path, gcj02=True) as src:
        assert isinstance(src, PMTilesSource) and src.is_gcj02


def test_pmtiles_with_leaf_directories(tmp_path: Path) -> None:
    # Enough scattered tiles of varied size that the root directory (16 KB at most)
    # cannot hold them: the writer splits it into leaves.
    rng = np.random.default_rng(1)
    tiles = {TileId(14, 13400 + 2 * i, 6150 + 3 * j): rng.bytes(int(rng.integers(20, 400)))
             for i in range(130) for j in range(130)}
    path = write_pmtiles(tmp_path / "big.pmtiles", tiles)
    with PMTilesSource(path) as src:
        assert src._header["leaf_directory_length"] > 0
        for k in rng.choice(len(tiles), 50, replace=False):
            t = list(tiles)[k]
            assert src.read_tile(t) == tiles[t]
        assert src.read_tile(TileId(14, 13401, 6150)) is None  # between stored tiles


def test_pmtiles_refusals(tmp_path: Path) -> None:
    vec = write_pmtiles(tmp_path / "vec.pmtiles", {TileId(0, 0, 0): b"\x1a\x00"},
                        tile_type="MVT")
    with pytest.raises(TileSourceError, match="holds vector tiles .MVT.") as err:
        PMTilesSource(vec)
    assert str(vec) in str(err.value)
    bad = tmp_path / "bad.pmtiles"
    bad.write_bytes(b"NotPMTil" + b"\x00" * 200)
    with pytest.raises(TileSourceError, match="no 'PMTiles' signature"):
        PMTilesSource(bad)
    short = tmp_path / "short.pmtiles"
    short.write_bytes(b"PMTiles\x03")
    with pytest.raises(TileSourceError, match="shorter than the 127-byte header"):
        PMTilesSource(short)
    good = write_pmtiles(tmp_path / "cut.pmtiles", street_tiles(range(12, 13)))
    data = good.read_bytes()
    good.write_bytes(data[:140])  # header survives, directories and tiles do not
    with pytest.raises(TileSourceError, match="truncated|damaged"), PMTilesSource(good) as src:
        src.read_tile(next(iter(street_tiles(range(12, 13)))))


# --- URL templates -------------------------------------------------------------------------


TIANDITU = ("http://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            "&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
            "&TILECOL={x}&tk={key}")


def test_url_templates_fill_placeholders_and_hide_the_key(tmp_path: Path) -> None:
    src = UrlTemplateSource(TIANDITU, key="SECRET", subdomains="01234567", cache_dir=tmp_path)
    t = TileId(14, 13486, 6203)
    url = src.url_for(t)
    q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert (q["TILEMATRIX"], q["TILEROW"], q["TILECOL"], q["tk"]) == ("14", "6203", "13486",
                                                                        "SECRET")
    assert urlsplit(url).hostname == f"t{(t.x + t.y) % 8}.tianditu.gov.cn"
    assert "SECRET" not in src.display_url(t) and "tk=***" in src.display_url(t)
    assert "SECRET" not in src.location and "SECRET" not in str(src.cache_dir)
    assert src.remote and src.crs == "EPSG:3857" and src.is_gcj02 is False
    tms = UrlTemplateSource("http://intranet/tms/{z}/{x}/{-y}.png", cache_dir=tmp_path)
    assert tms.url_for(t).endswith(f"/14/13486/{t.tms_row}.png") and tms.format == "png"


@pytest.mark.parametrize(("template", "key", "message"), [
    ("ftp://host/{z}/{x}/{y}.png", "", "must start with http"),
    ("http://host/{z}/{x}/{row}.png", "", r"unknown placeholder\(s\) \{row\}"),
    ("http://host/{z}/{x}.png", "", r"needs \{z\}, \{x\} and \{y\}"),
    ("http://host/{z}/{x}/{y}.png?tk={key}", "", "no key was given"),
    ("http://host/{z}/{x}/{y}.png", "abc", r"template has no \{key\}"),
    ("http://online1.map.bdimg.com/tile/?qt=tile&x={x}&y={y}&z={z}", "", "BD-09"),
    (TIANDITU.replace("TILEMATRIXSET=w", "TILEMATRIXSET=c"), "k", "geographic"),
])
def test_url_template_refusals(tmp_path: Path, template: str, key: str, message: str) -> None:
    with pytest.raises(TileSourceError, match=message):
        UrlTemplateSource(template, key=key, cache_dir=tmp_path)


def test_gcj02_implied_by_gaode_and_tencent_hosts(tmp_path: Path) -> None:
    amap = "http://webrd0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}"
    assert UrlTemplateSource(amap, subdomains="1234", cache_dir=tmp_path).is_gcj02
    assert UrlTemplateSource("http://rt0.map.gtimg.com/tile?z={z}&x={x}&y={-y}",
                             cache_dir=tmp_path).is_gcj02
    assert not UrlTemplateSource(amap, subdomains="1234", gcj02=False,
                                 cache_dir=tmp_path).is_gcj02
    assert UrlTemplateSource("http://10.0.0.5/{z}/{x}/{y}.png", gcj02=True,
                             cache_dir=tmp_path).is_gcj02


class _TileServer:
    """A tile server on 127.0.0.1 that logs requests; some paths misbehave on purpose."""

    def __init__(self, tiles: dict[TileId, bytes]) -> None:
        self.tiles = tiles
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                u = urlsplit(self.path)
                q = {k: v[0] for k, v in parse_qs(u.query).items()}
                if u.path.startswith("/slow"):
                    time.sleep(1.5)
                if u.path.startswith("/error"):
                    return self._send(500, b"boom", "text/plain")
                if u.path.startswith("/html"):
                    return self._send(200, b"<html>login required</html>", "text/html")
                if u.path.startswith("/wmts"):
                    if q.get("tk") != "K123":
                        return self._send(403, b"bad key", "text/plain")
                    z, x, y = (int(q[k]) for k in ("TILEMATRIX", "TILECOL", "TILEROW"))
                else:
                    z, x, y = (int(p.split(".")[0]) for p in u.path.split("/")[-3:])
                try:
                    data = server.tiles.get(TileId(z, x, y))
                except ValueError:
                    data = None
                if data is None:
                    return self._send(404, b"no tile", "text/plain")
                return self._send(200, data, "image/png")

            def _send(self, code: int, body: bytes, ctype: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # The slow path's client gives up first; its broken pipe is expected, not news.
        self.httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture
def server() -> Iterator[_TileServer]:
    s = _TileServer(street_tiles(range(13, 15)))
    yield s
    s.stop()


def test_xyz_fetch_caches_and_then_needs_no_network(server: _TileServer, tmp_path: Path) -> None:
    src = UrlTemplateSource(f"http://127.0.0.1:{server.port}/tiles/{{z}}/{{x}}/{{y}}.png",
                            cache_dir=tmp_path, timeout=5)
    some = list(server.tiles)[:3]
    for t in some:
        assert src.cached(t) is None
        assert src.read_tile(t) == server.tiles[t]
        assert src.cache_path(t).read_bytes() == server.tiles[t]
    assert len(server.requests) == 3
    assert src.read_tile(TileId(15, 0, 0)) is None  # 404: no such tile, not an error
    assert src.known_absent(TileId(15, 0, 0))
    assert src.read_tile(TileId(15, 0, 0)) is None
    assert len(server.requests) == 4  # the 404 is remembered
    server.stop()
    # Server gone: cached tiles are served from disk, uncached ones fail clearly.
    fresh = UrlTemplateSource(src.template, cache_dir=tmp_path, timeout=2)
    for t in some:
        assert fresh.read_tile(t) == server.tiles[t]
    assert len(server.requests) == 4
    missing = next(t for t in server.tiles if t not in some)
    with pytest.raises(TileFetchError, match="cannot be reached"):
        fresh.read_tile(missing)
    assert fresh.cached(missing) is None


def test_tianditu_style_wmts_with_key(server: _TileServer, tmp_path: Path) -> None:
    template = (f"http://127.0.0.1:{server.port}/wmts?SERVICE=WMTS&REQUEST=GetTile"
                "&LAYER=vec&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}"
                "&TILECOL={x}&tk={key}")
    t = list(server.tiles)[5]
    src = UrlTemplateSource(template, key="K123", cache_dir=tmp_path)
    assert src.read_tile(t) == server.tiles[t]
    wrong = UrlTemplateSource(template, key="WRONG", cache_dir=tmp_path / "other")
    with pytest.raises(TileFetchError, match=r"HTTP 403 .*\(check the key\)") as err:
        wrong.fetch(list(server.tiles)[6])
    assert "WRONG" not in str(err.value) and "tk=***" in str(err.value)
    # The key is on no path of the cache.
    assert not any("K123" in str(p) for p in tmp_path.rglob("*"))


def test_server_failures_are_clear(server: _TileServer, tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{server.port}"
    t = TileId(14, 1, 1)
    with pytest.raises(TileFetchError, match="HTTP 500"):
        UrlTemplateSource(base + "/error/{z}/{x}/{y}.png", cache_dir=tmp_path).fetch(t)
    with pytest.raises(TileFetchError, match="not a PNG, JPEG or WebP image .*login required"):
        UrlTemplateSource(base + "/html/{z}/{x}/{y}.png", cache_dir=tmp_path).fetch(t)
    slow = UrlTemplateSource(base + "/slow/{z}/{x}/{y}.png", cache_dir=tmp_path, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(TileFetchError, match="did not answer within 0.3 s"):
        slow.fetch(t)
    assert time.monotonic() - started < 1.4
    assert not list(tmp_path.rglob("*.tile"))  # nothing bad was cached


def test_loader_fetches_in_background_and_reports_failure_state(server: _TileServer,
                                                                 tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{server.port}"
    results: dict[TileId, tuple[bytes | None, str | None, str]] = {}
    done = threading.Event()
    want = list(server.tiles)[:4]

    def on_result(tile: TileId, data: bytes | None, error: str | None) -> None:
        results[tile] = (data, error, threading.current_thread().name)
        if len(results) >= len(want):
            done.set()

    src = UrlTemplateSource(base + "/tiles/{z}/{x}/{y}.png", cache_dir=tmp_path)
    loader = TileLoader(src, on_result, workers=2)
    main = threading.current_thread().name
    assert all(loader.request(t) for t in want)
    assert not loader.request(want[0]) or want[0] in results  # already queued
    assert done.wait(10)
    assert {t: r[0] for t, r in results.items()} == {t: server.tiles[t] for t in want}
    assert all(r[2] != main for r in results.values())  # never on the caller's thread
    assert not loader.failing and not loader.pending()
    loader.shutdown(wait=True)

    clock = [0.0]
    failures: list[str | None] = []
    failed = threading.Event()
    bad = UrlTemplateSource(base + "/error/{z}/{x}/{y}.png", cache_dir=tmp_path)
    loader = TileLoader(bad, lambda t, d, e: (failures.append(e), failed.set()),
                        retry_after=30, clock=lambda: clock[0])
    assert loader.request(want[0])
    assert failed.wait(10)
    assert loader.failing and "HTTP 500" in (loader.last_error or "")
    assert failures and "HTTP 500" in failures[0]
    assert not loader.request(want[0])  # not asked again at once
    clock[0] = 31.0
    assert loader.request(want[0])  # but after retry_after
    loader.shutdown(wait=True)
    assert not loader.request(want[1])  # closed


def test_loader_drops_tiles_that_left_the_view(tmp_path: Path) -> None:
    gate = threading.Event()

    class Slow(UrlTemplateSource):
        def read_tile(self, tile: TileId) -> bytes | None:
            gate.wait(5)
            return None

    src = Slow("http://127.0.0.1:9/{z}/{x}/{y}.png", cache_dir=tmp_path)
    loader = TileLoader(src, lambda *a: None, workers=1)
    tiles = [TileId(10, i, 0) for i in range(5)]
    for t in tiles:
        loader.request(t)
    loader.retain(tiles[:1])
    # The first may already run; the queued ones not retained are gone.
    assert loader.pending() <= {tiles[0]}
    gate.set()
    loader.shutdown(wait=True)


def test_view_math_agrees_with_resolution() -> None:
    # One tile pixel at the chosen zoom is within √2 of the screen pixel.
    for mpp in (0.5, 3.0, 12.0, 80.0):
        z = zoom_for_resolution(mpp, LAT)
        ratio = ground_resolution(LAT, z) / mpp
        assert 1 / math.sqrt(2) - 1e-9 <= ratio <= math.sqrt(2) + 1e-9


# --- the layer model -----------------------------------------------------------------------


def test_tile_layer_model_is_qt_free_and_reports_status(tmp_path: Path) -> None:
    bounds = f"{LON - 0.02},{LAT - 0.015},{LON + 0.02},{LAT + 0.015}"
    path = write_mbtiles(tmp_path / "zgc.mbtiles", street_tiles(range(12, 13)),
                         {"format": "png", "bounds": bounds, "name": "底图", "crs": "gcj02"})
    layer = TileLayer("basemap", None, MBTilesSource(path), opacity=0.7)
    assert (layer.title, layer.opacity, layer.is_gcj02, layer.n_features) == ("底图", 0.7,
                                                                              True, 0)
    assert layer.feature_at(0.0, 0.0) is None
    x0, y0, x1, y1 = layer.bounds()
    cx, cy = crs.to_projected(LON, LAT)
    assert x0 < cx < x1 and y0 < cy < y1
    assert 3000 < x1 - x0 < 4000  # 0.04° of longitude at 40°N is ~3.4 km
    seen: list[object] = []
    layer.events.status.connect(lambda e: seen.append(e.value))
    layer.status = "zoom in"
    layer.status = "zoom in"  # unchanged: no event
    layer.status = ""
    assert seen == ["zoom in", None] and layer.status is None
    layers = LayerList([layer])
    assert layers.bounds() == layer.bounds()
    layer.close()
    # A world-wide source does not stretch the map's limits.
    world = write_mbtiles(tmp_path / "world.mbtiles", {TileId(0, 0, 0): png((1, 2, 3))},
                          {"format": "png", "bounds": "-180,-85,180,85"})
    with MBTilesSource(world) as src:
        assert TileLayer("w", "world", src).bounds() is None
