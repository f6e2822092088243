"""The store on SQLite and PostgreSQL: migrations, bulk loads, repositories and queries.

Each test runs once per backend (``store_url`` / ``seeded_store_url``); the PostgreSQL runs
are skipped unless ``CITYGRID_TEST_PG`` is set (see ``tests/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

import numpy as np
import pytest
import shapely
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from app.domain.case import Case, CaseKind, CaseSource, CaseState, Urgency
from app.domain.departments import load_departments
from app.domain.ids import GridId
from app.gis import crs
from app.services import queries
from app.services.seeding import build_dataset
from app.store.bulk import Dataset
from app.store.db import MIGRATIONS_DIR, current_revision, make_engine, upgrade
from app.store.orm import Base, point_cell
from app.store.store import Store

from conftest import STREET_SEED_END

pytestmark = pytest.mark.db

Rows = dict[str, tuple[tuple[str, ...], list[Sequence[Any]]]]


def _head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = Store.open(store_url)
    yield s
    s.close()


@pytest.fixture(scope="module")
def seeded(seeded_store_url: str) -> Iterator[Store]:
    s = Store.open(seeded_store_url)
    yield s
    s.close()


@pytest.fixture(scope="session")
def street_rows() -> Rows:
    """What the street seed writes, table by table (same seed, same end time)."""
    ds, _ = build_dataset("street", end=STREET_SEED_END)
    return {t.table: (tuple(t.columns), [tuple(r) for r in t.rows]) for t in ds.tables}


def _records(rows: Rows, table: str) -> list[dict[str, Any]]:
    cols, data = rows[table]
    return [dict(zip(cols, r, strict=True)) for r in data]


# --- a small hand-built district -------------------------------------------------------

DEPT = load_departments()[0]
GRID = "110108011001001"
PART = "11010801001000001"


def _box(cx: float, cy: float, half: float) -> tuple[shapely.Geometry, bytes, list[float]]:
    """A square in display metres → (metre polygon, lon/lat WKB, metre bounds)."""
    poly = shapely.box(cx - half, cy - half, cx + half, cy + half)
    ll = crs.project_geometries(np.array([poly], dtype=object), crs.PROJECTED, crs.GEOGRAPHIC)
    return poly, shapely.to_wkb(ll[0]), [float(v) for v in poly.bounds]


def small_dataset(street_name: str = "测试街道", cases: Sequence[int] = (1, 2),
                  shift: float = 0.0) -> Dataset:
    """One street, community and grid, a part and ``cases`` (their ids) in that grid,
    ``shift`` metres east of the usual place."""
    cx, cy = 441410.0 + shift, 4428533.0
    _, street_wkb, street_bb = _box(cx, cy, 500)
    _, comm_wkb, comm_bb = _box(cx, cy, 300)
    _, grid_wkb, grid_bb = _box(cx, cy, 100)
    px, py = cx + 10.0, cy - 20.0
    plon, plat = (float(v) for v in crs.to_geographic(px, py))
    ds = Dataset()
    ds.add("meta", ("key", "value"), [("seed.scale", "test")])
    ds.add("district", ("code", "name", "area_km2", "geom"),
           [("110108", "海淀区", 1.0, street_wkb)])
    ds.add("street", ("code", "name", "kind", "area_km2", "geom", "minx", "miny", "maxx", "maxy"),
           [("110108011", street_name, "街道", 1.0, street_wkb, *street_bb)])
    ds.add("community", ("code", "name", "street_code", "households", "residents", "geom",
                         "minx", "miny", "maxx", "maxy"),
           [("110108011001", "测试社区", "110108011", 120, 300, comm_wkb, *comm_bb)])
    ds.add("unit_grid", ("grid_id", "community_code", "street_code", "name", "area_m2",
                         "region_class", "households", "residents", "initial_date", "note",
                         "geom", "minx", "miny", "maxx", "maxy"),
           [(GRID, "110108011001", "110108011", "测试社区1号网格", 40_000.0, "一类区域", 60, 150,
             "2024-06-30", "", grid_wkb, *grid_bb)])
    ds.add("catalogue", ("kind", "code", "name", "major_code", "major_name", "standard_ref"),
           [("part", "01001", "供水井盖", "01", "市政公用设施", "GB/T 47678.5-2026")])
    ds.add("department", ("code", "name", "kind", "street_code"),
           [(DEPT.code, DEPT.name, DEPT.kind.value, None)])
    ds.add("part", ("id", "part_id", "type_code", "major", "dept_code", "grid_id", "status",
                    "initial_date", "change_date", "data_source", "lon", "lat", "x", "y",
                    "cell"),
           [(1, PART, "01001", 1, DEPT.code, GRID, "破损", "2020-05-01", "2021-02-03", "实测",
             plon, plat, px, py, point_cell(px))])
    ds.add("case_", ("id", "number", "kind", "type_code", "lon", "lat", "x", "y", "cell",
                     "grid_id", "source", "reported_at", "description", "state", "urgency",
                     "level", "address", "part_id", "dept_code", "deadline", "closed_at",
                     "version"),
           [(i, f"20261123{i:05d}", "part", "01001", plon, plat, px, py, point_cell(px), GRID,
             "supervisor", "2026-11-23 08:30:00.000000", "井盖破损", "dispatched", "high",
             "district", "", PART, DEPT.code, "2026-11-24 08:30:00.000000", None, 0)
            for i in cases])
    return ds


# --- migrations ------------------------------------------------------------------------


def test_migrations_create_schema_from_empty_and_are_idempotent(store_url: str) -> None:
    engine = make_engine(store_url)
    try:
        # (PostGIS's own table, in the shared public schema, is visible on PostgreSQL.)
        assert not set(inspect(engine).get_table_names()) - {"spatial_ref_sys"}
        upgrade(engine)
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert current_revision(engine) == _head_revision()

        upgrade(engine)  # a second run changes nothing and does not fail
        assert set(inspect(engine).get_table_names()) == tables
        with engine.connect() as c:
            versions = c.execute(text("SELECT version_num FROM alembic_version")).all()
        assert [v[0] for v in versions] == [_head_revision()]
    finally:
        engine.dispose()


# --- bulk loads ------------------------------------------------------------------------


def test_replace_all_round_trip_of_a_small_district(store: Store) -> None:
    store.replace_all(small_dataset())

    assert store.is_seeded()
    assert store.admin.counts() == {"streets": 1, "communities": 1, "grids": 1}
    assert store.admin.district() == ("110108", "海淀区", 1.0)
    [street] = store.admin.streets()
    assert (street.code, street.name, street.kind) == ("110108011", "测试街道", "街道")
    grid = store.admin.grid(GRID)
    assert grid is not None
    assert grid.community_code == "110108011001"
    assert grid.initial_date == date(2024, 6, 30)
    assert (grid.households, grid.residents, grid.region_class) == (60, 150, "一类区域")
    assert grid.geometry is not None and grid.geometry.contains(
        shapely.Point(*crs.to_geographic(441410.0, 4428533.0)))

    part = store.parts.get(PART)
    assert part is not None
    assert part.name == "供水井盖"  # NULL name → the catalogue name of its type
    assert part.dept_name == DEPT.name
    assert part.status.value == "破损"
    assert (part.initial_date, part.change_date) == (date(2020, 5, 1), date(2021, 2, 3))

    case = store.cases.get("2026112300002")
    assert case is not None
    assert case.reported_at == datetime(2026, 11, 23, 8, 30)
    assert case.deadline == datetime(2026, 11, 24, 8, 30)
    assert case.closed_at is None
    assert case.state is CaseState.DISPATCHED and case.urgency is Urgency.HIGH
    assert case.part_id == PART
    assert store.cases.count() == 2


def _indexes(store: Store) -> dict[str, list[str]]:
    insp = inspect(store.engine)
    return {t: sorted(str(i["name"]) for i in insp.get_indexes(t)) for t in Base.metadata.tables}


def test_failed_load_leaves_previous_content_unchanged(store: Store) -> None:
    store.replace_all(small_dataset())
    indexes = _indexes(store)
    before_counts = (store.admin.counts(), store.parts.count(), store.cases.count())
    before_case = store.cases.get("2026112300001")
    before_part = store.parts.get(PART)

    # Every table is new except the last one, which repeats a primary key.
    bad = small_dataset(street_name="新街道", cases=(1, 2, 3, 3))
    with pytest.raises(IntegrityError, match="case_"):
        store.replace_all(bad)

    assert (store.admin.counts(), store.parts.count(), store.cases.count()) == before_counts
    assert store.admin.streets()[0].name == "测试街道"
    assert store.cases.get("2026112300001") == before_case
    assert store.parts.get(PART) == before_part
    assert store.admin.grid_ids_in_bbox((441400.0, 4428500.0, 441420.0, 4428540.0)) == [GRID]
    assert _indexes(store) == indexes

    # The spatial index survived the failed load and follows the next one.
    store.replace_all(small_dataset(street_name="新街道", cases=(5,), shift=5000.0))
    assert store.admin.streets()[0].name == "新街道"
    assert store.admin.grid_ids_in_bbox((441400.0, 4428500.0, 441420.0, 4428540.0)) == []
    assert store.admin.grid_ids_in_bbox((446400.0, 4428500.0, 446420.0, 4428540.0)) == [GRID]
    assert store.cases.rowids_in_bbox((446400.0, 4428500.0, 446440.0, 4428540.0)).tolist() == [5]
    assert store.cases.count() == 1


def test_add_case_after_a_bulk_load_gets_a_new_id(store: Store) -> None:
    store.replace_all(small_dataset(cases=(1, 2, 7)))
    lon, lat = (float(v) for v in crs.to_geographic(441430.0, 4428540.0))
    new = Case(number="2026112400001", kind=CaseKind.MATTER, type_code="06001", lon=lon,
               lat=lat, grid_id=GridId(GRID), source=CaseSource.HOTLINE,
               reported_at=datetime(2026, 11, 24, 9, 15), description="占道经营",
               deadline=datetime(2026, 11, 25, 9, 15))

    added = store.cases.add(new, 441430.0, 4428540.0)

    assert added.id is not None and added.id > 7
    got = store.cases.get("2026112400001")
    assert got is not None
    assert got.id == added.id
    assert (got.kind, got.source, got.state) == (CaseKind.MATTER, CaseSource.HOTLINE,
                                                 CaseState.REPORTED)
    assert got.reported_at == datetime(2026, 11, 24, 9, 15)
    assert got.description == "占道经营"
    assert store.cases.count() == 4
    assert added.id in store.cases.rowids_in_bbox((441420.0, 4428530.0, 441440.0, 4428550.0))
    assert added.id in store.cases.point_arrays(open_only=True).rowid


# --- the seeded street scale -----------------------------------------------------------


def _close(a: shapely.Geometry | None, wkb: bytes) -> bool:
    return a is not None and bool(shapely.equals_exact(a, shapely.from_wkb(wkb), 1e-6))


def test_seeded_admin_hierarchy_round_trips(seeded: Store, street_rows: Rows) -> None:
    streets = {r["code"]: r for r in _records(street_rows, "street")}
    got_streets = seeded.admin.streets()
    assert [s.code for s in got_streets] == sorted(streets)
    for s in got_streets:
        w = streets[s.code]
        assert (s.name, s.kind) == (w["name"], w["kind"])
        assert s.area_km2 == pytest.approx(w["area_km2"])
        assert _close(s.geometry, w["geom"])

    comms = {r["code"]: r for r in _records(street_rows, "community")}
    got_comms = seeded.admin.communities()
    assert [c.code for c in got_comms] == sorted(comms)
    for c in got_comms:
        w = comms[c.code]
        assert (c.name, c.households, c.residents) == (w["name"], w["households"],
                                                       w["residents"])
        assert _close(c.geometry, w["geom"])

    grids = {r["grid_id"]: r for r in _records(street_rows, "unit_grid")}
    got_grids = seeded.admin.grids()
    assert [g.grid_id.value for g in got_grids] == sorted(grids)
    for g in got_grids:
        w = grids[g.grid_id.value]
        assert (g.community_code, g.name, g.region_class, g.households, g.residents) == (
            w["community_code"], w["name"], w["region_class"], w["households"], w["residents"])
        assert g.area_m2 == pytest.approx(w["area_m2"])
        assert g.initial_date == date.fromisoformat(w["initial_date"])
        assert _close(g.geometry, w["geom"])
    community = got_comms[0].code
    assert [g.grid_id.value for g in seeded.admin.grids(community)] == sorted(
        g for g in grids if g.startswith(community))


def test_seeded_parts_round_trip(seeded: Store, street_rows: Rows) -> None:
    written = _records(street_rows, "part")
    assert seeded.parts.count() == len(written)
    names = dict(seeded.org.department_names())
    for w in written[:: max(1, len(written) // 60)]:
        p = seeded.parts.get(w["part_id"])
        assert p is not None, w["part_id"]
        assert (p.type_code, p.dept_code, p.grid_id.value, p.status.value) == (
            w["type_code"], w["dept_code"], w["grid_id"], w["status"])
        assert p.dept_name == names[w["dept_code"]]
        assert (p.owner_code, p.maintainer_code) == (w["owner_code"], w["maintainer_code"])
        assert p.initial_date == date.fromisoformat(w["initial_date"])
        assert p.change_date == (date.fromisoformat(w["change_date"]) if w["change_date"]
                                 else None)
        assert p.lon == pytest.approx(w["lon"], abs=1e-6)
        assert p.lat == pytest.approx(w["lat"], abs=1e-6)
        assert seeded.parts.get_by_rowid(w["id"]) == p

    arrays = seeded.parts.point_arrays()
    assert arrays.rowid.tolist() == [w["id"] for w in written]
    assert np.allclose(arrays.x, [w["x"] for w in written])
    assert arrays.attrs["major"].tolist() == [w["major"] for w in written]


def test_seeded_cases_round_trip(seeded: Store, street_rows: Rows) -> None:
    written = _records(street_rows, "case_")
    assert seeded.cases.count() == len(written)
    for w in written[:: max(1, len(written) // 60)]:
        c = seeded.cases.get(w["number"])
        assert c is not None, w["number"]
        assert (c.id, c.kind.value, c.type_code, c.grid_id.value, c.state.value,
                c.urgency.value, c.level.value, c.source.value) == (
            w["id"], w["kind"], w["type_code"], w["grid_id"], w["state"], w["urgency"],
            w["level"], w["source"])
        assert (c.part_id, c.dept_code, c.description) == (w["part_id"], w["dept_code"],
                                                           w["description"])
        assert c.reported_at == datetime.fromisoformat(w["reported_at"])
        assert c.closed_at == (datetime.fromisoformat(w["closed_at"]) if w["closed_at"]
                               else None)
        assert c.lon == pytest.approx(w["lon"], abs=1e-6)
        assert c.lat == pytest.approx(w["lat"], abs=1e-6)

    open_ = seeded.cases.point_arrays(open_only=True)
    assert len(open_.rowid) == sum(CaseState(w["state"]).is_open for w in written)


def _part_boxes(x: np.ndarray, y: np.ndarray) -> list[tuple[float, float, float, float]]:
    rng = np.random.default_rng(3)
    boxes = []
    for _ in range(8):
        i = int(rng.integers(len(x)))
        w, h = rng.uniform(20, 600, 2)
        boxes.append((float(x[i] - w / 3), float(y[i] - h / 2), float(x[i] + w), float(y[i] + h)))
    boxes.append((float(x.min()) - 1, float(y.min()) - 1, float(x.max()) + 1,
                  float(y.max()) + 1))  # everything
    boxes.append((0.0, 0.0, 10.0, 10.0))  # nothing
    return boxes


def test_parts_in_bbox_match_a_brute_force_filter(seeded: Store) -> None:
    pts = seeded.parts.point_arrays()
    for minx, miny, maxx, maxy in _part_boxes(pts.x, pts.y):
        inside = ((pts.x >= minx) & (pts.x <= maxx) & (pts.y >= miny) & (pts.y <= maxy))
        expected = np.sort(pts.rowid[inside])
        got = seeded.parts.rowids_in_bbox((minx, miny, maxx, maxy))
        assert got.tolist() == expected.tolist()
        assert seeded.parts.rowids_in_bbox((minx, miny, maxx, maxy), limit=5).tolist() == (
            expected[:5].tolist())


def test_grids_in_bbox_match_a_shapely_brute_force(seeded: Store) -> None:
    grids = seeded.admin.grids()
    ids = np.array([g.grid_id.value for g in grids])
    metres = crs.project_geometries(np.array([g.geometry for g in grids], dtype=object),
                                    crs.GEOGRAPHIC, crs.PROJECTED)
    bounds = shapely.bounds(metres)
    tree_boxes = shapely.box(*bounds.T)
    c = shapely.centroid(metres)
    pts = seeded.parts.point_arrays()
    boxes = _part_boxes(pts.x, pts.y) + [
        (float(shapely.get_x(c[0])), float(shapely.get_y(c[0])),
         float(shapely.get_x(c[0])) + 1.0, float(shapely.get_y(c[0])) + 1.0)]
    for bb in boxes:
        expected = sorted(ids[shapely.intersects(tree_boxes, shapely.box(*bb))].tolist())
        assert seeded.admin.grid_ids_in_bbox(bb) == expected
    assert grids[0].grid_id.value in seeded.admin.grid_ids_in_bbox(boxes[-1])


def test_stats_counts(seeded: Store, street_rows: Rows) -> None:
    s = queries.stats(seeded)
    cases = _records(street_rows, "case_")
    assert (s["streets"], s["communities"], s["grids"]) == (
        len(street_rows["street"][1]), len(street_rows["community"][1]),
        len(street_rows["unit_grid"][1]))
    assert s["parts"] == len(street_rows["part"][1])
    assert sum(s["parts_by_major"].values()) == s["parts"]  # type: ignore[union-attr]
    assert s["cases"] == len(cases)
    by_state = s["cases_by_state"]
    assert isinstance(by_state, dict)
    for state in CaseState:
        assert by_state[state.value] == sum(w["state"] == state.value for w in cases)
    assert s["open_cases"] == sum(CaseState(w["state"]).is_open for w in cases)
    assert s["district"]["code"] == "110108"  # type: ignore[index]
    assert s["district"]["name"] == "海淀区"  # type: ignore[index]
    assert s["seed"]["scale"] == "street"  # type: ignore[index]
    assert s["seed"]["end"] == STREET_SEED_END.isoformat()  # type: ignore[index]


# --- search and identify ---------------------------------------------------------------


def test_search_finds_grid_part_and_case_ids(seeded: Store, street_rows: Rows) -> None:
    grid = _records(street_rows, "unit_grid")[5]
    [hit] = queries.search(seeded, grid["grid_id"])
    assert (hit.kind, hit.key) == ("grid", grid["grid_id"])
    assert grid["name"] in hit.label
    assert hit.bbox == pytest.approx((grid["minx"], grid["miny"], grid["maxx"], grid["maxy"]))

    part = _records(street_rows, "part")[100]
    [hit] = queries.search(seeded, part["part_id"])
    assert (hit.kind, hit.key) == ("part", part["part_id"])
    minx, miny, maxx, maxy = hit.bbox
    assert minx <= part["x"] <= maxx and miny <= part["y"] <= maxy

    # A legacy 16-digit id (minor class with 2 digits) finds the part of the 2026 layout.
    legacy_part = next(p for p in _records(street_rows, "part") if p["part_id"][8] == "0")
    pid = legacy_part["part_id"]
    legacy = pid[:8] + pid[9:]
    assert len(legacy) == 16
    [hit] = queries.search(seeded, legacy)
    assert (hit.kind, hit.key) == ("part", pid)

    case = _records(street_rows, "case_")[1234]
    [hit] = queries.search(seeded, case["number"])
    assert (hit.kind, hit.key) == ("case", case["number"])
    minx, miny, maxx, maxy = hit.bbox
    assert minx <= case["x"] <= maxx and miny <= case["y"] <= maxy

    day = case["number"][:8]
    hits = queries.search(seeded, day, limit=7)
    assert len(hits) == 7
    assert all(h.kind == "case" and h.key.startswith(day) for h in hits)

    assert queries.search(seeded, "110108999999001") == []
    assert queries.search(seeded, "  ") == []


def test_search_finds_streets_and_communities_by_name(seeded: Store,
                                                      street_rows: Rows) -> None:
    street = _records(street_rows, "street")[0]
    hits = queries.search(seeded, street["name"][:2])
    assert ("street", street["code"]) in [(h.kind, h.key) for h in hits]

    comm = _records(street_rows, "community")[3]
    hits = queries.search(seeded, comm["name"])
    assert ("community", comm["code"]) in [(h.kind, h.key) for h in hits]
    [h] = [h for h in hits if h.key == comm["code"]]
    assert h.label == comm["name"]
    assert h.bbox == pytest.approx((comm["minx"], comm["miny"], comm["maxx"], comm["maxy"]))

    [h] = queries.search(seeded, comm["code"])  # a 12-digit community code
    assert (h.kind, h.label) == ("community", comm["name"])
    assert queries.search(seeded, "不存在的地名") == []


def test_identify_grid_part_and_case(seeded: Store, street_rows: Rows) -> None:
    grid = _records(street_rows, "unit_grid")[7]
    info = queries.identify_grid(seeded, grid["grid_id"])
    assert info is not None
    fields = dict(info.fields)
    assert (info.kind, info.key, info.title) == ("grid", grid["grid_id"], grid["name"])
    assert fields["households"] == str(grid["households"])
    assert fields["initial_date"] == grid["initial_date"]
    street_name = street_rows["street"][1][0][1]
    assert dict(info.hierarchy)["street"] == f"{grid['street_code']} {street_name}"
    assert dict(info.hierarchy)["district"] == "110108 海淀区"

    part = _records(street_rows, "part")[42]
    info = queries.identify_part(seeded, part["id"])
    assert info is not None
    fields = dict(info.fields)
    assert (info.kind, info.key) == ("part", part["part_id"])
    assert fields["grid_id"] == part["grid_id"]
    assert fields["status"] == part["status"]
    assert fields["type"].startswith(part["type_code"])
    assert dict(info.hierarchy)["grid"] == part["grid_id"]

    case = _records(street_rows, "case_")[4321]
    info = queries.identify_case(seeded, case["id"])
    assert info is not None
    fields = dict(info.fields)
    assert (info.kind, info.key) == ("case", case["number"])
    assert fields["state"] == case["state"]
    assert fields["reported_at"] == case["reported_at"][:16]

    assert queries.identify_grid(seeded, "110108011999999") is None
    assert queries.identify_part(seeded, 10**8) is None
    assert queries.identify_case(seeded, 10**8) is None


def test_a_bulk_load_keeps_every_index(store: Store) -> None:
    """The loader drops secondary indexes for the load (PostgreSQL: GiST included) and builds
    them again: the same indexes afterwards, and the spatial ones in use."""
    before = _indexes(store)
    store.replace_all(small_dataset())
    assert _indexes(store) == before
    store.replace_all(small_dataset())  # a second load over existing rows
    assert _indexes(store) == before
    if store.backend == "postgresql":
        with store.engine.connect() as c:
            gist = {r[0] for r in c.execute(text(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                "AND indexdef LIKE '%USING gist%'"))}
        assert {"ix_part_pt", "ix_case__pt", "ix_unit_grid_shape"} <= gist
