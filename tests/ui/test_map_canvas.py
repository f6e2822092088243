"""MapCanvas tests with synthetic layers (pytest-qt, offscreen)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import shapely  # noqa: E402
from PySide6 import QtCore  # noqa: E402

from app.map.layers import LayerList, LayerStyle, LineLayer, PointLayer, PolygonLayer  # noqa: E402
from app.map.render import MapCanvas  # noqa: E402
from app.map.render.bench import render_frame_times  # noqa: E402
from app.map.render.point_visual import PointVisual  # noqa: E402
from app.map.render.polygon_visual import PolygonVisual  # noqa: E402

pytestmark = pytest.mark.ui

X0, Y0 = 440_000.0, 4_420_000.0  # EPSG:4548-like magnitudes


def make_layers() -> LayerList:
    geoms = np.array([shapely.box(X0 + i * 100, Y0 + j * 100, X0 + i * 100 + 100, Y0 + j * 100 + 100)
                      for j in range(20) for i in range(20)], dtype=object)
    grid = PolygonLayer("grid", "单元网格", geoms, [f"G{k}" for k in range(400)],
                        [f"网格{k}" for k in range(400)], style=LayerStyle(pen_color="#666666"))
    roads = LineLayer("roads", "道路", np.array([shapely.LineString([(X0, Y0 + 1000), (X0 + 2000, Y0 + 1000)]),
                                                 shapely.LineString([(X0 + 1000, Y0), (X0 + 1000, Y0 + 2000)])]),
                      np.array([0, 2]))
    rng = np.random.default_rng(3)
    n = 200_000
    parts = PointLayer("parts", "部件", X0 + rng.uniform(0, 2000, n), Y0 + rng.uniform(0, 2000, n),
                       rng.integers(0, 4, n))
    return LayerList([grid, roads, parts])


@pytest.fixture
def canvas(qtbot) -> Iterator[MapCanvas]:  # type: ignore[no-untyped-def]
    c = MapCanvas()
    qtbot.addWidget(c)
    c.resize(800, 600)
    c.set_layers(make_layers())
    c.show()
    qtbot.waitExposed(c)
    c.zoom_to_layer("grid", margin=0.0)
    c.flush()
    yield c  # qtbot closes it


def settle(c: MapCanvas, qtbot) -> None:  # type: ignore[no-untyped-def]
    c.flush()
    qtbot.wait(10)  # let the view paint so scene<->view mapping is current


def test_one_visual_per_layer(canvas: MapCanvas) -> None:
    assert set(canvas.visuals) == {"grid", "roads", "parts"}
    assert isinstance(canvas.visual("grid"), PolygonVisual)
    z = [canvas.visual(n).root.zValue() for n in ("grid", "roads", "parts")]
    assert z == sorted(z)
    canvas.layers.move("parts", 0)
    assert canvas.visual("parts").root.zValue() < canvas.visual("grid").root.zValue()


def test_zoom_to_layer_sets_range_to_bounds(canvas: MapCanvas) -> None:
    x0, y0, x1, y1 = canvas.view_bounds()
    bx0, by0, bx1, by1 = canvas.layers["grid"].bounds()
    assert x0 <= bx0 + 1e-6 and y0 <= by0 + 1e-6 and x1 >= bx1 - 1e-6 and y1 >= by1 - 1e-6
    # aspect is locked, so one axis fits exactly
    assert min(abs((x1 - x0) - (bx1 - bx0)), abs((y1 - y0) - (by1 - by0))) < 1.0


def test_visible_toggle_and_opacity(canvas: MapCanvas) -> None:
    layer = canvas.layers["grid"]
    vis = canvas.visual("grid")
    assert vis.root.isVisible()
    layer.visible = False
    assert not vis.root.isVisible()
    layer.visible = True
    assert vis.root.isVisible()
    layer.opacity = 0.3
    assert vis.root.opacity() == pytest.approx(0.3)


def test_max_view_width_hides_detailed_layer(canvas: MapCanvas) -> None:
    canvas.layers["grid"].max_view_width = 1000.0
    assert not canvas.visual("grid").root.isVisible()
    canvas.zoom_to((X0, Y0, X0 + 500, Y0 + 400))
    assert canvas.visual("grid").root.isVisible()


def test_click_emits_map_coordinates(canvas: MapCanvas, qtbot) -> None:  # type: ignore[no-untyped-def]
    settle(canvas, qtbot)
    target = QtCore.QPointF(X0 + 750.0, Y0 + 1350.0)
    scene_pt = canvas.view.mapViewToScene(target)
    px = canvas.mapFromScene(scene_pt)
    with qtbot.waitSignal(canvas.clicked, timeout=2000) as blocker:
        qtbot.mouseClick(canvas.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=px)
    x, y = blocker.args
    tol = 2 * canvas.view_state().pixel_size
    assert abs(x - target.x()) < tol and abs(y - target.y()) < tol
    assert ("grid", 13 * 20 + 7) in canvas.identify(x, y)


def test_density_when_zoomed_out_scatter_when_zoomed_in(canvas: MapCanvas) -> None:
    vis = canvas.visual("parts")
    assert isinstance(vis, PointVisual)
    assert vis.mode == "density" and vis.image.isVisible() and not vis.scatter.isVisible()
    b = (X0 + 500, Y0 + 500, X0 + 700, Y0 + 650)
    canvas.zoom_to(b, margin=0.0)
    canvas.flush()
    assert vis.mode == "points" and vis.scatter.isVisible() and not vis.image.isVisible()
    layer = canvas.layers["parts"]
    x0, y0, x1, y1 = canvas.view_bounds()
    in_view = set(layer.indices_in_rect(x0, y0, x1, y1).tolist())
    shown = set(vis.visible_indices.tolist())
    assert in_view <= shown  # all points in view are drawn
    assert len(shown) < 3 * len(in_view)  # ...and only those near the view
    assert len(shown) < layer.n_features / 10


def test_scatter_follows_pan_after_debounce(canvas: MapCanvas, qtbot) -> None:  # type: ignore[no-untyped-def]
    vis = canvas.visual("parts")
    canvas.zoom_to((X0 + 100, Y0 + 100, X0 + 300, Y0 + 250), margin=0.0)
    canvas.flush()
    first = set(vis.visible_indices.tolist())
    canvas.zoom_to((X0 + 1500, Y0 + 1500, X0 + 1700, Y0 + 1650), margin=0.0)
    qtbot.waitUntil(lambda: not (set(vis.visible_indices.tolist()) & first), timeout=2000)


def test_labels_only_when_zoomed_in(canvas: MapCanvas, qtbot) -> None:  # type: ignore[no-untyped-def]
    layer = canvas.layers["grid"]
    vis = canvas.visual("grid")
    layer.show_labels = True
    canvas.flush()
    assert vis.labels.texts == []  # 400 features in view > LABEL_MAX
    canvas.zoom_to((X0 + 400, Y0 + 400, X0 + 800, Y0 + 700), margin=0.0)
    settle(canvas, qtbot)
    assert 0 < len(vis.labels.texts) <= 30 and "网格4" not in vis.labels.texts
    canvas.grab()  # paints; overlapping labels would be dropped
    assert vis.labels.n_drawn > 0
    layer.show_labels = False
    assert vis.labels.texts == []


def test_scale_bar_updates_with_zoom(canvas: MapCanvas) -> None:
    far = canvas.scale_bar.text
    canvas.zoom_to((X0, Y0, X0 + 200, Y0 + 150), margin=0.0)
    near = canvas.scale_bar.text
    assert far.endswith("m") and near.endswith("m") and far != near
    assert near in {"10 m", "20 m", "50 m"}


def test_highlight_polygon_and_point(canvas: MapCanvas) -> None:
    grid = canvas.layers["grid"]
    grid.highlight_id("G5")
    hi = canvas.visual("grid").highlight_item
    assert hi.isVisible() and hi.path().boundingRect().left() == pytest.approx(X0 + 500)
    grid.highlight = None
    assert not hi.isVisible()
    canvas.layers["parts"].highlight = 7
    assert canvas.visual("parts").highlight_item.isVisible()


def test_cursor_signal_and_view_changed(canvas: MapCanvas, qtbot) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(canvas.view_changed, timeout=1000) as blocker:
        canvas.zoom_to((X0, Y0, X0 + 1000, Y0 + 800))
    assert len(blocker.args[0]) == 4


def test_point_data_update_redraws(canvas: MapCanvas) -> None:
    layer = canvas.layers["parts"]
    canvas.zoom_to((X0, Y0, X0 + 200, Y0 + 150), margin=0.0)
    canvas.flush()
    layer.set_data(np.array([X0 + 50.0]), np.array([Y0 + 50.0]), np.array([1]))
    vis = canvas.visual("parts")
    assert vis.visible_indices.tolist() == [0] and len(vis.scatter) == 1


def test_remove_layer_closes_visual(canvas: MapCanvas) -> None:
    root = canvas.visual("roads").root
    canvas.layers.remove("roads")
    assert "roads" not in canvas.visuals and root.scene() is None


def test_frame_times_helper(canvas: MapCanvas) -> None:
    times = render_frame_times(canvas, [canvas.layers.bounds(), (X0, Y0, X0 + 300, Y0 + 200)], repeats=2)
    assert len(times) == 4 and all(t > 0 for t in times)
