"""PostGIS on PostgreSQL: the generated geometry columns, and spatial queries that answer
exactly as the portable path (SQLite, btree) does.

Every query test runs on both backends (``seeded_store_url``): each backend's answer must
equal a naive answer computed here in Python over every row, and the SQLite store's answer
for the same random points and boxes (fixed seeds). On PostgreSQL the repository's
portable branch is run as well, on the same database.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import pytest
import shapely
from sqlalchemy import select, text

from app.domain.case import CaseState
from app.domain.duplicates import load_duplicate_rules
from app.gis import crs
from app.store import repositories as repos
from app.store.orm import CaseRow, GridRow
from app.store.store import Store

POLYGON_TABLES = ("district", "street", "community", "unit_grid", "block")


@pytest.fixture(scope="module")
def store(seeded_store_url: str) -> Iterator[Store]:
    s = Store.open(seeded_store_url)
    yield s
    s.close()


@pytest.fixture(scope="module")
def lite(street_db_url: str) -> Iterator[Store]:
    """The same seed on SQLite: the reference every backend is compared with."""
    s = Store.open(street_db_url)
    yield s
    s.close()


@pytest.fixture(scope="module")
def grids(lite: Store) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Grid ids in id order, their lon/lat polygons and metre bboxes."""
    with lite.engine.connect() as c:
        rows = c.execute(select(GridRow.grid_id, GridRow.geom, GridRow.minx, GridRow.miny,
                                GridRow.maxx, GridRow.maxy).order_by(GridRow.grid_id)).all()
    polys = shapely.from_wkb(np.array([r[1] for r in rows], dtype=object))
    return [r[0] for r in rows], polys, np.array([r[2:] for r in rows], dtype=float)


def _pg_only(store: Store) -> None:
    if store.backend != "postgresql":
        pytest.skip("PostGIS columns exist on PostgreSQL only")


def _both_paths(store: Store, key: str, call, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Results of ``call()`` with the PostGIS branch ``key`` on and (PostgreSQL) off."""
    monkeypatch.setitem(repos.POSTGIS_PATHS, key, True)
    out = [call()]
    if store.backend == "postgresql":
        monkeypatch.setitem(repos.POSTGIS_PATHS, key, False)
        out.append(call())
        monkeypatch.setitem(repos.POSTGIS_PATHS, key, True)
    return out


# -- the generated columns ---------------------------------------------------------------


def test_geometry_columns_are_cgcs2000_with_gist_indexes(store: Store) -> None:
    _pg_only(store)
    from app.store.postgis import geometry_columns

    with store.engine.connect() as c:
        cols = {(t, col): (kind, srid) for t, col, kind, srid in geometry_columns(c)}
        gist = {(r[0], r[1]) for r in c.execute(text(
            "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND indexdef ILIKE '%USING gist%'"))}
    expected = {(t, "shape"): ("MULTIPOLYGON", 4490) for t in POLYGON_TABLES}
    expected[("road", "shape")] = ("MULTILINESTRING", 4490)
    expected |= {(t, "pt"): ("POINT", 4490) for t in ("part", "case_")}
    assert {k: cols.get(k) for k in expected} == expected
    indexed = {(t, col) for t, col in expected
               if any(tab == t and f"USING gist ({col})" in d for tab, d in gist)}
    assert indexed == set(expected)


def test_generated_points_are_the_lon_lat_columns(store: Store) -> None:
    _pg_only(store)
    with store.engine.connect() as c:
        for table in ("part", "case_"):
            n, with_pt, wrong = c.execute(text(
                f"SELECT count(*), count(pt), count(*) FILTER (WHERE ST_X(pt) <> lon "
                f"OR ST_Y(pt) <> lat OR ST_SRID(pt) <> 4490) FROM {table}")).one()
            assert n > 0
            assert (with_pt, wrong) == (n, 0), table


@pytest.mark.parametrize("table", ["unit_grid", "street", "road"])
def test_generated_shapes_round_trip_the_wkb(store: Store, table: str) -> None:
    _pg_only(store)
    with store.engine.connect() as c:
        rows = c.execute(text(f"SELECT geom, ST_AsBinary(shape), ST_SRID(shape) FROM {table}"
                              )).all()
    assert rows
    stored = shapely.from_wkb(np.array([bytes(r[0]) for r in rows], dtype=object))
    shape = shapely.from_wkb(np.array([bytes(r[1]) for r in rows], dtype=object))
    multi = np.array([g if g.geom_type.startswith("Multi") else
                      (shapely.MultiPolygon([g]) if g.geom_type == "Polygon"
                       else shapely.MultiLineString([g])) for g in stored], dtype=object)
    assert shapely.equals_exact(multi, shape, tolerance=0.0).all()
    assert {r[2] for r in rows} == {4490}


# -- point → grid --------------------------------------------------------------------------


def _report_points(store: Store, grids, n: int = 300) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def]
    """Lon/lat points: near parts, anywhere over the extent (some outside), and the
    vertices of a few grids (edges shared by neighbours)."""
    rng = np.random.default_rng(20261129)
    _ids, polys, boxes = grids
    pts = store.parts.point_arrays()
    k = rng.choice(len(pts.x), size=n // 2, replace=False)
    x = list(pts.x[k] + rng.uniform(-15, 15, len(k)))
    y = list(pts.y[k] + rng.uniform(-15, 15, len(k)))
    minx, miny = boxes[:, 0].min(), boxes[:, 1].min()
    maxx, maxy = boxes[:, 2].max(), boxes[:, 3].max()
    x += list(rng.uniform(minx - 300, maxx + 300, n // 2))
    y += list(rng.uniform(miny - 300, maxy + 300, n // 2))
    lon, lat = crs.to_geographic(np.array(x), np.array(y))
    out = list(zip(lon.tolist(), lat.tolist(), strict=True))
    for g in rng.choice(len(polys), size=5, replace=False):
        out += [tuple(v) for v in shapely.get_coordinates(polys[g])[:4].tolist()]
    return out


def test_grid_at_is_the_polygon_holding_the_point(store: Store, lite: Store, grids,  # type: ignore[no-untyped-def]
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ids, polys, _boxes = grids
    inside = 0
    for lon, lat in _report_points(store, grids):
        hits = [ids[i] for i in np.flatnonzero(shapely.intersects_xy(polys, lon, lat))]
        want = hits[0] if hits else None  # ids are sorted: the smaller id on a shared edge
        got = _both_paths(store, "grid_at", lambda: store.admin.grid_at(lon, lat), monkeypatch)
        assert got == [want] * len(got), (lon, lat)
        assert lite.admin.grid_at(lon, lat) == want
        inside += want is not None
    assert 150 <= inside < 320  # the sample has points both inside and outside


@pytest.mark.parametrize("lonlat", [(117.5, 41.0), (115.0, 39.0), (116.0, 39.9)])
def test_grid_at_outside_the_district_is_none(store: Store, lonlat: tuple[float, float],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    got = _both_paths(store, "grid_at", lambda: store.admin.grid_at(*lonlat), monkeypatch)
    assert got == [None] * len(got)


def test_grid_ids_in_bbox_match_the_bbox_columns(store: Store, lite: Store, grids,  # type: ignore[no-untyped-def]
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    ids, _polys, boxes = grids
    rng = np.random.default_rng(7)
    minx, miny = boxes[:, 0].min(), boxes[:, 1].min()
    maxx, maxy = boxes[:, 2].max(), boxes[:, 3].max()
    for _ in range(120):
        x, y = rng.uniform(minx - 200, maxx + 200), rng.uniform(miny - 200, maxy + 200)
        w, h = rng.choice([0.0, 50.0, 400.0, 2000.0], size=2)
        bbox = (x, y, x + w, y + h)
        hit = ((boxes[:, 2] >= bbox[0]) & (boxes[:, 0] <= bbox[2]) & (boxes[:, 3] >= bbox[1])
               & (boxes[:, 1] <= bbox[3]))
        want = [ids[i] for i in np.flatnonzero(hit)]
        got = _both_paths(store, "grid_ids_in_bbox",
                          lambda bbox=bbox: store.admin.grid_ids_in_bbox(bbox), monkeypatch)
        assert got == [want] * len(got), bbox
        assert lite.admin.grid_ids_in_bbox(bbox) == want
    # A grid's own bbox finds it (its edges touch the query box).
    for i in rng.choice(len(ids), size=20, replace=False):
        assert ids[i] in store.admin.grid_ids_in_bbox(tuple(boxes[i]))


# -- parts and cases in a box, duplicates, cameras ---------------------------------------


def test_part_rowids_in_bbox_match_a_full_scan(store: Store, lite: Store,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    pts = lite.parts.point_arrays()
    rng = np.random.default_rng(11)
    nonempty = 0
    for i in range(100):
        k = int(rng.integers(0, len(pts.x)))
        size = float(rng.choice([10.0, 100.0, 400.0, 3000.0]))
        x0, y0 = pts.x[k] - rng.uniform(0, size), pts.y[k] - rng.uniform(0, size)
        bbox = (x0, y0, x0 + size, y0 + size)
        inside = ((pts.x >= bbox[0]) & (pts.x <= bbox[2]) & (pts.y >= bbox[1])
                  & (pts.y <= bbox[3]))
        want = np.sort(pts.rowid[inside]).tolist()
        limit = 5 if i % 4 == 0 else None
        if limit:
            want = want[:limit]
        got = _both_paths(store, "part_rowids_in_bbox",
                          lambda bbox=bbox, limit=limit: store.parts.rowids_in_bbox(
                              bbox, limit).tolist(), monkeypatch)
        assert got == [want] * len(got), bbox
        assert lite.parts.rowids_in_bbox(bbox, limit).tolist() == want
        nonempty += bool(want)
    assert nonempty >= 90
    # An exact hit on a box edge counts as inside, as on the portable path.
    x, y = float(pts.x[0]), float(pts.y[0])
    assert int(pts.rowid[0]) in store.parts.rowids_in_bbox((x, y, x + 50, y + 50)).tolist()


def test_cases_near_match_a_full_scan(store: Store, lite: Store,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    open_states = {s.value for s in CaseState if s.is_open}
    with lite.engine.connect() as c:
        rows = c.execute(select(CaseRow.number, CaseRow.type_code, CaseRow.state, CaseRow.x,
                                CaseRow.y, CaseRow.reported_at).order_by(CaseRow.id)).all()
    rules = load_duplicate_rules()
    rng = np.random.default_rng(3)
    opened = [r for r in rows if r.state in open_states]
    found = 0
    for i, k in enumerate(rng.choice(len(opened), size=min(80, len(opened)), replace=False)):
        _n, tcode, _s, x, y, at = opened[int(k)]
        rule = rules.rule_for(tcode)
        # Half the look-ups with the type's rule, half much wider so they find neighbours.
        r, hours = ((rule.radius_m, rule.window_hours) if i % 2 else (400.0, 24.0 * 30))
        win = timedelta(hours=hours)
        bbox = (x - r, y - r, x + r, y + r)
        want = sorted(n for n, t, s, cx, cy, rep in rows
                      if t == tcode and s in open_states and bbox[0] <= cx <= bbox[2]
                      and bbox[1] <= cy <= bbox[3] and at - win <= rep <= at + win)

        def call(tcode=tcode, bbox=bbox, at=at, win=win) -> list[tuple[str, float, float]]:  # type: ignore[no-untyped-def]
            return [(c.number, cx, cy) for c, cx, cy in store.cases.near(
                tcode, bbox, at - win, at + win)]

        got = _both_paths(store, "cases_near", call, monkeypatch)
        assert [[n for n, _x, _y in g] for g in got] == [want] * len(got)
        assert [(c.number, cx, cy) for c, cx, cy in lite.cases.near(
            tcode, bbox, at - win, at + win)] == got[0]
        found += len(want) > 1
    assert found >= 5  # some look-ups find another case than their own


def test_cameras_seeing_match_every_camera(store: Store, lite: Store,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    cams = lite.cameras.all()
    assert cams
    rng = np.random.default_rng(5)
    seen = 0
    for _ in range(120):
        cam = cams[int(rng.integers(0, len(cams)))]
        ang, dist = rng.uniform(0, 2 * math.pi), rng.uniform(0, 1.3 * cam.range_m)
        x, y = cam.x + dist * math.sin(ang), cam.y + dist * math.cos(ang)
        want = [c.part_id for c in sorted((c for c in cams if c.sees(x, y)),
                                          key=lambda c: (math.hypot(c.x - x, c.y - y),
                                                         c.part_id))]
        got = _both_paths(store, "cameras_seeing",
                          lambda x=x, y=y: [c.part_id for c in store.cameras.seeing(x, y)],
                          monkeypatch)
        assert got == [want] * len(got), (x, y)
        assert [c.part_id for c in lite.cameras.seeing(x, y)] == want
        seen += bool(want)
    assert seen >= 30
