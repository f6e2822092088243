"""Qt-free tests of the map layer models (no PySide6/pyqtgraph imported)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import shapely

from app.map.layers import EmitterGroup, LayerList, LayerStyle, LineLayer, PointLayer, PolygonLayer


@pytest.fixture
def grid_layer() -> PolygonLayer:
    geoms = np.array([shapely.box(i * 100, j * 100, i * 100 + 100, j * 100 + 100)
                      for j in range(20) for i in range(20)], dtype=object)
    ids = [f"G{k:03d}" for k in range(400)]
    return PolygonLayer("grid", "单元网格", geoms, ids, [f"网格{k}" for k in range(400)])


@pytest.fixture
def points() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    n = 200_000
    return rng.uniform(0, 2000, n), rng.uniform(0, 2000, n), rng.integers(0, 4, n)


def test_layer_modules_do_not_import_qt() -> None:
    code = ("import sys, app.map.layers; "
            "assert not [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))]")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_emitter_group_connect_disconnect() -> None:
    g = EmitterGroup(None, "a", "b")
    got: list[tuple[str, object]] = []
    cb = g.a.connect(lambda e: got.append((e.type, e.value)))
    g.connect(lambda e: got.append(("all", e.type)))
    g.a.emit(value=1)
    g.a.disconnect(cb)
    g.a.emit(value=2)
    with g.b.blocker():
        g.b.emit(value=3)
    assert got == [("a", 1), ("all", "a"), ("all", "a")]


def test_layer_property_events(grid_layer: PolygonLayer) -> None:
    seen: list[tuple[str, object]] = []
    for name in ("visible", "opacity", "show_labels", "style", "title", "highlight"):
        grid_layer.events[name].connect(lambda e: seen.append((e.type, e.value)))
    grid_layer.visible = False
    grid_layer.visible = False  # unchanged: no event
    grid_layer.opacity = 1.5  # clipped
    grid_layer.show_labels = True
    grid_layer.style = LayerStyle(pen_color="#ff0000")
    grid_layer.title = "网格"
    assert grid_layer.highlight_id("G005") == 5
    assert [s[0] for s in seen] == ["visible", "show_labels", "style", "title", "highlight"]
    grid_layer.opacity = 0.4
    assert seen[-1] == ("opacity", 0.4)
    with pytest.raises(IndexError):
        grid_layer.highlight = 400


def test_layer_list_events_and_lookup(grid_layer: PolygonLayer) -> None:
    ll = LayerList()
    events: list[str] = []
    for name in ("inserted", "removed", "moved", "changed"):
        ll.events[name].connect(lambda e: events.append(e.type))
    pts = PointLayer("cases", "案件", np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    ll.append(grid_layer)
    ll.append(pts)
    assert ll["cases"] is pts and ll.index("grid") == 0 and ll.names == ["grid", "cases"]
    ll.move("cases", 0)
    assert ll.names == ["cases", "grid"]
    ll.remove("grid")
    assert "grid" not in ll and len(ll) == 1
    assert events == ["inserted", "changed", "inserted", "changed", "moved", "changed", "removed", "changed"]
    with pytest.raises(ValueError, match="duplicate"):
        ll.append(PointLayer("cases", "x", np.zeros(1), np.zeros(1)))


def test_polygon_flat_arrays_and_queries(grid_layer: PolygonLayer) -> None:
    # 400 closed rings of 5 vertices, each followed by a NaN separator
    assert len(grid_layer.x) == 400 * 6
    assert np.isnan(grid_layer.x[5::6]).all()
    assert grid_layer.x[0] == grid_layer.x[4] and grid_layer.y[0] == grid_layer.y[4]
    assert grid_layer.bounds() == (0.0, 0.0, 2000.0, 2000.0)
    assert grid_layer.feature_at(150, 50) == 1
    assert grid_layer.feature_at(-5, -5) is None
    assert grid_layer.index_of("G021") == 21
    x, y = grid_layer.coords_for(np.array([21]))
    assert np.nanmin(x) == 100 and np.nanmin(y) == 100 and len(x) == 6
    assert set(grid_layer.indices_in_rect(10, 10, 20, 20)) == {0}


def test_polygon_with_holes_and_multipolygons() -> None:
    ring = shapely.box(0, 0, 10, 10).difference(shapely.box(4, 4, 6, 6))
    multi = shapely.MultiPolygon([shapely.box(20, 0, 21, 1), shapely.box(30, 0, 31, 1)])
    layer = PolygonLayer("p", "p", np.array([ring, multi], dtype=object), ["a", "b"])
    assert np.isnan(layer.x).sum() == 4  # 2 rings + 2 parts
    assert layer.feature_at(5, 5) is None  # in the hole
    assert layer.feature_at(30.5, 0.5) == 1
    assert layer.starts.tolist() == [0, 12] and layer.ends.tolist() == [12, 24]


def test_line_layer_classes() -> None:
    geoms = np.array([shapely.LineString([(0, 0), (100, 0)]), shapely.LineString([(0, 50), (100, 50)])])
    layer = LineLayer("roads", "道路", geoms, np.array([0, 2]))
    assert layer.n_classes == 3
    assert layer.feature_at(50, 48, tolerance=5) == 1
    assert layer.feature_at(50, 25, tolerance=5) is None
    assert layer.class_visible_at(0, 1e6) and not layer.class_visible_at(2, 10_000)


def test_indices_in_rect_matches_brute_force(points: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    x, y, cat = points
    layer = PointLayer("parts", "部件", x, y, cat, cell_size=50)
    rng = np.random.default_rng(2)
    for _ in range(20):
        x0, y0 = rng.uniform(-100, 2000, 2)
        x1, y1 = x0 + rng.uniform(0, 800), y0 + rng.uniform(0, 800)
        got = np.sort(layer.indices_in_rect(x0, y0, x1, y1))
        want = np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))
        np.testing.assert_array_equal(got, want)
        assert layer.count_in_rect(x0, y0, x1, y1) >= len(want)
    assert len(layer.indices_in_rect(5000, 5000, 6000, 6000)) == 0
    sub = layer.points_in_rect(0, 0, 100, 100)
    np.testing.assert_array_equal(sub.x, x[sub.indices])
    np.testing.assert_array_equal(sub.category, cat[sub.indices])


def test_nearest(points: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    x, y, cat = points
    layer = PointLayer("parts", "部件", x, y, cat)
    for qx, qy in [(0.0, 0.0), (1000.3, 777.7), (1999.0, 5.0)]:
        want = int(np.argmin((x - qx) ** 2 + (y - qy) ** 2))
        assert layer.nearest(qx, qy, 50.0) == want
        assert layer.nearest(qx, qy) == want
    assert layer.nearest(-500, -500, 10.0) is None


def test_density(points: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    x, y, cat = points
    layer = PointLayer("parts", "部件", x, y, cat)
    d = layer.density((0, 0, 1000, 2000), (20, 10))
    assert d.shape == (20, 10)
    assert d.sum() == np.count_nonzero(x <= 1000)
    per = layer.density((0, 0, 2000, 2000), (4, 4), per_category=True)
    assert per.shape == (len(layer.palette), 4, 4) and per.sum() == len(x)
    grid, ext = layer.density_grid((0, 0, 2000, 2000), 100.0)
    assert grid.sum() == len(x) and ext[0] <= x.min() and ext[2] >= x.max()


def test_set_data_emits_and_reindexes(points: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
    x, y, cat = points
    layer = PointLayer("cases", "案件", x[:100], y[:100], cat[:100], size=np.full(100, 6.0))
    fired: list[object] = []
    layer.events.data.connect(lambda e: fired.append(e.value))
    layer.set_data(x[:10] + 5000, y[:10], cat[:10])
    assert fired == [layer] and layer.n_features == 10 and layer.size is None
    assert len(layer.indices_in_rect(5000, 0, 7000, 2000)) == 10


def test_point_layer_at_city_scale() -> None:
    # 1.4 M points: the bucket index must agree with a brute-force scan (speed: benchmarks/).
    rng = np.random.default_rng(0)
    n = 1_400_000
    x, y = rng.uniform(430_000, 460_000, n), rng.uniform(4_418_000, 4_443_000, n)
    layer = PointLayer("parts", "部件", x, y, rng.integers(0, 7, n))
    got = np.sort(layer.indices_in_rect(440_000, 4_420_000, 441_000, 4_421_000))
    want = np.flatnonzero((x >= 440_000) & (x <= 441_000) & (y >= 4_420_000) & (y <= 4_421_000))
    assert np.array_equal(got, want)
