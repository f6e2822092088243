"""Seed the store with the deterministic demo district (geometry, parts, case history).

Same seed and same end time → byte-identical data. Geometry and parts depend on the seed
only; the 90-day case history ends at ``end`` (by default the current hour), so a demo
seeded today shows today's queues.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import repeat

import numpy as np
import shapely

from app.domain.camera import CAMERA_TYPE_CODE
from app.domain.case import CaseSource
from app.domain.catalogue import load_catalogue
from app.domain.departments import load_departments, load_type_owners
from app.domain.org import DepartmentKind, Role
from app.domain.part import PartStatus
from app.gis import crs
from app.services.auth import DEMO_PASSWORD_META, demo_password_hash
from app.store.bulk import Dataset
from app.store.orm import CELL_SIZE
from app.store.store import Store

Progress = Callable[[float, str], None]
DEFAULT_SEED = 20261123
SCALES = ("street", "district")
DISTRICT_CASES_PER_DAY = 3000
HAIDIAN_GRIDS = 8562


@dataclass
class SeedReport:
    scale: str
    seed: int
    end: datetime
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)


def _stage(progress: Progress | None, lo: float, hi: float) -> Progress | None:
    if progress is None:
        return None
    return lambda f, msg: progress(lo + (hi - lo) * max(0.0, min(1.0, f)), msg)


def default_end() -> datetime:
    now = datetime.now()
    return now.replace(minute=0, second=0, microsecond=0)


def _wkb_lonlat(geoms: np.ndarray) -> tuple[list[bytes], np.ndarray]:
    """Geometries in display metres → (WKB in EPSG:4490, bounds in metres)."""
    bounds = shapely.bounds(geoms)
    ll = crs.project_geometries(geoms, crs.PROJECTED, crs.GEOGRAPHIC)
    return list(shapely.to_wkb(ll)), bounds


def _fmt_times(a: np.ndarray) -> list[str | None]:
    """datetime64 → SQLAlchemy's SQLite text format ``YYYY-MM-DD HH:MM:SS.ffffff``; NaT →
    NULL. Vectorised: strftime per value cost ~3 s for the district's 800 k timestamps and
    even np.datetime_as_string ~1 µs a value, too slow for 2 M events; here the dates come
    from a table of the (few) days and the clock digits from integer arithmetic, written as
    UCS-4 code points."""
    us = np.asarray(a).astype("datetime64[us]")
    n = us.size
    if n == 0:
        return []
    nat = np.isnat(us)
    v = us.astype(np.int64)
    v = np.where(nat, v[~nat][0] if (~nat).any() else 0, v)
    day, rest = np.divmod(v, 86_400_000_000)
    d0 = int(day.min())
    days = np.arange(d0, int(day.max()) + 1).astype("datetime64[D]")
    day_text = np.ascontiguousarray(np.datetime_as_string(days).astype("<U10"))
    day_code = day_text.view(np.uint32).reshape(len(days), 10)
    code = np.empty((n, 26), dtype=np.uint32)
    code[:, :10] = day_code[day - d0]
    code[:, 10] = ord(" ")
    code[:, 13] = code[:, 16] = ord(":")
    code[:, 19] = ord(".")
    sec, frac = np.divmod(rest, 1_000_000)
    hh, mmss = np.divmod(sec, 3600)
    mm, ss = np.divmod(mmss, 60)
    zero = ord("0")
    for col, value in ((11, hh), (14, mm), (17, ss)):
        code[:, col] = value // 10 + zero
        code[:, col + 1] = value % 10 + zero
    for i in range(6):
        code[:, 25 - i] = frac % 10 + zero
        frac = frac // 10
    text = code.view("<U26").reshape(n).astype(object)
    text[nat] = None
    return text.tolist()


def _fmt_dates(d: np.ndarray) -> np.ndarray:
    """datetime64[D] → ISO date strings (object array) through a table of the distinct days:
    ``astype(str)`` costs ~0.5 µs a value, a lot for 1.4 M parts."""
    days = d.astype("datetime64[D]").astype(np.int64)
    if days.size == 0:
        return np.empty(0, dtype=object)
    d0 = int(days.min())
    table = np.datetime_as_string(np.arange(d0, int(days.max()) + 1).astype("datetime64[D]"))
    return table.astype(object)[days - d0]


def _zfill6(v: np.ndarray) -> np.ndarray:
    """Non-negative integers as zero-padded 6-digit strings, like ``np.char.zfill`` (which
    costs ~0.5 µs a value): 1,000,000 + v as text without its leading 1."""
    v = np.asarray(v).astype(np.int64)
    if v.size == 0 or v.min() < 0 or v.max() >= 1_000_000:
        return np.char.zfill(v.astype(str), 6)
    u = np.ascontiguousarray((v + 1_000_000).astype("<U7"))
    return np.ascontiguousarray(u.view(np.uint32).reshape(len(u), 7)[:, 1:]).view(
        "<U6").reshape(len(u))


def _cells(x: np.ndarray) -> list[int]:
    return np.floor(x / CELL_SIZE).astype(np.int64).tolist()


def _demo_staff(departments, street_codes: list[str]) -> list[tuple]:  # type: ignore[no-untyped-def]
    """A believable roster: the centre's posts, supervisors per street, department staff."""
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞宇浩然欣怡子涵梓轩"
    rng = np.random.default_rng(7)

    def name() -> str:
        return surnames[rng.integers(len(surnames))] + "".join(
            given[i] for i in rng.integers(len(given), size=rng.integers(1, 3)))

    rows: list[tuple] = []
    for role, prefix, n in ((Role.OPERATOR, "op", 12), (Role.SHIFT_LEADER, "sl", 4),
                            (Role.DISPATCHER, "dp", 8), (Role.MANAGER, "mg", 3),
                            (Role.VIDEO_SUPERVISOR, "vs", 12), (Role.ADMIN, "admin", 1)):
        for i in range(1, n + 1):
            login = prefix if role is Role.ADMIN else f"{prefix}{i:02d}"
            rows.append((login, name(), role.value, None, None))
    for s in street_codes:
        for i in range(1, 4):
            rows.append((f"fs{s[-3:]}{i}", name(), Role.FIELD_SUPERVISOR.value, None, s))
        rows.append((f"gw{s[-3:]}1", name(), Role.GRID_WORKER.value, None, s))
    for d in departments:
        if d.kind is DepartmentKind.STREET and d.street_code not in street_codes:
            continue
        rows.append((f"dept{d.code[-6:]}", name(), Role.DEPARTMENT.value, d.code, d.street_code))
    return rows


def build_dataset(scale: str = "district", *, seed: int = DEFAULT_SEED,
                  end: datetime | None = None, progress: Progress | None = None,
                  timings: dict[str, float] | None = None) -> tuple[Dataset, dict[str, int]]:
    """Generate the demo district and turn it into rows for the store."""
    from app.gis.demogen import generate
    from app.services.demo_cases import generate_case_events, generate_case_history

    if scale not in SCALES:
        raise ValueError(f"Unknown scale “{scale}”: choose one of {', '.join(SCALES)}")
    end = end or default_end()
    timings = timings if timings is not None else {}
    t0 = time.perf_counter()
    d = generate(scale, seed=seed, progress=_stage(progress, 0.0, 0.45))
    timings["geometry"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    cat = load_catalogue()
    departments = load_departments()
    owners = load_type_owners()
    grid_cent = shapely.centroid(d.grid_polys)
    gx, gy = shapely.get_x(grid_cent), shapely.get_y(grid_cent)
    grid_radius = np.sqrt(shapely.area(d.grid_polys)) / 2.0
    grid_street = [d.community_street[i] for i in d.grid_community_index]
    cases = generate_case_history(
        grid_x=gx, grid_y=gy, grid_radius=grid_radius,
        grid_street_codes=np.array(grid_street), part_x=d.part_x, part_y=d.part_y,
        part_type_codes=d.part_type, part_grid_index=d.part_grid_index,
        grid_polys=d.grid_polys, catalogue=cat,
        departments=departments, type_owners=owners, end=end, seed=seed,
        # ~3,000 cases a day for Haidian's 8,562 grids; a single street gets its share.
        per_day=DISTRICT_CASES_PER_DAY if scale == "district"
        else max(30, round(DISTRICT_CASES_PER_DAY * len(d.grid_ids) / HAIDIAN_GRIDS)),
        progress=_stage(progress, 0.45, 0.5),
    )
    timings["cases"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    ds = Dataset()
    outline_wkb, _ = _wkb_lonlat(np.array([d.outline], dtype=object))
    ds.add("meta", ("key", "value"), [
        ("seed.scale", scale), ("seed.seed", str(seed)), ("seed.end", end.isoformat()),
        ("seed.generated_at", datetime.now().isoformat(timespec="seconds")),
        ("district.code", d.district_code), ("district.name", d.district_name),
        (DEMO_PASSWORD_META, "1"),  # the login dialog tells the demo password
    ])
    ds.add("district", ("code", "name", "area_km2", "geom"),
           [(d.district_code, d.district_name, float(d.outline.area / 1e6), outline_wkb[0])])

    wkb, b = _wkb_lonlat(d.street_polys)
    areas = shapely.area(d.street_polys) / 1e6
    ds.add("street", ("code", "name", "kind", "area_km2", "geom", "minx", "miny", "maxx", "maxy"),
           [(c, n, "镇" if n.endswith(("地区", "镇")) else "街道", float(a), w, *map(float, bb))
            for c, n, a, w, bb in zip(d.street_codes, d.street_names, areas, wkb, b,
                                      strict=True)], label="街道")
    wkb, b = _wkb_lonlat(d.community_polys)
    ds.add("community", ("code", "name", "street_code", "households", "residents", "geom",
                         "minx", "miny", "maxx", "maxy"),
           [(c, n, s, int(h), int(r), w, *map(float, bb)) for c, n, s, h, r, w, bb in zip(
               d.community_codes, d.community_names, d.community_street,
               d.community_households, d.community_residents, wkb, b, strict=True)],
           label="社区")
    wkb, b = _wkb_lonlat(d.grid_polys)
    gareas = shapely.area(d.grid_polys)
    census = date(2024, 6, 30).isoformat()
    ds.add("unit_grid", ("grid_id", "community_code", "street_code", "name", "area_m2",
                         "region_class", "households", "residents", "initial_date", "note",
                         "geom", "minx", "miny", "maxx", "maxy"),
           [(g, g[:12], g[:9], f"{d.community_names[ci]}{int(g[12:])}号网格", float(a), str(rc),
             int(h), int(r), census, "", w, *map(float, bb))
            for g, ci, a, rc, h, r, w, bb in zip(
                d.grid_ids, d.grid_community_index, gareas, d.grid_region_class,
                d.grid_households, d.grid_residents, wkb, b, strict=True)],
           count=len(d.grid_ids), label="单元网格")
    wkb, b = _wkb_lonlat(d.road_lines)
    ds.add("road", ("id", "road_class", "name", "geom", "minx", "miny", "maxx", "maxy"),
           [(i + 1, int(c), n, w, *map(float, bb)) for i, (c, n, w, bb) in enumerate(
               zip(d.road_class, d.road_names, wkb, b, strict=True))], label="道路")
    wkb, b = _wkb_lonlat(d.block_polys)
    ds.add("block", ("id", "geom", "minx", "miny", "maxx", "maxy"),
           [(i + 1, w, *map(float, bb)) for i, (w, bb) in enumerate(zip(wkb, b, strict=True))],
           label="建筑")
    ds.add("catalogue", ("kind", "code", "name", "major_code", "major_name", "standard_ref"),
           [(e.kind.value, e.code, e.name, e.major_code, e.major_name, e.standard_ref)
            for e in cat], label="分类目录")
    ds.add("department", ("code", "name", "kind", "street_code"),
           [(x.code, x.name, x.kind.value, x.street_code) for x in departments])
    ds.add("type_owner", ("type_code", "competent_code", "owner_code", "maintainer_code"),
           [(o.type_code, o.competent_code, o.owner_code, o.maintainer_code)
            for o in owners.values()])
    staff = _demo_staff(departments, list(d.street_codes))
    # Every demo account logs in with the demo password. argon2 is slow by design: one hash
    # (salt from the seed, so the rows stay deterministic) serves all of them.
    demo_hash = demo_password_hash(seed)
    ds.add("staff", ("login", "name", "role", "department_code", "street_code",
                     "password_hash"), [(*r, demo_hash) for r in staff])

    # Parts: ids, departments by type, census dates spread over 2019–2024.
    n = len(d.part_x)
    rng = np.random.default_rng(seed + 1)
    lon, lat = crs.to_geographic(d.part_x, d.part_y)
    types = d.part_type.astype(str)
    uniq, inv = np.unique(types, return_inverse=True)
    comp = np.array([owners[t].competent_code for t in uniq], dtype=object)[inv]
    own = np.array([owners[t].owner_code for t in uniq], dtype=object)[inv]
    mnt = np.array([owners[t].maintainer_code for t in uniq], dtype=object)[inv]
    statuses = [s.value for s in PartStatus]
    status = np.array(statuses, dtype=object)[d.part_status]
    d0 = np.datetime64("2019-03-01") + rng.integers(0, 5 * 365, n).astype("timedelta64[D]")
    init = _fmt_dates(d0)
    changed = d.part_status != 0
    d1 = _fmt_dates(d0 + rng.integers(30, 700, n).astype("timedelta64[D]"))
    chg = np.where(changed, d1, None)
    pid = np.char.add(np.char.add(d.district_code, types), _zfill6(d.part_serial))
    grid_ids = np.array(d.grid_ids, dtype=object)[d.part_grid_index]
    major = np.array([int(t[:2]) for t in uniq], dtype=np.int8)[inv]
    ds.add("part", ("id", "part_id", "type_code", "major", "dept_code", "owner_code",
                    "maintainer_code", "grid_id", "status", "initial_date", "change_date",
                    "data_source", "lon", "lat", "x", "y", "cell"),
           zip(range(1, n + 1), pid.tolist(), types.tolist(), major.tolist(), comp.tolist(),
               own.tolist(), mnt.tolist(), grid_ids.tolist(), status.tolist(), init.tolist(),
               chg.tolist(), repeat("实测", n), lon.tolist(), lat.tolist(),
               d.part_x.tolist(), d.part_y.tolist(), _cells(d.part_x), strict=True),
           count=n, label="部件")
    cam = np.flatnonzero(types == CAMERA_TYPE_CODE)
    cameras = _demo_cameras(pid[cam], d.part_serial[cam], np.random.default_rng(seed + 7))
    ds.add("camera", ("part_id", "heading", "fov", "range_m", "snapshot", "stream_url"),
           cameras, count=len(cam), label="视频监控")

    t1 = time.perf_counter()
    m = len(cases.number)
    cgrid = np.array(d.grid_ids, dtype=object)[cases.grid_index]
    ev = generate_case_events(cases, grid_ids=cgrid,
                              case_streets=np.array(grid_street, dtype=object)[cases.grid_index],
                              staff=staff, departments=[x.code for x in departments], end=end,
                              seed=seed)
    timings["events"] = time.perf_counter() - t1
    clon, clat = crs.to_geographic(cases.x, cases.y)
    part_ids = np.where(cases.part_index >= 0, pid[np.maximum(cases.part_index, 0)], None) \
        if n else np.full(m, None, dtype=object)
    deadlines = _step_deadlines(cases.state, cases.type_code, ev.step_started_at,
                                cases.deadline)
    case_camera = _video_case_cameras(cases.source, cases.x, cases.y, d.part_x[cam],
                                      d.part_y[cam], cameras)
    ds.add("case_", ("id", "number", "kind", "type_code", "lon", "lat", "x", "y", "grid_id",
                     "source", "reported_at", "description", "state", "urgency", "level",
                     "address", "part_id", "dept_code", "deadline", "closed_at", "version",
                     "cell", "rework_count", "misdispatch_count", "urge_count", "satisfied",
                     "step_started_at", "parked_since", "camera_id"),
           zip(range(1, m + 1), cases.number.tolist(), cases.kind.tolist(),
               cases.type_code.tolist(), clon.tolist(), clat.tolist(), cases.x.tolist(),
               cases.y.tolist(), cgrid.tolist(), cases.source.tolist(),
               _fmt_times(cases.reported_at), cases.description.tolist(),
               cases.state.tolist(), cases.urgency.tolist(), cases.level.tolist(),
               [""] * m, part_ids.tolist(),
               [c or None for c in cases.dept_code.tolist()], _fmt_times(deadlines),
               _fmt_times(cases.closed_at), ev.version.tolist(), _cells(cases.x),
               ev.rework_count.tolist(), ev.misdispatch_count.tolist(),
               ev.urge_count.tolist(), ev.satisfied.tolist(), _fmt_times(ev.step_started_at),
               _fmt_times(ev.parked_since), case_camera, strict=True),
           count=m, label="案件")
    # The timelines; ids come from the database (the service appends to the same table).
    # Most events carry no note and no details: they go in a narrower INSERT that leaves
    # both to the column defaults ('' and '{}'), which saves a good part of the write.
    ne = len(ev)
    plain = (ev.note == "") & (ev.details == "{}")
    for sel, extra in ((plain, ()), (~plain, ("note", "details"))):
        idx = np.flatnonzero(sel)
        cols = [(ev.case_index[idx] + 1).tolist(), ev.seq[idx].tolist(),
                _fmt_times(ev.at[idx]), ev.actor_login[idx].tolist(), ev.role[idx].tolist(),
                ev.action[idx].tolist(), ev.from_state[idx].tolist(),
                ev.to_state[idx].tolist()]
        if extra:
            cols += [ev.note[idx].tolist(), ev.details[idx].tolist()]
        ds.add("case_event", ("case_id", "seq", "at", "actor_login", "role", "action",
                              "from_state", "to_state", *extra),
               zip(*cols, strict=True), count=len(idx), label="案件流转记录")
    timings["rows"] = time.perf_counter() - t0
    counts = {"streets": len(d.street_codes), "communities": len(d.community_codes),
              "grids": len(d.grid_ids), "parts": n, "cases": m, "case_events": ne}
    return ds, counts


SNAPSHOT_COUNT = 12  # resources/snapshots/cam_01.jpg … cam_12.jpg (scripts/make_snapshots.py)


def _demo_cameras(part_ids: np.ndarray, serials: np.ndarray, rng: np.random.Generator
                  ) -> list[tuple[str, float, float, float, str, str]]:
    """Viewing set-up of the demo's junction cameras: each looks down one of the four
    streets of its junction (±8°), 55–80° wide, 60–120 m deep; the demo has no live
    streams, so every camera shows one of the generated snapshots."""
    n = len(part_ids)
    heading = (rng.integers(0, 4, n) * 90.0 + rng.normal(0.0, 8.0, n)) % 360.0
    fov = rng.uniform(55.0, 80.0, n)
    reach = rng.uniform(60.0, 120.0, n)
    return [(str(p), round(float(h), 1), round(float(f), 1), round(float(r), 1),
             f"snapshots/cam_{int(k) % SNAPSHOT_COUNT + 1:02d}.jpg", "")
            for p, k, h, f, r in zip(part_ids, serials, heading, fov, reach, strict=True)]


# States whose clock the demo history does not set: their deadline is the step's limit from
# the step start (the dispatched family keeps the handling deadline the history gives it).
_STEP_CLOCK_STATES = {"reported": "register", "verifying": "verify", "registered": "file",
                      "filed": "dispatch", "handled": "check", "checking": "check",
                      "checked": "close"}


def _step_deadlines(state: np.ndarray, type_code: np.ndarray, started: np.ndarray,
                    deadline: np.ndarray) -> np.ndarray:
    """Deadlines of the current step for open demo cases before and after handling, from
    ``data/time_limits.csv`` on the working calendar, as the case service would set them."""
    from app.domain.calendar import deadline as step_deadline
    from app.domain.calendar import load_calendar, load_time_limits

    out = deadline.copy()
    idx = np.flatnonzero(np.isin(state, list(_STEP_CLOCK_STATES)) & ~np.isnat(started))
    if not len(idx):
        return out
    calendar, limits = load_calendar(), load_time_limits()
    for i in idx:
        limit = limits.limit_for(str(type_code[i]), _STEP_CLOCK_STATES[str(state[i])])
        start = started[i].astype("datetime64[s]").astype(datetime)
        out[i] = np.datetime64(step_deadline(start, limit, calendar), "s")
    return out


def _video_case_cameras(source: np.ndarray, x: np.ndarray, y: np.ndarray, cam_x: np.ndarray,
                        cam_y: np.ndarray, cameras: list[tuple[str, float, float, float, str,
                                                                str]]) -> list[str | None]:
    """The camera each demo video case was seen by: the nearest camera whose view holds the
    case (None when no camera sees the spot: such a case came from a mobile patrol feed)."""
    out: list[str | None] = [None] * len(source)
    video = np.flatnonzero(source == CaseSource.VIDEO.value)
    if not len(video) or not cameras:
        return out
    from scipy.spatial import cKDTree

    heading = np.array([c[1] for c in cameras])
    fov = np.array([c[2] for c in cameras])
    reach = np.array([c[3] for c in cameras])
    tree = cKDTree(np.column_stack([cam_x, cam_y]))
    for i, near in zip(video, tree.query_ball_point(
            np.column_stack([x[video], y[video]]), r=float(reach.max())), strict=True):
        if not near:
            continue
        k = np.asarray(near)
        dx, dy = x[i] - cam_x[k], y[i] - cam_y[k]
        dist = np.hypot(dx, dy)
        off = (np.degrees(np.arctan2(dx, dy)) - heading[k] + 180.0) % 360.0 - 180.0
        ok = (dist <= reach[k]) & (np.abs(off) <= fov[k] / 2.0)
        if ok.any():
            out[i] = cameras[int(k[ok][np.argmin(dist[ok])])][0]
    return out


def seed(store: Store, scale: str = "district", *, seed: int = DEFAULT_SEED,
         end: datetime | None = None, progress: Progress | None = None) -> SeedReport:
    """Replace the store's content with the demo district, atomically."""
    end = end or default_end()
    t_all = time.perf_counter()
    timings: dict[str, float] = {}
    # Millions of short-lived row tuples and few reference cycles: the cyclic collector
    # would only rescan the big arrays over and over (seconds at district scale).
    gc_enabled = gc.isenabled()
    gc.disable()
    try:
        ds, counts = build_dataset(scale, seed=seed, end=end, progress=progress,
                                   timings=timings)
        t0 = time.perf_counter()
        store.replace_all(ds, _stage(progress, 0.5, 1.0))
        timings["write"] = time.perf_counter() - t0
    finally:
        if gc_enabled:
            gc.enable()
    if progress:
        progress(1.0, "完成")
    return SeedReport(scale, seed, end, time.perf_counter() - t_all, counts, timings)

