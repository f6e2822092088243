"""GridIndex: point → grid assignment on small synthetic polygons (correctness only)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import shapely

from app.gis.index import GridIndex


def _squares(n: int = 4, size: float = 100.0) -> np.ndarray:
    """n × n squares; index = row * n + col, origin (1000, 2000)."""
    return np.array([shapely.box(1000 + i * size, 2000 + j * size,
                                 1000 + (i + 1) * size, 2000 + (j + 1) * size)
                     for j in range(n) for i in range(n)], dtype=object)


def _reference(polys: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Lowest index of a polygon that intersects the point, or -1 (brute force)."""
    out = np.full(len(x), -1)
    for k, p in enumerate(polys):
        hit = shapely.intersects_xy(p, x, y) & (out < 0)
        out[hit] = k
    return out


@pytest.mark.parametrize("cell", [None, 7.0, 33.0, 500.0])
def test_interior_points(cell: float | None) -> None:
    polys = _squares()
    idx = GridIndex(polys, cell=cell, levels=3)
    x = np.array([1050.0, 1150.0, 1399.0, 1001.0, 1250.5])
    y = np.array([2050.0, 2050.0, 2399.0, 2301.0, 2120.25])
    assert idx.assign(x, y).tolist() == [0, 1, 15, 12, 6]


def test_outside_is_minus_one() -> None:
    idx = GridIndex(_squares())
    x = np.array([999.0, 1500.0, 1200.0, 0.0, np.nan, 1e9])
    y = np.array([2200.0, 2200.0, 1999.0, 0.0, 2100.0, 2100.0])
    assert idx.assign(x, y).tolist() == [-1] * 6


def test_shared_edges_and_corners_go_to_an_adjacent_grid() -> None:
    polys = _squares()
    idx = GridIndex(polys, cell=10.0, levels=2)
    # Vertical edge between 0 and 1, horizontal edge between 1 and 5, corner of 0/1/4/5.
    x = np.array([1100.0, 1150.0, 1100.0])
    y = np.array([2050.0, 2100.0, 2100.0])
    got = idx.assign(x, y)
    assert got[0] in (0, 1)
    assert got[1] in (1, 5)
    assert got[2] in (0, 1, 4, 5)
    # Points on the outer boundary belong to the grid (grids are closed).
    assert idx.assign(np.array([1000.0, 1400.0]), np.array([2050.0, 2400.0])).tolist() == [0, 15]


def test_irregular_polygons_match_brute_force() -> None:
    rng = np.random.default_rng(3)
    seeds = shapely.multipoints(rng.uniform(0, 1000, (60, 2)))
    cells = shapely.get_parts(shapely.voronoi_polygons(seeds))
    polys = shapely.intersection(cells, shapely.box(0, 0, 1000, 1000))
    # A hole: the last grid is a ring around a lake that belongs to nobody.
    lake = shapely.Point(500, 500).buffer(40)
    polys = np.array([shapely.difference(p, lake) for p in polys], dtype=object)
    x, y = rng.uniform(-50, 1050, 20_000), rng.uniform(-50, 1050, 20_000)
    ref = _reference(polys, x, y)
    for cell in (None, 3.0, 25.0):
        got = GridIndex(polys, cell=cell, levels=4).assign(x, y)
        inside = ref >= 0
        assert (got[~inside] == -1).all()
        assert (got[inside] == ref[inside]).mean() > 0.9999
        # Anything assigned really holds the point.
        ok = got >= 0
        assert shapely.intersects_xy(polys[got[ok]], x[ok], y[ok]).all()
    lake_pts = GridIndex(polys).assign(np.array([500.0, 510.0]), np.array([500.0, 490.0]))
    assert lake_pts.tolist() == [-1, -1]


def test_empty_and_missing_geometries() -> None:
    polys = np.array([None, shapely.Polygon(), shapely.box(0, 0, 10, 10)], dtype=object)
    idx = GridIndex(polys)
    assert idx.assign(np.array([5.0, 50.0]), np.array([5.0, 5.0])).tolist() == [2, -1]
    none = GridIndex(np.array([], dtype=object))
    assert none.assign(np.array([1.0]), np.array([1.0])).tolist() == [-1]
    assert GridIndex(_squares()).assign(np.array([]), np.array([])).shape == (0,)


def test_gis_index_does_not_import_qt() -> None:
    code = ("import sys, app.gis.index; "
            "assert not [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))]")
    subprocess.run([sys.executable, "-c", code], check=True)
