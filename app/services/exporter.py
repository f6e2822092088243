"""Export a layer of the store to GeoPackage, GeoJSON, Shapefile, CSV or XLSX.

The format follows the file name (:data:`FORMATS`); fields are written under the standard
names of :data:`app.gis.fieldmap.EXPORT_NAMES` (for parts the abbreviations of GB/T
47678.5-2026 表2: GLBJBSM, GLBJMC, ZGBMDM, ZGBMMC, …, SZJDDM, SZSQDM), in that order, so a
file written here imports back unchanged. Files are written by pyogrio (GDAL) only.

Formats
-------
* **GeoPackage** – one table named like the layer, with a spatial index; dates as dates,
  times as date-times.
* **GeoJSON** – RFC 7946: always WGS-84 longitude/latitude. The store's CGCS2000 coordinates
  are written unchanged (the two agree to centimetres); any other CRS is refused.
* **Shapefile** – DBF in UTF-8 with a ``.cpg`` saying so; field names are the ≤ 10-character
  standard abbreviations; dates are DBF date fields, times (cases) text
  ``YYYY-MM-DD HH:MM:SS`` because a DBF has no date-time type. A text value longer than the
  DBF limit (254 bytes, ~84 Chinese characters) is refused rather than cut.
* **CSV** – UTF-8 with a byte-order mark (so Excel shows the Chinese text), every value as
  text (ISO dates). Points get two coordinate columns, ``lon``/``lat`` for a geographic CRS
  (GCJ-02 included) or ``x``/``y`` for a projected one; polygons a ``WKT`` column.
* **XLSX** – like CSV but with typed cells (numbers, dates), written by GDAL's XLSX driver
  (no openpyxl needed). Excel's limits apply: 1,048,575 rows, 32,767 characters a cell.

Coordinates are written in ``crs`` (any CRS :func:`app.gis.crs_detect.resolve_crs` accepts:
EPSG codes, the Gauss-Krüger zones, Beijing 1954 / Xian 1980, GCJ-02). GCJ-02 is not a CRS
of the EPSG register, so a GCJ-02 file declares no CRS (no ``.prj``; GeoPackage "undefined
geographic"): importing it back needs ``--crs GCJ-02``. Times are written to the second.

Large layers stream: the store is read in chunks of :data:`CHUNK` rows (SQLAlchemy Core,
server-side cursor on PostgreSQL) and handed to GDAL as an Arrow stream when pyarrow is
installed (one pass, spatial index built once at the end), else appended chunk by chunk.
The file is written under a temporary name next to the target and renamed into place when
complete, so a failed or cancelled export leaves no partial file (and an older file of that
name untouched).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS
from sqlalchemy import Engine, LargeBinary, String, cast, func, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement

from app.domain.errors import DomainError
from app.gis.crs_detect import (
    GCJ02,
    CRSChoice,
    crs_label,
    from_lonlat,
    is_geographic,
    resolve_crs,
    transform_geometries,
)
from app.gis.fieldmap import EXPORT_NAMES, GEOMETRY, LAYERS
from app.store.orm import (
    CaseRow,
    CatalogueRow,
    CommunityRow,
    DepartmentRow,
    GridRow,
    PartRow,
    StreetRow,
)
from app.store.store import Store

FORMATS: dict[str, str] = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON",
                           ".shp": "ESRI Shapefile", ".csv": "CSV", ".xlsx": "XLSX"}
FORMAT_NAMES: dict[str, str] = {"GPKG": "GeoPackage", "GeoJSON": "GeoJSON",
                                "ESRI Shapefile": "Shapefile", "CSV": "CSV", "XLSX": "Excel XLSX"}
CHUNK = 100_000  # rows read and written at a time: ~100 MB of Python objects for parts
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet has 1,048,576 rows, one is the header
XLSX_MAX_CELL = 32_767  # characters in one Excel cell
DBF_MAX_BYTES = 254  # bytes in one DBF text field
_WGS84_LIKE = (4490, 4326)  # CGCS2000 and WGS-84 lon/lat: the same within centimetres

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]


class ExportError(DomainError):
    """The layer cannot be written to that file; the message says why and what to do."""


class ExportCancelled(ExportError):
    """The user stopped the export; no file was written."""


# --- what is read ------------------------------------------------------------------------

# Value kinds of the canonical keys that are not text.
_KINDS: dict[str, str] = {
    "area_km2": "float", "area_m2": "float", "households": "int", "residents": "int",
    "initial_date": "date", "change_date": "date",
    "reported_at": "datetime", "deadline": "datetime", "closed_at": "datetime",
}


@dataclass(frozen=True)
class _Source:
    """Where a layer's fields come from: table columns by canonical key (the rest of
    ``EXPORT_NAMES`` is derived per chunk from lookups), the order, and the geometry."""

    columns: dict[str, Any]
    order: Any
    geometry: tuple[Any, ...]  # (geom,) WKB lon/lat, or (lon, lat)


_SOURCES: dict[str, _Source] = {
    "streets": _Source(
        {"code": StreetRow.code, "name": StreetRow.name, "kind": StreetRow.kind,
         "area_km2": StreetRow.area_km2}, StreetRow.code, (StreetRow.geom,)),
    "communities": _Source(
        {"code": CommunityRow.code, "name": CommunityRow.name,
         "street_code": CommunityRow.street_code, "households": CommunityRow.households,
         "residents": CommunityRow.residents}, CommunityRow.code, (CommunityRow.geom,)),
    "grids": _Source(
        {"grid_id": GridRow.grid_id, "community_code": GridRow.community_code,
         "street_code": GridRow.street_code, "name": GridRow.name, "area_m2": GridRow.area_m2,
         "region_class": GridRow.region_class, "households": GridRow.households,
         "residents": GridRow.residents, "initial_date": GridRow.initial_date,
         "note": GridRow.note}, GridRow.grid_id, (GridRow.geom,)),
    "parts": _Source(
        {"part_id": PartRow.part_id, "type_code": PartRow.type_code, "name": PartRow.name,
         "dept_code": PartRow.dept_code, "owner_code": PartRow.owner_code,
         "maintainer_code": PartRow.maintainer_code, "grid_id": PartRow.grid_id,
         "status": PartRow.status, "initial_date": PartRow.initial_date,
         "change_date": PartRow.change_date, "data_source": PartRow.data_source,
         "note": PartRow.note}, PartRow.id, (PartRow.lon, PartRow.lat)),
    "cases": _Source(
        {"number": CaseRow.number, "kind": CaseRow.kind, "type_code": CaseRow.type_code,
         "grid_id": CaseRow.grid_id, "source": CaseRow.source,
         "reported_at": CaseRow.reported_at, "description": CaseRow.description,
         "state": CaseRow.state, "urgency": CaseRow.urgency, "level": CaseRow.level,
         "address": CaseRow.address, "part_id": CaseRow.part_id, "dept_code": CaseRow.dept_code,
         "deadline": CaseRow.deadline, "closed_at": CaseRow.closed_at,
         "external_id": CaseRow.external_id}, CaseRow.id, (CaseRow.lon, CaseRow.lat)),
}
_TABLES = {"streets": StreetRow, "communities": CommunityRow, "grids": GridRow,
           "parts": PartRow, "cases": CaseRow}


@dataclass
class _Lookups:
    """Names the part layer writes beside its codes (ZGBMMC, SZJDMC, …)."""

    type_names: dict[str, str]
    dept_names: dict[str, str]
    grid_parents: dict[str, tuple[str, str]]  # grid id → (community code, street code)
    street_names: dict[str, str]
    community_names: dict[str, str]

    @classmethod
    def load(cls, engine: Engine) -> _Lookups:
        with engine.connect() as c:
            types = dict(c.execute(select(CatalogueRow.code, CatalogueRow.name)
                                   .where(CatalogueRow.kind == "part")).all())
            depts = dict(c.execute(select(DepartmentRow.code, DepartmentRow.name)).all())
            parents = {g: (cm, st) for g, cm, st in c.execute(
                select(GridRow.grid_id, GridRow.community_code, GridRow.street_code))}
            streets = dict(c.execute(select(StreetRow.code, StreetRow.name)).all())
            comms = dict(c.execute(select(CommunityRow.code, CommunityRow.name)).all())
        return cls(types, depts, parents, streets, comms)  # type: ignore[arg-type]


def _lookup(values: np.ndarray, table: dict[str, str]) -> np.ndarray:
    """``table[v]`` for every value (None where missing), as an object array."""
    get = table.get
    return np.array([get(v) if v is not None else None for v in values], dtype=object)


def _derive_parts(cols: dict[str, np.ndarray], lk: _Lookups) -> None:
    """Fill in the 表2 names of a chunk of parts: the catalogue name where the part has
    none of its own (the store keeps NULL then), department, street and community."""
    names = cols["name"]
    missing = np.flatnonzero(np.equal(names, None))
    if len(missing):
        names[missing] = _lookup(cols["type_code"][missing], lk.type_names)
    cols["dept_name"] = _lookup(cols["dept_code"], lk.dept_names)
    cols["owner_name"] = _lookup(cols["owner_code"], lk.dept_names)
    cols["maintainer_name"] = _lookup(cols["maintainer_code"], lk.dept_names)
    grids = cols["grid_id"]
    parents = lk.grid_parents
    # A grid missing from the grid table still names its community and street: its id
    # starts with their codes (GB/T 30428.1: 9-digit street + 3-digit community + 3).
    pairs = [parents.get(g) or (g[:12], g[:9]) for g in grids]
    cols["community_code"] = np.array([p[0] for p in pairs], dtype=object)
    cols["street_code"] = np.array([p[1] for p in pairs], dtype=object)
    cols["community_name"] = _lookup(cols["community_code"], lk.community_names)
    cols["street_name"] = _lookup(cols["street_code"], lk.street_names)


# --- public API ----------------------------------------------------------------------------


def format_of(path: str | Path) -> str:
    """The GDAL driver for ``path`` by its extension; ExportError listing the choices."""
    p = Path(path)
    driver = FORMATS.get(p.suffix.lower())
    if driver is None:
        choices = ", ".join(f"{FORMAT_NAMES[d]} ({ext})" for ext, d in FORMATS.items())
        raise ExportError(f"Cannot export to {p.name}: the extension “{p.suffix or '(none)'}” "
                          f"is not a format CityGrid writes. Choose {choices}.")
    return driver


def layer_count(store: Store, layer: str) -> int:
    """Number of features an export of ``layer`` writes."""
    _check_layer(layer)
    with store.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(_TABLES[layer])).scalar_one())


def coordinate_columns(layer: str, crs: str | CRSChoice) -> tuple[str, ...]:
    """Geometry columns of a CSV/XLSX export: ``("lon", "lat")``, ``("x", "y")`` or
    ``("WKT",)``."""
    if GEOMETRY[layer] != "point":
        return ("WKT",)
    choice = crs if not isinstance(crs, str) else resolve_crs(crs)
    return ("lon", "lat") if is_geographic(choice) else ("x", "y")


def check_target(path: str | Path, crs: str | CRSChoice = "EPSG:4490") -> str:
    """Check that ``path`` names a format CityGrid writes and that the format can hold
    ``crs``; return the format's name (“GeoPackage”, …). Raises ExportError (or DomainError
    for an unknown CRS) with the reason, for a dialog to show before anything runs."""
    target = Path(path)
    driver = format_of(target)
    _check_crs(driver, crs if not isinstance(crs, str) else resolve_crs(crs), target)
    return FORMAT_NAMES[driver]


def export_layer(store: Store, layer: str, path: str | Path, *, crs: str = "EPSG:4490",
                 progress: Progress | None = None, cancel: Cancel | None = None) -> int:
    """Write every feature of ``layer`` to ``path``; return the number written.

    Parameters
    ----------
    store : the store to read.
    layer : one of ``streets``, ``communities``, ``grids``, ``parts``, ``cases``.
    path : the file to write; its extension picks the format (:data:`FORMATS`). An existing
        file is replaced, but only once the new one is complete.
    crs : coordinate system of the file (default CGCS2000 lon/lat, EPSG:4490).
    progress : ``progress(fraction, label)`` after every chunk.
    cancel : polled between chunks; True stops the export (:class:`ExportCancelled`) and
        nothing is written.

    Raises
    ------
    ExportError
        the format cannot hold this layer in this CRS (GeoJSON other than WGS-84, Excel's row
        limit, a text too long for a DBF…), or the file cannot be written.
    """
    _check_layer(layer)
    target = Path(path)
    driver = format_of(target)
    choice = resolve_crs(crs)
    _check_crs(driver, choice, target)
    if not target.parent.is_dir():
        raise ExportError(f"Cannot export to {target}: the folder {target.parent} does not "
                          "exist.")
    if target.is_dir():
        raise ExportError(f"Cannot export to {target}: that is a folder; give a file name.")
    total = layer_count(store, layer)
    if driver == "XLSX" and total > XLSX_MAX_ROWS:
        raise ExportError(
            f"Cannot export {total:,} {layer} to {target.name}: an Excel sheet holds at most "
            f"{XLSX_MAX_ROWS:,} rows. Export to GeoPackage (.gpkg) or CSV (.csv) instead.")
    job = _Job(store, layer, target, driver, choice, total, progress, cancel)
    return job.run()


def _check_layer(layer: str) -> None:
    if layer not in LAYERS:
        raise ExportError(f"Unknown layer “{layer}”: choose one of {', '.join(LAYERS)}.")


def _check_crs(driver: str, choice: CRSChoice, target: Path) -> None:
    if driver != "GeoJSON":
        return
    ok = isinstance(choice, CRS) and choice.is_geographic and (
        choice.to_epsg() in _WGS84_LIKE or choice.equals(CRS("OGC:CRS84"),
                                                         ignore_axis_order=True))
    if not ok:
        raise ExportError(
            f"Cannot write {target.name} in {crs_label(choice)}: GeoJSON is always WGS-84 "
            "longitude/latitude (RFC 7946). Export GeoJSON in EPSG:4490 or EPSG:4326 (the "
            "same coordinates), or choose GeoPackage, Shapefile or CSV for another CRS.")


def _crs_text(choice: CRSChoice) -> str | None:
    """What the file declares: an EPSG code, a WKT, or nothing for GCJ-02 (not in EPSG)."""
    if choice is GCJ02:
        return None
    assert isinstance(choice, CRS)
    code = choice.to_epsg()
    return f"EPSG:{code}" if code else choice.to_wkt("WKT1_GDAL")


def _has_arrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


# --- the export job --------------------------------------------------------------------------


class _Job:
    def __init__(self, store: Store, layer: str, target: Path, driver: str,
                 choice: CRSChoice, total: int, progress: Progress | None,
                 cancel: Cancel | None) -> None:
        self.store = store
        self.layer = layer
        self.target = target
        self.driver = driver
        self.choice = choice
        self.total = total
        self.progress = progress
        self.cancel = cancel
        self.points = GEOMETRY[layer] == "point"
        self.table = driver in ("CSV", "XLSX")
        self.names = dict(EXPORT_NAMES[layer])  # canonical key → field name, in order
        self.geometry_type = "Point" if self.points else self._polygon_type()
        self.written = 0

    # -- reading ----------------------------------------------------------------------------
    def _polygon_type(self) -> str:
        geom = _SOURCES[self.layer].geometry[0]
        # A store of Polygons writes Polygon; one MultiPolygon makes the layer MultiPolygon
        # (Shapefile and GeoPackage want one type per layer).
        with self.store.engine.connect() as c:
            result = c.execution_options(yield_per=2000).execute(select(geom))
            for rows in result.partitions():
                wkb = np.array([r[0] for r in rows], dtype=object)
                if (shapely.get_type_id(shapely.from_wkb(wkb)) == 6).any():
                    return "MultiPolygon"
        return "Polygon"

    def _chunks(self) -> Iterator[tuple[dict[str, np.ndarray], np.ndarray, np.ndarray | None]]:
        """(columns by canonical key, geometry or lon, lat or None) per chunk of rows."""
        src = _SOURCES[self.layer]
        keys = list(src.columns)
        # Dates and times come as text from SQLite (numpy parses them faster than
        # SQLAlchemy); PostgreSQL's driver hands out date objects, which numpy takes too.
        exprs: list[ColumnElement[Any]] = [
            (type_coerce(col, String) if _KINDS.get(k) in ("date", "datetime") else col)
            .label(k) for k, col in src.columns.items()]
        q = select(*exprs, *src.geometry).order_by(src.order)
        lookups = _Lookups.load(self.store.engine) if self.layer == "parts" else None
        with self.store.engine.connect() as c:
            result = c.execution_options(stream_results=True, yield_per=CHUNK).execute(q)
            for rows in result.partitions():
                data = list(zip(*rows, strict=True))
                cols = {k: _array(data[i], _KINDS.get(k, "str")) for i, k in enumerate(keys)}
                if lookups is not None:
                    _derive_parts(cols, lookups)
                n = len(keys)
                if self.points:
                    yield (cols, np.asarray(data[n], dtype=np.float64),
                           np.asarray(data[n + 1], dtype=np.float64))
                else:
                    yield cols, shapely.from_wkb(np.array(data[n], dtype=object)), None

    # -- one chunk in the file's terms -----------------------------------------------------------
    def _fields(self, cols: dict[str, np.ndarray], first: np.ndarray,
                second: np.ndarray | None) -> tuple[list[str], list[np.ndarray], np.ndarray | None]:
        """Field names, values (per the format's types) and WKB geometry of one chunk."""
        fields: list[str] = []
        values: list[np.ndarray] = []
        for key, name in self.names.items():
            fields.append(name)
            values.append(self._convert(key, name, cols[key], cols))
        if self.points:
            assert second is not None
            x, y = (first, second) if self._lonlat_unchanged() else from_lonlat(
                first, second, self.choice)
        if self.table:
            if self.points:
                fields += list(coordinate_columns(self.layer, self.choice))
                values += [x, y] if self.driver == "XLSX" else [_text(x), _text(y)]
            else:
                wkt = self._wkt(first)
                self._check_text("WKT", wkt, cols)
                fields.append("WKT")
                values.append(wkt)
            return fields, values, None
        if self.points:
            geoms = shapely.points(x, y)
        else:
            geoms = first if self._lonlat_unchanged() else transform_geometries(
                first, self.choice, to_lonlat=False)
            if self.geometry_type == "MultiPolygon":
                single = shapely.get_type_id(geoms) == 3
                geoms = geoms.copy()
                geoms[single] = shapely.multipolygons(geoms[single][:, None])
        return fields, values, shapely.to_wkb(geoms)

    def _lonlat_unchanged(self) -> bool:
        """The store's CGCS2000 lon/lat are written as they are (CGCS2000 and WGS-84 agree
        within centimetres; PROJ itself treats the conversion as a no-op)."""
        return isinstance(self.choice, CRS) and self.choice.is_geographic and (
            self.choice.to_epsg() in _WGS84_LIKE)

    def _wkt(self, geoms: np.ndarray) -> np.ndarray:
        if not self._lonlat_unchanged():
            geoms = transform_geometries(geoms, self.choice, to_lonlat=False)
        # 9 decimals of a degree or 4 of a metre: 0.1 mm, far below survey accuracy.
        digits = 9 if is_geographic(self.choice) else 4
        return np.asarray(shapely.to_wkt(geoms, rounding_precision=digits, trim=True),
                          dtype=object)

    def _convert(self, key: str, name: str, values: np.ndarray,
                 cols: dict[str, np.ndarray]) -> np.ndarray:
        kind = _KINDS.get(key, "str")
        if self.driver == "CSV":
            # Every CSV value is text: ISO dates, full-precision numbers.
            if kind == "date":
                return _iso(values, "D")
            if kind == "datetime":
                return _iso(values, "s")
            if kind in ("int", "float"):
                return _text(values)
        elif self.driver == "ESRI Shapefile" and kind == "datetime":
            values = _iso(values, "s")  # a DBF has dates but no date-times
        if values.dtype == object and self.driver in ("ESRI Shapefile", "XLSX"):
            self._check_text(name, values, cols)
        return values

    def _check_text(self, name: str, values: np.ndarray, cols: dict[str, np.ndarray]) -> None:
        """Refuse text the format would cut: DBF fields hold 254 bytes, Excel cells 32,767
        characters. Names the first feature and the field."""
        if self.driver == "ESRI Shapefile":
            # At most 4 bytes a character: shorter texts need no encoding to check.
            too_long = [i for i, v in enumerate(values)
                        if v is not None and len(v) > DBF_MAX_BYTES // 4
                        and len(v.encode("utf-8")) > DBF_MAX_BYTES]
        elif self.driver == "XLSX":
            too_long = [i for i, v in enumerate(values)
                        if v is not None and len(v) > XLSX_MAX_CELL]
        else:
            return
        if too_long:
            i = too_long[0]
            raise self._too_long(cols[next(iter(self.names))][i], name, len(values[i]),
                                 len(too_long) - 1)

    # -- writing ------------------------------------------------------------------------------
    def _options(self) -> tuple[dict[str, str], dict[str, str]]:
        """(layer creation options, dataset creation options) of the format."""
        if self.driver == "GPKG":
            label = crs_label(self.choice)
            return {"DESCRIPTION": f"CityGrid {self.layer}, coordinates {label}"}, {}
        if self.driver == "GeoJSON":
            # RFC 7946 output; 8 decimals of a degree ≈ 1 mm.
            return {"RFC7946": "YES", "COORDINATE_PRECISION": "8"}, {}
        if self.driver == "ESRI Shapefile":
            # Text field widths come with the Arrow schema (see _dbf_widths); GDAL's RESIZE
            # would rewrite the DBF once per field at the end (minutes for 1.4 M parts).
            return {"ENCODING": "UTF-8"}, {}
        if self.driver == "CSV":
            return {"WRITE_BOM": "YES", "STRING_QUOTING": "IF_NEEDED"}, {}
        return {}, {}

    def run(self) -> int:
        self._tick(0.0)
        with _staging(self.target) as tmp:
            if _has_arrow():
                self._write_arrow(tmp)
            else:
                self._write_chunks(tmp)
            self._stop_if_cancelled()
        self._report(1.0, f"{self.layer}: {self.written:,} written to {self.target.name}")
        return self.written

    def _batches(self) -> Iterator[tuple[list[str], list[np.ndarray], np.ndarray | None]]:
        for cols, first, second in self._chunks():
            self._stop_if_cancelled()
            fields, values, wkb = self._fields(cols, first, second)
            self.written += len(first)
            yield fields, values, wkb
            self._tick(self.written / max(self.total, 1))

    def _layer_kwargs(self) -> dict[str, Any]:
        kw: dict[str, Any] = {"driver": self.driver}
        if self.driver in ("GPKG", "XLSX"):
            kw["layer"] = self.layer  # the table / sheet name
        if not self.table:
            kw["geometry_type"] = self.geometry_type
            kw["crs"] = _crs_text(self.choice)
        return kw

    def _write_arrow(self, tmp: Path) -> None:
        import pyarrow as pa
        from pyogrio.raw import write_arrow

        failure: list[BaseException] = []
        widths = self._dbf_widths() if self.driver == "ESRI Shapefile" else {}
        schema: list[pa.Schema] = []

        def batch(fields: list[str], values: list[np.ndarray],
                  wkb: np.ndarray | None) -> pa.RecordBatch:
            arrays = [_arrow(v) for v in values]
            names = list(fields)
            if wkb is not None:
                arrays.append(pa.array(wkb, type=pa.binary()))
                names.append("geometry")
            if not schema:
                schema.append(pa.schema([
                    pa.field(n, a.type, metadata={"GDAL:OGR:width": str(widths[n])}
                             if n in widths else None) for n, a in zip(names, arrays, strict=True)]))
            return pa.RecordBatch.from_arrays(arrays, schema=schema[0])

        def batches() -> Iterator[pa.RecordBatch]:
            try:
                for fields, values, wkb in self._batches():
                    yield batch(fields, values, wkb)
            except BaseException as exc:
                failure.append(exc)  # GDAL only reports "error while accessing batch"
                raise

        stream = batches()
        first = next(stream, None)  # raises what stopped the first chunk (cancel, …)
        if first is None:
            first = batch(*self._empty_fields())
        reader = pa.RecordBatchReader.from_batches(first.schema, _chain(first, stream))
        lco, dsco = self._options()
        kw = self._layer_kwargs()
        if not self.table:
            kw["geometry_name"] = "geometry"
        try:
            with _no_crs_warning():
                write_arrow(reader, str(tmp), layer_options=lco, dataset_options=dsco, **kw)
        except Exception as exc:  # noqa: BLE001 - the cause is ours or the disk's: say which
            if failure:
                raise failure[0] from None
            raise self._write_error(exc) from None

    def _dbf_widths(self) -> dict[str, int]:
        """Width in bytes of every text field of a Shapefile: the longest value's UTF-8
        length (one scan in the database), so the DBF is no wider than the data. A stored
        text beyond the DBF limit is refused here, before anything is written."""
        src = _SOURCES[self.layer]
        keys = [k for k in src.columns if _KINDS.get(k, "str") == "str"]
        sqlite = self.store.engine.dialect.name == "sqlite"

        def nbytes(col: Any) -> Any:
            return func.length(cast(col, LargeBinary)) if sqlite else func.octet_length(col)

        with self.store.engine.connect() as c:
            row = c.execute(select(*[func.max(nbytes(src.columns[k])) for k in keys])).one()
            sizes = {k: int(v or 0) for k, v in zip(keys, row, strict=True)}
            for k, size in sizes.items():
                if size > DBF_MAX_BYTES:
                    first_key = next(iter(src.columns))
                    fid, text = c.execute(
                        select(src.columns[first_key], src.columns[k])
                        .where(nbytes(src.columns[k]) > DBF_MAX_BYTES)
                        .order_by(src.order).limit(1)).one()
                    raise self._too_long(fid, self.names[k], len(text))
        sizes.update({k: 19 for k in src.columns if _KINDS.get(k) == "datetime"})
        if self.layer == "parts":
            lk = _Lookups.load(self.store.engine)

            def longest(values: Any) -> int:
                return max((len(v.encode("utf-8")) for v in values if v), default=0)

            sizes["name"] = max(sizes["name"], longest(lk.type_names.values()))
            depts = longest(lk.dept_names.values())
            sizes.update(dept_name=depts, owner_name=depts, maintainer_name=depts,
                         street_name=longest(lk.street_names.values()),
                         community_name=longest(lk.community_names.values()),
                         street_code=9, community_code=12)
        # Wider values in derived names are caught per chunk (_check_text).
        return {self.names[k]: max(1, min(w, DBF_MAX_BYTES)) for k, w in sizes.items()
                if k in self.names}

    def _too_long(self, fid: object, name: str, chars: int, more: int = 0) -> ExportError:
        if self.driver == "XLSX":
            limit = f"an Excel cell holds at most {XLSX_MAX_CELL:,} characters"
        else:
            limit = (f"a Shapefile text field holds at most {DBF_MAX_BYTES} bytes "
                     f"(~{DBF_MAX_BYTES // 3} Chinese characters)")
        extra = f" (and {more} more in this part of the layer)" if more else ""
        return ExportError(
            f"Cannot write {self.layer} {fid} to {self.target.name}: its {name} has "
            f"{chars:,} characters and {limit}{extra}. Export to GeoPackage (.gpkg) or CSV "
            "(.csv) instead, which keep the whole text.")

    def _empty_fields(self) -> tuple[list[str], list[np.ndarray], np.ndarray | None]:
        """The layer's fields with no rows (an empty layer still makes a file)."""
        empty = {k: _array((), _KINDS.get(k, "str")) for k in self.names}
        if self.points:
            return self._fields(empty, np.array([], dtype=np.float64),
                                np.array([], dtype=np.float64))
        return self._fields(empty, np.array([], dtype=object), None)

    def _write_chunks(self, tmp: Path) -> None:
        """Without pyarrow: one pyogrio write per chunk, appending after the first."""
        from pyogrio.raw import write

        lco, dsco = self._options()
        kw = self._layer_kwargs()
        if self.driver == "CSV":
            lco.pop("STRING_QUOTING")  # appends use GDAL's default; keep the file uniform
        first = True
        for fields, values, wkb in self._batches():
            masks = [np.equal(v, None) if v.dtype == object else None for v in values]
            try:
                with _no_crs_warning():
                    write(str(tmp), wkb, values, fields, field_mask=masks, append=not first,
                          layer_options=lco if first else None,
                          dataset_options=dsco if first else None, **kw)
            except Exception as exc:  # noqa: BLE001
                raise self._write_error(exc) from None
            first = False
        if first:  # nothing to write: still create the (empty) file
            fields, values, wkb = self._empty_fields()
            with _no_crs_warning():
                write(str(tmp), wkb, values, fields, layer_options=lco, dataset_options=dsco,
                      **kw)

    def _write_error(self, exc: Exception) -> ExportError:
        return ExportError(f"Could not write {self.target}: {str(exc)[:300]} (is the disk "
                           "full, or the file open in another program?)")

    # -- progress and cancel ---------------------------------------------------------------------
    def _stop_if_cancelled(self) -> None:
        if self.cancel is not None and self.cancel():
            raise ExportCancelled(f"Export of {self.layer} to {self.target.name} cancelled: "
                                  "no file was written.")

    def _tick(self, fraction: float) -> None:
        # The last percent is the format's own finishing (spatial index, file rename).
        self._report(min(fraction, 1.0) * 0.97,
                     f"{self.layer}: {self.written:,} / {self.total:,}")

    def _report(self, fraction: float, label: str) -> None:
        if self.progress is not None:
            self.progress(fraction, label)


@contextmanager
def _no_crs_warning() -> Iterator[None]:
    """GCJ-02 files declare no CRS on purpose (it is not in EPSG): pyogrio need not warn."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'crs' was not provided")
        yield


def _chain(first: Any, rest: Iterator[Any]) -> Iterator[Any]:
    yield first
    yield from rest


# --- value conversions -------------------------------------------------------------------------


def _array(values: tuple[Any, ...] | list[Any], kind: str) -> np.ndarray:
    if kind == "date":
        return np.array(values, dtype="datetime64[D]")
    if kind == "datetime":
        # Text from SQLite carries microseconds; the file gets whole seconds.
        return np.array(values, dtype="datetime64[us]").astype("datetime64[s]")
    if kind == "int":
        return np.array(values, dtype=np.int64)
    if kind == "float":
        return np.array(values, dtype=np.float64)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _iso(values: np.ndarray, unit: str) -> np.ndarray:
    """ISO text of dates (``YYYY-MM-DD``) or times (``YYYY-MM-DD HH:MM:SS``); None for NaT."""
    text = np.datetime_as_string(values, unit=unit).astype(object)
    if unit != "D":
        text = np.array([t.replace("T", " ") for t in text], dtype=object)
    text[np.isnat(values)] = None
    return text


def _text(values: np.ndarray) -> np.ndarray:
    """Numbers as text that reads back to the same number (``repr`` of a float)."""
    return np.array([repr(v) for v in values.tolist()], dtype=object)


def _arrow(values: np.ndarray) -> Any:
    import pyarrow as pa

    if values.dtype == object:
        return pa.array(values, type=pa.string(), from_pandas=True)
    return pa.array(values)


# --- staging -----------------------------------------------------------------------------------

_SHAPEFILE_SIDECARS = (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".shp.xml")


@contextmanager
def _staging(target: Path) -> Iterator[Path]:
    """A path to write to in a temporary folder beside ``target``; on success every file
    written there is renamed into place (same file system: each rename is atomic), on
    failure the folder is removed and ``target`` left as it was."""
    try:
        tmpdir = Path(tempfile.mkdtemp(prefix=".citygrid-export-", dir=target.parent))
    except OSError as exc:
        raise ExportError(f"Cannot export to {target}: the folder {target.parent} is not "
                          f"writable ({exc.strerror}).") from None
    try:
        yield tmpdir / target.name
        produced = sorted(tmpdir.iterdir())
        if target.suffix.lower() == ".shp":
            # Files of an older shapefile of that name that this one does not replace (an
            # old .prj would declare a wrong CRS, an old index would not match).
            made = {p.name.lower() for p in produced}
            for ext in _SHAPEFILE_SIDECARS:
                old = target.with_name(target.stem + ext)
                if old.name.lower() not in made and old.exists():
                    old.unlink()
        for f in produced:
            os.replace(f, target.parent / f.name)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
