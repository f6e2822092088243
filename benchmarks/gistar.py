"""Benchmark section "gistar": Getis-Ord Gi* over every unit grid of the district with a
year of cases, from the store query to hot/cold classes (``benchmarks/run.py`` registers
it; this module holds the work so that run.py stays small).

The district demo holds ~3 months of cases (~275 k), so the run builds its own store: the
seeded district's streets, communities and unit grids copied into a fresh SQLite file,
plus a deterministic synthetic year of ~1.1 M cases (3,000 a day, the Haidian rate) over
the real grids: 70 % spread by grid area, 30 % around 15 hotspot centres (Gaussian fall-off,
σ 600 m), with the district's own mix of types and sources. Points are the grid's centroid
plus jitter (Gi* uses the grid id only).

Measured:

* ours, cold: a new ``HotspotService`` — grid table + Queen weights + the counting
  query + ``esda.G_Local`` + classes (what the first window of a session costs);
* ours, warm (median of runs): the same service again on the same window: one
  ``GROUP BY grid_id`` query + ``G_Local`` on the cached weights; split into the query and
  the statistic;
* naive: what a script would do every time: load the grid polygons, build the Queen
  weights, fetch one row per case and count in a Python loop, Gi* per grid in a Python loop
  over neighbour lists (the textbook formula); its z-scores are checked against ours;
* the counting query again with a covering index ``(grid_id, reported_at, state)``, which
  the schema does not have (a candidate migration), to show what it would bring;
* with ``CITYGRID_TEST_PG`` set: ours on PostgreSQL (a temporary database with the same
  data, copied over), without and with that index.
"""

from __future__ import annotations

import math
import sqlite3
import statistics
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

CASES_PER_DAY = 3000
DAYS = 365
HOT_CENTRES = 15
SEED = 20261123
TARGET_S = 1.0


def _build_store(src_url: str, path: Path, end: date) -> dict[str, Any]:
    """Fresh SQLite store at ``path`` with the source's admin layers and a synthetic year."""
    import shapely

    from app.gis import crs
    from app.store.bulk import restore_sqlite_indexes, suspend_sqlite_indexes
    from app.store.store import Store

    t0 = time.perf_counter()
    store = Store.open(f"sqlite:///{path}")
    store.close()
    src = src_url[len("sqlite:///"):]
    con = sqlite3.connect(path)
    con.execute("ATTACH DATABASE ? AS src", (src,))
    for table in ("district", "street", "community", "unit_grid"):
        con.execute(f"INSERT INTO {table} SELECT * FROM src.{table}")
    grids = con.execute("SELECT grid_id, area_m2, geom FROM unit_grid ORDER BY grid_id").fetchall()
    mix = con.execute("SELECT kind, type_code, source, COUNT(*) FROM src.case_ "
                      "GROUP BY kind, type_code, source").fetchall()
    con.commit()
    con.execute("DETACH DATABASE src")

    rng = np.random.default_rng(SEED)
    ids = np.array([g[0] for g in grids])
    area = np.array([g[1] for g in grids], dtype=np.float64)
    geoms = shapely.from_wkb(np.array([g[2] for g in grids], dtype=object))
    cen = shapely.centroid(geoms)
    lon, lat = shapely.get_x(cen), shapely.get_y(cen)
    gx, gy = crs.to_projected(lon, lat)
    gx, gy = np.asarray(gx), np.asarray(gy)
    centres = rng.choice(len(ids), HOT_CENTRES, replace=False)
    d2 = ((gx[:, None] - gx[centres][None, :]) ** 2 + (gy[:, None] - gy[centres][None, :]) ** 2)
    hot = np.exp(-d2 / (2 * 600.0**2)).sum(axis=1)
    p = 0.7 * area / area.sum() + 0.3 * hot / hot.sum()
    n = CASES_PER_DAY * DAYS
    gi = rng.choice(len(ids), n, p=p / p.sum())
    half = np.sqrt(area[gi]) / 6
    x = gx[gi] + rng.uniform(-1, 1, n) * half
    y = gy[gi] + rng.uniform(-1, 1, n) * half
    plon, plat = crs.to_geographic(x, y)
    w = np.array([m[3] for m in mix], dtype=np.float64)
    mi = rng.choice(len(mix), n, p=w / w.sum())
    start = datetime.combine(end - timedelta(days=DAYS - 1), datetime.min.time())
    secs = np.sort(rng.integers(0, DAYS * 86400, n))
    t_gen = time.perf_counter() - t0

    def rows():  # type: ignore[no-untyped-def]
        for k in range(n):
            kind, type_code, source, _ = mix[mi[k]]
            at = start + timedelta(seconds=int(secs[k]))
            yield (k + 1, f"S{k + 1:012d}", kind, type_code, float(plon[k]), float(plat[k]),
                   float(x[k]), float(y[k]), int(x[k] // 100.0), ids[gi[k]], source,
                   at.strftime("%Y-%m-%d %H:%M:%S.000000"), "", "closed", "normal",
                   "general", "", 0)

    t1 = time.perf_counter()
    con.execute("BEGIN")
    replay = suspend_sqlite_indexes(con, ["case_"])
    con.executemany(
        "INSERT INTO case_ (id, number, kind, type_code, lon, lat, x, y, cell, grid_id, "
        "source, reported_at, description, state, urgency, level, address, version) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows())
    restore_sqlite_indexes(con, replay)
    con.execute("COMMIT")
    con.execute("PRAGMA analysis_limit=1000")  # sampled, as the app's own statistics
    con.execute("ANALYZE")
    con.close()
    return {"cases": n, "grids": len(ids), "start": start.date().isoformat(),
            "end": end.isoformat(), "generate_s": t_gen,
            "insert_s": time.perf_counter() - t1, "hot_centres": HOT_CENTRES}


def _naive_gi_star(url: str, start: datetime, end: datetime
                   ) -> tuple[list[str], np.ndarray, np.ndarray, dict[str, float]]:
    """Everything from scratch, in plain Python loops: ids, z, classes, step times."""
    import warnings

    import shapely
    from libpysal.weights import Queen
    from sqlalchemy import create_engine, text

    times: dict[str, float] = {}
    t = time.perf_counter()
    engine = create_engine(url)
    with engine.connect() as c:
        grid_rows = c.execute(text("SELECT grid_id, geom FROM unit_grid ORDER BY grid_id")).all()
        case_rows = c.execute(text(
            "SELECT grid_id FROM case_ WHERE reported_at >= :s AND reported_at < :e "
            "AND state NOT IN ('draft', 'void')"),
            {"s": start.strftime("%Y-%m-%d %H:%M:%S.%f"),
             "e": end.strftime("%Y-%m-%d %H:%M:%S.%f")}).all()
    engine.dispose()
    counts: dict[str, int] = {}
    for (g,) in case_rows:
        counts[g] = counts.get(g, 0) + 1
    times["rows_and_count_s"] = time.perf_counter() - t
    t = time.perf_counter()
    ids = [r[0] for r in grid_rows]
    geoms = [shapely.from_wkb(r[1]) for r in grid_rows]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = Queen.from_iterable(geoms, ids=ids)
    times["weights_s"] = time.perf_counter() - t
    t = time.perf_counter()
    y = [float(counts.get(g, 0)) for g in ids]
    n = len(y)
    mean = sum(y) / n
    s = math.sqrt(sum(v * v for v in y) / n - mean * mean)
    index = {g: i for i, g in enumerate(ids)}
    z = np.empty(n)
    cls = np.zeros(n, dtype=np.int8)
    for i, g in enumerate(ids):
        members = [index[j] for j in w.neighbors[g]] + [i]  # Gi*: the grid itself too
        sw = len(members)
        lag = sum(y[j] for j in members)
        z[i] = (lag - mean * sw) / (s * math.sqrt((n * sw - sw * sw) / (n - 1)))
        a = abs(z[i])
        level = 3 if a >= 2.5758 else 2 if a >= 1.95996 else 1 if a >= 1.64485 else 0
        cls[i] = level if z[i] > 0 else -level
    times["loop_s"] = time.perf_counter() - t
    return ids, z, cls, times


def bench_gistar(src_url: str, workdir: Path, end: date, runs: int = 5,
                 naive_runs: int = 1, pg_admin_url: str | None = None) -> dict[str, Any]:
    from app.analytics import hotspots as hs
    from app.services.hotspots import HotspotService, case_window
    from app.store import hotspot_queries as q
    from app.store.store import Store

    path = workdir / "gistar.sqlite"
    res: dict[str, Any] = {"data": _build_store(src_url, path, end)}
    url = f"sqlite:///{path}"
    start_d = end - timedelta(days=DAYS - 1)
    window = case_window(start_d, end)

    store = Store.open(url)
    try:
        t = time.perf_counter()
        svc = HotspotService(store)
        cold = svc.gi_star(start_d, end)
        res["cold_s"] = time.perf_counter() - t
        t = time.perf_counter()
        HotspotService(store).weights()
        res["weights_s"] = time.perf_counter() - t
        res["cases_in_window"] = int(cold.values.sum())
        warm, sql, stat = [], [], []
        for _ in range(runs):
            t = time.perf_counter()
            r = svc.gi_star(start_d, end)
            warm.append(time.perf_counter() - t)
            t = time.perf_counter()
            gids, n = q.counts_by_grid(store.engine, window)
            y = hs.count_by_key(gids, svc.grids().ids, weights=n).astype(float)
            sql.append(time.perf_counter() - t)
            t = time.perf_counter()
            hs.gi_star(y, svc.weights())
            stat.append(time.perf_counter() - t)
        res["warm_median_s"] = statistics.median(warm)
        res["warm_max_s"] = max(warm)
        res["query_median_s"] = statistics.median(sql)
        res["gi_median_s"] = statistics.median(stat)
        res["classes"] = {hs.HotspotClass(c).name: r.count(hs.HotspotClass(c))
                          for c in range(-3, 4)}
        res["meets_target"] = res["warm_median_s"] <= TARGET_S
        res["target_s"] = TARGET_S
        ours_z, ours_cls = r.z, r.classes
    finally:
        store.close()

    naive = []
    for _ in range(naive_runs):
        t = time.perf_counter()
        _, z, cls, steps = _naive_gi_star(url, window.start, window.end)
        naive.append(time.perf_counter() - t)
    res["naive_s"] = statistics.median(naive)
    res["naive_steps"] = steps
    # Statistic only (inputs counted): ours on cached weights vs weights + Python loop.
    res["ratio_naive_stat"] = (steps["weights_s"] + steps["loop_s"]) / res["gi_median_s"]
    res["naive_max_abs_dz"] = float(np.max(np.abs(z - ours_z)))
    res["naive_class_agreement"] = float(np.mean(cls == ours_cls))
    res["ratio_naive_warm"] = res["naive_s"] / res["warm_median_s"]
    res["ratio_naive_cold"] = res["naive_s"] / res["cold_s"]

    # What a covering index would bring (not in the schema; measured on this copy only).
    con = sqlite3.connect(path)
    con.execute("CREATE INDEX ix_bench_case_grid_reported ON case_ (grid_id, reported_at, state)")
    con.execute("PRAGMA analysis_limit=1000")
    con.execute("ANALYZE")
    con.close()
    store = Store.open(url)
    try:
        svc = HotspotService(store)
        svc.gi_star(start_d, end)
        idx = []
        for _ in range(runs):
            t = time.perf_counter()
            svc.gi_star(start_d, end)
            idx.append(time.perf_counter() - t)
        res["covering_index_warm_median_s"] = statistics.median(idx)
    finally:
        store.close()
    con = sqlite3.connect(path)
    plan = con.execute(
        "EXPLAIN QUERY PLAN SELECT grid_id, COUNT(*) FROM case_ WHERE reported_at >= ? "
        "AND reported_at < ? AND state NOT IN ('draft', 'void') GROUP BY grid_id",
        (f"{window.start:%Y-%m-%d %H:%M:%S.%f}", f"{window.end:%Y-%m-%d %H:%M:%S.%f}")).fetchall()
    con.close()
    res["covering_index_plan"] = " / ".join(str(p[-1]) for p in plan)
    if pg_admin_url:
        # The index added above goes along; drop it so PostgreSQL starts from the schema.
        con = sqlite3.connect(path)
        con.execute("DROP INDEX ix_bench_case_grid_reported")
        con.close()
        res["postgresql"] = bench_gistar_postgresql(path, pg_admin_url, end, runs)
    return res


def _copy_to_postgresql(path: Path, url: str) -> float:
    """The synthetic store's admin tables and cases into an empty PostgreSQL store (COPY)."""
    from sqlalchemy import inspect

    from app.store.store import Store

    t = time.perf_counter()
    store = Store.open(url)
    pg_cols = {tb: {c["name"] for c in inspect(store.engine).get_columns(tb)}
               for tb in ("district", "street", "community", "unit_grid", "case_")}
    store.close()
    lite = sqlite3.connect(path)
    with _pg_connect(url) as pg, pg.cursor() as cur:
        for table in ("district", "street", "community", "unit_grid", "case_"):
            cols = [r[1] for r in lite.execute(f"PRAGMA table_info({table})")
                    if r[1] in pg_cols[table]]
            if table == "case_":  # only the columns the generator filled; defaults for the rest
                cols = [c for c in cols if c in _CASE_COLS]
            names = ", ".join(cols)
            with cur.copy(f"COPY {table} ({names}) FROM STDIN") as cp:
                for row in lite.execute(f"SELECT {names} FROM {table}"):
                    cp.write_row(row)
        pg.commit()
    lite.close()
    with _pg_connect(url, autocommit=True) as pg:
        pg.execute("ANALYZE")
    return time.perf_counter() - t


_CASE_COLS = ("id", "number", "kind", "type_code", "lon", "lat", "x", "y", "cell", "grid_id",
              "source", "reported_at", "description", "state", "urgency", "level", "address",
              "version")


def _pg_connect(url: str, **kwargs: Any) -> Any:
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    params = {"host": u.host, "port": u.port, "user": u.username, "password": u.password,
              "dbname": u.database}
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None}, **kwargs)


def _warm_gi(url: str, start_d: date, end: date, runs: int) -> tuple[float, float]:
    """(cold, warm median) seconds of ``HotspotService.gi_star`` on ``url``."""
    from app.services.hotspots import HotspotService
    from app.store.store import Store

    store = Store.open(url)
    try:
        t = time.perf_counter()
        svc = HotspotService(store)
        svc.gi_star(start_d, end)
        cold = time.perf_counter() - t
        warm = []
        for _ in range(runs):
            t = time.perf_counter()
            svc.gi_star(start_d, end)
            warm.append(time.perf_counter() - t)
    finally:
        store.close()
    return cold, statistics.median(warm)


def bench_gistar_postgresql(path: Path, admin_url: str, end: date,
                            runs: int = 5) -> dict[str, Any]:
    """The same synthetic year on PostgreSQL, in a temporary database of its own."""
    import uuid

    from psycopg import sql
    from sqlalchemy.engine import make_url

    u = make_url(admin_url)
    if u.drivername == "postgresql":
        u = u.set(drivername="postgresql+psycopg")
    name = f"citygrid_bench_gistar_{uuid.uuid4().hex[:12]}"
    with _pg_connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        url = u.set(database=name).render_as_string(hide_password=False)
        out: dict[str, Any] = {"copy_s": _copy_to_postgresql(path, url)}
        start_d = end - timedelta(days=DAYS - 1)
        out["cold_s"], out["warm_median_s"] = _warm_gi(url, start_d, end, runs)
        with _pg_connect(url, autocommit=True) as pg:
            pg.execute("CREATE INDEX ix_bench_case_grid_reported ON case_ "
                       "(grid_id, reported_at, state)")
            pg.execute("VACUUM ANALYZE case_")  # visibility map: index-only scans
        _, out["covering_index_warm_median_s"] = _warm_gi(url, start_d, end, runs)
        return out
    finally:
        with _pg_connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))


def rows_for_report(g: dict[str, Any]) -> list[list[Any]]:
    d = g["data"]
    n = g["naive_steps"]
    verdict = "met" if g["meets_target"] else "MISSED"
    return [
        ["data", f"{d['cases']:,} synthetic cases over {d['grids']:,} real grids, "
                 f"{d['start']} … {d['end']}", f"generated {d['generate_s']:.1f} s, "
                                                   f"inserted {d['insert_s']:.1f} s"],
        ["ours, warm (cached weights): query → classes", f"{g['warm_median_s']:.3f} s",
         f"median; max {g['warm_max_s']:.3f} s; target ≤ {g['target_s']:.0f} s {verdict}"],
        ["  of which GROUP BY grid_id query + align", f"{g['query_median_s']:.3f} s",
         f"{g['cases_in_window']:,} cases in the window"],
        ["  of which esda.G_Local + classes", f"{g['gi_median_s']:.3f} s", ""],
        ["ours, cold (grids + Queen weights + query + Gi*)", f"{g['cold_s']:.3f} s",
         f"weights alone {g['weights_s']:.3f} s"],
        ["naive (weights, row per case, Python loops)", f"{g['naive_s']:.3f} s",
         f"{g['ratio_naive_warm']:.1f}× warm, {g['ratio_naive_cold']:.1f}× cold; "
         f"max |Δz| {g['naive_max_abs_dz']:.1e}, classes agree "
         f"{g['naive_class_agreement'] * 100:.2f} %"],
        ["  naive: one row per case + Python count", f"{n['rows_and_count_s']:.3f} s", ""],
        ["  naive: Queen weights built again", f"{n['weights_s']:.3f} s", ""],
        ["  naive: Gi* per grid in a Python loop", f"{n['loop_s']:.3f} s",
         f"statistic only: naive weights + loop = {g['ratio_naive_stat']:.0f}× our G_Local"],
        ["ours, warm, with a covering index (grid_id, reported_at, state)",
         f"{g['covering_index_warm_median_s']:.3f} s", g.get("covering_index_plan", "")],
        ["classes (99/95/90 %)", ", ".join(f"{k} {v:,}" for k, v in g["classes"].items()), ""],
    ] + ([
        ["PostgreSQL: ours, warm", f"{pg['warm_median_s']:.3f} s",
         f"cold {pg['cold_s']:.3f} s; data copied in {pg['copy_s']:.0f} s"],
        ["PostgreSQL: ours, warm, with the covering index",
         f"{pg['covering_index_warm_median_s']:.3f} s", ""],
    ] if (pg := g.get("postgresql")) else [])
