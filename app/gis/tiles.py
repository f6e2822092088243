"""Raster map tiles for offline basemaps: MBTiles, PMTiles and XYZ/WMTS URL templates.

Every source here serves square tiles of the web-mercator grid (EPSG:3857, XYZ numbering:
x east from 180°W, y south from 85.05°N, ``2**z`` tiles a side). The map draws in
Gauss-Krüger metres (EPSG:4548), so the renderer places each tile by its corners
(tile → lon/lat here → metres through ``app.gis.crs``). Tile lon/lat are WGS-84, which
CGCS2000 matches to a few centimetres, *unless* the tiles are GCJ-02: Chinese web maps
(Gaode/AMap, Tencent) shift their tiles by an obfuscation that moves features 300–500 m
in Beijing. A source says so with ``is_gcj02`` (set by the user or implied by its metadata
or host); the UI warns, because CityGrid's data are CGCS2000.

Local files (MBTiles, PMTiles) are read on the caller's thread: one indexed read, well
under a millisecond. A tile server is reached only through ``TileLoader``, which fetches on
worker threads and caches every tile on disk, so a tile seen once needs no network again.
Nothing in this module imports Qt.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import mmap
import os
import re
import socket
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Self

import numpy as np

WEB_MERCATOR = "EPSG:3857"
EARTH_RADIUS = 6_378_137.0  # metres, the sphere of EPSG:3857
MAX_LATITUDE = 85.0511287798066  # the web-mercator square's edge
RASTER_FORMATS = ("png", "jpg", "webp")
USER_AGENT = "CityGrid/0.1 (offline basemap)"

LonLatBounds = tuple[float, float, float, float]  # (west, south, east, north) degrees


# --- tile math ------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class TileId:
    """One tile of the XYZ scheme (row ``y`` counted from the north)."""

    z: int
    x: int
    y: int

    def __post_init__(self) -> None:
        n = 1 << self.z if 0 <= self.z <= 30 else 0
        if not (0 <= self.x < n and 0 <= self.y < n):
            raise ValueError(f"tile z={self.z} x={self.x} y={self.y} is outside the "
                             f"web-mercator grid (0 ≤ x, y < 2^z, 0 ≤ z ≤ 30)")

    @property
    def tms_row(self) -> int:
        """The row as MBTiles and TMS servers number it: counted from the south."""
        return (1 << self.z) - 1 - self.y

    def parent(self, levels: int = 1) -> TileId:
        """The tile ``levels`` zooms up that contains this one."""
        levels = min(levels, self.z)
        return TileId(self.z - levels, self.x >> levels, self.y >> levels)

    def lonlat_bounds(self) -> LonLatBounds:
        west, north = tile_to_lonlat(self.x, self.y, self.z)
        east, south = tile_to_lonlat(self.x + 1, self.y + 1, self.z)
        return (float(west), float(south), float(east), float(north))

    def __str__(self) -> str:
        return f"{self.z}/{self.x}/{self.y}"


def lonlat_to_tile(lon: Any, lat: Any, z: int) -> tuple[Any, Any]:
    """Fractional XYZ tile coordinates of lon/lat (degrees) at zoom ``z``; arrays work."""
    n = float(1 << z)
    lat = np.clip(lat, -MAX_LATITUDE, MAX_LATITUDE)
    fx = (np.asarray(lon, dtype=float) + 180.0) / 360.0 * n
    fy = (1.0 - np.arcsinh(np.tan(np.radians(lat))) / math.pi) / 2.0 * n
    return fx, fy


def tile_to_lonlat(x: Any, y: Any, z: int) -> tuple[Any, Any]:
    """Lon/lat (degrees) of the north-west corner of tile (x, y, z); fractional x/y and
    arrays work, so ``tile_to_lonlat(x + 1, y + 1, z)`` is the south-east corner."""
    n = float(1 << z)
    lon = np.asarray(x, dtype=float) / n * 360.0 - 180.0
    lat = np.degrees(np.arctan(np.sinh(math.pi * (1.0 - 2.0 * np.asarray(y, dtype=float) / n))))
    return lon, lat


def lonlat_to_mercator(lon: Any, lat: Any) -> tuple[Any, Any]:
    """Lon/lat → EPSG:3857 metres (the spherical formulas PROJ uses for it)."""
    lat = np.clip(lat, -MAX_LATITUDE, MAX_LATITUDE)
    x = EARTH_RADIUS * np.radians(lon)
    y = EARTH_RADIUS * np.log(np.tan(math.pi / 4.0 + np.radians(lat) / 2.0))
    return x, y


def mercator_to_lonlat(x: Any, y: Any) -> tuple[Any, Any]:
    lon = np.degrees(np.asarray(x, dtype=float) / EARTH_RADIUS)
    lat = np.degrees(2.0 * np.arctan(np.exp(np.asarray(y, dtype=float) / EARTH_RADIUS))
                     - math.pi / 2.0)
    return lon, lat


def ground_resolution(lat: float, z: int, tile_size: int = 256) -> float:
    """Metres on the ground per tile pixel at latitude ``lat`` and zoom ``z``."""
    return 2.0 * math.pi * EARTH_RADIUS * math.cos(math.radians(lat)) / (tile_size * (1 << z))


def zoom_for_resolution(metres_per_pixel: float, lat: float, minzoom: int = 0,
                        maxzoom: int = 22, tile_size: int = 256) -> int:
    """The zoom whose tiles are closest to one tile pixel per screen pixel, clamped to
    the source's range (above ``maxzoom`` the deepest tiles are drawn enlarged)."""
    full = 2.0 * math.pi * EARTH_RADIUS * math.cos(math.radians(lat)) / tile_size
    z = round(math.log2(full / max(metres_per_pixel, 1e-9)))
    return int(min(max(z, minzoom), maxzoom))


def tile_range(bounds: LonLatBounds, z: int) -> tuple[int, int, int, int]:
    """Inclusive (x0, y0, x1, y1) of the tiles at zoom ``z`` that touch ``bounds``."""
    west, south, east, north = bounds
    n = 1 << z
    fx0, fy0 = lonlat_to_tile(west, north, z)
    fx1, fy1 = lonlat_to_tile(east, south, z)

    def clamp(v: float) -> int:
        return int(min(max(math.floor(v), 0), n - 1))

    # A bound exactly on a tile edge does not pull in the next tile.
    return clamp(fx0), clamp(fy0), clamp(math.ceil(fx1) - 1), clamp(math.ceil(fy1) - 1)


def tiles_in_bounds(bounds: LonLatBounds, z: int) -> list[TileId]:
    """The tiles touching ``bounds``, nearest the centre first (they load first)."""
    x0, y0, x1, y1 = tile_range(bounds, z)
    cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    tiles = [TileId(z, x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]
    tiles.sort(key=lambda t: (t.x - cx) ** 2 + (t.y - cy) ** 2)
    return tiles


def intersects(a: LonLatBounds, b: LonLatBounds) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def sniff_format(data: bytes) -> str | None:
    """'png' | 'jpg' | 'webp' from an image's first bytes; 'pbf' for gzip (vector
    tiles are gzipped protobuf); None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"\x1f\x8b"):
        return "pbf"
    return None


# --- sources --------------------------------------------------------------------------


class TileSourceError(ValueError):
    """A tile source cannot be opened or read; the message names the file or server."""


class TileFetchError(TileSourceError):
    """A tile server did not deliver a tile (network, HTTP status, not an image)."""


# Words in metadata or a host name that mean the tiles are in GCJ-02.
_GCJ02_WORDS = ("gcj02", "gcj-02", "gcj_02", "火星")
_GCJ02_HOSTS = ("autonavi.com", "amap.com", "gaode.com", "map.qq.com", "gtimg.com",
                "tencent.com")
_BD09_HOSTS = ("map.baidu.com", "bdimg.com", "bdstatic.com", "api.map.baidu.com")


def _text_says_gcj02(*texts: object) -> bool:
    for t in texts:
        if isinstance(t, str) and any(w in t.lower() for w in _GCJ02_WORDS):
            return True
    return False


class TileSource(ABC):
    """A set of raster web-mercator tiles.

    ``read_tile`` returns a tile's encoded image (PNG, JPEG or WebP bytes), or None where
    the source has no tile; it raises ``TileSourceError`` when the source fails.
    ``remote`` sources may block on the network and must be read through ``TileLoader``.
    """

    kind: ClassVar[str] = ""
    remote: ClassVar[bool] = False
    crs: ClassVar[str] = WEB_MERCATOR

    def __init__(self, *, name: str, location: str, fmt: str | None, minzoom: int,
                 maxzoom: int, bounds: LonLatBounds | None, is_gcj02: bool,
                 tile_size: int = 256) -> None:
        if not 0 <= minzoom <= maxzoom <= 30:
            raise TileSourceError(f"{location}: zoom range {minzoom}–{maxzoom} is not "
                                  "valid (0 ≤ minzoom ≤ maxzoom ≤ 30).")
        self.name = name
        self.location = location
        self.format = fmt
        self.minzoom = minzoom
        self.maxzoom = maxzoom
        self.bounds = bounds
        self.tile_size = tile_size
        self._is_gcj02 = is_gcj02

    @property
    def is_gcj02(self) -> bool:
        """Tiles drawn in GCJ-02 (shifted 300–500 m from WGS-84/CGCS2000 in Beijing)."""
        return self._is_gcj02

    @abstractmethod
    def read_tile(self, tile: TileId) -> bytes | None:
        """The encoded image of ``tile`` (None where the source has none)."""

    def covers(self, tile: TileId) -> bool:
        """Whether the source can have ``tile`` (zoom range and bounds)."""
        if not self.minzoom <= tile.z <= self.maxzoom:
            return False
        return self.bounds is None or intersects(self.bounds, tile.lonlat_bounds())

    def describe(self) -> str:
        """One line for tooltips: kind, format, zoom range and where it comes from."""
        fmt = self.format or "auto"
        gcj = " · GCJ-02" if self.is_gcj02 else ""
        return f"{self.kind} · {fmt} · z{self.minzoom}–{self.maxzoom}{gcj} · {self.location}"

    def close(self) -> None:
        """Release files or connections; reading afterwards is an error."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location!r})"


def _parse_bounds(text: object) -> LonLatBounds | None:
    """'west,south,east,north' degrees; None when absent or not four sane numbers."""
    try:
        if isinstance(text, str):
            vals = [float(v) for v in text.split(",")]
        elif isinstance(text, list | tuple):
            vals = [float(v) for v in text]
        else:
            return None
    except ValueError:
        return None
    if len(vals) != 4 or not all(math.isfinite(v) for v in vals):
        return None
    w, s, e, n = vals
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        return None
    return (w, s, e, n)


class MBTilesSource(TileSource):
    """A local MBTiles file (SQLite; ``tiles`` with TMS rows, ``metadata`` key/values).

    Parameters
    ----------
    path
        The ``.mbtiles`` file; opened read-only.
    gcj02
        True/False when the user knows; None: implied by the metadata (a ``crs``/``srs``
        entry or a name/description naming GCJ-02).
    """

    kind = "MBTiles"

    def __init__(self, path: str | os.PathLike[str], *, gcj02: bool | None = None) -> None:
        self.path = Path(path)
        where = self.location = str(self.path)
        if not self.path.is_file():
            raise TileSourceError(f"{where}: no such file.")
        # check_same_thread=False plus our lock: a loader thread may read it too.
        try:
            self._db = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True,
                                       check_same_thread=False)
            tables = {r[0] for r in self._db.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        except sqlite3.DatabaseError as exc:
            self._close_quietly()
            raise TileSourceError(f"{where}: not an MBTiles file (not an SQLite database: "
                                  f"{exc}).") from exc
        self._lock = threading.Lock()
        try:
            meta, fmt, minzoom, maxzoom = self._read_metadata(where, tables)
        except BaseException:
            self._close_quietly()
            raise
        self.metadata = meta
        name = meta.get("name") or self.path.stem
        implied = _text_says_gcj02(meta.get("crs"), meta.get("srs"), meta.get("projection"),
                                   meta.get("name"), meta.get("description"))
        super().__init__(name=name, location=where, fmt=fmt, minzoom=minzoom, maxzoom=maxzoom,
                         bounds=_parse_bounds(meta.get("bounds")),
                         is_gcj02=implied if gcj02 is None else gcj02)

    def _close_quietly(self) -> None:
        db = getattr(self, "_db", None)
        if db is not None:
            db.close()
            self._db = None  # type: ignore[assignment]

    def _read_metadata(self, where: str, tables: set[str]
                       ) -> tuple[dict[str, str], str, int, int]:
        if "tiles" not in tables:
            raise TileSourceError(f"{where}: not an MBTiles file (it has no 'tiles' table).")
        meta: dict[str, str] = {}
        if "metadata" in tables:
            try:
                meta = {str(k): str(v) for k, v in self._db.execute(
                    "SELECT name, value FROM metadata") if k is not None and v is not None}
            except sqlite3.DatabaseError as exc:
                raise TileSourceError(f"{where}: the MBTiles 'metadata' table cannot be "
                                      f"read ({exc}).") from exc
        try:
            zmin, zmax, first = self._db.execute(
                "SELECT min(zoom_level), max(zoom_level), "
                "(SELECT tile_data FROM tiles LIMIT 1) FROM tiles").fetchone()
        except sqlite3.DatabaseError as exc:
            raise TileSourceError(f"{where}: the MBTiles 'tiles' table cannot be read "
                                  f"({exc}).") from exc
        if zmin is None:
            raise TileSourceError(f"{where}: the MBTiles file holds no tiles.")
        declared = meta.get("format", "").strip().lower()
        sniffed = sniff_format(bytes(first)) if first is not None else None
        fmt = {"jpeg": "jpg"}.get(declared, declared) or sniffed or ""
        if fmt in ("pbf", "mvt") or "vector_layers" in meta.get("json", ""):
            raise TileSourceError(
                f"{where}: holds vector tiles (format '{fmt or 'pbf'}'); CityGrid draws "
                "raster tile basemaps (png, jpg, webp) only. Render the tiles to a raster "
                "MBTiles first, or import the data as a vector layer.")
        if fmt not in RASTER_FORMATS:
            raise TileSourceError(f"{where}: tile format '{fmt or 'unknown'}' is not "
                                  f"supported (raster formats: {', '.join(RASTER_FORMATS)}).")
        minzoom = _int_or(meta.get("minzoom"), int(zmin))
        maxzoom = _int_or(meta.get("maxzoom"), int(zmax))
        # Metadata that disagrees with the table is common; trust what is stored.
        return meta, fmt, max(minzoom, int(zmin)), min(maxzoom, int(zmax))

    def read_tile(self, tile: TileId) -> bytes | None:
        if self._db is None:
            raise TileSourceError(f"{self.location}: the basemap file was closed.")
        with self._lock:
            try:
                row = self._db.execute(
                    "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? "
                    "AND tile_row=?", (tile.z, tile.x, tile.tms_row)).fetchone()
            except sqlite3.DatabaseError as exc:
                raise TileSourceError(f"{self.location}: tile {tile} cannot be read "
                                      f"({exc}).") from exc
        return bytes(row[0]) if row is not None and row[0] is not None else None

    def close(self) -> None:
        if getattr(self, "_lock", None) is None:
            self._close_quietly()
            return
        with self._lock:
            self._close_quietly()


def _int_or(text: object, default: int) -> int:
    try:
        return int(str(text).strip())
    except ValueError:
        return default


class PMTilesSource(TileSource):
    """A local PMTiles v3 archive of raster tiles, read with the ``pmtiles`` library.

    The library's ``Reader.get`` re-parses the header and unzips the directories on
    every call; we use its parsing functions with the header read once and the
    directories cached, which keeps a tile read at a dictionary lookup and a slice.
    """

    kind = "PMTiles"
    MAX_DIRECTORIES = 64

    def __init__(self, path: str | os.PathLike[str], *, gcj02: bool | None = None) -> None:
        from pmtiles.tile import (
            Compression,
            MagicNumberNotFound,
            SpecVersionUnsupported,
            TileType,
            deserialize_header,
        )

        self.path = Path(path)
        where = self.location = str(self.path)
        if not self.path.is_file():
            raise TileSourceError(f"{where}: no such file.")
        self._dirs: dict[tuple[int, int], list[Any]] = {}
        self._file = open(self.path, "rb")  # noqa: SIM115 - held open until close()
        try:
            if os.fstat(self._file.fileno()).st_size < 127:
                raise TileSourceError(f"{where}: not a PMTiles file (shorter than the "
                                      "127-byte header).")
            self._map: mmap.mmap | None = mmap.mmap(self._file.fileno(), 0,
                                                    access=mmap.ACCESS_READ)
            try:
                header = deserialize_header(self._map[0:127])
            except MagicNumberNotFound as exc:
                raise TileSourceError(f"{where}: not a PMTiles file (no 'PMTiles' "
                                      "signature).") from exc
            except SpecVersionUnsupported as exc:
                raise TileSourceError(f"{where}: PMTiles version {self._map[7]} is not "
                                      "supported (version 3 is).") from exc
            except ValueError as exc:  # an enum byte out of range: a damaged header
                raise TileSourceError(f"{where}: the PMTiles header is damaged ({exc}).") \
                    from exc
            ttype = header["tile_type"]
            if ttype in (TileType.MVT, TileType.MLT):
                raise TileSourceError(
                    f"{where}: holds vector tiles ({ttype.name}); CityGrid draws raster tile "
                    "basemaps (png, jpg, webp) only. Render the tiles to raster first, or "
                    "import the data as a vector layer.")
            fmt = {TileType.PNG: "png", TileType.JPEG: "jpg", TileType.WEBP: "webp"}.get(ttype)
            if fmt is None:
                raise TileSourceError(f"{where}: tile type {ttype.name} is not supported "
                                      f"(raster formats: {', '.join(RASTER_FORMATS)}).")
            for what, comp in (("tile", header["tile_compression"]),
                               ("directory", header["internal_compression"])):
                if comp not in (Compression.NONE, Compression.GZIP, Compression.UNKNOWN):
                    raise TileSourceError(f"{where}: {what} compression {comp.name} is not "
                                          "supported (none or gzip).")
            self._header = header
            self._gzip_tiles = header["tile_compression"] == Compression.GZIP
            meta = self._read_metadata(where)
        except BaseException:
            self.close()
            raise
        self.metadata = meta
        self._lock = threading.Lock()
        e7 = 1e-7
        bounds = _parse_bounds([header["min_lon_e7"] * e7, header["min_lat_e7"] * e7,
                                header["max_lon_e7"] * e7, header["max_lat_e7"] * e7])
        implied = _text_says_gcj02(*(meta.get(k) for k in ("crs", "srs", "projection",
                                                           "name", "description")))
        super().__init__(name=str(meta.get("name") or self.path.stem), location=where,
                         fmt=fmt, minzoom=int(header["min_zoom"]),
                         maxzoom=int(header["max_zoom"]), bounds=bounds,
                         is_gcj02=implied if gcj02 is None else gcj02)

    def _read_metadata(self, where: str) -> dict[str, Any]:
        from pmtiles.tile import Compression

        h = self._header
        raw = self._bytes(h["metadata_offset"], h["metadata_length"])
        if not raw:
            return {}
        try:
            if h["internal_compression"] == Compression.GZIP:
                raw = gzip.decompress(raw)
            meta = json.loads(raw)
        except (OSError, EOFError, ValueError) as exc:
            raise TileSourceError(f"{where}: the PMTiles metadata is damaged ({exc}).") \
                from exc
        return meta if isinstance(meta, dict) else {}

    def _bytes(self, offset: int, length: int) -> bytes:
        if self._map is None:
            raise TileSourceError(f"{self.location}: the basemap file was closed.")
        if offset + length > len(self._map):
            raise TileSourceError(f"{self.location}: the PMTiles file is truncated (needs "
                                  f"bytes {offset}–{offset + length}, has {len(self._map)}).")
        return self._map[offset:offset + length]

    def _directory(self, offset: int, length: int) -> list[Any]:
        """A directory, unzipped once (the root and the leaves in use stay cached)."""
        from pmtiles.tile import deserialize_directory

        entries = self._dirs.get((offset, length))
        if entries is None:
            try:
                entries = list(deserialize_directory(self._bytes(offset, length)))
            except (OSError, EOFError, IndexError) as exc:
                raise TileSourceError(f"{self.location}: a PMTiles directory is damaged "
                                      f"({exc}).") from exc
            if len(self._dirs) >= self.MAX_DIRECTORIES:
                self._dirs.pop(next(iter(self._dirs)))
            self._dirs[(offset, length)] = entries
        return entries

    def read_tile(self, tile: TileId) -> bytes | None:
        from pmtiles.tile import find_tile, zxy_to_tileid

        h = self._header
        tile_id = zxy_to_tileid(tile.z, tile.x, tile.y)
        offset, length = h["root_offset"], h["root_length"]
        with self._lock:
            for _depth in range(4):  # the spec's maximum directory depth
                entry = find_tile(self._directory(offset, length), tile_id)
                if entry is None:
                    return None
                if entry.run_length == 0:  # a leaf directory
                    offset, length = h["leaf_directory_offset"] + entry.offset, entry.length
                    continue
                data = self._bytes(h["tile_data_offset"] + entry.offset, entry.length)
                if self._gzip_tiles:
                    try:
                        data = gzip.decompress(data)
                    except (OSError, EOFError) as exc:
                        raise TileSourceError(f"{self.location}: tile {tile} is damaged "
                                              f"({exc}).") from exc
                return bytes(data)
        return None

    def close(self) -> None:
        lock = getattr(self, "_lock", None)
        if lock is not None:
            with lock:
                self._close_files()
        else:
            self._close_files()

    def _close_files(self) -> None:
        if getattr(self, "_map", None) is not None:
            self._map.close()  # type: ignore[union-attr]
            self._map = None
        if getattr(self, "_file", None) is not None:
            self._file.close()
        self._dirs.clear()


# --- tile servers -----------------------------------------------------------------------

PLACEHOLDERS = ("z", "x", "y", "-y", "s", "key")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def default_cache_dir() -> Path:
    """Tiles of every server live under the user's cache directory."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("CityGrid", appauthor=False)) / "tiles"


class UrlTemplateSource(TileSource):
    """Tiles from an (intranet) tile server, addressed by a URL template.

    ``{z}``, ``{x}``, ``{y}`` (XYZ row) or ``{-y}`` (TMS row) are replaced per tile,
    ``{s}`` by one of ``subdomains`` and ``{key}`` by the key, so both plain XYZ servers
    (``http://host/tiles/{z}/{x}/{y}.png``) and WMTS KVP requests in the Tianditu style
    (``…&TILEMATRIXSET=w&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}``) work. Only
    web-mercator tile matrix sets can be drawn.

    Every delivered tile is written under ``cache_dir`` (one folder per template; the
    key is neither in the folder name nor in any file), and read from there before
    the network is asked. ``read_tile`` blocks: use ``TileLoader`` from a GUI.
    """

    kind = "XYZ"
    remote = True
    MAX_TILE_BYTES = 8 * 1024 * 1024

    def __init__(self, template: str, *, key: str = "", gcj02: bool | None = None,
                 name: str | None = None, minzoom: int = 0, maxzoom: int = 18,
                 subdomains: str = "abc", cache_dir: str | os.PathLike[str] | None = None,
                 timeout: float = 10.0) -> None:
        template = template.strip()
        key = key.strip()
        self.template = template
        self._key = key
        self.subdomains = subdomains
        self.timeout = float(timeout)
        where = template
        url = urllib.parse.urlsplit(template)
        if url.scheme not in ("http", "https") or not url.netloc:
            raise TileSourceError(f"{where}: a tile URL template must start with http:// or "
                                  "https:// and name a server.")
        found = _PLACEHOLDER.findall(template)
        unknown = sorted({p for p in found if p not in PLACEHOLDERS})
        if unknown:
            raise TileSourceError(
                f"{where}: unknown placeholder(s) {', '.join('{' + p + '}' for p in unknown)}; "
                "use {z}, {x}, {y} (or {-y} for TMS rows), {s} and {key}.")
        if "z" not in found or "x" not in found or ("y" not in found and "-y" not in found):
            raise TileSourceError(f"{where}: the template needs {{z}}, {{x}} and {{y}} (or "
                                  "{-y}) where the server expects zoom, column and row.")
        if "key" in found and not key:
            raise TileSourceError(f"{where}: the template has {{key}} but no key was given.")
        if key and "key" not in found:
            raise TileSourceError(f"{where}: a key was given but the template has no {{key}}; "
                                  "put it where the server expects it, e.g. tk={key}.")
        if "s" in found and not subdomains:
            raise TileSourceError(f"{where}: the template has {{s}} but no subdomains were "
                                  "given (e.g. 01234567 for t0…t7).")
        host = url.hostname or ""
        if any(host == h or host.endswith("." + h) for h in _BD09_HOSTS):
            raise TileSourceError(f"{where}: Baidu tiles use BD-09 coordinates and Baidu's "
                                  "own tile grid, which cannot be drawn as a web-mercator "
                                  "basemap.")
        query = {k.lower(): v for k, v in urllib.parse.parse_qsl(url.query)}
        tms = query.get("tilematrixset", "").lower()
        if tms in ("c", "epsg:4490", "epsg:4326", "cgcs2000"):
            raise TileSourceError(f"{where}: tile matrix set '{query['tilematrixset']}' is a "
                                  "geographic (lon/lat) grid; CityGrid draws web-mercator "
                                  "tiles. For Tianditu use the '_w' layers with "
                                  "TILEMATRIXSET=w.")
        implied = (any(host == h or host.endswith("." + h) for h in _GCJ02_HOSTS)
                   or _text_says_gcj02(template))
        ext = Path(url.path).suffix.lower().lstrip(".")
        fmt = {"jpeg": "jpg"}.get(ext, ext) if ext in ("png", "jpg", "jpeg", "webp") else None
        super().__init__(name=name or host, location=self.display_url(), fmt=fmt,
                         minzoom=minzoom, maxzoom=maxzoom, bounds=None,
                         is_gcj02=implied if gcj02 is None else gcj02)
        digest = hashlib.sha1(template.encode("utf-8")).hexdigest()[:16]
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.cache_dir = self.cache_dir / digest
        self._absent: set[TileId] = set()  # 404s this session (not cached on disk)
        self._absent_lock = threading.Lock()

    @property
    def has_key(self) -> bool:
        return bool(self._key)

    def url_for(self, tile: TileId) -> str:
        """The request URL of ``tile`` (with the key: never show or log it)."""
        return self._fill(tile, urllib.parse.quote(self._key, safe=""))

    def display_url(self, tile: TileId | None = None) -> str:
        """The URL for messages: the key replaced by ***."""
        if tile is None:
            return self.template.replace("{key}", "***")
        return self._fill(tile, "***")

    def _fill(self, tile: TileId, key: str) -> str:
        subs = self.subdomains or "a"
        values = {"z": str(tile.z), "x": str(tile.x), "y": str(tile.y),
                  "-y": str(tile.tms_row), "s": subs[(tile.x + tile.y) % len(subs)],
                  "key": key}
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.template)

    def cache_path(self, tile: TileId) -> Path:
        return self.cache_dir / str(tile.z) / str(tile.x) / f"{tile.y}.tile"

    def cached(self, tile: TileId) -> bytes | None:
        """The tile from the disk cache, or None (never touches the network)."""
        try:
            return self.cache_path(tile).read_bytes()
        except OSError:
            return None

    def known_absent(self, tile: TileId) -> bool:
        """The server answered 404 for this tile earlier in this session."""
        with self._absent_lock:
            return tile in self._absent

    def read_tile(self, tile: TileId) -> bytes | None:
        data = self.cached(tile)
        if data is not None:
            return data
        if self.known_absent(tile):
            return None
        return self.fetch(tile)

    def fetch(self, tile: TileId) -> bytes | None:
        """Ask the server (blocking, ``timeout`` seconds); cache and return the image.

        None when the server has no such tile (HTTP 404/204); ``TileFetchError`` for
        anything else that is not an image.
        """
        shown = self.display_url(tile)
        req = urllib.request.Request(self.url_for(tile), headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                status = getattr(resp, "status", 200)
                data = resp.read(self.MAX_TILE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                with self._absent_lock:
                    self._absent.add(tile)
                return None
            hint = " (check the key)" if exc.code in (401, 403) and self.has_key else ""
            raise TileFetchError(f"{shown}: the tile server answered HTTP {exc.code} "
                                 f"{exc.reason}{hint}.") from exc
        except TimeoutError as exc:
            raise TileFetchError(f"{shown}: the tile server did not answer within "
                                 f"{self.timeout:g} s.") from exc
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError | socket.timeout):
                raise TileFetchError(f"{shown}: the tile server did not answer within "
                                     f"{self.timeout:g} s.") from exc
            raise TileFetchError(f"{shown}: the tile server cannot be reached ({reason}).") \
                from exc
        except OSError as exc:  # connection reset mid-body and the like
            raise TileFetchError(f"{shown}: the tile transfer failed ({exc}).") from exc
        if status == 204 or not data:
            with self._absent_lock:
                self._absent.add(tile)
            return None
        if len(data) > self.MAX_TILE_BYTES:
            raise TileFetchError(f"{shown}: the answer is larger than "
                                 f"{self.MAX_TILE_BYTES // (1024 * 1024)} MB; not a tile.")
        fmt = sniff_format(data)
        if fmt not in RASTER_FORMATS:
            start = data[:60].decode("utf-8", "replace").strip()
            raise TileFetchError(f"{shown}: the server's answer is not a PNG, JPEG or WebP "
                                 f"image (it starts with {start!r}).")
        self._store(tile, data)
        return data

    def _store(self, tile: TileId, data: bytes) -> None:
        path = self.cache_path(tile)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename: a reader never sees half a tile.
            tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.part")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError:
            # A full or read-only cache must not stop the map: the tile is still drawn.
            pass


# --- background fetching -------------------------------------------------------------

TileCallback = Callable[[TileId, "bytes | None", "str | None"], None]


class TileLoader:
    """Reads tiles of a source on worker threads; ``request`` never blocks.

    ``on_result(tile, data, error)`` is called **on a worker thread** with the image bytes
    (None: no such tile) or an error message; a GUI must hand it to its own thread. A
    failed tile is not asked again for ``retry_after`` seconds. ``last_error`` holds the
    latest failure until a tile arrives again (the source's "failing" state).
    """

    def __init__(self, source: TileSource, on_result: TileCallback, *, workers: int = 4,
                 retry_after: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.source = source
        self._on_result = on_result
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tiles")
        self._pending: dict[TileId, Future[None]] = {}
        self._failed_at: dict[TileId, float] = {}
        self._lock = threading.Lock()
        self._retry_after = retry_after
        self._clock = clock
        self._closed = False
        self.last_error: str | None = None

    @property
    def failing(self) -> bool:
        return self.last_error is not None

    def pending(self) -> set[TileId]:
        with self._lock:
            return set(self._pending)

    def request(self, tile: TileId) -> bool:
        """Queue ``tile`` unless it is queued, recently failed or the loader is closed."""
        with self._lock:
            if self._closed or tile in self._pending:
                return False
            failed = self._failed_at.get(tile)
            if failed is not None and self._clock() - failed < self._retry_after:
                return False
            self._pending[tile] = self._pool.submit(self._run, tile)
            return True

    def retain(self, wanted: Iterable[TileId]) -> None:
        """Drop queued (not yet started) requests for tiles no longer in view."""
        keep = set(wanted)
        with self._lock:
            for tile, fut in list(self._pending.items()):
                if tile not in keep and fut.cancel():
                    del self._pending[tile]

    def _run(self, tile: TileId) -> None:
        data: bytes | None = None
        error: str | None = None
        try:
            data = self.source.read_tile(tile)
        except TileSourceError as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - a bug must not kill the worker silently
            error = f"{self.source.location}: tile {tile} failed ({exc!r})."
        with self._lock:
            self._pending.pop(tile, None)
            if error is None:
                self._failed_at.pop(tile, None)
                self.last_error = None
            else:
                self._failed_at[tile] = self._clock()
                self.last_error = error
            if self._closed:
                return
        self._on_result(tile, data, error)

    def shutdown(self, wait: bool = False) -> None:
        """Stop: queued tiles are dropped, no callback runs after this returns (unless
        one was already running)."""
        with self._lock:
            self._closed = True
            self._pending.clear()
        self._pool.shutdown(wait=wait, cancel_futures=True)


def open_tile_file(path: str | os.PathLike[str], *, gcj02: bool | None = None) -> TileSource:
    """Open an ``.mbtiles`` or ``.pmtiles`` file, chosen by its first bytes."""
    p = Path(path)
    try:
        with open(p, "rb") as f:
            head = f.read(16)
    except FileNotFoundError as exc:
        raise TileSourceError(f"{p}: no such file.") from exc
    except OSError as exc:
        raise TileSourceError(f"{p}: cannot be read ({exc.strerror}).") from exc
    if head.startswith(b"PMTiles"):
        return PMTilesSource(p, gcj02=gcj02)
    if head.startswith(b"SQLite format 3\x00"):
        return MBTilesSource(p, gcj02=gcj02)
    if not head:
        raise TileSourceError(f"{p}: the file is empty.")
    raise TileSourceError(f"{p}: neither an MBTiles (SQLite) nor a PMTiles file.")


__all__ = [
    "MAX_LATITUDE", "RASTER_FORMATS", "WEB_MERCATOR", "LonLatBounds", "MBTilesSource",
    "PMTilesSource", "TileFetchError", "TileId", "TileLoader", "TileSource",
    "TileSourceError", "UrlTemplateSource", "default_cache_dir", "ground_resolution",
    "intersects", "lonlat_to_mercator", "lonlat_to_tile", "mercator_to_lonlat",
    "open_tile_file", "sniff_format", "tile_range", "tile_to_lonlat", "tiles_in_bounds",
    "zoom_for_resolution",
]
