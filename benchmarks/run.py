"""CityGrid benchmark: ``python main.py bench [--scale street|district] [--json OUT] [--db URL]``.

One run measures, in this order:

1. seeding the demo into a fresh temporary SQLite file (skipped with ``--db``);
2. cold start to an interactive map, in fresh interpreters (median of ``--cold-runs``);
3. map frame times while panning/zooming at district, street and grid zoom;
4. the same views drawn by a naive single ``ScatterPlotItem`` of every part;
5. point → grid assignment of every part: ``app.gis.index.GridIndex`` vs
   ``geopandas.sjoin`` (and a plain ``STRtree`` query for reference);
6. peak resident memory of this process;
7. case queues (filter + sort, counts) over ≥100,000 open cases vs. loading every open case
   and filtering in Python (own temporary street seed);
8. a day's 3,000 cases through the loop (report → … → close) on SQLite, and on PostgreSQL
   when ``CITYGRID_TEST_PG`` is set (own temporary databases);
9. the seeded parts exported to GeoPackage and imported again (validated, atomic) vs a plain
   ``geopandas.read_file`` + ``GeoDataFrame.to_sql`` (and ``to_postgis`` with PostgreSQL).
10. with ``--pg URL`` (or ``CITYGRID_BENCH_PG``): the app's spatial queries on PostgreSQL
    through PostGIS (GiST) vs the portable bbox / (cell, y) btree path vs a naive full scan,
    on a district seeded there (an empty database is seeded first, timed).
11. Getis-Ord Gi* over every unit grid with a synthetic year of cases (~1.1 M) on the real
    district grids, store query → classes (``benchmarks/gistar.py``), vs the naive way
    (weights rebuilt, one row per case, Python loops); needs a SQLite district (``--db``
    or the run's own seed).
12. evaluation (考核评价) of the last whole month of the seeded history: every post,
    department and region counted in SQL, the formulas, a drill-down and the XLSX export
    (``benchmarks/evaluation.py``).

Speed is measured here only, never in unit tests. ``--write-docs`` (district scale)
writes the results to ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED_END = datetime(2026, 11, 23, 10)
DENSE_STREET = "110108011"  # 中关村街道
VIEWS_PER_ZOOM = 20
WINDOW_SIZE = (1600, 1000)


def _maxrss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0  # kB on Linux


def _rss_mb() -> float | None:
    """Current resident set size (VmRSS) of this process."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///"):])
    if "://" not in url:
        return Path(url).expanduser().resolve()
    return None


def _db_size(path: Path | None) -> int | None:
    if path is None or not path.exists():
        return None
    return sum(p.stat().st_size for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"))
               if p.exists())


# --------------------------------------------------------------------------- 1. seeding
def bench_seed(url: str, scale: str) -> dict[str, Any]:
    from app.services.seeding import seed
    from app.store.store import Store

    t0 = time.perf_counter()
    store = Store.open(url)
    t_open = time.perf_counter() - t0
    rep = seed(store, scale, end=SEED_END)
    store.close()  # the last connection checkpoints the WAL into the main file
    return {
        "skipped": False,
        "scale": scale,
        "open_migrate_s": t_open,
        "total_s": rep.seconds,
        "stage_s": dict(rep.stage_seconds),
        "counts": dict(rep.counts),
        "db_bytes": _db_size(_sqlite_path(url)),
    }


# --------------------------------------------------------------------------- 2. cold start
_COLD = r"""
import time
t0 = time.perf_counter()
w0 = time.time()
import json, os, sys
from app.ui.app import ensure_app, install_language
app = ensure_app(offscreen=True)
install_language("zh_CN")
t_qt = time.perf_counter()
from PySide6.QtCore import QTimer
from app.store.store import Store
from app.ui.main_window import MainWindow
store = Store.open(sys.argv[1])
t_store = time.perf_counter()
win = MainWindow(store)
win.resize(1600, 1000)
win.show()
t_window = time.perf_counter()
marks = {}
def on_loaded():
    marks["loaded"] = time.perf_counter()
def on_parts():
    marks["parts"] = time.perf_counter()
    app.quit()
win.loaded.connect(on_loaded)
win.parts_loaded.connect(on_parts)
win.load_async()
QTimer.singleShot(300_000, app.quit)
app.exec()
out = {
    "wall_start": w0,
    "vmhwm_mb": next((int(l.split()[1]) / 1024 for l in open("/proc/self/status")
                      if l.startswith("VmHWM:")), None),
    "qt_app_s": t_qt - t0,
    "store_open_s": t_store - t_qt,
    "window_s": t_window - t_store,
    "interactive_s": marks["loaded"] - t0 if "loaded" in marks else None,
    "parts_s": marks["parts"] - t0 if "parts" in marks else None,
    "parts_after_interactive_s": (marks["parts"] - marks["loaded"])
        if "parts" in marks and "loaded" in marks else None,
    "wall_interactive": w0 + (marks["loaded"] - t0) if "loaded" in marks else None,
    "wall_parts": w0 + (marks["parts"] - t0) if "parts" in marks else None,
}
print("BENCH " + json.dumps(out), flush=True)
sys.stdout.flush()
os._exit(0)
"""


def _cold_once(url: str) -> dict[str, Any]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    spawn = time.time()
    proc = subprocess.run([sys.executable, "-c", _COLD, url], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"cold-start child failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    r = json.loads(line[6:])
    # From spawn (interpreter start-up included), wall clock of the parent.
    r["interactive_from_spawn_s"] = r["wall_interactive"] - spawn if r["wall_interactive"] else None
    r["parts_from_spawn_s"] = r["wall_parts"] - spawn if r["wall_parts"] else None
    for k in ("wall_start", "wall_interactive", "wall_parts"):
        r.pop(k)
    return r


def bench_cold_start(url: str, runs: int) -> dict[str, Any]:
    results = []
    for i in range(runs):
        r = _cold_once(url)
        _log(f"  cold start {i + 1}/{runs}: interactive {r['interactive_s']:.2f} s, "
             f"parts {r['parts_s']:.2f} s")
        results.append(r)
    keys = [k for k in results[0] if isinstance(results[0][k], (int, float))]
    med = {k: statistics.median(r[k] for r in results) for k in keys}
    return {"runs": results, "median": med}


# --------------------------------------------------------------------------- 3./4. frames
def _aspect_box(cx: float, cy: float, w: float, aspect: float) -> tuple[float, float, float, float]:
    h = w * aspect
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def make_views(store: Any, full: tuple[float, float, float, float], aspect: float
               ) -> tuple[dict[str, list[tuple[float, float, float, float]]], dict[str, Any]]:
    """20 views per zoom level: district (whole extent, slight pans and zooms), street
    (3 km views panned across a dense street), grid (400 m views on grid centroids)."""
    n = VIEWS_PER_ZOOM
    x0, y0, x1, y1 = full
    w, h = x1 - x0, y1 - y0
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    a = np.linspace(0, 2 * np.pi, n, endpoint=False)
    district = [(x0 + dx, y0 + dy, x1 + dx, y1 + dy) for dx, dy in
                zip(0.04 * w * np.cos(a), 0.04 * h * np.sin(a), strict=True)]
    district = [(b[0] - 0.03 * w * s, b[1] - 0.03 * h * s, b[2] + 0.03 * w * s,
                 b[3] + 0.03 * h * s) for b, s in zip(district, np.sin(2 * a), strict=True)]

    code = DENSE_STREET
    sb = store.admin.bbox_of("street", code)
    if sb is None:  # another database: its first street
        streets, _ = store.admin.names()
        code = sorted(streets)[0]
        sb = store.admin.bbox_of("street", code)
    t = np.linspace(0.0, 1.0, n)
    street = [_aspect_box(sb[0] + (sb[2] - sb[0]) * ti, sb[1] + (sb[3] - sb[1]) * ti,
                          3000.0, aspect) for ti in t]

    gids = store.admin.grid_ids_in_bbox(sb)
    pick = [gids[int(i)] for i in np.linspace(0, len(gids) - 1, n)] if gids else []
    grid = []
    for g in pick:
        gb = store.admin.bbox_of("grid", g)
        grid.append(_aspect_box((gb[0] + gb[2]) / 2, (gb[1] + gb[3]) / 2, 400.0, aspect))
    info = {"street": code, "street_bbox": sb, "grids": pick[:3] + (["…"] if len(pick) > 3 else [])}
    return {"district": district, "street": street, "grid": grid}, info


def bench_frames(url: str, repeats: int, naive_repeats: int, naive: bool) -> dict[str, Any]:
    from app.map.render.bench import naive_scatter_frame_times, render_frame_times, summarize
    from app.store.store import Store
    from app.ui.app import ensure_app, install_language
    from app.ui.main_window import MainWindow

    app = ensure_app(offscreen=True)
    install_language("zh_CN")
    store = Store.open(url)
    win = MainWindow(store)
    win.resize(*WINDOW_SIZE)
    win.show()
    app.processEvents()
    t0 = time.perf_counter()
    win.load_sync()
    t_load = time.perf_counter() - t0
    for _ in range(3):
        app.processEvents()
    canvas = win.canvas
    cw, ch = canvas.width(), canvas.height()
    full = win.layers["streets"].bounds()
    views, info = make_views(store, full, ch / max(cw, 1))
    out: dict[str, Any] = {"load_sync_s": t_load, "canvas_px": [cw, ch],
                           "window_px": list(WINDOW_SIZE), "views": info, "levels": {},
                           "repeats": repeats, "naive_repeats": naive_repeats}
    parts = win.data.parts if win.data is not None else None
    for level, vs in views.items():
        times = render_frame_times(canvas, vs, repeats)
        med, p95 = summarize(times)
        out["levels"][level] = {"views": len(vs), "frames": len(times), "median_ms": med,
                                "p95_ms": p95, "max_ms": float(max(times))}
        _log(f"  frames {level}: median {med:.1f} ms, p95 {p95:.1f} ms")
    win.hide()
    app.processEvents()
    if naive and parts is not None:
        out["naive_points"] = int(len(parts.x))
        import pyqtgraph as pg

        from app.map.render.canvas import BACKGROUND

        t0 = time.perf_counter()
        widget = pg.PlotWidget(background=BACKGROUND)
        widget.resize(cw, ch)
        widget.hideAxis("left")
        widget.hideAxis("bottom")
        widget.setAspectLocked(True)
        widget.addItem(pg.ScatterPlotItem(x=parts.x, y=parts.y, size=4, pen=None,
                                          brush=pg.mkBrush(31, 119, 180, 200)))
        widget.show()
        app.processEvents()
        out["naive_setup_s"] = time.perf_counter() - t0
        for level, vs in views.items():
            times = naive_scatter_frame_times(parts.x, parts.y, vs, naive_repeats,
                                              size=(cw, ch), widget=widget)
            med, p95 = summarize(times)
            ours = out["levels"][level]
            ours.update(naive_median_ms=med, naive_p95_ms=p95,
                        ratio_median=med / ours["median_ms"], ratio_p95=p95 / ours["p95_ms"])
            _log(f"  naive {level}: median {med:.1f} ms, p95 {p95:.1f} ms "
                 f"({ours['ratio_median']:.1f}× ours)")
        widget.close()
    win.close()
    app.processEvents()
    store.close()
    return out


# --------------------------------------------------------------------------- 5. point → grid
def bench_assign(url: str) -> dict[str, Any]:
    import geopandas as gpd
    import shapely
    from sqlalchemy import text

    from app.gis import crs
    from app.gis.index import GridIndex
    from app.store.store import Store

    store = Store.open(url)
    grids = store.admin.layer("grid")
    polys = crs.project_geometries(grids.geoms, crs.GEOGRAPHIC, crs.PROJECTED)
    parts = store.parts.point_arrays()
    x, y = parts.x, parts.y
    with store.engine.connect() as c:
        stored = np.array([r[0] for r in c.execute(text("SELECT grid_id FROM part ORDER BY id"))],
                          dtype=object)
    store.close()
    ids = np.array(grids.ids, dtype=object)
    out: dict[str, Any] = {"points": int(len(x)), "grids": int(len(polys))}

    # Ours (fresh geometry copies so nothing is prepared/indexed in advance).
    mine = shapely.from_wkb(shapely.to_wkb(polys))
    t0 = time.perf_counter()
    index = GridIndex(mine)
    t1 = time.perf_counter()
    ours = index.assign(x, y)
    t2 = time.perf_counter()
    ours_again_t = time.perf_counter()
    index.assign(x, y)
    out["ours"] = {"build_s": t1 - t0, "assign_s": t2 - t1, "total_s": t2 - t0,
                   "assign_again_s": time.perf_counter() - ours_again_t,
                   "cell_m": index.cell, "raster": list(index.raster.shape),
                   "boundary_cells": index.boundary_cells}

    # Reference: one vectorised STRtree query (predicate intersects).
    ref_polys = shapely.from_wkb(shapely.to_wkb(polys))
    t0 = time.perf_counter()
    tree = shapely.STRtree(ref_polys)
    q_pt, q_poly = tree.query(shapely.points(x, y), predicate="intersects")
    strtree = np.full(len(x), -1, dtype=np.int64)
    order = np.lexsort((q_poly, q_pt))
    q_pt, q_poly = q_pt[order], q_poly[order]
    first = np.ones(len(q_pt), bool)
    first[1:] = q_pt[1:] != q_pt[:-1]
    strtree[q_pt[first]] = q_poly[first]
    out["strtree_s"] = time.perf_counter() - t0

    # Baseline: geopandas sjoin(predicate='within'), data frames included.
    gp_polys = shapely.from_wkb(shapely.to_wkb(polys))
    t0 = time.perf_counter()
    points_gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=crs.PROJECTED)
    grids_gdf = gpd.GeoDataFrame({"grid": np.arange(len(gp_polys))}, geometry=gp_polys,
                                 crs=crs.PROJECTED)
    t1 = time.perf_counter()
    joined = gpd.sjoin(points_gdf, grids_gdf, predicate="within", how="left")
    t2 = time.perf_counter()
    joined = joined[~joined.index.duplicated(keep="first")].sort_index()
    sj = joined["grid"].fillna(-1).to_numpy().astype(np.int64)
    out["sjoin"] = {"frames_s": t1 - t0, "sjoin_s": t2 - t1, "total_s": t2 - t0}

    tie = (sj < 0) & (ours >= 0)  # on a grid edge: 'within' holds for no grid
    out["agree_sjoin"] = float((ours == sj).mean())
    out["agree_sjoin_excl_ties"] = float((ours[~tie] == sj[~tie]).mean()) if (~tie).any() else 1.0
    out["boundary_ties"] = int(tie.sum())
    out["agree_strtree"] = float((ours == strtree).mean())
    out["outside"] = int((ours < 0).sum())
    assigned = np.where(ours >= 0, ids[np.maximum(ours, 0)], None)
    out["stored_grid_match"] = float((assigned == stored).mean())
    out["ratio_total"] = out["sjoin"]["total_s"] / out["ours"]["total_s"]
    out["ratio_sjoin_vs_assign"] = out["sjoin"]["sjoin_s"] / out["ours"]["assign_s"]
    out["ratio_strtree"] = out["strtree_s"] / out["ours"]["total_s"]
    return out


# --------------------------------------------------------------------------- 7. queues
QUEUE_TARGET_OPEN = 100_000
QUEUE_TARGET_MS = 50.0
QUEUE_RUNS = 20


def _seed_temp_street(url: str) -> None:
    from app.services.seeding import seed
    from app.store.store import Store

    store = Store.open(url)
    try:
        seed(store, "street", end=SEED_END)
    finally:
        store.close()


def _grid_points(store: Any, per_grid: int, rng: np.random.Generator
                 ) -> tuple[list[str], list[np.ndarray]]:
    """Grid ids of the store and, per grid, ``per_grid`` random lon/lat points inside it."""
    import shapely

    grids = store.admin.layer("grid")
    pools = []
    for g in grids.geoms:
        x0, y0, x1, y1 = g.bounds
        pts = np.empty((0, 2))
        while len(pts) < per_grid:
            cand = np.column_stack([rng.uniform(x0, x1, 4 * per_grid),
                                    rng.uniform(y0, y1, 4 * per_grid)])
            pts = np.vstack([pts, cand[shapely.contains_xy(g, cand[:, 0], cand[:, 1])]])
        pools.append(pts[:per_grid])
    return list(grids.ids), pools


def _add_open_cases(store: Any, svc: Any, target_open: int, rng: np.random.Generator) -> int:
    """Insert OPEN cases (raw multi-row INSERT into ``case_``) until ``target_open`` are open."""
    from sqlalchemy import func, insert, select

    from app.domain.case import CaseSource, CaseState, Urgency
    from app.gis import crs
    from app.store.orm import CaseRow

    open_states = [s.value for s in CaseState if s.is_open and s is not CaseState.DRAFT]
    with store.engine.connect() as c:
        n_open = c.execute(select(func.count()).select_from(CaseRow).where(
            CaseRow.state.in_([s.value for s in CaseState if s.is_open]))).scalar_one()
        types = c.execute(select(CaseRow.kind, CaseRow.type_code, CaseRow.part_id)).all()
    n = max(0, target_open - n_open)
    if n == 0:
        return 0
    gids, pools = _grid_points(store, 64, rng)
    g_idx = rng.integers(0, len(gids), n)
    p_idx = rng.integers(0, 64, n)
    lonlat = np.array([pools[g][p] for g, p in zip(g_idx, p_idx, strict=True)])
    xs, ys = crs.to_projected(lonlat[:, 0], lonlat[:, 1])
    t_idx = rng.integers(0, len(types), n)
    states = rng.choice(open_states, n)
    sources = rng.choice([s.value for s in CaseSource], n)
    urgencies = rng.choice([u.value for u in Urgency], n, p=[0.8, 0.15, 0.05])
    deadline_s = rng.uniform(-3 * 86400, 3 * 86400, n)
    report_days = rng.integers(1, 21, n)  # 1–20 days before the seed end
    report_s = rng.uniform(0, 8 * 3600, n)
    handled = {CaseState.DISPATCHED.value, CaseState.HANDLED.value, CaseState.CHECKING.value,
               CaseState.CHECKED.value, CaseState.PARKED.value}
    dept_cache: dict[tuple[str, str, str], str] = {}
    seq: dict[str, int] = {}
    rows = []
    for i in range(n):
        kind, tcode, part = types[t_idx[i]]
        gid = gids[g_idx[i]]
        reported = SEED_END - timedelta(days=int(report_days[i])) + timedelta(
            seconds=float(report_s[i]))
        day = f"{reported:%Y%m%d}"
        seq[day] = seq.get(day, 50_000) + 1  # seeded numbers stay far below 50000 a day
        dept = None
        if states[i] in handled:
            key = (tcode, kind, gid[:9])
            if key not in dept_cache:
                dept_cache[key] = svc.suggest_department(tcode, kind, gid)[0]
            dept = dept_cache[key]
        x = float(xs[i])
        rows.append({
            "number": f"{day}{seq[day]:05d}", "kind": kind, "type_code": tcode,
            "lon": float(lonlat[i, 0]), "lat": float(lonlat[i, 1]), "x": x, "y": float(ys[i]),
            "cell": int(x // 100.0), "grid_id": gid, "source": str(sources[i]),
            "reported_at": reported,
            "description": "benchmark", "state": str(states[i]), "urgency": str(urgencies[i]),
            "level": "community", "address": "", "part_id": part, "dept_code": dept,
            "deadline": SEED_END + timedelta(seconds=float(deadline_s[i])), "closed_at": None,
            "version": 1, "rework_count": 0, "misdispatch_count": 0, "extension_hours": 0.0,
            "parked_total_s": 0.0, "step_parks": "[]", "urge_count": 0,
            "parked_since": reported if states[i] == CaseState.PARKED.value else None})
    with store.engine.begin() as c:
        for k in range(0, n, 5000):
            c.execute(insert(CaseRow.__table__), rows[k:k + 5000])
    return n


def _naive_queue(all_open: list[Any], queue: str, f: Any, now: datetime,
                 limit: int) -> list[Any]:
    from app.domain.case import CaseState
    from app.store.repositories import _QUEUE_STATES

    if queue == "overdue":
        ok = {s for s in CaseState if s.is_open and s not in (CaseState.PARKED, CaseState.DRAFT)}
        sel = [c for c in all_open if c.state in ok and c.deadline is not None
               and c.deadline < now]
    else:
        states = set(_QUEUE_STATES[queue])
        sel = [c for c in all_open if c.state.value in states]
    sel = [c for c in sel if _naive_match(c, f)]
    sel.sort(key=lambda c: (c.deadline is None, c.deadline or now, c.number))
    return sel[:limit]


def _naive_match(c: Any, f: Any) -> bool:
    g = c.grid_id.value if hasattr(c.grid_id, "value") else str(c.grid_id)
    return ((not f.street or g.startswith(f.street))
            and (not f.community or g.startswith(f.community))
            and (not f.grid or g == f.grid)
            and (not f.type_code or c.type_code == f.type_code)
            and (not f.source or c.source.value == f.source)
            and (not f.urgency or c.urgency.value == f.urgency)
            and (not f.dept_code or c.dept_code == f.dept_code))


def _naive_load_open(store: Any) -> list[Any]:
    """Every open case as a domain object, no filter in SQL (the naive baseline's load)."""
    from sqlalchemy import select

    from app.domain.case import CaseState
    from app.store.orm import CaseRow
    from app.store.repositories import _CASE_COLS

    with store.engine.connect() as c:
        rows = c.execute(select(*_CASE_COLS).where(
            CaseRow.state.in_([s.value for s in CaseState if s.is_open]))).all()
    return [store.cases._to_domain(r) for r in rows]


def _ms_stats(times: list[float]) -> tuple[float, float]:
    ms = np.asarray(times) * 1000.0
    return float(np.median(ms)), float(np.percentile(ms, 95))


def bench_queues(runs: int, naive_runs: int, limit: int = 500) -> dict[str, Any]:
    from sqlalchemy import func, select

    from app.domain.case import CaseState
    from app.domain.org import Role
    from app.services.cases import Actor, CaseService, _as_filter
    from app.store.orm import CaseRow
    from app.store.store import Store

    rng = np.random.default_rng(7)
    with tempfile.TemporaryDirectory(prefix="citygrid-bench-queue-") as tmpdir:
        url = f"sqlite:///{Path(tmpdir) / 'queue.sqlite'}"
        t0 = time.perf_counter()
        _seed_temp_street(url)
        t_seed = time.perf_counter() - t0
        store = Store.open(url)
        svc = CaseService(store, clock=lambda: SEED_END)
        t0 = time.perf_counter()
        added = _add_open_cases(store, svc, QUEUE_TARGET_OPEN, rng)
        t_insert = time.perf_counter() - t0
        with store.engine.connect() as c:
            n_open = c.execute(select(func.count()).select_from(CaseRow).where(
                CaseRow.state.in_([s.value for s in CaseState if s.is_open]))).scalar_one()
            n_all = c.execute(select(func.count()).select_from(CaseRow)).scalar_one()
            busy_grid = c.execute(select(CaseRow.grid_id).group_by(CaseRow.grid_id)
                                  .order_by(func.count().desc()).limit(1)).scalar_one()
        _log(f"  {n_open:,} open cases ({added:,} added in {t_insert:.1f} s)")
        lead = Actor("bench_sl", Role.SHIFT_LEADER)
        filters: dict[str, dict[str, str]] = {
            "none": {}, "source=supervisor": {"source": "supervisor"},
            "urgency=urgent": {"urgency": "urgent"}, f"grid={busy_grid}": {"grid": busy_grid},
            "source=video, urgency=high": {"source": "video", "urgency": "high"},
        }
        queues = ("to_register", "to_dispatch", "in_handling", "overdue")
        rows: list[dict[str, Any]] = []

        def timed(fn: Any, n: int, warm: bool = True) -> tuple[list[float], Any]:
            if warm:
                fn()  # warm-up (statement cache, pages)
            ts, out = [], None
            for _ in range(n):
                t = time.perf_counter()
                out = fn()
                ts.append(time.perf_counter() - t)
            return ts, out

        for fname, fd in filters.items():
            for q in [*queues, "counts"]:
                if q == "counts":
                    ts, res = timed(lambda fd=fd: svc.queue_counts(lead, fd), runs)
                    got = sum(res.values())
                else:
                    ts, res = timed(lambda q=q, fd=fd: svc.queue(lead, q, fd, limit=limit), runs)
                    got = len(res)
                med, p95 = _ms_stats(ts)
                f = _as_filter(fd)

                def naive(q: str = q, f: Any = f) -> Any:
                    all_open = _naive_load_open(store)
                    if q == "counts":
                        return {qq: len(_naive_queue(all_open, qq, f, SEED_END, 10**9))
                                for qq in queues}
                    return _naive_queue(all_open, q, f, SEED_END, limit)

                nts, nres = timed(naive, naive_runs, warm=False)  # ~seconds each
                if q != "counts":  # same page, same order
                    assert [c.number for c in nres] == [c.number for c in res], (q, fname)
                else:
                    assert all(nres[qq] == res[qq] for qq in queues), (fname, nres, res)
                nmed, np95 = _ms_stats(nts)
                rows.append({"queue": q, "filter": fname, "rows": got, "runs": runs,
                             "median_ms": med, "p95_ms": p95, "naive_runs": naive_runs,
                             "naive_median_ms": nmed, "naive_p95_ms": np95,
                             "ratio_median": nmed / med})
                _log(f"  {q:<12} {fname:<28} {got:>7,}: median {med:6.1f} ms, p95 {p95:6.1f} ms"
                     f"; naive {nmed:7.0f} ms ({nmed / med:.0f}×)")
        store.close()
    worst = max(r["p95_ms"] for r in rows)
    return {"open_cases": int(n_open), "all_cases": int(n_all), "added": added,
            "seed_s": t_seed, "insert_s": t_insert, "limit": limit, "rows": rows,
            "target_ms": QUEUE_TARGET_MS, "worst_p95_ms": worst,
            "meets_target": worst <= QUEUE_TARGET_MS}


# --------------------------------------------------------------------------- 8. a day's loop
LOOP_CASES = 3000
LOOP_DAY = datetime(2026, 11, 24)  # the working day after the seed's history ends
LOOP_STEPS = ("register", "file", "dispatch", "handle", "send_check", "check_pass", "close")


def _loop_day(url: str, n_cases: int) -> dict[str, Any]:
    from sqlalchemy import select

    from app.domain.case import CaseSource
    from app.domain.org import Role
    from app.services.cases import Actor, CaseService
    from app.store.orm import CaseRow
    from app.store.store import Store

    store = Store.open(url)
    rng = np.random.default_rng(8)
    now = [LOOP_DAY]
    svc = CaseService(store, clock=lambda: now[0])
    # Real (kind, type) pairs and locations of the seeded history; sources that need no
    # verification (公众举报) or callback (热线) so every case takes the same seven steps.
    with store.engine.connect() as c:
        hist = c.execute(select(CaseRow.kind, CaseRow.type_code, CaseRow.lon, CaseRow.lat)
                         .order_by(CaseRow.id)).all()
    sources = [CaseSource.FIELD_SUPERVISOR, CaseSource.VIDEO, CaseSource.GRID_WORKER,
               CaseSource.LEADER, CaseSource.MEDIA]
    fs = Actor("bench_fs", Role.FIELD_SUPERVISOR)
    op = Actor("bench_op", Role.OPERATOR)
    sl = Actor("bench_sl", Role.SHIFT_LEADER)
    dp = Actor("bench_dp", Role.DISPATCHER)
    staff: dict[str, Actor] = {}
    times: dict[str, list[float]] = {a: [] for a in ("report", "suggest", *LOOP_STEPS)}
    gap = timedelta(seconds=86400 / n_cases)
    step = gap / (len(LOOP_STEPS) + 1)
    t_all = time.perf_counter()
    for i in range(n_cases):
        kind, tcode, lon, lat = hist[int(rng.integers(0, len(hist)))]
        now[0] = LOOP_DAY + gap * i
        t = time.perf_counter()
        case = svc.report(fs, kind, tcode, lon, lat, f"benchmark case {i}",
                          sources[i % len(sources)])
        times["report"].append(time.perf_counter() - t)
        t = time.perf_counter()
        dept, _ = svc.suggest_department(case)
        times["suggest"].append(time.perf_counter() - t)
        if dept not in staff:
            staff[dept] = Actor(f"bench_{dept}", Role.DEPARTMENT, dept)
        for k, (action, actor) in enumerate(zip(
                LOOP_STEPS, (op, sl, dp, staff[dept], op, fs, sl), strict=True)):
            now[0] = LOOP_DAY + gap * i + step * (k + 1)
            t = time.perf_counter()
            svc.act(actor, case.number, action,
                    dept_code=dept if action == "dispatch" else None)
            times[action].append(time.perf_counter() - t)
    total = time.perf_counter() - t_all
    closed = svc.queue_counts(sl)["closed_today"]
    store.close()
    per = {}
    for a, ts in times.items():
        med, p95 = _ms_stats(ts)
        per[a] = {"n": len(ts), "median_ms": med, "p95_ms": p95, "total_s": float(sum(ts))}
    loop = [x for a in LOOP_STEPS for x in times[a]]
    med, p95 = _ms_stats(loop)
    return {"cases": n_cases, "closed_today": closed, "per_action": per,
            "transitions": len(loop), "transition_median_ms": med, "transition_p95_ms": p95,
            "transition_total_s": float(sum(loop)), "transitions_per_s": len(loop) / sum(loop),
            "wall_s": total, "departments": len(staff)}


def _pg_connect(url: str, **kwargs: Any) -> Any:
    """A psycopg connection to the database of a SQLAlchemy URL (as tests/conftest.py)."""
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    params = {"host": u.host, "port": u.port, "user": u.username, "password": u.password,
              "dbname": u.database}
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, **kwargs)


def bench_loop(n_cases: int) -> dict[str, Any]:
    out: dict[str, Any] = {"cases": n_cases, "backends": {}}
    with tempfile.TemporaryDirectory(prefix="citygrid-bench-loop-") as tmpdir:
        url = f"sqlite:///{Path(tmpdir) / 'loop.sqlite'}"
        _seed_temp_street(url)
        out["backends"]["SQLite"] = r = _loop_day(url, n_cases)
        _log(f"  SQLite: {r['transitions']:,} transitions, median "
             f"{r['transition_median_ms']:.2f} ms, {r['transitions_per_s']:.0f}/s")
    admin_url = os.environ.get("CITYGRID_TEST_PG")
    if admin_url:
        import uuid

        from psycopg import sql
        from sqlalchemy.engine import make_url

        u = make_url(admin_url)
        if u.drivername == "postgresql":
            u = u.set(drivername="postgresql+psycopg")
        name = f"citygrid_bench_{uuid.uuid4().hex[:12]}"
        with _pg_connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            url = u.set(database=name).render_as_string(hide_password=False)
            _seed_temp_street(url)
            out["backends"]["PostgreSQL"] = r = _loop_day(url, n_cases)
            _log(f"  PostgreSQL: {r['transitions']:,} transitions, median "
                 f"{r['transition_median_ms']:.2f} ms, {r['transitions_per_s']:.0f}/s")
        finally:
            with _pg_connect(admin_url, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                             .format(sql.Identifier(name)))
    else:
        out["postgresql_skipped"] = "CITYGRID_TEST_PG not set"
    return out


# --------------------------------------------------------------------------- 10. PostGIS
POSTGIS_QUERIES = 200  # queries per type, each at another point / box (after a warm-up)
POSTGIS_NAIVE_QUERIES = 20  # the full scans are slow: fewer of them
PG_BENCH_ENV = "CITYGRID_BENCH_PG"
# PostgreSQL settings that leave the planner no index: the "naive" full-scan baseline.
_NO_INDEX_OPTIONS = "-c enable_indexscan=off -c enable_bitmapscan=off -c enable_indexonlyscan=off"


def _no_index_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    opts = " ".join(filter(None, [u.query.get("options", ""), _NO_INDEX_OPTIONS]))
    return u.update_query_dict({"options": opts}).render_as_string(hide_password=False)


def _timed(fns: dict[str, Any], args: list[tuple[Any, ...]], warm: int = 10
           ) -> dict[str, tuple[list[float], list[Any]]]:
    """Times and results of ``fn(*a)`` for every ``a`` and every method in ``fns``, the
    methods interleaved query by query (so load from elsewhere on the machine hits them
    alike), after ``warm`` untimed rounds."""
    for a in args[:warm]:
        for fn in fns.values():
            fn(*a)
    out: dict[str, tuple[list[float], list[Any]]] = {k: ([], []) for k in fns}
    for a in args:
        for k, fn in fns.items():
            t = time.perf_counter()
            r = fn(*a)
            out[k][0].append(time.perf_counter() - t)
            out[k][1].append(r)
    return out


def _norm(r: Any) -> Any:
    """Results made comparable across methods (arrays, cases, cameras → plain keys)."""
    if isinstance(r, np.ndarray):
        return tuple(r.tolist())
    if isinstance(r, list) and r and isinstance(r[0], tuple):  # near(): (case, x, y)
        return tuple(c.number for c, _x, _y in r)
    if isinstance(r, list) and r and hasattr(r[0], "part_id") and hasattr(r[0], "range_m"):
        return tuple(c.part_id for c in r)
    return tuple(r) if isinstance(r, list) else r


def _postgis_queries(store: Any, n: int, rng: np.random.Generator) -> dict[str, Any]:
    """The same random points, boxes, cases and camera spots for every method."""
    from sqlalchemy import func, select

    from app.domain.case import CaseState
    from app.domain.duplicates import load_duplicate_rules
    from app.gis import crs
    from app.store.orm import CaseRow, GridRow

    with store.engine.connect() as c:
        minx, miny, maxx, maxy = c.execute(select(
            func.min(GridRow.minx), func.min(GridRow.miny), func.max(GridRow.maxx),
            func.max(GridRow.maxy))).one()
    # Report locations: four in five where parts stand (inside the district), the rest
    # anywhere over its extent widened by 5 % (many outside every grid).
    pts = store.parts.point_arrays()
    k = rng.choice(len(pts.x), size=n - n // 5, replace=False)
    w, h = maxx - minx, maxy - miny
    px = np.concatenate([pts.x[k] + rng.uniform(-20, 20, len(k)),
                         rng.uniform(minx - 0.05 * w, maxx + 0.05 * w, n // 5)])
    py = np.concatenate([pts.y[k] + rng.uniform(-20, 20, len(k)),
                         rng.uniform(miny - 0.05 * h, maxy + 0.05 * h, n // 5)])
    lon, lat = crs.to_geographic(px, py)
    points = [(float(a), float(b), float(x), float(y))
              for a, b, x, y in zip(lon, lat, px, py, strict=True)]
    boxes: dict[int, list[tuple[tuple[float, float, float, float]]]] = {}
    for size in (100, 400, 3000):
        cx = rng.uniform(minx + size, maxx - size, n)
        cy = rng.uniform(miny + size, maxy - size, n)
        boxes[size] = [((float(x - size / 2), float(y - size / 2), float(x + size / 2),
                         float(y + size / 2)),) for x, y in zip(cx, cy, strict=True)]
    # Duplicate look-ups around open cases (where a new report repeats one), with the
    # type's radius and window (the rules find_duplicates applies).
    rules = load_duplicate_rules()
    with store.engine.connect() as c:
        open_ids = np.array(c.execute(select(CaseRow.id).where(CaseRow.state.in_(
            [s.value for s in CaseState if s.is_open]))).scalars().all())
    ids = rng.choice(open_ids, size=min(n, len(open_ids)), replace=False)
    with store.engine.connect() as c:
        rows = c.execute(select(CaseRow.type_code, CaseRow.x, CaseRow.y, CaseRow.reported_at)
                         .where(CaseRow.id.in_([int(i) for i in ids]))).all()
    near = []
    for tcode, x, y, at in rows:
        rule = rules.rule_for(tcode)
        win = timedelta(hours=rule.window_hours)
        r = rule.radius_m
        near.append((tcode, (x - r, y - r, x + r, y + r), at - win, at + win))
    cams = store.cameras.all()
    spots = []
    for k in rng.integers(0, len(cams), n):
        cam = cams[int(k)]
        ang, dist = rng.uniform(0, 2 * np.pi), rng.uniform(0, 1.2 * cam.range_m)
        spots.append((float(cam.x + dist * np.sin(ang)), float(cam.y + dist * np.cos(ang))))
    return {"points": points, "boxes": boxes, "near": near, "spots": spots}


def bench_postgis(pg_url: str, scale: str, sqlite_url: str | None, n: int = POSTGIS_QUERIES,
                  naive_n: int = POSTGIS_NAIVE_QUERIES) -> dict[str, Any]:
    """Section 10: each spatial query of the app on PostgreSQL through PostGIS (GiST on the
    generated 4490 columns) vs the portable path (bbox / (cell, y) btree) on the same
    database vs a naive full scan; plus the portable path on SQLite when the run has one."""
    import shapely
    from sqlalchemy import select

    from app.services.seeding import seed
    from app.store import repositories as repos
    from app.store.orm import GridRow
    from app.store.store import Store

    out: dict[str, Any] = {"queries": [], "n": n, "naive_n": naive_n}
    store = Store.open(pg_url)
    if store.backend != "postgresql":
        raise SystemExit(f"--pg: {store.url} is not a PostgreSQL database")
    if store.is_seeded():
        out["seed"] = {"skipped": True, "scale": store.meta.get("seed.scale")}
    else:
        _log(f"  seeding {scale} into PostgreSQL {store.url} …")
        rep = seed(store, scale, end=SEED_END)
        out["seed"] = {"skipped": False, "scale": scale, "total_s": rep.seconds,
                       "stage_s": dict(rep.stage_seconds), "counts": dict(rep.counts)}
        _log(f"  seeded in {rep.seconds:.1f} s (" + ", ".join(
            f"{k} {v:.1f} s" for k, v in rep.stage_seconds.items()) + ")")
    naive = Store.open(_no_index_url(pg_url))
    lite = None
    if sqlite_url:
        lite = Store.open(sqlite_url)
        if lite.meta.get("seed.scale") != store.meta.get("seed.scale"):
            lite.close()
            lite = None
    q = _postgis_queries(store, n, np.random.default_rng(10))

    def portable(key: str, fn: Any) -> Any:
        """``fn`` with the repository's PostgreSQL branch ``key`` switched off."""
        def call(*a: Any) -> Any:
            old = repos.POSTGIS_PATHS[key]
            repos.POSTGIS_PATHS[key] = False
            try:
                return fn(*a)
            finally:
                repos.POSTGIS_PATHS[key] = old
        return call

    def postgis(key: str, fn: Any) -> Any:
        """``fn`` with the branch ``key`` on, whatever the app's default."""
        def call(*a: Any) -> Any:
            old = repos.POSTGIS_PATHS[key]
            repos.POSTGIS_PATHS[key] = True
            try:
                return fn(*a)
            finally:
                repos.POSTGIS_PATHS[key] = old
        return call

    # Naive point → grid: shapely over every grid polygon (held in memory).
    t0 = time.perf_counter()
    with store.engine.connect() as c:
        grid_rows = c.execute(select(GridRow.grid_id, GridRow.geom).order_by(GridRow.grid_id)).all()
    grid_ids = np.array([r[0] for r in grid_rows], dtype=object)
    polys = shapely.from_wkb(np.array([r[1] for r in grid_rows], dtype=object))
    shapely.prepare(polys)
    out["naive_grid_load_s"] = time.perf_counter() - t0

    def grid_at_naive(lon: float, lat: float, _x: float, _y: float) -> str | None:
        hit = grid_ids[shapely.intersects_xy(polys, lon, lat)]
        return str(hit[0]) if len(hit) else None

    all_cams = store.cameras.all()

    def cameras_naive(x: float, y: float) -> list[Any]:
        cams = [cam for cam in all_cams if cam.sees(x, y)]
        return sorted(cams, key=lambda cam: (np.hypot(cam.x - x, cam.y - y), cam.part_id))

    def grid_box(x: float, y: float) -> tuple[tuple[float, float, float, float]]:
        return ((x, y, x, y),)

    points = q["points"]
    kinds: list[tuple[str, str, str, list[tuple[Any, ...]], Any, Any]] = [
        ("grid containing a point (report → grid)", "grid_at", "shapely, every polygon",
         points, lambda s: s.admin.grid_at, grid_at_naive),
        ("grids whose bbox holds a point", "grid_ids_in_bbox", "full scan",
         [grid_box(p[2], p[3]) for p in points], lambda s: s.admin.grid_ids_in_bbox, None),
        *[(f"parts in a {size} m box", "part_rowids_in_bbox", "full scan", q["boxes"][size],
           lambda s: s.parts.rowids_in_bbox, None) for size in (100, 400, 3000)],
        ("duplicate candidates (cases near)", "cases_near", "full scan", q["near"],
         lambda s: s.cases.near, None),
        ("cameras seeing a point", "cameras_seeing", "every camera in memory", q["spots"],
         lambda s: s.cameras.seeing, cameras_naive),
    ]
    for label, key, naive_label, args, method, naive_fn in kinds:
        _log(f"  {label} ×{len(args)} …")
        row: dict[str, Any] = {"query": label, "path": key, "n": len(args),
                               "naive_what": naive_label}
        fns = {"postgis": postgis(key, method(store)), "btree": portable(key, method(store))}
        if lite is not None:
            fns["sqlite"] = method(lite)
        res = _timed(fns, args)
        (t_gist, r_gist), (t_btree, r_btree) = res["postgis"], res["btree"]
        if naive_fn is None:
            t_naive, r_naive = _timed({"naive": portable(key, method(naive))},
                                      args[:naive_n], warm=2)["naive"]
        else:
            t_naive, r_naive = _timed({"naive": naive_fn}, args)["naive"]
        if lite is not None:
            t_lite, r_lite = res["sqlite"]
        row["rows_mean"] = float(np.mean([len(r) if hasattr(r, "__len__")
                                          and not isinstance(r, str) else r is not None
                                          for r in r_gist]))
        ref = [_norm(r) for r in r_gist]
        row["mismatches"] = {
            "btree": sum(a != _norm(b) for a, b in zip(ref, r_btree, strict=True)),
            "naive": sum(a != _norm(b) for a, b in zip(ref, r_naive, strict=False)),
        }
        for name, ts in (("postgis", t_gist), ("btree", t_btree), ("naive", t_naive)):
            row[f"{name}_median_ms"], row[f"{name}_p95_ms"] = _ms_stats(ts)
            row[f"{name}_n"] = len(ts)
        if lite is not None:
            row["mismatches"]["sqlite"] = sum(a != _norm(b)
                                              for a, b in zip(ref, r_lite, strict=True))
            row["sqlite_median_ms"], row["sqlite_p95_ms"] = _ms_stats(t_lite)
        row["ratio_btree_median"] = row["btree_median_ms"] / row["postgis_median_ms"]
        row["ratio_btree_p95"] = row["btree_p95_ms"] / row["postgis_p95_ms"]
        row["ratio_naive_median"] = row["naive_median_ms"] / row["postgis_median_ms"]
        row["postgis_on"] = bool(repos.POSTGIS_PATHS[key])
        out["queries"].append(row)
        _log(f"    PostGIS {row['postgis_median_ms']:.2f} ms, btree "
             f"{row['btree_median_ms']:.2f} ms, naive {row['naive_median_ms']:.2f} ms, "
             f"mismatches {row['mismatches']}")
    out["sqlite"] = lite is not None
    for s in (store, naive, lite):
        if s is not None:
            s.close()
    return out


# --------------------------------------------------------------------------- environment
def machine() -> dict[str, Any]:
    import geopandas
    import pyproj
    import pyqtgraph
    import PySide6
    import shapely
    import sqlalchemy
    from PySide6 import QtCore

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        nproc = str(os.cpu_count())
    import sqlite3

    return {
        "date": datetime.now().isoformat(timespec="seconds"),
        "nproc": nproc,
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "PySide6": PySide6.__version__,
        "Qt": QtCore.qVersion(),
        "pyqtgraph": pyqtgraph.__version__,
        "numpy": np.__version__,
        "shapely": shapely.__version__,
        "GEOS": shapely.geos_version_string,
        "geopandas": geopandas.__version__,
        "pyproj": pyproj.__version__,
        "SQLAlchemy": sqlalchemy.__version__,
        "SQLite": sqlite3.sqlite_version,
    }


# --------------------------------------------------------------------------- report
def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    cells = [[str(c) for c in r] for r in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in cells]
    return out


def _md(headers: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |",
           "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return out


def _f(v: Any, nd: int = 2) -> str:
    return "–" if v is None else f"{v:,.{nd}f}"


def sections(res: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    out: list[tuple[str, list[str], list[list[Any]]]] = []
    s = res["seed"]
    if s.get("skipped"):
        out.append(("1. Seeding", ["step", "value"],
                    [["seeding", f"skipped (--db {res['db']})"],
                     ["database size", _f((s.get("db_bytes") or 0) / 2**20, 1) + " MiB"]]))
    else:
        rows = [["total", _f(s["total_s"], 1) + " s"]]
        rows += [[f"  {k}", _f(v, 1) + " s"] for k, v in s["stage_s"].items()]
        rows += [["open + migrate (empty DB)", _f(s["open_migrate_s"], 2) + " s"],
                 ["SQLite file", _f((s["db_bytes"] or 0) / 2**20, 1) + " MiB"],
                 ["rows", ", ".join(f"{k} {v:,}" for k, v in s["counts"].items())]]
        out.append((f"1. Seeding ({s['scale']})", ["step", "value"], rows))
    c = res.get("cold_start")
    if c:
        m = c["median"]
        rows = [
            ["map interactive (`loaded`), from first statement",
             _f(m["interactive_s"]) + " s", " / ".join(_f(r["interactive_s"]) for r in c["runs"])],
            ["map interactive, from process spawn", _f(m["interactive_from_spawn_s"]) + " s",
             " / ".join(_f(r["interactive_from_spawn_s"]) for r in c["runs"])],
            ["parts layer on map (`parts_loaded`), from first statement",
             _f(m["parts_s"]) + " s", " / ".join(_f(r["parts_s"]) for r in c["runs"])],
            ["  of which after interactive", _f(m["parts_after_interactive_s"]) + " s",
             " / ".join(_f(r["parts_after_interactive_s"]) for r in c["runs"])],
            ["  imports + QApplication + translators", _f(m["qt_app_s"]) + " s", ""],
            ["  Store.open (imports, migrations check)", _f(m["store_open_s"]) + " s", ""],
            ["  MainWindow + show", _f(m["window_s"]) + " s", ""],
        ]
        out.append((f"2. Cold start to interactive map (median of {len(c['runs'])}, "
                    "fresh interpreter, warm OS file cache)", ["phase", "median", "runs"], rows))
    fr = res.get("frames")
    if fr:
        rows = []
        for level, d in fr["levels"].items():
            rows.append([level, d["frames"], _f(d["median_ms"], 1), _f(d["p95_ms"], 1),
                         _f(d.get("naive_median_ms"), 1), _f(d.get("naive_p95_ms"), 1),
                         _f(d.get("ratio_median"), 1) + "×" if "ratio_median" in d else "–",
                         _f(d.get("ratio_p95"), 1) + "×" if "ratio_p95" in d else "–"])
        v = fr["views"]
        title = (f"3./4. Frame times, canvas {fr['canvas_px'][0]}×{fr['canvas_px'][1]} px in a "
                 f"{fr['window_px'][0]}×{fr['window_px'][1]} window; {VIEWS_PER_ZOOM} views "
                 f"per zoom (street/grid views in street {v['street']}), ours ×{fr['repeats']} "
                 f"rounds, naive scatter of {fr.get('naive_points', 0):,} parts "
                 f"×{fr['naive_repeats']}")
        out.append((title, ["zoom", "frames", "ours median ms", "ours p95 ms",
                            "naive median ms", "naive p95 ms", "naive/ours median",
                            "naive/ours p95"], rows))
    a = res.get("assign")
    if a:
        o, g = a["ours"], a["sjoin"]
        rows = [
            ["GridIndex build", _f(o["build_s"], 3) + " s",
             f"cell {o['cell_m']:.1f} m, raster {o['raster'][1]}×{o['raster'][0]}, "
             f"{o['boundary_cells']:,} boundary cells"],
            ["GridIndex assign", _f(o["assign_s"], 3) + " s",
             f"again (built): {o['assign_again_s']:.3f} s"],
            ["GridIndex build + assign", _f(o["total_s"], 3) + " s", ""],
            ["shapely STRtree.query(points, 'intersects')", _f(a["strtree_s"], 3) + " s",
             f"{a['ratio_strtree']:.1f}× ours (tree + points included)"],
            ["geopandas: GeoDataFrames", _f(g["frames_s"], 3) + " s", ""],
            ["geopandas: sjoin(predicate='within')", _f(g["sjoin_s"], 3) + " s",
             f"{a['ratio_sjoin_vs_assign']:.1f}× our assign"],
            ["geopandas total", _f(g["total_s"], 3) + " s",
             f"{a['ratio_total']:.1f}× our build + assign"],
            ["agreement with sjoin", f"{a['agree_sjoin'] * 100:.4f} %",
             f"{a['agree_sjoin_excl_ties'] * 100:.4f} % excluding {a['boundary_ties']:,} "
             "edge ties"],
            ["agreement with STRtree", f"{a['agree_strtree'] * 100:.4f} %", ""],
            ["matches stored part.grid_id", f"{a['stored_grid_match'] * 100:.4f} %",
             f"{a['outside']:,} points outside every grid"],
        ]
        out.append((f"5. Point → grid for {a['points']:,} parts in {a['grids']:,} grids",
                    ["method", "value", "note"], rows))
    mem = res["memory"]
    rows = [["peak RSS (ru_maxrss), benchmark process", _f(mem["maxrss_mb"], 0), ""]]
    rows += [[f"  after {k}", _f(peak, 0), _f(cur, 0)] for k, (peak, cur) in mem["after"].items()]
    if mem.get("cold_start_child_peak_mb"):
        rows.append(["peak RSS (VmHWM), cold-start child (max of runs)",
                     _f(mem["cold_start_child_peak_mb"], 0), ""])
    out.append(("6. Memory", ["what", "peak MiB", "current RSS MiB"], rows))
    qb = res.get("queues")
    if qb:
        rows = [[r["queue"], r["filter"], f"{r['rows']:,}", _f(r["median_ms"], 1),
                 _f(r["p95_ms"], 1), _f(r["naive_median_ms"], 0), _f(r["naive_p95_ms"], 0),
                 _f(r["ratio_median"], 0) + "×"] for r in qb["rows"]]
        verdict = "met" if qb["meets_target"] else "MISSED"
        out.append(((f"7. Queue filter + sort, {qb['open_cases']:,} open cases "
                     f"({qb['all_cases']:,} in all), page of {qb['limit']}: ours ×"
                     f"{qb['rows'][0]['runs']} runs, naive ×{qb['rows'][0]['naive_runs']}; "
                     f"target p95 ≤ {qb['target_ms']:.0f} ms {verdict} "
                     f"(worst p95 {qb['worst_p95_ms']:.1f} ms)"),
                    ["queue", "filter", "rows", "ours median ms", "ours p95 ms",
                     "naive median ms", "naive p95 ms", "naive/ours median"], rows))
    lp = res.get("loop")
    if lp:
        rows = []
        for be, d in lp["backends"].items():
            for a, v in d["per_action"].items():
                rows.append([be, a, f"{v['n']:,}", _f(v["median_ms"]), _f(v["p95_ms"]),
                             _f(v["total_s"], 1), _f(v["n"] / v["total_s"], 0)
                             if v["total_s"] else "–"])
            rows.append([be, "**all 7 transitions**", f"{d['transitions']:,}",
                         _f(d["transition_median_ms"]), _f(d["transition_p95_ms"]),
                         _f(d["transition_total_s"], 1), _f(d["transitions_per_s"], 0)])
            rows.append([be, "wall (report + suggest + loop)", "", "", "", _f(d["wall_s"], 1),
                         f"{d['closed_today']:,} closed today"])
        if lp.get("postgresql_skipped"):
            rows.append(["PostgreSQL", f"skipped ({lp['postgresql_skipped']})", "", "", "",
                         "", ""])
        out.append(((f"8. A day's cases through the loop: {lp['cases']:,} cases reported over "
                     f"{LOOP_DAY:%Y-%m-%d}, register → file → dispatch → handle → send_check → "
                     "check_pass → close"), ["backend", "action", "n", "median ms", "p95 ms",
                                           "total s", "per s"], rows))
    im = res.get("import")
    if im:
        ratio = im["ours_s"] / im["naive_s"] if im["naive_s"] else float("nan")
        rows = [["export parts → GeoPackage (ours)", _f(im["export_s"], 1),
                 f"{im['features']:,} features, {_f(im['gpkg_mib'], 0)} MiB"],
                ["import GeoPackage → parts (ours: validated, replace, atomic)",
                 _f(im["ours_s"], 1),
                 f"{im['ours_accepted']:,} accepted, {im['ours_rejected']:,} rejected, "
                 f"written: {im['ours_written']}; target ≤ 60 s "
                 f"{'met' if im['ours_s'] <= 60 else 'MISSED'}"],
                ["naive: geopandas.read_file", _f(im["naive_read_s"], 1), ""],
                ["naive: GeoDataFrame.to_wkb().to_sql (SQLite)", _f(im["naive_write_s"], 1),
                 ""],
                ["naive total", _f(im["naive_s"], 1), f"ours / naive = {_f(ratio, 2)}×"]]
        if "naive_postgis_write_s" in im:
            rows.append(["naive: GeoDataFrame.to_postgis (PostgreSQL)",
                         _f(im["naive_postgis_write_s"], 1), "write only"])
        elif "naive_postgis_error" in im:
            rows.append(["naive: to_postgis", "–", im["naive_postgis_error"]])
        out.append(("9. Parts import: GeoPackage of every seeded part",
                    ["step", "s", "note"], rows))
    pg = res.get("postgis")
    if pg:
        lite = pg.get("sqlite")
        rows = []
        for r in pg["queries"]:
            row = [r["query"], _f(r["rows_mean"], 1), _f(r["postgis_median_ms"]),
                   _f(r["postgis_p95_ms"]), _f(r["btree_median_ms"]), _f(r["btree_p95_ms"]),
                   _f(r["ratio_btree_median"], 1) + "×", _f(r["ratio_btree_p95"], 1) + "×",
                   _f(r["naive_median_ms"]), _f(r["naive_p95_ms"]),
                   _f(r["ratio_naive_median"], 1) + "×"]
            if lite:
                row += [_f(r.get("sqlite_median_ms")), _f(r.get("sqlite_p95_ms"))]
            row += ["PostGIS" if r["postgis_on"] else "btree",
                    "0" if not any(r["mismatches"].values()) else str(r["mismatches"])]
            rows.append(row)
        sd = pg["seed"]
        seeded = ("seeded beforehand" if sd.get("skipped") else
                  f"seeding {sd['scale']} on PostgreSQL took {sd['total_s']:.0f} s")
        headers = ["query", "rows", "PostGIS median ms", "PostGIS p95 ms",
                   "btree median ms", "btree p95 ms", "btree/PostGIS median",
                   "btree/PostGIS p95", "naive median ms", "naive p95 ms",
                   "naive/PostGIS median"]
        if lite:
            headers += ["SQLite median ms", "SQLite p95 ms"]
        headers += ["app uses", "result mismatches"]
        out.append((f"10. Spatial queries on PostgreSQL: PostGIS GiST vs bbox/(cell, y) btree "
                    f"vs naive; {pg['n']} queries each (naive full scans {pg['naive_n']}; "
                    f"naive point → grid first loads every polygon: "
                    f"{pg['naive_grid_load_s']:.2f} s); {seeded}", headers, rows))
    gs = res.get("gistar")
    if gs:
        from benchmarks.gistar import rows_for_report

        out.append((f"11. Gi* hot spots over {gs['data']['grids']:,} grids, a year of "
                    f"{gs['data']['cases']:,} cases: store query → classes",
                    ["what", "time / value", "note"], rows_for_report(gs)))
    ev = res.get("evaluation")
    if ev:
        from benchmarks.evaluation import rows_for_report as evaluation_rows

        out.append((f"12. Evaluation (考核评价) of {ev['month']} on {ev['backend']}: counts in "
                    f"SQL, formulas, drill-down, XLSX", ["what", "time", "note"],
                    evaluation_rows(ev)))
    return out


def print_report(res: dict[str, Any]) -> None:
    m = res["machine"]
    print(f"\nCityGrid benchmark — scale {res['scale']}, {m['date']}")
    print(f"{m['cpu']}, nproc {m['nproc']}, Python {m['python']}, Qt {m['Qt']}\n")
    for title, headers, rows in sections(res):
        print(title)
        print("\n".join("  " + ln for ln in _table(headers, rows)))
        print()
    print(f"total benchmark time {res['elapsed_s']:.0f} s")


def write_docs(res: dict[str, Any], path: Path) -> None:
    m = res["machine"]
    lines = [
        "# Benchmarks",
        "",
        "Produced by `python main.py bench --scale district --json /tmp/bench.json "
        "--write-docs` (`benchmarks/run.py`); numbers from one run on the machine below. "
        "Speed is measured here only, never in unit tests.",
        "",
        "## Machine",
        "",
    ]
    lines += _md(["", ""], [[k, v] for k, v in m.items()])
    lines.append("")
    notes = {
        "1.": "Demo seeded into a fresh temporary SQLite file (`seed(..., end=2026-11-23 10:00)`);"
              " stages from `SeedReport.stage_seconds`.",
        "2.": "`python -c` child per run: `ensure_app(offscreen=True)`, `install_language"
              "('zh_CN')`, `Store.open`, `MainWindow(store).show()`, `load_async()`, event loop "
              "until `MainWindow.loaded` (vector layers on the map) and `parts_loaded` (parts "
              "layer, loaded in the background). \"From first statement\" starts at the child's "
              "first `time.perf_counter()`; \"from spawn\" adds interpreter start-up.",
        "3.": "`app.map.render.bench.render_frame_times` on the real `MainWindow` after "
              "`load_sync()`: set view, run the debounced per-view work, repaint once. District: "
              "whole extent with ±4 % pans and ±3 % zooms; street: 3 km wide views panned "
              "diagonally across the street; grid: 400 m views on 20 grids of that street. "
              "Naive: `naive_scatter_frame_times`, one `ScatterPlotItem` with every part, "
              "same views, same pixel size.",
        "5.": "Grid polygons from the store, projected to display metres; parts' x/y from "
              "`store.parts.point_arrays()`. Ours: `app.gis.index.GridIndex` (quadtree raster: "
              "cells wholly inside one grid answer by lookup, boundary cells by exact "
              "`intersects_xy` on their candidate grids). Baseline: `geopandas.sjoin(points, "
              "grids, predicate='within')`. A point exactly on a grid edge is *within* no grid, "
              "so sjoin leaves it unmatched while GridIndex assigns it to an adjacent grid "
              "(\"edge ties\").",
        "7.": ("A fresh street seed plus raw multi-row INSERTs into `case_` of open cases "
               "(states spread over the open states, deadlines ±3 days around the seed end, "
               "random points in random grids, mixed sources and urgencies, departments from "
               "`suggest_department` for dispatched states). Ours: `CaseService.queue(shift "
               "leader, queue, filters, limit=500)` and `queue_counts`, clock at the seed end, "
               "after one warm-up call. Naive: every open case loaded as a domain `Case` "
               "(`SELECT` of the case columns through `CaseRepository._to_domain`, no filter in "
               "SQL), then filtered and sorted in Python; its page (and counts) are checked "
               "equal to ours. For `counts`, rows is the sum over all ten queues (overdue "
               "overlaps the state queues)."),
        "8.": ("A fresh street seed; `CaseService(store, clock=…)` with the clock advanced "
               "through one day. Each case: `report` by a field supervisor at a location and "
               "type of the seeded history (sources needing neither verification nor a "
               "callback), `suggest_department`, then `act` by operator (register), shift "
               "leader (file), dispatcher (dispatch to the suggested department), that "
               "department's staff (handle), operator (send_check), field supervisor "
               "(check_pass), shift leader (close). Times are per `act` call (load, rules, "
               "optimistic-locked UPDATE + event INSERT in one transaction, reload). "
               "PostgreSQL runs when `CITYGRID_TEST_PG` is set, in a temporary database."),
        "9.": ("The seeded parts are exported with `app.services.exporter.export_layer` "
               "(GB/T 47678.5-2026 field names), then imported with "
               "`app.services.importer.import_file(mode=\"replace\")` into a copy of the store: "
               "every id, type code, department, date and status checked, every point tested "
               "against its declared unit grid, written in one transaction with the spatial "
               "bucket index. The naive baseline only reads the file with geopandas and "
               "writes a table with `to_sql` (WKB geometry): no validation, no index."),
        "10.": ("`--pg URL` (or `$CITYGRID_BENCH_PG`): a PostgreSQL database, seeded at "
                "`--scale` first when empty (that seeding is timed). Every query type is "
                "called through its repository method with the PostgreSQL branch on "
                "(PostGIS: `app.store.postgis`, GiST on the generated SRID 4490 `shape`/`pt` "
                "columns) and off (btree: the portable bbox / (cell, y) path), interleaved "
                "call by call over the same random points and boxes (fixed seed), after 10 "
                "warm-up rounds; times include the Python side (statement, driver, rows to "
                "objects). Naive: the portable SQL on a connection with index scans disabled "
                "(full scans), except point → grid (shapely `intersects_xy` over every grid "
                "polygon held in memory) and cameras (`Camera.sees` over every camera held "
                "in memory). SQLite: the portable path on the `--db` SQLite file when the "
                "run has one. Result mismatches count the calls whose answer differs from "
                "PostGIS's (0 = identical). \"App uses\" is the switch in "
                "`app.store.repositories.POSTGIS_PATHS`."),
        "11.": ("The district demo holds ~3 months of cases, so `benchmarks/gistar.py` builds "
                "its own SQLite store: the seeded district's streets, communities and unit "
                "grids plus a deterministic synthetic year (3,000 cases a day; 70 % spread by "
                "grid area, 30 % around 15 hotspot centres; the demo's mix of types and "
                "sources; points at grid centroids with jitter). Ours: "
                "`HotspotService.gi_star` (one `GROUP BY grid_id` query, `esda.G_Local(star="
                "True)` on cached Queen weights with self-weights, classes); cold = a new "
                "service, so grid table and weights are built too. Naive: weights rebuilt, "
                "one row per case counted in Python, Gi* per grid in a Python loop; its z "
                "must equal ours. Last row: the same with a covering index `case_ (grid_id, "
                "reported_at, state)` added to this copy only (not in the schema)."),
        "12.": ("The month is the last calendar month the seeded history covers. Counts: one "
                "SQL statement (`app.store.evaluation_queries`) walks the timeline of every "
                "case with an event in the month (window functions) and judges each step "
                "against its deadline in working time computed in SQL; the formulas and the "
                "roll-up to communities and streets are `app.analytics.evaluation`. A "
                "department's drill-down walks every case again; a street's only its own. "
                "Definitions: docs/evaluation.md."),
        "6.": "`resource.getrusage(RUSAGE_SELF).ru_maxrss` of the benchmark process, which "
              "seeds, holds the main window with all layers and the naive scatter, and runs "
              "the joins; \"after …\" shows the peak so far and the current RSS (VmRSS) after "
              "each stage. The cold-start child's peak is its VmHWM (ru_maxrss would include "
              "the parent's memory inherited at fork).",
    }
    for title, headers, rows in sections(res):
        lines += [f"## {title}", ""]
        key = title.split(" ")[0].split("/")[-1]
        if key in notes:
            lines += [notes[key], ""]
        lines += _md(headers, rows)
        lines.append("")
    produced = {title.split(" ")[0] for title, _h, _r in sections(res)}
    lines += _kept_sections(path, skip=produced)
    lines.append(f"Whole benchmark run: {res['elapsed_s']:.0f} s.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


KEPT_MARK = "<!-- kept:"


def _kept_sections(path: Path, skip: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Hand-written sections of the existing file (a ``<!-- kept: … -->`` line under the
    heading, e.g. the load test's figures) survive a ``--write-docs`` rewrite, unless this
    run produced a section of the same number (``skip``, e.g. ``{"11."}``)."""
    if not path.exists():
        return []
    kept: list[str] = []
    block: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines() + ["## end"]:
        if line.startswith("## ") or line.startswith("Whole benchmark run:"):
            if any(x.startswith(KEPT_MARK) for x in block) and \
                    block[0].removeprefix("## ").split(" ")[0] not in skip:
                kept += block
            block = [line] if line.startswith("## ") else []
        elif block:
            block.append(line)
    return kept


def bench_evaluation(url: str) -> dict[str, Any]:
    """Section 12: evaluation of one month (work in benchmarks/evaluation.py)."""
    from benchmarks.evaluation import bench_evaluation as run

    return run(url)


def bench_gistar(url: str) -> dict[str, Any] | None:
    """Section 11: Gi* over every grid with a year of cases (work in benchmarks/gistar.py)."""
    from benchmarks.gistar import bench_gistar as run

    if not url.startswith("sqlite:///"):
        _log("11/11 skipped: the Gi* benchmark copies grids from a SQLite district")
        return None
    with tempfile.TemporaryDirectory(prefix="citygrid-gistar-") as d:
        # PostgreSQL too when CITYGRID_TEST_PG names a server (own temporary database).
        return run(url, Path(d), SEED_END.date(),
                   pg_admin_url=os.environ.get("CITYGRID_TEST_PG"))


def bench_import(url: str) -> dict[str, Any]:
    """Section 9: parts → GeoPackage (our exporter), then our validated import (replace the
    parts layer in a copy of the seeded store) vs the plain geopandas way into a new table."""
    import shutil

    import geopandas as gpd
    from sqlalchemy import create_engine, text

    from app.services.exporter import export_layer
    from app.services.importer import import_file
    from app.store.store import Store

    out: dict[str, Any] = {}
    src = _sqlite_path(url)
    with tempfile.TemporaryDirectory(prefix="citygrid-bench-import-") as tmpdir:
        gpkg = Path(tmpdir) / "parts.gpkg"
        store = Store.open(url)
        t0 = time.perf_counter()
        out["features"] = export_layer(store, "parts", gpkg)
        out["export_s"] = time.perf_counter() - t0
        store.close()
        out["gpkg_mib"] = gpkg.stat().st_size / 2**20
        # Ours: a copy of the seeded store, the parts layer replaced from the file.
        assert src is not None
        copy = Path(tmpdir) / "copy.sqlite"
        shutil.copyfile(src, copy)
        store = Store.open(f"sqlite:///{copy}")
        t0 = time.perf_counter()
        rep = import_file(store, "parts", gpkg, mode="replace")
        out["ours_s"] = time.perf_counter() - t0
        out["ours_written"] = rep.written
        out["ours_accepted"] = rep.accepted
        out["ours_rejected"] = len(rep.rejected)
        out["ours_parts_after"] = store.parts.count()
        store.close()
        # Naive: read the file with geopandas, write it with to_sql (WKB geometry) — no
        # validation, no ids checked, no grid test, no spatial index.
        t0 = time.perf_counter()
        gdf = gpd.read_file(gpkg)
        t_read = time.perf_counter() - t0
        eng = create_engine(f"sqlite:///{Path(tmpdir) / 'naive.sqlite'}")
        t1 = time.perf_counter()
        frame = gdf.to_wkb()
        frame.to_sql("parts_naive", eng, index=False, chunksize=50_000)
        out["naive_read_s"] = t_read
        out["naive_write_s"] = time.perf_counter() - t1
        out["naive_s"] = out["naive_read_s"] + out["naive_write_s"]
        eng.dispose()
        pg = os.environ.get("CITYGRID_TEST_PG")
        if pg:
            import uuid

            schema = f"bench_{uuid.uuid4().hex[:8]}"
            eng = create_engine(pg)
            with eng.begin() as c:
                c.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
                c.execute(text(f"CREATE SCHEMA {schema}"))
            try:
                t1 = time.perf_counter()
                gdf.to_postgis("parts_naive", eng, schema=schema, index=False,
                               chunksize=50_000)
                out["naive_postgis_write_s"] = time.perf_counter() - t1
            except Exception as exc:  # noqa: BLE001 - no PostGIS: report, do not fail
                out["naive_postgis_error"] = str(exc).splitlines()[0]
            finally:
                with eng.begin() as c:
                    c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
                eng.dispose()
    return out


# --------------------------------------------------------------------------- main
def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py bench", description="CityGrid benchmarks")
    p.add_argument("--scale", choices=("street", "district"), default="district")
    p.add_argument("--json", dest="json_out", help="write the results as JSON to this file")
    p.add_argument("--db", help="use this (seeded) database instead of seeding a fresh one")
    p.add_argument("--write-docs", action="store_true",
                   help="write docs/benchmarks.md (district scale only)")
    p.add_argument("--cold-runs", type=int, default=3)
    p.add_argument("--repeats", type=int, default=3, help="rounds over the views (ours)")
    p.add_argument("--naive-repeats", type=int, default=1,
                   help="rounds over the views for the naive scatter")
    p.add_argument("--no-naive", action="store_true", help="skip the naive scatter baseline")
    p.add_argument("--skip", default="",
                   help="comma list of: cold,frames,assign,queue,loop,import,postgis,gistar,"
                        "evaluation")
    p.add_argument("--queue-runs", type=int, default=QUEUE_RUNS,
                   help="runs per queue/filter combination (ours)")
    p.add_argument("--queue-naive-runs", type=int, default=2,
                   help="runs per queue/filter combination for the naive baseline")
    p.add_argument("--loop-cases", type=int, default=LOOP_CASES,
                   help="cases taken through the loop in section 8")
    p.add_argument("--pg", default=os.environ.get(PG_BENCH_ENV),
                   help="PostgreSQL URL for section 10 (PostGIS vs btree); an empty database "
                        f"is seeded at --scale first (timed). Default: ${PG_BENCH_ENV}")
    p.add_argument("--postgis-queries", type=int, default=POSTGIS_QUERIES,
                   help="queries per type in section 10")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    t_start = time.perf_counter()
    res: dict[str, Any] = {"machine": machine(), "memory": {"after": {}}}
    mem = res["memory"]["after"]
    tmp = None
    try:
        if args.db:
            from app.store.store import Store

            store = Store.open(args.db)
            if not store.is_seeded():
                print(f"The database {store.url} is empty: seed it first.", file=sys.stderr)
                return 2
            url = store.url if "://" in args.db else f"sqlite:///{_sqlite_path(args.db)}"
            scale = store.meta.get("seed.scale") or args.scale
            store.close()
            res["seed"] = {"skipped": True, "scale": scale,
                           "db_bytes": _db_size(_sqlite_path(url))}
            res["db"] = args.db
        else:
            scale = args.scale
            tmp = tempfile.TemporaryDirectory(prefix="citygrid-bench-")
            url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite'}"
            _log(f"1/8 seeding {scale} into {url} …")
            res["seed"] = bench_seed(url, scale)
        res["scale"] = scale
        mem["seeding"] = (_maxrss_mb(), _rss_mb())
        if "cold" not in skip:
            _log(f"2/8 cold start ×{args.cold_runs} …")
            res["cold_start"] = bench_cold_start(url, args.cold_runs)
        if "frames" not in skip:
            _log("3-4/8 frame times …")
            res["frames"] = bench_frames(url, args.repeats, args.naive_repeats,
                                         not args.no_naive)
            mem["frames"] = (_maxrss_mb(), _rss_mb())
        if "assign" not in skip:
            _log("5/8 point → grid …")
            res["assign"] = bench_assign(url)
            mem["point → grid"] = (_maxrss_mb(), _rss_mb())
        if "queue" not in skip:
            _log("7/8 queue filter + sort …")
            res["queues"] = bench_queues(args.queue_runs, args.queue_naive_runs)
            mem["queues"] = (_maxrss_mb(), _rss_mb())
        if "loop" not in skip:
            _log("8/8 a day's cases through the loop …")
            res["loop"] = bench_loop(args.loop_cases)
            mem["loop"] = (_maxrss_mb(), _rss_mb())
        if "import" not in skip:
            _log("9/9 parts GeoPackage export and import …")
            res["import"] = bench_import(url)
            mem["import"] = (_maxrss_mb(), _rss_mb())
        if "postgis" not in skip:
            if args.pg:
                _log("10/10 spatial queries: PostGIS vs btree on PostgreSQL …")
                res["postgis"] = bench_postgis(args.pg, scale, url if url.startswith(
                    "sqlite") else None, n=args.postgis_queries)
            else:
                _log(f"10/10 skipped: no --pg URL (or ${PG_BENCH_ENV})")
        if "gistar" not in skip:
            _log("11/11 Gi* over every grid, a year of cases …")
            gistar = bench_gistar(url)
            if gistar is not None:
                res["gistar"] = gistar
            mem["gistar"] = (_maxrss_mb(), _rss_mb())
        if "evaluation" not in skip:
            _log("12/12 evaluation of one month …")
            res["evaluation"] = bench_evaluation(url)
            mem["evaluation"] = (_maxrss_mb(), _rss_mb())
        res["memory"]["maxrss_mb"] = _maxrss_mb()
        if res.get("cold_start"):
            res["memory"]["cold_start_child_peak_mb"] = max(
                r["vmhwm_mb"] or 0.0 for r in res["cold_start"]["runs"])
        res["elapsed_s"] = time.perf_counter() - t_start
    finally:
        if tmp is not None:
            tmp.cleanup()
    print_report(res)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(res, ensure_ascii=False, indent=2,
                                                  default=str), encoding="utf-8")
        print(f"JSON written to {args.json_out}")
    if args.write_docs:
        if res["scale"] != "district":
            print("--write-docs: only district-scale runs are written to docs/benchmarks.md",
                  file=sys.stderr)
        else:
            write_docs(res, ROOT / "docs" / "benchmarks.md")
            print(f"Wrote {ROOT / 'docs' / 'benchmarks.md'}")
    return 0
