"""Import streets, communities, unit grids, parts and cases from GIS files, validated first.

Pipeline of :func:`import_file`:

1. **Read** the file with :mod:`app.gis.vector_io` (GeoPackage, GeoJSON, Shapefile, CSV,
   XLSX). A file that cannot be imported at all raises :class:`ImportRefused`: missing,
   empty, truncated or corrupt, unsupported, no geometry, no features, no CRS, wrong
   geometry type for the layer, a required field without a column, or coordinates that are
   wrong as a whole (swapped, metres declared as degrees, …: :func:`crs_detect.check_coordinates`).
2. **Map** the columns to the layer's canonical fields (:mod:`app.gis.fieldmap`; a mapping
   from a file or the dialog overrides the guess).
3. **Validate every feature** before anything is written, collecting a :class:`Rejection`
   (row, id, rule, message) for each broken rule: geometry present, of the right type and
   valid (``repair=True`` repairs invalid polygons with ``shapely.make_valid`` and warns);
   ids well-formed (15-digit grid, 17-digit part; 16-digit legacy part ids are mapped),
   unique in the file and, when appending, new to the store; consistent with the hierarchy
   (district → street → community → grid, all present in the store); type codes in the
   catalogue (legacy 4-digit codes mapped where the catalogue knows them); parts and cases
   inside their declared grid, or their grid derived from the location; grids tiling their
   community: no overlaps and no gaps above ``TILING_TOLERANCE_M2`` /
   ``TILING_TOLERANCE_FRACTION``, each in exactly one community.
4. **Write** in ONE transaction through the drivers' fast paths (``executemany`` on SQLite,
   ``COPY`` on PostgreSQL), with the derived columns the tables need (WKB lon/lat, bounding
   box in EPSG:4548, x/y, cell, major, …). Strict by default: any rejection → nothing is
   written. ``accept_valid=True`` writes the accepted features. ``dry_run`` writes nothing.
   ``cancel()`` returning True stops the import, and nothing is written.

Modes: ``append`` (default) adds new features; ``replace`` (parts and grids only) replaces
the whole layer. Replacing grids is refused while stored parts or cases refer to grids the
file does not have; replacing parts also drops the camera set-ups of parts that are gone.

Importing streets into a store without a district creates the district (code = the
streets' first six digits, outline = their union), so that a real street file can start
an empty store.
"""

from __future__ import annotations

import csv
import json
import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from app.domain.admin import REGION_CLASSES
from app.domain.case import (
    SOURCE_LABELS_ZH,
    STATE_LABELS_ZH,
    CaseKind,
    CaseLevel,
    CaseSource,
    CaseState,
    Urgency,
)
from app.domain.catalogue import Catalogue, load_catalogue
from app.domain.departments import load_type_owners
from app.domain.errors import DomainError
from app.domain.ids import GridId, PartId
from app.domain.part import DataSource, PartStatus
from app.gis import crs as gcrs
from app.gis import crs_detect, fieldmap, vector_io
from app.gis.index import GridIndex
from app.store.bulk import chunks, restore_sqlite_indexes, suspend_sqlite_indexes
from app.store.orm import CELL_SIZE
from app.store.store import Store

Progress = Callable[[float, str], None]
Cancel = Callable[[], bool]

MODES = ("append", "replace")
REPLACEABLE = ("grids", "parts")
# Grids may overlap, and leave their community uncovered, by at most this much: the larger
# of the absolute and the relative figure (of the smaller grid / of the community).
TILING_TOLERANCE_M2 = 1.0
TILING_TOLERANCE_FRACTION = 0.001
MAX_SUMMARY_LINES = 20
_CHUNK = 50_000

# Rule names used in rejections (the ``rule`` column of the CSV report).
RULES: dict[str, str] = {
    "geometry.missing": "the feature has no geometry, or it cannot be read",
    "geometry.type": "the geometry type does not fit the layer",
    "geometry.empty": "the geometry is empty",
    "geometry.invalid": "the polygon is invalid (import with repair to fix it)",
    "location.crs": "the coordinates do not fit the declared CRS",
    "location.outside_district": "the feature lies outside the district",
    "location.outside_street": "the community lies outside its street",
    "location.outside_grid": "the point lies outside the grid it declares",
    "location.no_grid": "the point lies in no grid of the district",
    "id.format": "the id does not follow its standard layout",
    "id.duplicate": "the id appears more than once in the file",
    "id.exists": "the id is already in the store (mode append)",
    "hierarchy.district": "the feature belongs to another district",
    "hierarchy.street": "the street is not in the store or does not match the code",
    "hierarchy.community": "the community is not in the store or does not match the id",
    "hierarchy.grid": "the grid is not in the store or not a valid grid id",
    "type.unknown": "the type code is not in the catalogue",
    "type.mismatch": "the type code column disagrees with the id",
    "tiling.overlap": "the grid overlaps another grid",
    "tiling.gap": "the community is not fully covered by its grids",
    "tiling.community": "the grid does not lie in exactly one community (its own)",
    "value.invalid": "a field value is not allowed",
}


class ImportRefused(DomainError):
    """The whole file is refused; the message names the file and the rule."""


class _Cancelled(Exception):
    pass


@dataclass
class Rejection:
    row: int  # 1-based feature number in the file (CSV/XLSX: data row, header excluded)
    feature_id: str
    rule: str
    message: str


@dataclass
class ImportReport:
    layer: str
    path: str
    crs_label: str
    total: int
    accepted: int
    rejected: list[Rejection]
    warnings: list[str]
    written: bool
    dry_run: bool
    seconds: float
    cancelled: bool = False
    mode: str = "append"
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def rejected_features(self) -> int:
        """Number of features rejected (a feature may break several rules)."""
        return len({r.row for r in self.rejected})

    def to_csv(self, path: str | Path) -> None:
        """The rejections as CSV (UTF-8 with BOM, so Excel shows the Chinese text)."""
        with Path(path).open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["row", "feature_id", "rule", "message"])
            for r in self.rejected:
                w.writerow([r.row, r.feature_id, r.rule, r.message])

    def summary(self) -> str:
        name = Path(self.path).name
        head = (f"Import of {self.layer} from {name} ({self.crs_label}, mode {self.mode}): "
                f"{self.total:,} features, {self.accepted:,} accepted, "
                f"{self.rejected_features:,} rejected")
        if self.cancelled:
            head += ". Cancelled: nothing was written"
        elif self.dry_run:
            head += ". Dry run: nothing was written"
        elif self.written:
            head += f"; {self.accepted:,} written"
        else:
            head += ". Nothing was written"
        lines = [head + f" ({self.seconds:.1f} s)."]
        if self.warnings:
            lines.append("Warnings:")
            lines += [f"  - {w}" for w in self.warnings[:MAX_SUMMARY_LINES]]
            if len(self.warnings) > MAX_SUMMARY_LINES:
                lines.append(f"  … and {len(self.warnings) - MAX_SUMMARY_LINES:,} more")
        if self.rejected:
            by_rule: dict[str, int] = {}
            for r in self.rejected:
                by_rule[r.rule] = by_rule.get(r.rule, 0) + 1
            counts = ", ".join(f"{rule} {k:,}" for rule, k in sorted(by_rule.items()))
            lines.append(f"Rejected ({len(self.rejected):,} problems: {counts}):")
            for r in self.rejected[:MAX_SUMMARY_LINES]:
                fid = f" {r.feature_id}" if r.feature_id else ""
                lines.append(f"  row {r.row}{fid} [{r.rule}]: {r.message}")
            if len(self.rejected) > MAX_SUMMARY_LINES:
                lines.append(f"  … and {len(self.rejected) - MAX_SUMMARY_LINES:,} more "
                             "(write them all to CSV with --rejections FILE)")
        return "\n".join(lines)


# -- public helpers ---------------------------------------------------------------------------


def read_columns(path: str | Path, source_layer: str | None = None) -> list[str]:
    """The attribute columns of a file, for the mapping dialog (ImportRefused if unreadable)."""
    try:
        return vector_io.read_columns(path, source_layer)
    except DomainError as exc:
        raise ImportRefused(str(exc)) from None


def needs_crs(path: str | Path, source_layer: str | None = None) -> bool:
    """True when the file declares no CRS (CSV, XLSX, a shapefile without .prj): the GUI asks
    for one and the command line requires ``--crs``."""
    try:
        return vector_io.probe(path, source_layer).crs is None
    except DomainError as exc:
        raise ImportRefused(str(exc)) from None


def import_file(store: Store, layer: str, path: str | Path, *, crs: str | None = None,
                mapping: dict[str, str | None] | None = None, dry_run: bool = False,
                accept_valid: bool = False, mode: str = "append",
                progress: Progress | None = None, cancel: Cancel | None = None,
                repair: bool = False, source_layer: str | None = None) -> ImportReport:
    """Validate ``path`` as ``layer`` and write what passes (see the module docstring).

    ``crs`` is the CRS of the file's coordinates; it is required when the file declares
    none and overrides the file's own otherwise (with a warning). ``mapping`` maps source
    columns to canonical keys (``fieldmap.CANONICAL``). ``repair`` repairs invalid polygons
    instead of rejecting them. ``source_layer`` picks a layer of a multi-layer file.
    Raises :class:`ImportRefused` when the file as a whole cannot be imported.
    """
    job = _Job(store, layer, Path(path), crs=crs, mapping=mapping, dry_run=dry_run,
               accept_valid=accept_valid, mode=mode, progress=progress, cancel=cancel,
               repair=repair, source_layer=source_layer)
    return job.run()


# -- value parsing ----------------------------------------------------------------------------


def _texts(values: np.ndarray | None, n: int) -> np.ndarray:
    """Column values as stripped text (None for blank/null), whatever the column type."""
    out = np.full(n, None, dtype=object)
    if values is None:
        return out
    kind = values.dtype.kind
    if kind in "iu":
        out[:] = values.astype(str).astype(object)
    elif kind == "f":
        ok = np.isfinite(values)
        integral = ok & (np.floor(values) == values) & (np.abs(values) < 2**53)
        out[integral] = values[integral].astype(np.int64).astype(str).astype(object)
        rest = ok & ~integral
        out[rest] = [repr(float(v)) for v in values[rest]]
    elif kind == "M":
        ok = ~np.isnat(values)
        out[ok] = np.datetime_as_string(values[ok]).astype(object)
    elif kind == "b":
        out[:] = np.where(values, "1", "0").astype(object)
    else:
        out[:] = _map_values(values, _clean)
    return out


def _clean(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        s = v.strip()
        return s or None
    if isinstance(v, float):
        if math.isnan(v):
            return None
        return str(int(v)) if v.is_integer() and abs(v) < 2**53 else repr(v)
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace").strip() or None
    s = str(v).strip()
    return s or None


def _factorize(values: np.ndarray) -> tuple[np.ndarray, list[Any]]:
    """Codes (-1 for None) and the distinct values, for per-value work on big columns."""
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    return codes, list(uniques)


def _map_values(values: np.ndarray, fn: Callable[[Any], Any], dtype: Any = object) -> np.ndarray:
    """``fn`` applied once per distinct value (a missing value gives ``fn(None)``): columns
    of a million features hold few distinct departments, dates or states."""
    codes, uniques = _factorize(values)
    table = np.empty(len(uniques) + 1, dtype=dtype)
    table[:] = [fn(u) for u in uniques] + [fn(None)]
    return table[codes]  # -1 picks the last entry: fn(None)


def _is_none(values: np.ndarray) -> np.ndarray:
    import pandas as pd

    return np.asarray(pd.isna(values), dtype=bool)


def _prefixes(values: np.ndarray, rows: np.ndarray, width: int) -> np.ndarray:
    """First ``width`` characters of ``values[rows]`` (text ids), vectorised."""
    if not len(rows):
        return np.empty(0, dtype=f"U{width}")
    return np.array(values[rows].tolist(), dtype=f"U{width}")


def _digit_matrix(values: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code points (n × width), length, all-ASCII-digits) of text values; None is "".

    A 1.4 M-id column is checked in a fraction of a second this way."""
    text = np.where(_is_none(values), "", values)
    u = np.array(text.tolist(), dtype=f"U{width}")
    cp = u.view(np.uint32).reshape(len(u), width)
    lens = np.fromiter((len(v) for v in text.tolist()), np.int64, len(text))
    filled = cp != 0
    digits = (((cp >= 48) & (cp <= 57)) | ~filled).all(axis=1) & (lens > 0) & (lens <= width)
    return cp, lens, digits


def _slice_text(cp: np.ndarray, rows: np.ndarray, start: int, stop: int) -> np.ndarray:
    """Characters ``start:stop`` of the rows of a code-point matrix, as an object array."""
    sub = np.ascontiguousarray(cp[rows, start:stop])
    return sub.view(f"U{stop - start}").reshape(len(rows)).astype(object)


_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S",
                     "%Y/%m/%d %H:%M", "%Y%m%d%H%M%S", "%Y-%m-%dT%H:%M:%S",
                     "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M")


def _parse_date(v: str | None) -> date | None | str:
    """A date, None for blank, or the text ``"!"`` when it cannot be read."""
    if v is None:
        return None
    s = v.strip()
    if "T" in s:
        s = s.split("T", 1)[0]
    elif " " in s and len(s) > 10:
        s = s.split(" ", 1)[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return "!"


def _parse_datetime(v: str | None) -> datetime | None | str:
    if v is None:
        return None
    s = v.strip()
    try:
        d = datetime.fromisoformat(s)
    except ValueError:
        d = None
        for fmt in _DATETIME_FORMATS:
            try:
                d = datetime.strptime(s, fmt)
                break
            except ValueError:
                continue
        if d is None:
            day = _parse_date(s)
            if isinstance(day, date):
                d = datetime(day.year, day.month, day.day)
    if d is None:
        return "!"
    if d.tzinfo is not None:
        from zoneinfo import ZoneInfo

        d = d.astimezone(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    return d


def _fmt_dt(d: datetime | None) -> str | None:
    """SQLAlchemy's storage format on SQLite; PostgreSQL parses it on input."""
    return None if d is None else d.strftime("%Y-%m-%d %H:%M:%S.%f")


def _int_or_bad(v: str | None) -> int | None | str:
    if v is None:
        return 0
    try:
        f = float(v)
    except ValueError:
        return "!"
    if f < 0 or not f.is_integer():
        return "!"
    return int(f)


def _check_grid_id(v: str) -> None:
    GridId(v)


def _check_part_id(v: str) -> None:
    if len(v) == 16 and v.isdigit():
        PartId.from_legacy(v)
    else:
        PartId(v)


def _district_name(code: str) -> str:
    """The name of a district code CityGrid knows (the demo's Haidian), else the code."""
    from app.gis.demogen import DISTRICT_CODE, DISTRICT_NAME

    return DISTRICT_NAME if code == DISTRICT_CODE else code


def _rows_text(rows: Sequence[int], limit: int = 5) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (", …" if len(rows) > limit else "")


def _fmt_ll(p: shapely.Geometry) -> str:
    return f"{p.x:.5f}°E {p.y:.5f}°N"


# -- the store as the importer sees it -------------------------------------------------------


class _StoreView:
    """Read-only lookups of what is already in the store (lazy, cached)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[str, Any] = {}

    def _rows(self, sql: str) -> list[tuple]:  # type: ignore[type-arg]
        with self.store.engine.connect() as c:
            return [tuple(r) for r in c.exec_driver_sql(sql)]

    def _cached(self, key: str, fn: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]

    def district(self) -> tuple[str, str, shapely.Geometry | None] | None:
        def load() -> tuple[str, str, shapely.Geometry | None] | None:
            rows = self._rows("SELECT code, name, geom FROM district ORDER BY code")
            if not rows:
                return None
            code, name, geom = rows[0]
            return code, name, shapely.from_wkb(geom) if geom else None
        return self._cached("district", load)  # type: ignore[no-any-return]

    def outline_lonlat(self) -> shapely.Geometry | None:
        """The district outline; if the district has none, the union of the streets."""
        def load() -> shapely.Geometry | None:
            d = self.district()
            if d is not None and d[2] is not None:
                return d[2]
            geoms = self.polygons("street")[1]
            return shapely.union_all(geoms) if len(geoms) else None
        return self._cached("outline", load)  # type: ignore[no-any-return]

    def polygons(self, table: str) -> tuple[list[str], np.ndarray]:
        """Codes and lon/lat polygons of ``street``, ``community`` or ``unit_grid``."""
        key = {"street": "code", "community": "code", "unit_grid": "grid_id"}[table]

        def load() -> tuple[list[str], np.ndarray]:
            rows = self._rows(f"SELECT {key}, geom FROM {table} ORDER BY {key}")
            geoms = shapely.from_wkb(np.array([r[1] for r in rows], dtype=object)) \
                if rows else np.empty(0, dtype=object)
            return [r[0] for r in rows], np.asarray(geoms, dtype=object)
        return self._cached(f"poly:{table}", load)  # type: ignore[no-any-return]

    def polygons_m(self, table: str) -> tuple[list[str], np.ndarray]:
        def load() -> tuple[list[str], np.ndarray]:
            codes, geoms = self.polygons(table)
            if not len(geoms):
                return codes, geoms
            return codes, gcrs.project_geometries(geoms, gcrs.GEOGRAPHIC, gcrs.PROJECTED)
        return self._cached(f"polym:{table}", load)  # type: ignore[no-any-return]

    def grid_index(self) -> tuple[list[str], np.ndarray, GridIndex]:
        def load() -> tuple[list[str], np.ndarray, GridIndex]:
            ids, polys = self.polygons_m("unit_grid")
            return ids, polys, GridIndex(polys)
        return self._cached("gridindex", load)  # type: ignore[no-any-return]

    def codes(self, table: str, column: str) -> list[str]:
        return self._cached(f"codes:{table}.{column}", lambda: [
            r[0] for r in self._rows(f"SELECT {column} FROM {table}")])  # type: ignore[no-any-return]

    def count(self, table: str) -> int:
        return int(self._rows(f"SELECT COUNT(*) FROM {table}")[0][0])


# -- the import job ---------------------------------------------------------------------------


@dataclass
class _Rows:
    table: str
    columns: Sequence[str]
    rows: Iterable[Sequence[object]]
    count: int
    label: str


@dataclass
class _Sql:
    sql: str
    pg_sql: str | None = None  # PostgreSQL's form, when it differs


_ID_KEY = {"streets": "code", "communities": "code", "grids": "grid_id", "parts": "part_id",
           "cases": "number"}
_LAYER_ZH = {"streets": "街道", "communities": "社区", "grids": "单元网格", "parts": "部件",
             "cases": "案件"}


class _Job:
    def __init__(self, store: Store, layer: str, path: Path, *, crs: str | None,
                 mapping: dict[str, str | None] | None, dry_run: bool, accept_valid: bool,
                 mode: str, progress: Progress | None, cancel: Cancel | None, repair: bool,
                 source_layer: str | None) -> None:
        self.store = store
        self.layer = layer
        self.path = path
        self.crs_text = crs
        self.overrides = mapping
        self.dry_run = dry_run
        self.accept_valid = accept_valid
        self.mode = mode
        self._progress = progress
        self._cancel = cancel
        self.repair = repair
        self.source_layer = source_layer
        self.view = _StoreView(store)
        self.warnings: list[str] = []
        self.rejections: list[Rejection] = []
        self.timings: dict[str, float] = {}
        self.crs_label = "CRS unknown"
        self.n = 0
        self._cols: dict[str, np.ndarray] = {}

    # -- plumbing ---------------------------------------------------------------------------
    def refuse(self, rule: str) -> ImportRefused:
        return ImportRefused(f"File {self.path}: {rule}")

    def progress(self, f: float, label: str, check: bool = True) -> None:
        """Report progress and, before anything is committed, honour a cancel request."""
        if self._progress:
            self._progress(max(0.0, min(1.0, f)), label)
        if check:
            self.check_cancel()

    def check_cancel(self) -> None:
        if self._cancel is not None and self._cancel():
            raise _Cancelled

    def reject(self, rows: Iterable[int] | np.ndarray, rule: str,
               message: str | Callable[[int], str]) -> None:
        rows = np.asarray(list(rows) if not isinstance(rows, np.ndarray) else rows,
                          dtype=np.int64)
        if not len(rows):
            return
        self.bad[rows] = True
        for i in rows.tolist():
            msg = message(i) if callable(message) else message
            self.rejections.append(Rejection(i + 1, self.fid(i), rule, msg))

    def fid(self, i: int) -> str:
        v = self.raw_ids[i]
        return "" if v is None else str(v)

    def col(self, key: str) -> np.ndarray | None:
        """Text of the column mapped to ``key`` (None when the file has none)."""
        src = self.key_to_col.get(key)
        if src is None:
            return None
        if key not in self._cols:
            self._cols[key] = _texts(self.data.columns[src], self.n)
        return self._cols[key]

    def colname(self, key: str) -> str:
        return self.key_to_col.get(key, key)

    # -- main -------------------------------------------------------------------------------
    def run(self) -> ImportReport:
        t0 = time.perf_counter()
        if self.layer not in fieldmap.LAYERS:
            raise self.refuse(f"unknown layer “{self.layer}”: choose one of "
                              f"{', '.join(fieldmap.LAYERS)}.")
        if self.mode not in MODES:
            raise self.refuse(f"unknown import mode “{self.mode}”: use append or replace.")
        if self.mode == "replace" and self.layer not in REPLACEABLE:
            raise self.refuse(
                f"mode replace is only for {' and '.join(REPLACEABLE)}: {self.layer} are "
                "referred to by the layers below them, so they can only be appended.")
        try:
            self._read()
            self.timings["read"] = time.perf_counter() - t0
            self.check_cancel()
            t1 = time.perf_counter()
            plan = getattr(self, f"_validate_{self.layer}")()
            self.timings["validate"] = time.perf_counter() - t1
            self.check_cancel()
        except _Cancelled:
            return self._report(t0, written=False, cancelled=True)
        ok = ~self.bad
        accepted = int(ok.sum())
        self.rejections.sort(key=lambda r: r.row)
        write = not self.dry_run and accepted > 0 and (self.accept_valid or not self.rejections)
        if write:
            t2 = time.perf_counter()
            try:
                self._execute(plan(ok))
            except _Cancelled:
                return self._report(t0, written=False, cancelled=True)
            self.timings["write"] = time.perf_counter() - t2
            if self.layer == "cases":
                self.store.cases.notify_bulk()  # every seat reloads its queues and map
        self.progress(1.0, "完成", check=False)
        return self._report(t0, written=write)

    def _report(self, t0: float, *, written: bool, cancelled: bool = False) -> ImportReport:
        if cancelled:
            self.warnings.append("Cancelled by the user: nothing was written.")
        bad = getattr(self, "bad", np.zeros(self.n, dtype=bool))
        return ImportReport(
            layer=self.layer, path=str(self.path), crs_label=self.crs_label, total=self.n,
            accepted=int((~bad).sum()), rejected=self.rejections, warnings=self.warnings,
            written=written, dry_run=self.dry_run, seconds=time.perf_counter() - t0,
            cancelled=cancelled, mode=self.mode, timings=self.timings)

    # -- reading ----------------------------------------------------------------------------
    def _read(self) -> None:
        self.progress(0.0, "读取文件")
        try:
            info = vector_io.probe(self.path, self.source_layer, prefer=self.layer)
        except DomainError as exc:
            raise ImportRefused(str(exc)) from None
        self._check_declared_type(info)
        try:
            self.mapping = fieldmap.resolve_mapping(self.layer, info.columns, self.overrides)
        except DomainError as exc:
            raise self.refuse(str(exc)) from None
        missing = fieldmap.missing_required(self.layer, self.mapping)
        if missing:
            what = ", ".join(fieldmap.describe_key(self.layer, k) for k in missing)
            raise self.refuse(
                f"no column for the required field{'s' if len(missing) > 1 else ''} {what} "
                f"of layer {self.layer}. The file's columns are: "
                f"{', '.join(info.columns) or '(none)'}. Map a column to it in the mapping "
                "dialog or with a mapping file (--mapping).")
        self.key_to_col = {k: c for c, k in self.mapping.items()}
        self.choice = self._choose_crs(info)
        self.crs_label = crs_detect.crs_label(self.choice)
        note = crs_detect.accuracy_note(self.choice)
        if note:
            self.warnings.append(note)
        try:
            self.data = vector_io.read_vector(self.path, info=info,
                                              columns=list(self.mapping))
        except DomainError as exc:
            raise ImportRefused(str(exc)) from None
        self.warnings += self.data.warnings
        self.n = len(self.data)
        self.bad = np.zeros(self.n, dtype=bool)
        id_key = _ID_KEY[self.layer]
        id_src = self.key_to_col[id_key]
        id_values = self.data.columns[id_src]
        if id_values.dtype.kind == "f" and bool((np.abs(id_values) >= 2**53).any()):
            raise self.refuse(
                f"column {id_src} holds the {fieldmap.describe_key(self.layer, id_key)} as "
                "floating-point numbers, which cannot keep all their digits: store the ids as "
                "text and export the file again.")
        self.raw_ids = _texts(id_values, self.n)
        self.progress(0.2, "读取完成")

    def _choose_crs(self, info: vector_io.FileInfo) -> crs_detect.CRSChoice:
        if self.crs_text:
            try:
                choice = crs_detect.resolve_crs(self.crs_text)
            except DomainError as exc:
                raise self.refuse(str(exc)) from None
            if info.crs is not None and not (isinstance(choice, type(info.crs))
                                             and choice == info.crs):
                self.warnings.append(
                    f"{self.path.name} declares {crs_detect.crs_label(info.crs)}; its "
                    f"coordinates are read as {crs_detect.crs_label(choice)} as requested.")
            return choice
        if info.crs is None:
            extra = f" ({info.crs_note})" if info.crs_note else ""
            raise self.refuse(
                f"the file declares no coordinate reference system{extra}, so its coordinates "
                "cannot be placed: give the CRS (--crs, e.g. EPSG:4490 for CGCS2000 "
                "longitude/latitude, EPSG:4548 for CGCS2000 Gauss-Krüger CM 117E, WGS84 or "
                "GCJ-02).")
        try:
            return crs_detect.resolve_crs(info.crs)
        except DomainError as exc:
            raise self.refuse(str(exc)) from None

    def _check_declared_type(self, info: vector_io.FileInfo) -> None:
        want = fieldmap.GEOMETRY[self.layer]
        if info.is_table:
            coords = vector_io.find_coordinate_columns(info.columns)
            if coords is not None and want == "polygon":
                raise self.refuse(
                    f"it has point coordinates (columns {coords[0]}/{coords[1]}) but layer "
                    f"{self.layer} takes polygons: give the polygons as a WKT column, or "
                    "import them from a GeoPackage, GeoJSON or Shapefile.")
            return
        gt = (info.geometry_type or "").lower()
        if not gt or "unknown" in gt or "collection" in gt:
            return  # mixed: checked feature by feature
        ok = "polygon" in gt if want == "polygon" else gt.replace(" z", "") in (
            "point", "multipoint", "point z", "multipoint z")
        if not ok:
            raise self.refuse(
                f"layer “{info.layer}” holds {info.geometry_type} features, but layer "
                f"{self.layer} takes {'polygons' if want == 'polygon' else 'points'}.")

    # -- geometry ---------------------------------------------------------------------------
    def _geometry_rows(self) -> np.ndarray:
        """Rejects missing geometries; returns the geometry array (None where missing)."""
        g = self.data.geometry
        for i, why in self.data.geometry_problems.items():
            self.reject([i], "geometry.missing", f"the feature is skipped: {why}")
        missing = _is_none(g)
        missing[list(self.data.geometry_problems)] = False
        self.reject(np.flatnonzero(missing), "geometry.missing", "the feature has no geometry")
        return g

    def _coordinate_problems(self, x: np.ndarray, y: np.ndarray, rows: np.ndarray) -> None:
        """CRS sanity checks: the whole file → refused, some features → rejected."""
        if not len(rows):
            return
        outline = self.view.outline_lonlat()
        bounds = tuple(shapely.bounds(outline)) if outline is not None else None
        problems = crs_detect.check_coordinates(x[rows], y[rows], self.choice, bounds,
                                                row_numbers=(rows + 1).tolist())
        finite = int((np.isfinite(x[rows]) & np.isfinite(y[rows])).sum())
        texts = {
            "swapped": "its coordinates look swapped (latitude before longitude, or northing "
                       "before easting)",
            "projected_as_degrees": "its coordinates are too large for degrees: they look "
                                    "like projected metres",
            "degrees_as_projected": "its coordinates look like degrees, not projected metres",
            "zone_prefix": "its easting does not fit the zone prefix of the CRS",
            "outside_district": "it lies outside the district",
        }
        for p in problems:
            if len(p.rows) >= max(1, finite) or (p.kind != "outside_district"
                                                  and len(p.rows) > 0.5 * finite):
                raise self.refuse(p.message)
            idx = rows[np.asarray(p.rows, dtype=np.int64)]
            rule = "location.outside_district" if p.kind == "outside_district" \
                else "location.crs"
            self.reject(idx, rule, lambda i, k=p.kind: (
                f"{texts.get(k, k)} (x={x[i]:.6g}, y={y[i]:.6g} in {self.crs_label})"))

    def _points(self) -> None:
        """Point layers: lon/lat (CGCS2000) and x/y (EPSG:4548) of every feature."""
        g = self._geometry_rows()
        n = self.n
        tid = np.full(n, -1, dtype=np.int64)
        present = np.flatnonzero(~self.bad)
        tid[present] = shapely.get_type_id(g[present])
        multi = np.flatnonzero(tid == 4)
        if len(multi):
            parts = shapely.get_num_geometries(g[multi])
            one = multi[parts == 1]
            g = g.copy()
            g[one] = shapely.get_geometry(g[one], 0)
            tid[one] = 0
        wrong = np.flatnonzero((tid >= 0) & (tid != 0))
        if len(wrong) and len(wrong) == len(present):
            raise self.refuse(f"its features are {g[wrong[0]].geom_type} geometries, but "
                              f"layer {self.layer} takes points.")
        self.reject(wrong, "geometry.type", lambda i: (
            f"its geometry is a {g[i].geom_type}; layer {self.layer} takes points"))
        ok = np.flatnonzero(tid == 0)
        x = np.full(n, np.nan)
        y = np.full(n, np.nan)
        x[ok] = shapely.get_x(g[ok])
        y[ok] = shapely.get_y(g[ok])
        empty = ok[~(np.isfinite(x[ok]) & np.isfinite(y[ok]))]
        self.reject(empty, "geometry.empty", "the point is empty (no coordinates)")
        good = np.flatnonzero(~self.bad)
        self.progress(0.25, "坐标检查")
        self._coordinate_problems(x, y, good)
        lon = np.full(n, np.nan)
        lat = np.full(n, np.nan)
        good = np.flatnonzero(~self.bad)
        with np.errstate(all="ignore"):
            lon[good], lat[good] = crs_detect.to_lonlat(x[good], y[good], self.choice)
            px, py = gcrs.to_projected(lon, lat)
        px, py = np.asarray(px, dtype=float), np.asarray(py, dtype=float)
        bad = good[~(np.isfinite(px[good]) & np.isfinite(py[good]))]
        self.reject(bad, "location.crs", lambda i: (
            f"its coordinates (x={x[i]:.6g}, y={y[i]:.6g}) cannot be converted from "
            f"{self.crs_label} to CGCS2000"))
        self.lon, self.lat, self.x, self.y = lon, lat, px, py

    def _polygons(self) -> None:
        """Polygon layers: validity (repair), CRS checks, lon/lat and metre geometries."""
        g = np.asarray(shapely.force_2d(self._geometry_rows()), dtype=object)
        n = self.n
        tid = np.full(n, -1, dtype=np.int64)
        present = np.flatnonzero(~self.bad)
        tid[present] = shapely.get_type_id(g[present])
        coll = np.flatnonzero(tid == 7)
        for i in coll.tolist():
            parts = shapely.get_parts(g[i])
            polys = [p for p in parts if shapely.get_type_id(p) in (3, 6)]
            if polys:
                dropped = len(parts) - len(polys)
                g[i] = shapely.union_all(polys) if len(polys) > 1 else polys[0]
                tid[i] = shapely.get_type_id(g[i])
                if dropped:
                    self.warnings.append(
                        f"Row {i + 1} ({self.fid(i)}): the geometry collection was reduced to "
                        f"its polygons ({dropped} point/line part(s) dropped).")
        wrong = np.flatnonzero((tid >= 0) & (tid != 3) & (tid != 6))
        if len(wrong) and len(wrong) == len(present):
            raise self.refuse(f"its features are {g[wrong[0]].geom_type} geometries, but layer "
                              f"{self.layer} takes polygons.")
        self.reject(wrong, "geometry.type", lambda i: (
            f"its geometry is a {g[i].geom_type}; layer {self.layer} takes polygons"))
        ok = np.flatnonzero(~self.bad)
        empty = ok[shapely.is_empty(g[ok])]
        self.reject(empty, "geometry.empty", "the polygon is empty")
        ok = np.flatnonzero(~self.bad)
        valid = shapely.is_valid(g[ok])
        invalid = ok[~valid]
        if len(invalid):
            reasons = shapely.is_valid_reason(g[invalid])
            if self.repair:
                fixed = shapely.make_valid(g[invalid], method="structure", keep_collapsed=False)
                for i, r, f in zip(invalid.tolist(), reasons, fixed, strict=True):
                    if f is None or shapely.is_empty(f) or shapely.get_type_id(f) not in (3, 6):
                        self.reject([i], "geometry.invalid",
                                    f"the polygon is invalid ({r}) and cannot be repaired")
                        continue
                    g[i] = f
                    self.warnings.append(
                        f"Row {i + 1} ({self.fid(i)}): invalid polygon repaired ({r}).")
            else:
                for i, r in zip(invalid.tolist(), reasons, strict=True):
                    self.reject([i], "geometry.invalid",
                                f"the polygon is invalid: {r}; fix it or import with repair")
        ok = np.flatnonzero(~self.bad)
        b = np.full((n, 4), np.nan)
        b[ok] = shapely.bounds(g[ok])
        cx, cy = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
        self.progress(0.25, "坐标检查")
        self._coordinate_problems(cx, cy, ok)
        ok = np.flatnonzero(~self.bad)
        ll = np.full(n, None, dtype=object)
        m = np.full(n, None, dtype=object)
        with np.errstate(all="ignore"):
            ll[ok] = crs_detect.transform_geometries(g[ok], self.choice)
            m[ok] = gcrs.project_geometries(ll[ok], gcrs.GEOGRAPHIC, gcrs.PROJECTED)
        # Projection can make a nearly degenerate ring self-touch: the metre copy is only for
        # areas and topology checks, so it is made valid silently (the lon/lat one is kept).
        twisted = ok[~shapely.is_valid(m[ok])]
        if len(twisted):
            m[twisted] = shapely.make_valid(m[twisted], method="structure",
                                            keep_collapsed=False)
        bounds = np.full((n, 4), np.nan)
        bounds[ok] = shapely.bounds(m[ok])
        bad = ok[~np.isfinite(bounds[ok]).all(axis=1)]
        self.reject(bad, "location.crs", lambda i: (
            f"its coordinates cannot be converted from {self.crs_label} to CGCS2000"))
        self.geom_ll, self.geom_m, self.bounds = ll, m, bounds
        self.area = np.full(n, np.nan)
        ok = np.flatnonzero(~self.bad)
        self.area[ok] = shapely.area(m[ok])

    # -- shared id checks ---------------------------------------------------------------------
    def _duplicates(self, ids: np.ndarray, rows: np.ndarray, what: str) -> None:
        codes, _ = _factorize(ids[rows])
        valid = codes >= 0
        counts = np.bincount(codes[valid]) if valid.any() else np.zeros(0, dtype=np.int64)
        dup = valid & (counts[np.maximum(codes, 0)] > 1 if len(counts) else False)
        if not dup.any():
            return
        where: dict[int, list[int]] = {}
        code_of: dict[int, int] = {}
        for r, c in zip(rows[dup].tolist(), codes[dup].tolist(), strict=True):
            where.setdefault(c, []).append(r + 1)
            code_of[r] = c
        self.reject(rows[dup], "id.duplicate", lambda i: (
            f"{what} {ids[i]} appears {len(where[code_of[i]])} times in the file (rows "
            f"{_rows_text(where[code_of[i]])})"))

    def _existing(self, ids: np.ndarray, rows: np.ndarray, table: str, column: str,
                  what: str) -> None:
        if self.mode != "append" or not len(rows):
            return
        import pandas as pd

        stored = self.view.codes(table, column)
        if not stored:
            return
        hit = pd.Series(ids[rows], dtype=object).isin(pd.Index(stored)).to_numpy()
        self.reject(rows[hit], "id.exists", lambda i: (
            f"{what} {ids[i]} is already in the store: mode append only adds new features"
            + (" (use mode replace to replace the layer)" if self.layer in REPLACEABLE
               else "")))

    def _district_code(self) -> tuple[str, str] | None:
        d = self.view.district()
        return (d[0], d[1]) if d else None

    def _check_district(self, ids: np.ndarray, rows: np.ndarray, what: str) -> None:
        d = self._district_code()
        if d is None:
            return
        other = rows[_prefixes(ids, rows, 6) != d[0]]
        self.reject(other, "hierarchy.district", lambda i: (
            f"{what} {ids[i]} belongs to district {ids[i][:6]}, but the store holds district "
            f"{d[0]} ({d[1]})"))

    def _format(self, ids: np.ndarray, check: Callable[[str], None], what: str,
                rows: np.ndarray | None = None) -> np.ndarray:
        """Rows whose id passes ``check`` (which raises DomainError with the rule)."""
        rows = np.flatnonzero(np.ones(self.n, dtype=bool)) if rows is None else rows
        good = np.zeros(self.n, dtype=bool)
        for i in rows.tolist():
            v = ids[i]
            if v is None:
                self.reject([i], "id.format", f"the {what} is empty")
                continue
            try:
                check(v)
            except DomainError as exc:
                hint = ""
                if "e+" in v.lower() or v.endswith(".0"):
                    hint = (" (it looks like a number written by a spreadsheet: format the id "
                            "column as text)")
                self.reject([i], "id.format", f"{exc}{hint}")
                continue
            good[i] = True
        return np.flatnonzero(good)

    # -- streets ------------------------------------------------------------------------------
    def _validate_streets(self) -> Callable[[np.ndarray], list[_Rows | _Sql]]:
        from app.domain.ids import validate_street_code

        ids = self.raw_ids
        self._polygons()
        self.progress(0.35, "校验街道")
        good = self._format(ids, validate_street_code, "street code (JDDM)")
        self._duplicates(ids, good, "street")
        self._existing(ids, good, "street", "code", "street")
        district = self._district_code()
        if district is None:
            prefixes, counts = np.unique([ids[i][:6] for i in good.tolist()] or [""],
                                         return_counts=True)
            main = str(prefixes[np.argmax(counts)])
            other = good[np.array([ids[i][:6] != main for i in good.tolist()], dtype=bool)] \
                if len(good) else good
            self.reject(other, "hierarchy.district", lambda i: (
                f"street {ids[i]} belongs to district {ids[i][:6]}, but most streets of the "
                f"file are in {main}: a store holds one district"))
            self.warnings.append(
                f"The store has no district yet: the import creates district {main} "
                f"({_district_name(main)}) with the union of the imported streets as its "
                "outline.")
        else:
            main = district[0]
            self._check_district(ids, good, "street")
        names = self.col("name")
        assert names is not None
        self._names(names, 50, "name (JDMC)")
        kinds = self.col("kind")
        outline = self.view.outline_lonlat() if district is not None else None
        if outline is not None:
            rows = np.flatnonzero(~self.bad)
            om = gcrs.project_geometries(np.array([outline], dtype=object), gcrs.GEOGRAPHIC,
                                         gcrs.PROJECTED)[0]
            self._inside(rows, np.full(len(rows), om, dtype=object),
                         "location.outside_district", "the district")
        self._overlap_warnings("street")
        kind = np.array([(k if k else ("镇" if (nm or "").endswith(("地区", "镇")) else "街道"))
                         for k, nm in zip(kinds if kinds is not None else repeat(None, self.n),
                                          names, strict=False)], dtype=object)
        bad_kind = np.flatnonzero(np.array([len(k) > 10 for k in kind], dtype=bool))
        self.reject(bad_kind, "value.invalid", lambda i: (
            f"kind “{kind[i]}” is longer than 10 characters"))

        def plan(ok: np.ndarray) -> list[_Rows | _Sql]:
            sel = np.flatnonzero(ok)
            wkb = shapely.to_wkb(self.geom_ll[sel])
            rows = [(ids[i], names[i], kind[i], float(self.area[i] / 1e6), w,
                     *map(float, self.bounds[i])) for i, w in zip(sel.tolist(), wkb, strict=True)]
            steps: list[_Rows | _Sql] = [
                _Rows("street", ("code", "name", "kind", "area_km2", "geom", "minx", "miny",
                                 "maxx", "maxy"), rows, len(rows), "街道")]
            if district is None:
                steps += self._new_district(main, sel)
            return steps
        return plan

    def _new_district(self, code: str, sel: np.ndarray) -> list[_Rows | _Sql]:
        """District row (outline = union of the imported streets) for an empty store."""
        name = _district_name(code)
        area = float(shapely.area(shapely.union_all(self.geom_m[sel])) / 1e6)
        wkb = shapely.to_wkb(shapely.union_all(self.geom_ll[sel]))
        steps: list[_Rows | _Sql] = [
            _Rows("district", ("code", "name", "area_km2", "geom"), [(code, name, area, wkb)],
                  1, "区")]
        meta = dict(self.view._rows("SELECT key, value FROM meta"))
        new = [(k, v) for k, v in (("district.code", code), ("district.name", name))
               if k not in meta]
        if new:
            steps.append(_Rows("meta", ("key", "value"), new, len(new), "meta"))
        return steps

    def _names(self, names: np.ndarray, limit: int, what: str, required: bool = True) -> None:
        rows = np.flatnonzero(~self.bad)
        if required:
            self.reject(rows[_is_none(names[rows])], "value.invalid", f"the {what} is empty")
        too_long = _map_values(names, lambda v: v is not None and len(v) > limit, bool)
        long = rows[too_long[rows]]
        self.reject(long, "value.invalid", lambda i: (
            f"the {what} “{names[i]}” has {len(names[i])} characters; at most {limit}"))

    def _inside(self, rows: np.ndarray, containers_m: np.ndarray, rule: str, what: str) -> None:
        """Reject polygons sticking out of their container (metres, one per row) by more than
        the tolerance."""
        if not len(rows):
            return
        out = shapely.area(shapely.difference(self.geom_m[rows], containers_m))
        tol = np.maximum(TILING_TOLERANCE_M2, TILING_TOLERANCE_FRACTION * self.area[rows])
        far = out > tol
        share = dict(zip(rows[far].tolist(), out[far].tolist(), strict=True))
        self.reject(rows[far], rule, lambda i: (
            f"{share[i]:,.0f} m² ({100 * share[i] / self.area[i]:.1f} %) of it lies outside "
            f"{what}"))

    def _overlap_warnings(self, what: str) -> None:
        ok = np.flatnonzero(~self.bad)
        if len(ok) < 2:
            return
        geoms = self.geom_m[ok]
        a, b = shapely.STRtree(geoms).query(geoms, predicate="intersects")
        keep = a < b
        a, b = a[keep], b[keep]
        area = shapely.area(shapely.intersection(geoms[a], geoms[b]))
        tol = np.maximum(TILING_TOLERANCE_M2, TILING_TOLERANCE_FRACTION * np.minimum(
            self.area[ok[a]], self.area[ok[b]]))
        big = np.flatnonzero(area > tol)
        for k in big[:MAX_SUMMARY_LINES].tolist():
            i, j = int(ok[a[k]]), int(ok[b[k]])
            self.warnings.append(
                f"{what.capitalize()}s {self.fid(i)} (row {i + 1}) and {self.fid(j)} (row "
                f"{j + 1}) overlap by {area[k]:,.0f} m².")
        if len(big) > MAX_SUMMARY_LINES:
            self.warnings.append(f"… {len(big) - MAX_SUMMARY_LINES} more overlapping {what} "
                                 "pairs.")

    # -- communities --------------------------------------------------------------------------
    def _validate_communities(self) -> Callable[[np.ndarray], list[_Rows | _Sql]]:
        from app.domain.ids import validate_community_code

        ids = self.raw_ids
        self._polygons()
        self.progress(0.35, "校验社区")
        good = self._format(ids, validate_community_code, "community code (SQDM)")
        self._duplicates(ids, good, "community")
        self._existing(ids, good, "community", "code", "community")
        self._check_district(ids, good, "community")
        s_codes, _ = self.view.polygons("street")
        s_index = {c: k for k, c in enumerate(s_codes)}
        good = good[~self.bad[good]]
        unknown = good[np.array([ids[i][:9] not in s_index for i in good.tolist()], dtype=bool)] \
            if len(good) else good
        self.reject(unknown, "hierarchy.street", lambda i: (
            f"its street {ids[i][:9]} (digits 1–9 of community code {ids[i]}) is not in the "
            "store: import the streets first"))
        scol = self.col("street_code")
        if scol is not None:
            mism = good[np.array([scol[i] is not None and scol[i] != ids[i][:9]
                                  for i in good.tolist()], dtype=bool)] if len(good) else good
            self.reject(mism, "hierarchy.street", lambda i: (
                f"column {self.colname('street_code')} says street {scol[i]}, but community "
                f"code {ids[i]} starts with street {ids[i][:9]}"))
        names = self.col("name")
        assert names is not None
        self._names(names, 50, "name (SQMC)")
        hh = self._counts("households")
        res = self._counts("residents")
        rows = np.flatnonzero(~self.bad)
        if len(rows):
            _, s_m = self.view.polygons_m("street")
            cont = np.array([s_m[s_index[ids[i][:9]]] for i in rows.tolist()], dtype=object)
            self._inside(rows, cont, "location.outside_street", "its street")
        self._overlap_warnings("community")

        def plan(ok: np.ndarray) -> list[_Rows | _Sql]:
            sel = np.flatnonzero(ok)
            wkb = shapely.to_wkb(self.geom_ll[sel])
            rows = [(ids[i], names[i], ids[i][:9], int(hh[i]), int(res[i]), w,
                     *map(float, self.bounds[i])) for i, w in zip(sel.tolist(), wkb, strict=True)]
            return [_Rows("community", ("code", "name", "street_code", "households", "residents",
                                        "geom", "minx", "miny", "maxx", "maxy"), rows, len(rows),
                          "社区")]
        return plan

    def _counts(self, key: str) -> np.ndarray:
        """Non-negative integers of a count column (0 when the file has none)."""
        values = self.col(key)
        out = np.zeros(self.n, dtype=np.int64)
        if values is None:
            return out
        parsed = _map_values(values, _int_or_bad)
        bad = _map_values(values, lambda v: isinstance(_int_or_bad(v), str), bool)
        self.reject(np.flatnonzero(bad), "value.invalid", lambda i: (
            f"{fieldmap.describe_key(self.layer, key)} “{values[i]}” in column "
            f"{self.colname(key)} is not a whole number ≥ 0"))
        out[~bad] = parsed[~bad].astype(np.int64)
        return out

    def _dates(self, key: str) -> np.ndarray:
        """ISO dates of a date column (None where blank)."""
        values = self.col(key)
        if values is None:
            return np.full(self.n, None, dtype=object)
        bad = _map_values(values, lambda v: _parse_date(v) == "!", bool)
        self.reject(np.flatnonzero(bad), "value.invalid", lambda i: (
            f"{fieldmap.describe_key(self.layer, key)} “{values[i]}” in column "
            f"{self.colname(key)} is not a date (YYYY-MM-DD or YYYYMMDD)"))

        def iso(v: str | None) -> str | None:
            d = _parse_date(v)
            return d.isoformat() if isinstance(d, date) else None
        return _map_values(values, iso)

    # -- grids --------------------------------------------------------------------------------
    def _validate_grids(self) -> Callable[[np.ndarray], list[_Rows | _Sql]]:
        ids = self.raw_ids
        self._polygons()
        self.progress(0.35, "校验网格编码")
        good = self._format(ids, _check_grid_id, "grid id (DYWGBSM)")
        self._duplicates(ids, good, "grid")
        self._existing(ids, good, "unit_grid", "grid_id", "grid")
        self._check_district(ids, good, "grid")
        c_codes, c_m = self.view.polygons_m("community")
        c_index = {c: k for k, c in enumerate(c_codes)}
        good = good[~self.bad[good]]
        unknown = good[np.array([ids[i][:12] not in c_index for i in good.tolist()],
                                dtype=bool)] if len(good) else good
        self.reject(unknown, "hierarchy.community", lambda i: (
            f"its community {ids[i][:12]} (digits 1–12 of grid id {ids[i]}) is not in the "
            "store: import the communities first"))
        for key, width, what in (("community_code", 12, "community"), ("street_code", 9,
                                                                        "street")):
            values = self.col(key)
            if values is None:
                continue
            mism = good[np.array([values[i] is not None and values[i] != ids[i][:width]
                                  for i in good.tolist()], dtype=bool)] if len(good) else good
            self.reject(mism, "hierarchy.community", lambda i, v=values, k=key, w=width, t=what: (
                f"column {self.colname(k)} says {t} {v[i]}, but grid id {ids[i]} starts with "
                f"{t} {ids[i][:w]}: a grid id starts with the code of its community"))
        names = self.col("name")
        if names is None:
            names = np.full(self.n, None, dtype=object)
        self._names(names, 50, "name (DYWGMC)", required=False)
        region = self._region_classes()
        hh = self._counts("households")
        res = self._counts("residents")
        initial = self._dates("initial_date")
        notes = self.col("note")
        self.progress(0.4, "网格拓扑检查")
        self._tiling(ids, c_codes, c_m, c_index)
        if self.mode == "replace":
            self._check_replace_grids(ids)

        def plan(ok: np.ndarray) -> list[_Rows | _Sql]:
            sel = np.flatnonzero(ok)
            wkb = shapely.to_wkb(self.geom_ll[sel])
            rows = [(ids[i], ids[i][:12], ids[i][:9], names[i] or "", float(self.area[i]),
                     region[i], int(hh[i]), int(res[i]), initial[i],
                     (notes[i] or "") if notes is not None else "", w,
                     *map(float, self.bounds[i]))
                    for i, w in zip(sel.tolist(), wkb, strict=True)]
            steps: list[_Rows | _Sql] = []
            if self.mode == "replace":
                steps.append(_Sql("DELETE FROM unit_grid", "TRUNCATE unit_grid"))
            steps.append(_Rows("unit_grid", (
                "grid_id", "community_code", "street_code", "name", "area_m2", "region_class",
                "households", "residents", "initial_date", "note", "geom", "minx", "miny",
                "maxx", "maxy"), rows, len(rows), "单元网格"))
            return steps
        return plan

    def _region_classes(self) -> np.ndarray:
        values = self.col("region_class")
        if values is None:
            return np.full(self.n, REGION_CLASSES[0], dtype=object)
        aliases = {"1": REGION_CLASSES[0], "一类": REGION_CLASSES[0], "一": REGION_CLASSES[0],
                   "2": REGION_CLASSES[1], "二类": REGION_CLASSES[1], "二": REGION_CLASSES[1]}

        def norm(v: str | None) -> str | None:
            if v is None:
                return REGION_CLASSES[0]
            return v if v in REGION_CLASSES else aliases.get(v)
        out = _map_values(values, norm)
        bad = np.flatnonzero(_is_none(out))
        self.reject(bad, "value.invalid", lambda i: (
            f"region class “{values[i]}” in column {self.colname('region_class')} is not "
            f"{' or '.join(REGION_CLASSES)}"))
        return out

    def _tiling(self, ids: np.ndarray, c_codes: list[str], c_m: np.ndarray,
                c_index: dict[str, int]) -> None:
        """Overlaps with other grids, membership of exactly one community, gaps."""
        rows = np.flatnonzero(~self.bad)
        if not len(rows):
            return
        geoms = self.geom_m[rows]
        area = self.area[rows]
        # Stored grids that stay (append): they count for overlaps and for coverage.
        s_ids: list[str] = []
        s_geoms = np.empty(0, dtype=object)
        if self.mode == "append":
            s_ids, s_geoms = self.view.polygons_m("unit_grid")
        all_geoms = np.concatenate([geoms, s_geoms]) if len(s_geoms) else geoms
        all_ids = [ids[i] for i in rows.tolist()] + list(s_ids)
        all_area = np.concatenate([area, shapely.area(s_geoms)]) if len(s_geoms) else area
        tree = shapely.STRtree(all_geoms)
        a, b = tree.query(geoms, predicate="intersects")
        keep = (a != b) & ~((b < len(rows)) & (b < a))  # each file pair once
        a, b = a[keep], b[keep]
        inter = shapely.area(shapely.intersection(geoms[a], all_geoms[b]))
        tol = np.maximum(TILING_TOLERANCE_M2,
                         TILING_TOLERANCE_FRACTION * np.minimum(area[a], all_area[b]))
        over = inter > tol
        msgs: dict[int, list[str]] = {}
        for ka, kb, ar, t in zip(a[over].tolist(), b[over].tolist(), inter[over].tolist(),
                                 tol[over].tolist(), strict=True):
            other = all_ids[kb] + ("" if kb < len(rows) else " (in the store)")
            msgs.setdefault(int(rows[ka]), []).append(
                f"it overlaps grid {other} by {ar:,.1f} m² (tolerance {t:,.1f} m²)")
            if kb < len(rows):
                msgs.setdefault(int(rows[kb]), []).append(
                    f"it overlaps grid {all_ids[ka]} by {ar:,.1f} m² (tolerance {t:,.1f} m²)")
        for i, ms in sorted(msgs.items()):
            self.reject([i], "tiling.overlap", "; ".join(ms))

        # Community membership: the grid's own community must hold it, and no other.
        known = np.array([ids[i][:12] in c_index for i in rows.tolist()], dtype=bool)
        krows = np.flatnonzero(known)
        if not len(krows) or not len(c_m):
            return
        ctree = shapely.STRtree(c_m)
        ga, cb = ctree.query(geoms[krows], predicate="intersects")
        cint = shapely.area(shapely.intersection(geoms[krows[ga]], c_m[cb]))
        gtol = np.maximum(TILING_TOLERANCE_M2, TILING_TOLERANCE_FRACTION * area[krows])
        own = np.array([c_index[ids[rows[krows[g]]][:12]] for g in ga.tolist()], dtype=np.int64)
        is_own = cb == own  # per (grid, community) pair
        in_own = np.zeros(len(krows))
        np.add.at(in_own, ga[is_own], cint[is_own])
        elsewhere: dict[int, list[tuple[str, float]]] = {}
        for g, c, ar, mine in zip(ga.tolist(), cb.tolist(), cint.tolist(), is_own.tolist(),
                                  strict=True):
            if not mine and ar > gtol[g]:
                elsewhere.setdefault(g, []).append((c_codes[c], ar))
        for g in range(len(krows)):
            i = int(rows[krows[g]])
            mine = ids[i][:12]
            outside = area[krows[g]] - in_own[g]
            if outside <= gtol[g] and g not in elsewhere:
                continue
            other = elsewhere.get(g, [])
            if other and in_own[g] > gtol[g]:
                parts = ", ".join(f"{c} ({ar:,.0f} m²)" for c, ar in other)
                self.reject([i], "tiling.community",
                            f"it lies in more than one community: {mine} ({in_own[g]:,.0f} m²) "
                            f"and {parts}; a grid lies in exactly one community")
            elif other:
                c = max(other, key=lambda t: t[1])[0]
                self.reject([i], "tiling.community",
                            f"it lies in community {c}, not in {mine} as its id says (digits "
                            "1–12)")
            else:
                self.reject([i], "tiling.community",
                            f"{outside:,.0f} m² ({100 * outside / area[krows[g]]:.1f} %) of it "
                            f"lie outside its community {mine}")

        # Gaps: each community the file touches must be covered by its grids (file + store).
        by_comm: dict[str, list[int]] = {}
        for k in krows.tolist():
            by_comm.setdefault(ids[rows[k]][:12], []).append(k)
        s_by_comm: dict[str, list[int]] = {}
        for k, gid in enumerate(s_ids):
            s_by_comm.setdefault(gid[:12], []).append(k)
        for comm, ks in sorted(by_comm.items()):
            pieces = list(geoms[ks]) + [s_geoms[k] for k in s_by_comm.get(comm, [])]
            cgeom = c_m[c_index[comm]]
            gap = shapely.difference(cgeom, shapely.union_all(pieces))
            gap_area = float(shapely.area(gap))
            ctol = max(TILING_TOLERANCE_M2, TILING_TOLERANCE_FRACTION * float(shapely.area(cgeom)))
            if gap_area <= ctol:
                continue
            where = shapely.point_on_surface(gap)
            ll = gcrs.project_geometries(np.array([where], dtype=object), gcrs.PROJECTED,
                                         gcrs.GEOGRAPHIC)[0]
            pct = 100 * gap_area / float(shapely.area(cgeom))
            self.reject(rows[ks], "tiling.gap",
                        f"its community {comm} is not fully covered by its grids: "
                        f"{gap_area:,.0f} m² ({pct:.2f} %) lie in no grid, e.g. at "
                        f"{_fmt_ll(ll)} (tolerance {ctol:,.0f} m²)")

    def _check_replace_grids(self, ids: np.ndarray) -> None:
        # With accept_valid only the accepted grids will exist after the replacement.
        kept = ids[~self.bad] if self.accept_valid else ids
        new = {v for v in kept if v is not None}
        used = [r[0] for r in self.view._rows(
            "SELECT DISTINCT grid_id FROM part UNION SELECT DISTINCT grid_id FROM case_")]
        lost = sorted(g for g in used if g not in new)
        if lost:
            raise self.refuse(
                f"replacing the grids would leave parts or cases in {len(lost):,} grid(s) that "
                f"the file does not have (e.g. {', '.join(lost[:5])}): import a file with all "
                "of them, or append new grids instead.")
        c_codes, _ = self.view.polygons("community")
        without = sorted(set(c_codes) - {v[:12] for v in new})
        if without:
            self.warnings.append(
                f"After the replacement {len(without)} communities have no grids (e.g. "
                f"{', '.join(without[:5])}).")

    # -- parts --------------------------------------------------------------------------------
    def _validate_parts(self) -> Callable[[np.ndarray], list[_Rows | _Sql]]:
        cat = load_catalogue()
        n = self.n
        raw = self.raw_ids
        self._points()
        self.progress(0.35, "校验部件编码")
        ids = raw.copy()
        cp, lens, digits = _digit_matrix(raw, 18)
        legacy = np.flatnonzero(digits & (lens == 16))
        if len(legacy):
            self._map_legacy_ids(ids, legacy, cat)
        other = np.flatnonzero(~(digits & ((lens == 16) | (lens == 17))))
        self._format(raw, _check_part_id, "part id (GLBJBSM)", rows=other)
        # The type (digits 7–11) must be in the catalogue (which has no zero classes).
        types = np.full(n, None, dtype=object)
        plain = np.flatnonzero(digits & (lens == 17) & ~self.bad)
        types[plain] = _slice_text(cp, plain, 6, 11)
        mapped = legacy[~self.bad[legacy]]
        types[mapped] = [ids[i][6:11] for i in mapped.tolist()]
        good = np.sort(np.concatenate([plain, mapped]))
        part_codes = {e.code for e in cat.parts()}
        tcodes, tuniq = _factorize(types[good])
        known = np.array([t in part_codes for t in tuniq], dtype=bool)
        unknown = good[~known[tcodes]] if len(good) else good
        self.reject(unknown, "type.unknown", lambda i: (
            f"type code {types[i]} (digits 7–11 of part id {ids[i]}) is not in the "
            "GB/T 47678.5-2026 part catalogue"))
        good = good[~self.bad[good]]
        self._check_district(ids, good, "part")
        self._duplicates(ids, good, "part")
        self._existing(ids, good, "part", "part_id", "part")
        tcol = self.col("type_code")
        if tcol is not None:
            self._type_column(tcol, types, cat, good)

        self.progress(0.42, "部件所在网格")
        grid = self._grids_for_points(ids)
        self.progress(0.5, "部件属性")
        owners = load_type_owners()
        names = self.col("name")
        name_out = np.full(n, None, dtype=object)
        if names is not None:
            self._names(names, 30, "name (GLBJMC)", required=False)
            cat_names = {e.code: e.name for e in cat.parts()}
            keep = np.array([v is not None and cat_names.get(t) != v
                             for v, t in zip(names, types, strict=True)], dtype=bool)
            name_out[keep] = names[keep]
        dept = self._departments("dept_code", types, owners, "competent_code", required=True)
        owner = self._departments("owner_code", types, owners, "owner_code")
        maint = self._departments("maintainer_code", types, owners, "maintainer_code")
        status = self._enum("status", {s.value: s.value for s in PartStatus} | {
            s.name.lower(): s.value for s in PartStatus}, PartStatus.INTACT.value)
        initial = self._dates("initial_date")
        change = self._dates("change_date")
        missing_initial = _is_none(initial)
        if missing_initial[~self.bad].any():
            today = date.today().isoformat()
            k = int(missing_initial[~self.bad].sum())
            self.warnings.append(f"{k:,} parts have no initial date (CSRQ): recorded as "
                                 f"today, {today}.")
            initial[missing_initial] = today
        before = np.flatnonzero(np.array(
            [c is not None and i is not None and c < i for c, i in zip(change, initial,
                                                                       strict=True)], dtype=bool))
        self.reject(before, "value.invalid", lambda i: (
            f"change date (BGRQ) {change[i]} is before the initial date (CSRQ) {initial[i]}"))
        source = self._data_source()
        notes = self.col("note")
        major = _map_values(types, lambda t: int(t[:2]) if t else 0, np.int64)
        cells = np.floor(np.nan_to_num(self.x) / CELL_SIZE).astype(np.int64)

        def plan(ok: np.ndarray) -> list[_Rows | _Sql]:
            sel = np.flatnonzero(ok)
            note_list = notes[sel].tolist() if notes is not None else repeat(None, len(sel))
            rows = zip(ids[sel].tolist(), types[sel].tolist(), major[sel].tolist(),
                       name_out[sel].tolist(), dept[sel].tolist(), owner[sel].tolist(),
                       maint[sel].tolist(), grid[sel].tolist(), status[sel].tolist(),
                       initial[sel].tolist(), change[sel].tolist(), source[sel].tolist(),
                       note_list, self.lon[sel].tolist(), self.lat[sel].tolist(),
                       self.x[sel].tolist(), self.y[sel].tolist(), cells[sel].tolist())
            steps: list[_Rows | _Sql] = []
            if self.mode == "replace":
                steps.append(_Sql("DELETE FROM part", "TRUNCATE part"))
                gone = self._cameras_gone(set(ids[sel].tolist()))
                if gone:
                    steps += [_Sql(s) for s in _in_chunks(
                        "DELETE FROM camera WHERE part_id IN ({})", gone)]
            steps.append(_Rows("part", (
                "part_id", "type_code", "major", "name", "dept_code", "owner_code",
                "maintainer_code", "grid_id", "status", "initial_date", "change_date",
                "data_source", "note", "lon", "lat", "x", "y", "cell"), rows, len(sel), "部件"))
            return steps
        return plan

    def _cameras_gone(self, kept: set[str]) -> list[str]:
        gone = [p for p in self.view.codes("camera", "part_id") if p not in kept]
        if gone:
            self.warnings.append(f"{len(gone):,} camera set-ups belonged to parts that the "
                                 "replacement removes; they were deleted with them.")
        return gone

    def _map_legacy_ids(self, ids: np.ndarray, rows: np.ndarray, cat: Catalogue) -> None:
        """16-digit CJ/T 214 ids → 17 digits through the catalogue's legacy table."""
        codes, uniq = _factorize(np.array([ids[i][6:10] for i in rows.tolist()], dtype=object))
        target: list[str | None] = []
        why: list[str] = []
        for code4 in uniq:
            try:
                target.append(cat.from_legacy(CaseKind.PART, code4).code)
                why.append("")
            except DomainError as exc:
                target.append(None)
                why.append(str(exc))
        example = ""
        for k, i in enumerate(rows.tolist()):
            t = target[codes[k]]
            if t is None:
                self.reject([i], "type.unknown",
                            f"legacy 16-digit part id {ids[i]}: {why[codes[k]]}")
                continue
            new = f"{ids[i][:6]}{t}{ids[i][10:]}"
            example = example or f"{ids[i]} → {new}"
            ids[i] = new
        mapped = int((~self.bad[rows]).sum())
        if mapped:
            self.warnings.append(f"{mapped:,} legacy 16-digit part ids (CJ/T 214) were mapped to "
                                 f"the 17-digit GB/T 47678.5-2026 layout, e.g. {example}.")

    def _type_column(self, tcol: np.ndarray, types: np.ndarray, cat: Catalogue,
                     rows: np.ndarray) -> None:
        cache: dict[tuple[str, str], bool] = {}

        def agrees(t: str, want: str) -> bool:
            key = (t, want)
            if key not in cache:
                ok = t == want or (t.isdigit() and t.zfill(5) == want)
                if not ok and t.replace("-", "").isdigit() and len(t.replace("-", "")) <= 4:
                    try:
                        ok = cat.from_legacy(CaseKind.PART, t.zfill(4)).code == want
                    except DomainError:
                        ok = False
                cache[key] = ok
            return cache[key]
        bad = [i for i in rows.tolist() if tcol[i] is not None and not agrees(tcol[i], types[i])]
        self.reject(bad, "type.mismatch", lambda i: (
            f"column {self.colname('type_code')} says type {tcol[i]}, but the part id says "
            f"{types[i]} (digits 7–11)"))

    def _grids_for_points(self, ids: np.ndarray | None) -> np.ndarray:
        """Grid of every point: the declared one, checked, or the one it falls in."""
        n = self.n
        out = np.full(n, None, dtype=object)
        g_ids, g_polys, index = self.view.grid_index()
        rows = np.flatnonzero(~self.bad)
        if not len(g_ids):
            self.reject(rows, "location.no_grid",
                        "the store has no unit grids yet: import the grids first")
            return out
        assigned = np.full(n, -1, dtype=np.int64)
        assigned[rows] = index.assign(self.x[rows], self.y[rows])
        declared = self.col("grid_id")
        decl_idx = np.full(n, -1, dtype=np.int64)
        has_decl = np.zeros(n, dtype=bool)
        if declared is not None:
            import pandas as pd

            has_decl[rows] = ~_is_none(declared[rows])
            drows = np.flatnonzero(has_decl)
            decl_idx[drows] = pd.Index(g_ids).get_indexer(declared[drows])
            unknown = drows[decl_idx[drows] < 0]

            def why(i: int) -> str:
                v = declared[i]
                try:
                    GridId(v)
                except DomainError as exc:
                    return f"column {self.colname('grid_id')}: {exc}"
                return (f"its grid {v} (column {self.colname('grid_id')}) is not in the store: "
                        "import the grids first, or leave the grid empty to derive it from "
                        "the location")
            self.reject(unknown, "hierarchy.grid", why)
            if ids is not None:
                known = drows[decl_idx[drows] >= 0]
                known = known[~_is_none(ids[known])]
                other = known[_prefixes(ids, known, 6) != _prefixes(declared, known, 6)]
                self.reject(other, "hierarchy.district", lambda i: (
                    f"part {ids[i]} is in district {ids[i][:6]} but its grid {declared[i]} is "
                    f"in district {declared[i][:6]}"))
            chk = np.flatnonzero((decl_idx >= 0) & (decl_idx != assigned))
            if len(chk):
                inside = shapely.intersects_xy(g_polys[decl_idx[chk]], self.x[chk], self.y[chk])
                out_rows = chk[~inside]
                dist = shapely.distance(g_polys[decl_idx[out_rows]],
                                        shapely.points(self.x[out_rows], self.y[out_rows])) \
                    if len(out_rows) else np.empty(0)
                d = dict(zip(out_rows.tolist(), dist.tolist(), strict=True))
                self.reject(out_rows, "location.outside_grid", lambda i: (
                    f"it lies {d[i]:,.1f} m outside its declared grid {declared[i]}"
                    + (f"; it falls in grid {g_ids[assigned[i]]}" if assigned[i] >= 0
                       else "; it is in no grid of the district")))
            ok = np.flatnonzero((decl_idx >= 0) & ~self.bad)
            out[ok] = declared[ok]
        derive = np.flatnonzero(~has_decl & ~self.bad)
        nogrid = derive[assigned[derive] < 0]
        if len(nogrid):
            outline = self.view.outline_lonlat()
            if outline is not None:
                shapely.prepare(outline)
                outside = ~shapely.intersects_xy(outline, self.lon[nogrid], self.lat[nogrid])
            else:
                outside = np.zeros(len(nogrid), dtype=bool)
            self.reject(nogrid[outside], "location.outside_district", lambda i: (
                f"it lies outside the district ({self.lon[i]:.5f}°E {self.lat[i]:.5f}°N)"))
            self.reject(nogrid[~outside], "location.no_grid", lambda i: (
                f"it lies in no unit grid ({self.lon[i]:.5f}°E {self.lat[i]:.5f}°N)"))
        found = derive[assigned[derive] >= 0]
        out[found] = np.array(g_ids, dtype=object)[assigned[found]]
        if len(found):
            what = "have no grid column" if declared is None else "have an empty grid"
            self.warnings.append(f"{len(found):,} {self.layer} {what}: their grid was derived "
                                 "from their location.")
        return out

    def _departments(self, key: str, types: np.ndarray, owners: dict[str, Any], attr: str,
                     required: bool = False) -> np.ndarray:
        values = self.col(key)
        out = np.full(self.n, None, dtype=object)
        if values is not None:
            out[:] = values
            long = np.flatnonzero(_map_values(values, lambda v: v is not None and len(v) > 18,
                                              bool))
            self.reject(long, "value.invalid", lambda i: (
                f"{fieldmap.describe_key(self.layer, key)} “{values[i]}” has {len(values[i])} "
                "characters; a unit code (unified social credit code) has at most 18"))
        fill = np.flatnonzero(_is_none(out) & ~self.bad)
        if len(fill):
            default = _map_values(types[fill], lambda t: getattr(owners[t], attr)
                                  if t in owners else None)
            out[fill] = default
            if required:
                none = fill[_is_none(default)]
                self.reject(none, "value.invalid", lambda i: (
                    f"no competent department (ZGBMDM) is given and none is known for type "
                    f"{types[i]}"))
                filled = int(len(fill) - len(none))
                if filled:
                    src = "is empty" if values is not None else "has no column"
                    self.warnings.append(
                        f"{filled:,} {self.layer}: the competent department (ZGBMDM) {src}; "
                        "the department responsible for the type was recorded.")
        return out

    def _enum(self, key: str, allowed: dict[str, str], default: str) -> np.ndarray:
        values = self.col(key)
        if values is None:
            self.warnings.append(f"The file has no {fieldmap.describe_key(self.layer, key)} "
                                 f"column: every feature is recorded as “{default}”.")
            return np.full(self.n, default, dtype=object)
        lookup = {k.casefold(): v for k, v in allowed.items()}
        out = _map_values(values, lambda v: default if v is None else lookup.get(v.casefold()))
        bad = np.flatnonzero(_is_none(out))
        choices = ", ".join(sorted(set(allowed.values())))
        self.reject(bad, "value.invalid", lambda i: (
            f"{fieldmap.describe_key(self.layer, key)} “{values[i]}” in column "
            f"{self.colname(key)} is not one of {choices}"))
        blank = int(_is_none(values)[~self.bad].sum())
        if blank:
            self.warnings.append(f"{blank:,} features have an empty "
                                 f"{fieldmap.describe_key(self.layer, key)}: recorded as "
                                 f"“{default}”.")
        return out

    def _data_source(self) -> np.ndarray:
        values = self.col("data_source")
        if values is None:
            return np.full(self.n, None, dtype=object)
        allowed = {s.value for s in DataSource}
        out = _map_values(values, lambda v: v if v is None or v in allowed
                          else DataSource.OTHER.value)
        odd = sorted({v for v in _factorize(values)[1] if v not in allowed})
        if odd:
            self.warnings.append(
                f"Data source (SJLY) values outside the standard list ({', '.join(odd[:5])}"
                f"{', …' if len(odd) > 5 else ''}) were recorded as “{DataSource.OTHER.value}”.")
        return out

    # -- cases --------------------------------------------------------------------------------
    def _validate_cases(self) -> Callable[[np.ndarray], list[_Rows | _Sql]]:
        import re

        cat = load_catalogue()
        n = self.n
        ids = self.raw_ids
        self._points()
        self.progress(0.35, "校验案件")
        number_re = re.compile(r"^\d{13}$")

        def check_number(v: str) -> None:
            if not number_re.match(v):
                raise DomainError(f"case number “{v}” is invalid: it is the 8-digit report date "
                                  "followed by a 5-digit daily sequence (13 digits)")
        good = self._format(ids, check_number, "case number (AJBH)")
        self._duplicates(ids, good, "case")
        self._existing(ids, good, "case_", "number", "case")
        ext = self.col("external_id")
        if ext is not None:
            erows = np.flatnonzero(np.array([v is not None for v in ext], dtype=bool))
            self._duplicates(ext, erows, "external id")
            self._existing(ext, erows, "case_", "external_id", "external id")
        kinds, types = self._case_types(cat)
        reported = self._datetimes("reported_at", required=True)
        deadline = self._datetimes("deadline")
        closed = self._datetimes("closed_at")
        state_map = {s.value: s.value for s in CaseState} | {v: k.value for k, v in
                                                           STATE_LABELS_ZH.items()}
        state = self._enum("state", state_map, CaseState.REPORTED.value)
        source = self._enum("source", {s.value: s.value for s in CaseSource} | {
            v: k.value for k, v in SOURCE_LABELS_ZH.items()}, CaseSource.FIELD_SUPERVISOR.value)
        urgency = self._enum("urgency", {u.value: u.value for u in Urgency} | {
            u.label_zh: u.value for u in Urgency}, Urgency.NORMAL.value)
        level = self._enum("level", {lv.value: lv.value for lv in CaseLevel} | {
            lv.label_zh: lv.value for lv in CaseLevel}, CaseLevel.DISTRICT.value)
        closed_states = {CaseState.CLOSED.value, CaseState.VOID.value}
        rows = np.flatnonzero(~self.bad)
        need_close = [i for i in rows.tolist() if state[i] in closed_states and closed[i] is None]
        self.reject(need_close, "value.invalid", lambda i: (
            f"the case is {state[i]} but has no closing time (JASJ)"))
        early = [i for i in rows.tolist() if closed[i] is not None and reported[i] is not None
                 and closed[i] < reported[i]]
        self.reject(early, "value.invalid", lambda i: (
            f"closing time {closed[i]} is before the report time {reported[i]}"))
        dept_col = self.col("dept_code")
        with_dept = {CaseState.DISPATCHED.value, CaseState.HANDLED.value,
                     CaseState.CHECKING.value, CaseState.CHECKED.value,
                     CaseState.PARKED.value}
        no_dept = [i for i in rows.tolist() if state[i] in with_dept
                   and (dept_col is None or not dept_col[i])]
        self.reject(no_dept, "value.invalid", lambda i: (
            f"the case is {state[i]} but names no handling department (CZBMDM): a case from "
            "dispatch (派遣) onwards belongs to a department"))
        imported_at = _fmt_dt(datetime.now().replace(microsecond=0))
        desc = self.col("description")
        address = self.col("address")
        if address is not None:
            self._names(address, 256, "address (SFWZ)", required=False)
        part = self.col("part_id")
        if part is not None:
            bad_part = [i for i in range(n) if part[i] is not None and not (
                len(part[i]) == 17 and part[i].isdigit())]
            self.reject(bad_part, "value.invalid", lambda i: (
                f"part id “{part[i]}” in column {self.colname('part_id')} is not a 17-digit "
                "part id (GLBJBSM)"))
        dept = self.col("dept_code")
        if dept is not None:
            long = [i for i in range(n) if dept[i] is not None and len(dept[i]) > 18]
            self.reject(long, "value.invalid", lambda i: (
                f"department code “{dept[i]}” has more than 18 characters"))
        self.progress(0.45, "案件所在网格")
        grid = self._grids_for_points(None)
        cells = np.floor(np.nan_to_num(self.x) / CELL_SIZE).astype(np.int64)
        note = f"导入自 {self.path.name}".replace("'", "''")
        details = json.dumps({"import": self.path.name}, ensure_ascii=False).replace("'", "''")

        def plan(ok: np.ndarray) -> list[_Rows | _Sql]:
            sel = np.flatnonzero(ok)

            def gen() -> Iterator[tuple[object, ...]]:
                for i in sel.tolist():
                    open_ = state[i] not in closed_states
                    yield (ids[i], kinds[i], types[i], float(self.lon[i]), float(self.lat[i]),
                           float(self.x[i]), float(self.y[i]), int(cells[i]), grid[i],
                           source[i], _fmt_dt(reported[i]),
                           (desc[i] or "") if desc is not None else "", state[i], urgency[i],
                           level[i], (address[i] or "") if address is not None else "",
                           part[i] if part is not None else None,
                           dept[i] if dept is not None else None, _fmt_dt(deadline[i]),
                           _fmt_dt(closed[i]), 0, _fmt_dt(reported[i]) if open_ else None,
                           ext[i] if ext is not None else None,
                           # A parked case's clock stops from the import on (resume needs it).
                           imported_at if state[i] == CaseState.PARKED.value else None)
            numbers = [ids[i] for i in sel.tolist()]
            ev_sql = ("INSERT INTO case_event (case_id, seq, at, actor_login, role, action, "
                      "from_state, to_state, note, details) SELECT id, 1, reported_at, 'import', "
                      f"'admin', 'report', 'draft', state, '{note}', '{details}' FROM case_ "
                      "WHERE number IN ({})")
            return [_Rows("case_", (
                "number", "kind", "type_code", "lon", "lat", "x", "y", "cell", "grid_id",
                "source", "reported_at", "description", "state", "urgency", "level", "address",
                "part_id", "dept_code", "deadline", "closed_at", "version", "step_started_at",
                "external_id", "parked_since"), gen(), len(sel), "案件"),
                *[_Sql(s) for s in _in_chunks(ev_sql, numbers)]]
        return plan

    def _case_types(self, cat: Catalogue) -> tuple[np.ndarray, np.ndarray]:
        n = self.n
        tcol = self.col("type_code")
        kcol = self.col("kind")
        assert tcol is not None
        kind_alias = {"part": "part", "部件": "part", "matter": "matter", "事项": "matter",
                      "事件": "matter", "event": "matter"}
        cache: dict[tuple[str | None, str | None], tuple[str, str] | str] = {}

        def resolve(t: str | None, k: str | None) -> tuple[str, str] | str:
            if t is None:
                return "the type code is empty"
            kind = kind_alias.get(k.casefold()) if k is not None else None
            if k is not None and kind is None:
                return f"kind “{k}” is not part/部件 or matter/事项"
            code = t.replace("-", "")
            kinds = [kind] if kind else ["part", "matter"]
            for kd in kinds:
                if len(code) == 5 and cat.find(kd, code) is not None:
                    return kd, code
            if len(code) == 4 and code.isdigit():
                found = []
                for kd in kinds:
                    try:
                        found.append((kd, cat.from_legacy(kd, code)))
                    except DomainError:
                        continue
                if len(found) == 1:
                    return found[0][0], found[0][1].code
                if found:
                    options = " or ".join(f"{kd} {e.code} {e.name}" for kd, e in found)
                    return (f"legacy type code {t} is ambiguous: {options}; give the kind "
                            f"(column {fieldmap.EXPORT_NAMES['cases']['kind']}: 部件 or 事件)")
            return (f"type code {t} is not in the GB/T 47678.5-2026 "
                    f"{'/'.join(kinds)} catalogue (nor a mapped legacy code)")
        res: list[tuple[str, str] | str] = []
        for i in range(n):
            key = (tcol[i], kcol[i] if kcol is not None else None)
            if key not in cache:
                cache[key] = resolve(*key)
            res.append(cache[key])
        bad = [i for i, r in enumerate(res) if isinstance(r, str)]
        self.reject(bad, "type.unknown", lambda i: str(res[i]))
        kinds = np.array([r[0] if not isinstance(r, str) else None for r in res], dtype=object)
        types = np.array([r[1] if not isinstance(r, str) else None for r in res], dtype=object)
        return kinds, types

    def _datetimes(self, key: str, required: bool = False) -> np.ndarray:
        values = self.col(key)
        if values is None:
            return np.full(self.n, None, dtype=object)
        bad = np.flatnonzero(_map_values(values, lambda v: (
            (p := _parse_datetime(v)) == "!" or (required and p is None)), bool))
        self.reject(bad, "value.invalid", lambda i: (
            f"{fieldmap.describe_key(self.layer, key)} “{values[i] or ''}” in column "
            f"{self.colname(key)} is {'empty' if values[i] is None else 'not a date and time'}"))
        return _map_values(values, lambda v: p if isinstance(p := _parse_datetime(v), datetime)
                           else None)

    # -- writing ------------------------------------------------------------------------------
    def _execute(self, steps: list[_Rows | _Sql]) -> None:
        engine = self.store.engine
        total = sum(max(s.count, 1) for s in steps if isinstance(s, _Rows)) or 1
        done = [0]

        def tick(k: int, label: str) -> None:
            done[0] += k
            # Inside the transaction: a cancel raises _Cancelled and rolls everything back.
            self.progress(0.55 + 0.45 * min(done[0] / total, 1.0), f"写入{label}")

        from sqlalchemy.exc import DBAPIError

        dbapi_error = (engine.dialect.loaded_dbapi.Error, DBAPIError)
        try:
            with engine.begin() as conn:
                raw = conn.connection.driver_connection
                if engine.dialect.name == "sqlite":
                    _write_sqlite(raw, steps, tick)
                elif engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
                    _write_postgresql(raw, steps, tick)
                else:
                    _write_generic(conn, steps, tick)
        except dbapi_error as exc:
            raise self.refuse(
                f"the database refused the write ({str(exc).splitlines()[0]}); it may have "
                "been changed by someone else during the import. Nothing was written: "
                "import again.") from None


def _in_chunks(template: str, values: Sequence[str], size: int = 500) -> list[str]:
    """SQL statements with ``values`` (validated digits or ids) inlined as quoted literals."""
    out = []
    for k in range(0, len(values), size):
        chunk = values[k:k + size]
        listed = ", ".join("'" + str(v).replace("'", "''") + "'" for v in chunk)
        out.append(template.replace("IN ({})", f"IN ({listed})"))
    return out


def _write_sqlite(raw: Any, steps: list[_Rows | _Sql], tick: Callable[[int, str], None]) -> None:
    if not raw.in_transaction:
        # IMMEDIATE: take the write lock before the first read, so a seat that commits in
        # between cannot make the import fail with "database is locked" half-way.
        raw.execute("BEGIN IMMEDIATE")
    # A big load (more rows than the table holds, or a replacement) builds the table's
    # indexes once afterwards, which is several times faster than keeping them up to date
    # row by row (as the seed's bulk load does); the index DDL is part of the transaction.
    replay: list[str] = []
    for step in steps:
        if isinstance(step, _Rows) and step.count > 200_000:
            emptied = any(isinstance(s, _Sql) and s.sql == f"DELETE FROM {step.table}"
                          for s in steps)
            existing = raw.execute(f"SELECT COUNT(*) FROM {step.table}").fetchone()[0]
            if emptied or step.count > existing:
                replay += suspend_sqlite_indexes(raw, [step.table])
    for step in steps:
        if isinstance(step, _Sql):
            raw.execute(step.sql)
            continue
        sql = (f"INSERT INTO {step.table} ({', '.join(step.columns)}) "
               f"VALUES ({', '.join('?' for _ in step.columns)})")
        cur = raw.cursor()
        for buf in chunks(step.rows, _CHUNK):
            cur.executemany(sql, buf)
            tick(len(buf), step.label)
        cur.close()
    restore_sqlite_indexes(raw, replay)
    # Fresh planner statistics after a big load (the queues of an imported case archive
    # depend on them; see app.store.db.ensure_statistics). Sampled: milliseconds.
    big = sorted({st.table for st in steps if isinstance(st, _Rows) and st.count > 10_000})
    if big:
        raw.execute("PRAGMA analysis_limit=2000")
        for table in big:
            raw.execute(f"ANALYZE {table}")


def _write_postgresql(raw: Any, steps: list[_Rows | _Sql],
                      tick: Callable[[int, str], None]) -> None:
    with raw.cursor() as cur:
        for step in steps:
            if isinstance(step, _Sql):
                cur.execute(step.pg_sql or step.sql)
                continue
            with cur.copy(f"COPY {step.table} ({', '.join(step.columns)}) FROM STDIN") as cp:
                k = 0
                for row in step.rows:
                    cp.write_row(row)
                    k += 1
                    if k == _CHUNK:
                        tick(k, step.label)
                        k = 0
                tick(k, step.label)
            if step.count > 100_000:
                cur.execute(f"ANALYZE {step.table}")


def _write_generic(conn: Any, steps: list[_Rows | _Sql], tick: Callable[[int, str], None]) -> None:
    from sqlalchemy import text

    from app.store.orm import Base

    for step in steps:
        if isinstance(step, _Sql):
            conn.execute(text(step.sql))
            continue
        table = Base.metadata.tables[step.table]
        for buf in chunks(step.rows, _CHUNK):
            conn.execute(table.insert(), [dict(zip(step.columns, r, strict=True)) for r in buf])
            tick(len(buf), step.label)
