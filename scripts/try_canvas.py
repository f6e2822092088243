"""Try the map canvas on a synthetic district of real size and time it (not a test).

Builds 1.4 M clustered part points, ~30 k cases, 8,500 unit-grid polygons, 29 streets and
a road lattice over a 30 × 25 km district in EPSG:4548 metres; prints median/p95 frame ms
at district, street and grid zoom for the canvas and for one naive ScatterPlotItem of all
parts; saves /tmp/canvas.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/try_canvas.py [--no-naive]
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
import shapely  # noqa: E402

from app.map.layers import LayerList, LayerStyle, LineLayer, PointLayer, PolygonLayer  # noqa: E402
from app.map.render import MapCanvas  # noqa: E402
from app.map.render.bench import naive_scatter_frame_times, render_frame_times, summarize  # noqa: E402

X0, Y0, W, H = 432_000.0, 4_418_000.0, 30_000.0, 25_000.0
BOX = shapely.box(X0, Y0, X0 + W, Y0 + H)
RNG = np.random.default_rng(7)
CENTRES = np.column_stack([RNG.normal(X0 + W * 0.55, W * 0.2, 220), RNG.normal(Y0 + H * 0.5, H * 0.2, 220)])


def clustered(n: int, background: float = 0.15) -> tuple[np.ndarray, np.ndarray]:
    """City-like points: Gaussian blobs around centres plus a sparse background."""
    nb = int(n * background)
    k = RNG.integers(0, len(CENTRES), n - nb)
    spread = RNG.uniform(150, 900, len(CENTRES))[k]
    x = np.concatenate([CENTRES[k, 0] + RNG.normal(0, 1, n - nb) * spread, RNG.uniform(X0, X0 + W, nb)])
    y = np.concatenate([CENTRES[k, 1] + RNG.normal(0, 1, n - nb) * spread, RNG.uniform(Y0, Y0 + H, nb)])
    return np.clip(x, X0, X0 + W), np.clip(y, Y0, Y0 + H)


def voronoi(n: int, seg: float) -> np.ndarray:
    gx, gy = clustered(n, background=0.3)
    gx += RNG.normal(0, 1, n)  # avoid duplicate seeds from clipping
    regions = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(np.column_stack([gx, gy]))))
    regions = shapely.intersection(regions, BOX)
    regions = regions[~shapely.is_empty(regions) & (shapely.area(regions) > 1)]
    return shapely.segmentize(regions, seg)  # real boundaries follow streets: many vertices


def roads() -> tuple[np.ndarray, np.ndarray]:
    lines, cls = [], []
    for spacing, c in ((5000.0, 0), (1000.0, 1), (250.0, 2)):
        for xv in np.arange(X0 + spacing / 2, X0 + W, spacing):
            ys = np.linspace(Y0, Y0 + H, 60)
            lines.append(shapely.LineString(np.column_stack([xv + RNG.normal(0, 15, 60).cumsum() * 0.3, ys])))
            cls.append(c)
        for yv in np.arange(Y0 + spacing / 2, Y0 + H, spacing):
            xs = np.linspace(X0, X0 + W, 70)
            lines.append(shapely.LineString(np.column_stack([xs, yv + RNG.normal(0, 15, 70).cumsum() * 0.3])))
            cls.append(c)
    return np.array(lines, dtype=object), np.array(cls)


def build() -> tuple[LayerList, np.ndarray, np.ndarray]:
    t = time.perf_counter()
    streets = voronoi(29, 20.0)
    grids = voronoi(8_700, 20.0)[:8_500]
    road_geoms, road_cls = roads()
    px, py = clustered(1_400_000)
    cx, cy = clustered(30_000)
    print(f"synthetic data: {time.perf_counter() - t:.1f} s; grid vertices "
          f"{int(shapely.get_num_coordinates(grids).sum()):,}")
    t = time.perf_counter()
    parts = PointLayer(
        "parts", "城市部件", px, py, RNG.integers(0, 7, len(px)),
        palette=[(70, 110, 160), (120, 120, 120), (60, 150, 90), (40, 160, 60), (170, 120, 60),
                 (130, 90, 160), (90, 150, 170)],
        category_labels=["公用设施", "道路交通", "市容环境", "园林绿化", "房屋土地", "其他设施", "扩展部件"],
        style=LayerStyle(pen_color="#2f5d8a", point_size=5),
    )
    t_parts = time.perf_counter() - t
    layers = LayerList([
        PolygonLayer("streets", "街道", streets, [f"S{i}" for i in range(len(streets))],
                     [f"街道{i}" for i in range(len(streets))],
                     style=LayerStyle(pen_color="#7a5c99", fill_color="#e6dff022", line_width=2.0)),
        LineLayer("roads", "道路", road_geoms, road_cls,
                  style=LayerStyle(pen_color="#cfc6b8", line_width=1.0)),
        PolygonLayer("grid", "单元网格", grids, [f"G{i:05d}" for i in range(len(grids))],
                     [f"网格{i:05d}" for i in range(len(grids))],
                     style=LayerStyle(pen_color="#8f8f8f"), max_view_width=12_000.0, show_labels=True),
        parts,
        PointLayer("cases", "案件", cx, cy, RNG.integers(0, 5, len(cx)),
                   palette=[(220, 40, 40), (250, 140, 20), (240, 200, 30), (40, 140, 220), (120, 120, 120)],
                   size=RNG.choice([6.0, 8.0, 11.0], len(cx)),
                   style=LayerStyle(pen_color="#d62728")),
    ])
    print(f"PointLayer(1.4 M) construction: {t_parts * 1000:.0f} ms")
    return layers, px, py


def views() -> dict[str, list[tuple[float, float, float, float]]]:
    out: dict[str, list[tuple[float, float, float, float]]] = {"district": [(X0, Y0, X0 + W, Y0 + H)]}
    for name, w in (("street", 3_000.0), ("grid", 500.0)):
        out[name] = []
        for cx, cy in CENTRES[:6]:
            cx, cy = np.clip(cx, X0 + w, X0 + W - w), np.clip(cy, Y0 + w, Y0 + H - w)
            out[name].append((cx - w / 2, cy - w * 0.3125, cx + w / 2, cy + w * 0.3125))
    return out


def main() -> None:
    app = pg.mkQApp()
    layers, px, py = build()
    canvas = MapCanvas()
    canvas.resize(1280, 800)
    t = time.perf_counter()
    canvas.set_layers(layers)
    canvas.show()
    canvas.zoom_to_layer("streets")
    canvas.flush()
    app.processEvents()
    print(f"canvas set_layers + first frame: {(time.perf_counter() - t) * 1000:.0f} ms")
    vs = views()
    print(f"{'zoom':9s} {'ours med/p95 ms':>18s} {'naive med/p95 ms':>18s} {'speed-up':>9s}")
    naive = "--no-naive" not in sys.argv
    for name, bl in vs.items():
        ours = summarize(render_frame_times(canvas, bl, repeats=3)[len(bl):])  # drop warm-up round
        if naive:
            nv = summarize(naive_scatter_frame_times(px, py, bl, repeats=2) if name == "district" else
                           naive_scatter_frame_times(px, py, bl, repeats=2, widget=_naive_widget(px, py)))
            print(f"{name:9s} {ours[0]:8.1f} /{ours[1]:7.1f}   {nv[0]:8.1f} /{nv[1]:7.1f}   {nv[0] / ours[0]:7.1f}×")
        else:
            print(f"{name:9s} {ours[0]:8.1f} /{ours[1]:7.1f}")
    # Screenshot at a street-level view around the densest centre, grids and labels on.
    canvas.zoom_to(vs["district"][0], margin=0.02)
    canvas.flush()
    app.processEvents()
    canvas.grab().save("/tmp/canvas.png")
    x, y = CENTRES[0]
    canvas.zoom_to((x - 1200, y - 750, x + 1200, y + 750), margin=0)
    canvas.flush()
    app.processEvents()
    canvas.grab().save("/tmp/canvas_street.png")
    canvas.zoom_to((x - 250, y - 160, x + 250, y + 160), margin=0)
    canvas.flush()
    app.processEvents()
    canvas.grab().save("/tmp/canvas_grid.png")
    print("saved /tmp/canvas.png (district), /tmp/canvas_street.png, /tmp/canvas_grid.png")


_NAIVE: list[pg.PlotWidget] = []


def _naive_widget(px: np.ndarray, py: np.ndarray) -> pg.PlotWidget:
    """One shared naive widget for the street/grid rounds (building it takes seconds)."""
    if not _NAIVE:
        w = pg.PlotWidget(background="#f2efe9")
        w.resize(1280, 800)
        w.hideAxis("left")
        w.hideAxis("bottom")
        w.setAspectLocked(True)
        w.addItem(pg.ScatterPlotItem(x=px, y=py, size=4, pen=None, brush=pg.mkBrush(31, 119, 180, 200)))
        w.show()
        pg.mkQApp().processEvents()
        _NAIVE.append(w)
    return _NAIVE[0]


if __name__ == "__main__":
    main()
