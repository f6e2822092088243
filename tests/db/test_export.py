"""Export of every layer to every format, and back: on SQLite and PostgreSQL.

A street seed (enriched with the awkward values real data has: Chinese text with commas,
quotes, line breaks and a character outside the Basic Multilingual Plane, custom part
names, case addresses and external ids) is exported layer by layer, imported in the order
streets → communities → grids → parts → cases into an empty store of the same backend with
``importer.import_file``, and compared field by field with the source: ids, attributes and
geometry (within 0.01 m in EPSG:4548). Then the format rules: Shapefile UTF-8 ``.cpg``,
≤ 10-character names and date fields; RFC 7946 GeoJSON; CSV/XLSX coordinate columns; other
CRSs (Gauss-Krüger with and without zone prefix, Beijing 1954, GCJ-02); refusals; cancel
and progress; and the path without pyarrow.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pytest
import shapely
from conftest import BACKENDS, _pg_schema_url, _seed_street
from sqlalchemy import select, update

from app.domain.catalogue import load_catalogue
from app.domain.errors import DomainError
from app.gis import crs as gcrs
from app.gis.crs_detect import GCJ02, from_lonlat, resolve_crs
from app.gis.fieldmap import EXPORT_NAMES, LAYERS
from app.services import exporter
from app.services.exporter import ExportCancelled, ExportError, export_layer
from app.services.importer import import_file, needs_crs
from app.store.orm import CaseRow, CommunityRow, GridRow, PartRow, StreetRow
from app.store.store import Store

pytestmark = pytest.mark.db

FORMATS = ("gpkg", "geojson", "shp", "csv", "xlsx")
TOLERANCE_M = 0.01
# Awkward text: separators of CSV, a line break, quotes, a 4-byte UTF-8 character (𠀀).
NOTE = '井盖松动，需加固; 第二行\n"引号", 逗号, 生僻字𠀀'
PART_NAME = '东门"老"井盖, 第1号'
ADDRESS = '海淀区中关村大街27号, 东门"A"座'
GRID_NOTE = "临时网格；待调整, 见\"备注\""


# --- stores ------------------------------------------------------------------------------------


def _new_url(request: pytest.FixtureRequest, backend: str, tmp: Path, name: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp / f'{name}.sqlite'}"
    return _pg_schema_url(request.getfixturevalue("pg_database_url"),
                          f"{name}_{uuid.uuid4().hex[:10]}")


@pytest.fixture(scope="module", params=BACKENDS)
def source(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A street seed per backend with awkward values written into a few features."""
    url = _new_url(request, request.param, tmp_path_factory.mktemp("export_src"), "src")
    _seed_street(url)
    store = Store.open(url)
    with store.engine.begin() as c:
        parts = [r[0] for r in c.execute(select(PartRow.id).order_by(PartRow.id).limit(3))]
        c.execute(update(PartRow).where(PartRow.id == parts[0])
                  .values(name=PART_NAME, note=NOTE))
        c.execute(update(PartRow).where(PartRow.id == parts[1])
                  .values(note="备注", change_date=date(2026, 3, 1)))
        cases = [r[0] for r in c.execute(select(CaseRow.id).order_by(CaseRow.id).limit(2))]
        c.execute(update(CaseRow).where(CaseRow.id == cases[0])
                  .values(address=ADDRESS, external_id="open311:12345:REQ-1",
                          description="井盖丢失, 有\"危险\"\n请尽快处理"))
        grid = c.execute(select(GridRow.grid_id).order_by(GridRow.grid_id).limit(1)).scalar()
        c.execute(update(GridRow).where(GridRow.grid_id == grid).values(note=GRID_NOTE))
    yield store
    store.close()


@pytest.fixture(scope="module")
def exported(source: Store, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every layer in every format, in EPSG:4490, written once per backend: {"parts.csv": …}."""
    out = tmp_path_factory.mktemp("exported")
    files = {}
    for ext in FORMATS:
        # A folder per format: GDAL reads a CSV's WKT in the CRS of a same-named .prj, and
        # the shapefile export writes one.
        (out / ext).mkdir()
        for layer in LAYERS:
            path = out / ext / f"{layer}.{ext}"
            assert export_layer(source, layer, path) == _count(source, layer)
            files[path.name] = path
    return files


@pytest.fixture
def target(request: pytest.FixtureRequest, source: Store, tmp_path: Path) -> Iterator[Store]:
    """An empty store on the source's backend."""
    store = Store.open(_new_url(request, source.backend, tmp_path, "dst"))
    yield store
    store.close()


# --- reading a store back (independently of the exporter) --------------------------------------

_TABLES: dict[str, Any] = {"streets": StreetRow, "communities": CommunityRow, "grids": GridRow,
                           "parts": PartRow, "cases": CaseRow}
_FIELDS = {
    "streets": ("code", "name", "kind", "area_km2"),
    "communities": ("code", "name", "street_code", "households", "residents"),
    "grids": ("grid_id", "community_code", "street_code", "name", "area_m2", "region_class",
              "households", "residents", "initial_date", "note"),
    "parts": ("part_id", "type_code", "name", "dept_code", "owner_code", "maintainer_code",
              "grid_id", "status", "initial_date", "change_date", "data_source", "note"),
    "cases": ("number", "kind", "type_code", "grid_id", "source", "reported_at",
              "description", "state", "urgency", "level", "address", "part_id", "dept_code",
              "deadline", "closed_at", "external_id"),
}
_DATES = {"initial_date", "change_date"}
_TIMES = {"reported_at", "deadline", "closed_at"}


def _count(store: Store, layer: str) -> int:
    with store.engine.connect() as c:
        return len(c.execute(select(getattr(_TABLES[layer], _FIELDS[layer][0]))).all())


def _value(key: str, v: Any) -> Any:
    """Comparable form: '' and NULL alike, dates as dates, times to the second."""
    if v is None or v == "":
        return None
    if key in _DATES:
        return date.fromisoformat(str(v)[:10])
    if key in _TIMES:
        return datetime.fromisoformat(str(v)).replace(microsecond=0)
    return v


_AREAS = {"area_km2": 1e6, "area_m2": 1.0}  # unit in m²


def _same(a: tuple[Any, ...], b: tuple[Any, ...], area: int | None, slack_m2: float) -> bool:
    """Equal values, the area (field ``area``) within ``slack_m2``: the importer recomputes
    it from the geometry, which the file's coordinate precision moves by a millimetre."""
    return len(a) == len(b) and all(
        abs(x - y) <= slack_m2 if i == area else x == y
        for i, (x, y) in enumerate(zip(a, b, strict=True)))


def _rows(store: Store, layer: str) -> tuple[dict[str, tuple[Any, ...]], dict[str, Any]]:
    """{id: field values} and {id: geometry in EPSG:4548} of a stored layer."""
    table = _TABLES[layer]
    fields = _FIELDS[layer]
    geom_cols = ((table.geom,) if layer in ("streets", "communities", "grids")
                 else (table.lon, table.lat))
    with store.engine.connect() as c:
        rows = c.execute(select(*(getattr(table, f) for f in fields), *geom_cols)).all()
    # A fresh store has no catalogue table yet: the names come from the catalogue itself.
    type_names = {e.code: e.name for e in load_catalogue().parts()}
    n = len(fields)
    values: dict[str, tuple[Any, ...]] = {}
    for r in rows:
        vals = [_value(f, v) for f, v in zip(fields, r[:n], strict=True)]
        if layer == "parts" and vals[2] is None:  # NULL name = the catalogue name
            vals[2] = type_names[vals[1]]
        values[r[0]] = tuple(vals)
    ids = [r[0] for r in rows]
    if len(geom_cols) == 1:
        geoms = gcrs.project_geometries(
            shapely.from_wkb(np.array([r[n] for r in rows], dtype=object)),
            gcrs.GEOGRAPHIC, gcrs.PROJECTED)
    else:
        x, y = gcrs.to_projected(np.array([r[n] for r in rows], dtype=float),
                                 np.array([r[n + 1] for r in rows], dtype=float))
        geoms = shapely.points(x, y)
    return values, dict(zip(ids, geoms, strict=True))


def _assert_same_layer(src: Store, dst: Store, layer: str, what: str) -> None:
    a_vals, a_geoms = _rows(src, layer)
    b_vals, b_geoms = _rows(dst, layer)
    assert sorted(a_vals) == sorted(b_vals), f"{what}: the ids differ"
    fields = _FIELDS[layer]
    area = next((i for i, f in enumerate(fields) if f in _AREAS), None)
    # An area moves by at most its perimeter × the geometry tolerance.
    unit = _AREAS[fields[area]] if area is not None else 1.0
    diff = [(k, a_vals[k], b_vals[k]) for k in a_vals
            if not _same(a_vals[k], b_vals[k], area, a_geoms[k].length * TOLERANCE_M / unit)]
    assert not diff, f"{what}: {len(diff)} features differ, e.g. {diff[:2]}"
    keys = sorted(a_geoms)
    a = np.array([a_geoms[k] for k in keys], dtype=object)
    b = np.array([b_geoms[k] for k in keys], dtype=object)
    worst = float(np.max(shapely.hausdorff_distance(a, b)))
    assert worst < TOLERANCE_M, f"{what}: geometry moved by up to {worst:.4f} m"


def _import(dst: Store, layer: str, path: Path, crs: str | None = None) -> None:
    report = import_file(dst, layer, path, crs=crs)
    assert report.written and not report.rejected, report.summary()


# --- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize("ext", FORMATS)
def test_every_layer_round_trips_through_every_format(ext: str, exported: dict[str, Path],
                                                      source: Store, target: Store) -> None:
    """Export → import into an empty store → the same ids, attributes and geometry."""
    table_file = ext in ("csv", "xlsx")  # no CRS in the file: the importer needs one
    for layer in LAYERS:
        path = exported[f"{layer}.{ext}"]
        assert needs_crs(path) is table_file
        _import(target, layer, path, crs="EPSG:4490" if table_file else None)
        _assert_same_layer(source, target, layer, f"{layer} through .{ext}")


def test_chinese_text_is_intact_in_every_format(exported: dict[str, Path]) -> None:
    """The awkward values are in the files as written, whatever GDAL reads them back as."""
    names = EXPORT_NAMES["parts"]
    for ext in FORMATS:
        path = exported[f"parts.{ext}"]
        df = pyogrio.read_dataframe(path, columns=[names["name"], names["note"],
                                                   names["dept_name"], names["street_name"]],
                                    read_geometry=False)
        assert PART_NAME in set(df[names["name"]]), ext
        assert NOTE in set(df[names["note"]]), ext
        assert "海淀区水务局" in set(df[names["dept_name"]]), ext
        # 表2's mandatory items are filled in every row (GLBJMC: the catalogue name where
        # the store keeps none of its own).
        mandatory = [names[k] for k in ("part_id", "name", "dept_code", "dept_name",
                                        "grid_id", "status", "initial_date")]
        full = pyogrio.read_dataframe(path, columns=mandatory, read_geometry=False)
        assert not full.isna().any().any() and (full.astype(str) != "").all().all(), ext
        assert "供水井盖" in set(full[names["name"]]), ext
        grids = pyogrio.read_dataframe(exported[f"grids.{ext}"], read_geometry=False)
        assert GRID_NOTE in set(grids[EXPORT_NAMES["grids"]["note"]]), ext
    # And read as plain text: UTF-8 with a BOM, the CSV quoting of commas, quotes, newlines.
    raw = exported["parts.csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with exported["parts.csv"].open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0][names["name"]] == PART_NAME and rows[0][names["note"]] == NOTE
    assert list(rows[0])[:len(names)] == list(names.values())
    assert list(rows[0])[-2:] == ["lon", "lat"]


@pytest.mark.parametrize(("crs", "ext"), [
    ("EPSG:4548", "gpkg"),  # CGCS2000 / 3-degree Gauss-Kruger CM 117E
    ("EPSG:4527", "shp"),  # the same zone with the zone number in front of the easting
    ("EPSG:2436", "xlsx"),  # Beijing 1954 / 3-degree Gauss-Kruger CM 117E
    ("EPSG:4326", "geojson"),
    ("GCJ-02", "csv"),
    ("GCJ-02", "gpkg"),
])
def test_round_trip_in_another_crs(crs: str, ext: str, exported: dict[str, Path],
                                   source: Store, target: Store, tmp_path: Path) -> None:
    choice = resolve_crs(crs)
    for layer in ("streets", "communities"):
        _import(target, layer, exported[f"{layer}.gpkg"])
    for layer in ("grids", "parts"):
        path = tmp_path / f"{layer}.{ext}"
        export_layer(source, layer, path, crs=crs)
        declares = pyogrio.read_info(path)["crs"]
        if choice is GCJ02 or ext in ("csv", "xlsx"):
            assert declares is None and needs_crs(path)  # GCJ-02 is no EPSG CRS
        else:
            assert resolve_crs(declares).equals(choice)
        _import(target, layer, path, crs=crs if needs_crs(path) else None)
        _assert_same_layer(source, target, layer, f"{layer} in {crs} through .{ext}")


def test_coordinates_in_the_file_are_those_of_the_crs(source: Store, tmp_path: Path) -> None:
    """Points become lon/lat or x/y columns per the CRS; the numbers are the CRS's own."""
    with source.engine.connect() as c:
        pid, lon, lat = c.execute(select(PartRow.part_id, PartRow.lon, PartRow.lat)
                                  .order_by(PartRow.id).limit(1)).one()
    gid = EXPORT_NAMES["parts"]["part_id"]
    for crs, cols in (("EPSG:4490", ("lon", "lat")), ("EPSG:4527", ("x", "y")),
                      ("GCJ-02", ("lon", "lat"))):
        path = tmp_path / f"parts_{crs.replace(':', '')}.csv"
        export_layer(source, "parts", path, crs=crs)
        with path.open(encoding="utf-8-sig", newline="") as f:
            row = next(r for r in csv.DictReader(f) if r[gid] == pid)
        x, y = from_lonlat(lon, lat, resolve_crs(crs))
        assert float(row[cols[0]]) == pytest.approx(float(x), abs=1e-9)
        assert float(row[cols[1]]) == pytest.approx(float(y), abs=1e-9)
    assert float(row["lon"]) - lon > 0.004  # GCJ-02 is offset by hundreds of metres
    assert exporter.coordinate_columns("grids", "EPSG:4548") == ("WKT",)
    path = tmp_path / "grids.csv"
    export_layer(source, "grids", path, crs="EPSG:4548")
    with path.open(encoding="utf-8-sig", newline="") as f:
        first = next(csv.DictReader(f))
    poly = shapely.from_wkt(first["WKT"])
    assert poly.geom_type in ("Polygon", "MultiPolygon") and 400_000 < poly.centroid.x < 600_000


# --- the formats' own rules ---------------------------------------------------------------------


def test_shapefile_is_utf8_with_short_names_and_date_fields(exported: dict[str, Path]) -> None:
    for layer in LAYERS:
        shp = exported[f"{layer}.shp"]
        assert shp.with_suffix(".cpg").read_text() == "UTF-8"
        assert shp.with_suffix(".prj").exists()
        info = pyogrio.read_info(shp)
        names = list(EXPORT_NAMES[layer].values())
        assert list(info["fields"]) == names and all(len(n) <= 10 for n in names)
        types = dict(zip(info["fields"], info["ogr_types"], strict=True))
        for key in ("initial_date", "change_date"):
            if key in EXPORT_NAMES[layer]:
                assert types[EXPORT_NAMES[layer][key]] == "OFTDate", (layer, key)
    cases = pyogrio.read_dataframe(exported["cases.shp"], read_geometry=False)
    assert all(len(v) == 19 for v in cases[EXPORT_NAMES["cases"]["reported_at"]])
    # The DBF is as wide as the data: the 17-digit part id takes 17 bytes, not GDAL's 80.
    dbf = exported["parts.shp"].with_suffix(".dbf").read_bytes()
    assert dbf[32:39] == b"GLBJBSM" and dbf[32 + 16] == 17


def test_geopackage_and_xlsx_keep_types(exported: dict[str, Path]) -> None:
    info = pyogrio.read_info(exported["parts.gpkg"], layer="parts")
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert info["crs"] == "EPSG:4490" and info["geometry_type"] == "Point"
    assert (types["CSRQ"], types["BGRQ"], types["GLBJBSM"]) == ("OFTDate", "OFTDate",
                                                               "OFTString")
    cases = dict(zip(*(pyogrio.read_info(exported["cases.gpkg"])[k]
                       for k in ("fields", "ogr_types")), strict=True))
    assert cases["SBSJ"] == "OFTDateTime"
    assert pyogrio.read_info(exported["grids.gpkg"])["geometry_type"] in ("Polygon",
                                                                          "MultiPolygon")
    xlsx = pyogrio.read_info(exported["communities.xlsx"], layer="communities")
    xtypes = dict(zip(xlsx["fields"], xlsx["ogr_types"], strict=True))
    assert xtypes["SQDM"] == "OFTString" and xtypes["HS"] in ("OFTInteger", "OFTInteger64")
    assert list(xlsx["fields"])[-1] == "WKT"


def test_geojson_is_rfc7946(exported: dict[str, Path], source: Store,
                            tmp_path: Path) -> None:
    text = exported["streets.geojson"].read_text("utf-8")
    assert '"crs"' not in text  # RFC 7946 has no crs member: WGS-84 lon/lat
    assert pyogrio.read_info(exported["streets.geojson"])["crs"] == "EPSG:4326"
    with pytest.raises(ExportError, match=r"GeoJSON is always WGS-84.*RFC 7946"):
        export_layer(source, "parts", tmp_path / "parts.geojson", crs="EPSG:4548")
    with pytest.raises(ExportError, match="GCJ-02"):
        export_layer(source, "parts", tmp_path / "parts.json", crs="GCJ-02")
    assert not list(tmp_path.iterdir())


# --- refusals, cancel, progress -----------------------------------------------------------------


def test_refusals_name_the_file_and_the_rule(source: Store, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ExportError, match=r"parts\.kml.*GeoPackage \(\.gpkg\)"):
        export_layer(source, "parts", tmp_path / "parts.kml")
    with pytest.raises(ExportError, match="folder .*nowhere does not exist"):
        export_layer(source, "parts", tmp_path / "nowhere" / "parts.gpkg")
    with pytest.raises(ExportError, match="Unknown layer “roads”"):
        export_layer(source, "roads", tmp_path / "roads.gpkg")
    with pytest.raises(DomainError, match="Unknown coordinate reference system"):
        export_layer(source, "parts", tmp_path / "parts.gpkg", crs="EPSG:Mars")
    monkeypatch.setattr(exporter, "XLSX_MAX_ROWS", 1000)
    with pytest.raises(ExportError, match=r"an Excel sheet holds at most 1,000 rows.*CSV"):
        export_layer(source, "parts", tmp_path / "parts.xlsx")
    assert not list(tmp_path.iterdir())


def test_text_too_long_for_a_dbf_is_refused_before_writing(
        request: pytest.FixtureRequest, source: Store, tmp_path: Path) -> None:
    url = _new_url(request, source.backend, tmp_path, "long")
    _seed_street(url)
    store = Store.open(url)
    try:
        with store.engine.begin() as c:
            pid = c.execute(select(PartRow.part_id).order_by(PartRow.id).offset(7)
                            .limit(1)).scalar()
            c.execute(update(PartRow).where(PartRow.part_id == pid).values(note="很长" * 50))
        out = tmp_path / "out"
        out.mkdir()
        with pytest.raises(ExportError, match=rf"parts {pid} .*BZ has 100 characters.*254 "
                                              r"bytes.*GeoPackage"):
            export_layer(store, "parts", out / "parts.shp")
        assert not list(out.iterdir())
        assert export_layer(store, "parts", out / "parts.gpkg") == _count(store, "parts")
    finally:
        store.close()


def test_cancel_leaves_no_file_and_keeps_an_older_one(source: Store, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exporter, "CHUNK", 5000)
    for ext in ("gpkg", "shp", "csv"):
        path = tmp_path / f"parts.{ext}"
        with pytest.raises(ExportCancelled, match="no file was written"):
            export_layer(source, "parts", path, cancel=lambda: True)
        assert not list(tmp_path.iterdir()), ext
        calls: list[float] = []
        with pytest.raises(ExportCancelled):  # cancelled half-way, after some chunks
            export_layer(source, "parts", path,
                         progress=lambda f, _m, calls=calls: calls.append(f),
                         cancel=lambda calls=calls: len(calls) > 3)
        assert len(calls) > 3
        assert not list(tmp_path.iterdir()), ext
    path = tmp_path / "streets.gpkg"
    export_layer(source, "streets", path)
    before = path.read_bytes()
    with pytest.raises(ExportCancelled):
        export_layer(source, "communities", path, cancel=lambda: True)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["streets.gpkg"]


def test_progress_rises_to_one(source: Store, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exporter, "CHUNK", 10_000)
    seen: list[tuple[float, str]] = []
    n = export_layer(source, "parts", tmp_path / "p.gpkg", progress=lambda f, m: seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(seen) >= n // 10_000
    assert seen[-1][1] == f"parts: {n:,} written to p.gpkg"


def test_replacing_a_shapefile_drops_its_stale_sidecars(source: Store, tmp_path: Path) -> None:
    path = tmp_path / "grids.shp"
    export_layer(source, "grids", path)
    (tmp_path / "grids.qix").write_bytes(b"old index")
    export_layer(source, "grids", path, crs="GCJ-02")  # GCJ-02: no .prj any more
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".cpg", ".dbf", ".shp", ".shx"]


def test_empty_layer_still_makes_a_file(target: Store, tmp_path: Path) -> None:
    for ext in FORMATS:
        path = tmp_path / f"cases.{ext}"
        assert export_layer(target, "cases", path) == 0
        info = pyogrio.read_info(path)
        assert info["features"] == 0
        if ext not in ("geojson", "xlsx"):  # no columns without rows in these two
            assert list(info["fields"])[:3] == ["AJBH", "AJLB", "LXDM"], ext


def test_without_pyarrow_chunks_are_appended(source: Store, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The fallback writer (no pyarrow) writes the same features, chunk by chunk."""
    monkeypatch.setattr(exporter, "_has_arrow", lambda: False)
    monkeypatch.setattr(exporter, "CHUNK", 20_000)
    values, _ = _rows(source, "parts")
    pid, name = EXPORT_NAMES["parts"]["part_id"], EXPORT_NAMES["parts"]["name"]
    for ext in ("gpkg", "shp", "csv", "xlsx"):
        path = tmp_path / f"parts.{ext}"
        assert export_layer(source, "parts", path) == len(values)
        df = pyogrio.read_dataframe(path, read_geometry=ext not in ("csv", "xlsx"))
        assert sorted(df[pid]) == sorted(values), ext
        assert PART_NAME in set(df[name]) and NOTE in set(df[EXPORT_NAMES["parts"]["note"]])
        types = dict(zip(*(pyogrio.read_info(path)[k] for k in ("fields", "ogr_types")),
                         strict=True))
        if ext != "csv":
            assert types["CSRQ"] == "OFTDate", ext
    with pytest.raises(ExportCancelled):
        export_layer(source, "parts", tmp_path / "c.gpkg", cancel=lambda: True)
    assert not (tmp_path / "c.gpkg").exists()
