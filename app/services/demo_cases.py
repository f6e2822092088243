"""Deterministic demo case history (default 90 days × ~3000 cases a day), fully vectorised.

The history imitates a big-city command centre: a weekly and daily rhythm, a category mix
dominated by street order and sanitation, part cases attached to real parts, a few hotspot
grids, dispatch by the responsibility rules (parts 先属主、后属地, matters 先属地、后属主) and
states that follow each case's own timeline up to ``end`` — old cases are closed, recent
ones are spread over the whole loop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime

import numpy as np

from app.domain.case import CaseKind, CaseLevel, CaseSource, CaseState, Urgency
from app.domain.catalogue import Catalogue
from app.domain.departments import Dispatch, TypeOwner, street_departments
from app.domain.errors import DomainError
from app.domain.org import Department

Progress = Callable[[float, str], None]

PART_SHARE = 0.30
HOTSPOT_SHARE = 0.06  # of matter cases
MATTER_SPREAD = 0.6  # matter cases lie within this share of the grid radius
MIN, HOUR, DAY = 60.0, 3600.0, 86400.0
TIMELINE_COLUMNS = ("reported", "accepted", "registered", "filed", "dispatched", "handled",
                    "check_sent", "checked", "closed", "parked")

# Reports per hour of day (relative): supervisors patrol 7–19 h, peaks 9–11 h and 14–17 h.
_HOUR_PROFILE = np.array([0.45, 0.3, 0.22, 0.2, 0.25, 0.5, 1.2, 3.0, 5.6, 7.6, 7.9, 6.4,
                          3.4, 3.9, 6.9, 7.3, 7.0, 5.4, 3.4, 2.5, 2.0, 1.6, 1.0, 0.65])
# Monday … Sunday: fewer patrols at the weekend.
_WEEKDAY = np.array([1.06, 1.05, 1.04, 1.05, 1.03, 0.86, 0.70])

# Relative frequency of matter types (classes 06–10); unlisted types get _MATTER_BASE.
_MATTER_WEIGHTS: dict[str, float] = {
    "09006": 10.0, "06010": 9.0, "07001": 9.0, "09009": 8.0, "09011": 8.0, "09010": 7.0,
    "06036": 7.0, "06042": 5.0, "09005": 5.0, "09001": 3.0, "06012": 3.0, "06011": 2.0,
    "06001": 1.5, "06035": 1.5, "06041": 1.5, "06017": 1.5, "06034": 1.0, "07002": 1.0,
    "06007": 1.0, "09004": 0.8, "06040": 0.8, "08006": 0.8, "06013": 0.7, "07003": 0.6,
    "07006": 0.6, "08004": 0.6, "09012": 0.6, "08002": 0.5, "08005": 0.5, "06029": 0.5,
    "06028": 0.5, "06027": 0.4, "06050": 0.3, "06051": 0.3, "06004": 0.3, "06014": 0.3,
    "07007": 0.3, "08001": 0.3, "08007": 0.3, "09002": 0.3, "09015": 0.2, "10001": 0.1,
}
_MATTER_BASE = 0.06

# Relative chance that a part of a type has a problem reported (per part). Trees are the
# most numerous parts, so a low rate per tree still makes them a top type.
_PART_WEIGHTS: dict[str, float] = {
    "01037": 3.5, "01038": 1.5, "01039": 1.5, "01013": 1.5, "03005": 4.0, "03001": 2.0,
    "03004": 1.5, "04002": 0.8, "04003": 0.8, "04004": 1.5, "04011": 2.0, "04007": 1.5,
    "04008": 1.5, "02017": 2.0, "02010": 1.5, "02027": 1.2, "02004": 1.5, "02022": 1.5,
    "02021": 2.0, "02012": 1.2, "01059": 1.2,
}
_COVER_WEIGHT = 3.0  # all manhole covers (…井盖, 雨水箅子)
# Hotspots: matter types that recur at one grid (market street, metro exit, …).
_HOTSPOT_TYPES: tuple[tuple[str, ...], ...] = (
    ("09006", "09005"), ("09011", "09010"), ("06010", "06042"), ("07001",), ("09009",),
    ("06036", "06035"), ("09001", "09006"), ("09002", "06010"),
)

_SOURCES = [CaseSource.FIELD_SUPERVISOR, CaseSource.VIDEO, CaseSource.HOTLINE,
            CaseSource.PUBLIC, CaseSource.GRID_WORKER, CaseSource.LEADER, CaseSource.MEDIA]
_SOURCE_P = np.array([0.60, 0.15, 0.15, 0.05, 0.04, 0.005, 0.005])

# Handling limits in hours (a city's 处置时限 table, here calendar hours).
_MATTER_LIMIT_H: dict[str, float] = {
    "06010": 4, "06042": 2, "06012": 2, "06011": 48, "06036": 24, "06035": 24, "06017": 4,
    "06001": 168, "06013": 120, "06034": 120, "07001": 24, "07002": 2, "09001": 2,
    "09005": 2, "09006": 2, "09009": 2, "09010": 2, "09011": 2, "09012": 1, "10001": 12,
    "10002": 4,
}
_MATTER_MAJOR_LIMIT_H = {"06": 48.0, "07": 72.0, "08": 72.0, "09": 4.0, "10": 24.0}
_PART_LIMIT_H: dict[str, float] = {"01037": 72, "01038": 72, "01039": 72, "01013": 48,
                                   "03005": 48, "03001": 24, "04002": 120}
_COVER_LIMIT_H = 24.0
_PART_DEFAULT_LIMIT_H = 120.0

# Types that are often dangerous (open manholes, fallen cables, blocked fire lanes).
_URGENT_MATTERS = {"09012", "10002", "06013", "10001"}
_PARK_PRONE = {"06001", "06013", "08016", "06034", "06048", "06049", "06050", "06051",
               "06052", "06003", "09017"}

_LOCATION_HINTS = ("路口东北角", "路口西南角", "公交站旁", "地铁站出口附近", "小区南门外",
                   "小区北门外", "商铺门前", "人行便道上", "辅路边", "绿地内", "过街天桥下",
                   "停车场入口", "学校门口", "农贸市场周边", "写字楼前广场", "胡同内")
_MATTER_TEMPLATES = ("{loc}{name}，请处理", "{loc}发现{name}", "{loc}存在{name}问题",
                     "群众反映{loc}{name}")
_PART_PROBLEMS = {
    "cover": ("破损", "缺失", "移位", "下沉"),
    "lamp": ("不亮", "灯罩破损", "昼亮", "不亮"),
    "tree": ("倒伏", "断枝", "枯死", "树枝遮挡"),
    "bin": ("破损", "缺失", "脏污", "倾倒"),
    "other": ("破损", "污损", "缺失", "倾斜"),
}


@dataclass
class CaseHistory:
    """Columnar case history; every array has the same length."""

    number: np.ndarray
    kind: np.ndarray
    type_code: np.ndarray
    x: np.ndarray
    y: np.ndarray
    grid_index: np.ndarray
    part_index: np.ndarray
    source: np.ndarray
    urgency: np.ndarray
    level: np.ndarray
    state: np.ndarray
    dept_code: np.ndarray
    reported_at: np.ndarray
    deadline: np.ndarray
    closed_at: np.ndarray
    description: np.ndarray
    # The simulated timeline behind ``state``: one row per case, seconds since the epoch of
    # report, accept, registered, filed, dispatched, handled, check sent, checked, closed and
    # parked (see ``TIMELINE_COLUMNS``). The event history is derived from it.
    timeline: np.ndarray | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.number)

    def __post_init__(self) -> None:
        n = len(self.number)
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None and len(value) != n:
                raise ValueError(f"CaseHistory column {f.name} has the wrong length")


def _is_cover(code: str, name: str) -> bool:
    return code.startswith("01") and (name.endswith("井盖") or name == "雨水箅子")


def _part_family(code: str, name: str) -> str:
    if _is_cover(code, name):
        return "cover"
    if name.endswith("灯"):
        return "lamp"
    if name in ("行道树", "独立树", "古树名木"):
        return "tree"
    if name in ("垃圾箱", "旧衣物回收箱", "宠物拾便纸箱"):
        return "bin"
    return "other"


def _codes_to_int(codes: np.ndarray) -> np.ndarray:
    """5-digit code strings → integers, fast (reads the UCS-4 code points directly)."""
    if len(codes) == 0:
        return np.zeros(0, dtype=np.int64)
    u = np.ascontiguousarray(codes.astype("<U5"))
    digits = u.view(np.uint32).reshape(len(u), 5).astype(np.int64) - 48
    if (np.char.str_len(u[:1000]) != 5).any() or digits.min() < 0 or digits.max() > 9:
        raise DomainError("Part type codes must be 5-digit numbers")
    return digits @ np.array([10_000, 1_000, 100, 10, 1], dtype=np.int64)


def _lognormal(rng: np.random.Generator, median: np.ndarray | float, sigma: float,
               n: int) -> np.ndarray:
    return np.asarray(median, dtype=np.float64) * np.exp(sigma * rng.standard_normal(n))


def _street_label(name: str) -> str:
    for suffix in ("办事处", "人民政府"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def generate_case_history(
    *,
    grid_x: np.ndarray,
    grid_y: np.ndarray,
    grid_radius: np.ndarray | float,
    grid_street_codes: np.ndarray | Sequence[str],
    part_x: np.ndarray,
    part_y: np.ndarray,
    part_type_codes: np.ndarray | Sequence[str],
    part_grid_index: np.ndarray,
    catalogue: Catalogue,
    departments: Sequence[Department],
    type_owners: dict[str, TypeOwner],
    end: datetime,
    days: int = 90,
    per_day: int = 3000,
    seed: int = 20261123,
    progress: Progress | None = None,
    grid_polys: np.ndarray | None = None,
) -> CaseHistory:
    """Generate ``days`` days of cases ending at ``end``; same inputs → identical output.

    Matter cases lie within 60 % of ``grid_radius`` of their grid centroid, which keeps
    >99 % of them inside irregular grids; pass ``grid_polys`` (shapely polygons in the same
    metres) to make that 100 %.
    """
    def report(f: float, msg: str) -> None:
        if progress is not None:
            progress(f, msg)

    report(0.0, "生成案件时间分布")
    rng = np.random.default_rng(seed)
    gx = np.asarray(grid_x, dtype=np.float64)
    gy = np.asarray(grid_y, dtype=np.float64)
    ng = len(gx)
    if ng == 0 or len(gy) != ng:
        raise DomainError("A case history needs at least one unit grid (and as many x as y)")
    grad = np.broadcast_to(np.asarray(grid_radius, dtype=np.float64), (ng,))
    gstreet = np.asarray(grid_street_codes).astype(str)
    px = np.asarray(part_x, dtype=np.float64)
    py = np.asarray(part_y, dtype=np.float64)
    ptype = np.asarray(part_type_codes).astype(str)
    pgrid = np.asarray(part_grid_index, dtype=np.int64)
    npart = len(px)

    # -- report times: Poisson counts per hour slot -------------------------------------
    end64 = np.datetime64(end.replace(tzinfo=None), "s")
    n_slots = int(days) * 24
    slot = end64 - np.timedelta64(n_slots * 3600, "s") + \
        np.arange(n_slots, dtype=np.int64).astype("timedelta64[h]")
    slot_day = slot.astype("datetime64[D]")
    hod = ((slot - slot_day).astype(np.int64) // 3600).astype(np.int64)
    weekday = (slot_day.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    uday, day_inv = np.unique(slot_day, return_inverse=True)
    day_noise = rng.gamma(150.0, 1.0 / 150.0, len(uday))  # weather, events: ±8 %
    lam = (per_day * _HOUR_PROFILE[hod] / _HOUR_PROFILE.sum()
           * _WEEKDAY[weekday] / _WEEKDAY.mean() * day_noise[day_inv])
    counts = rng.poisson(lam)
    n = int(counts.sum())
    rep_s = (np.repeat(slot.astype(np.int64), counts)
             + rng.integers(0, 3600, n, dtype=np.int64))
    rep_s.sort()
    reported = rep_s.astype("datetime64[s]")

    # Case numbers: report date + daily sequence in report order.
    rday = reported.astype("datetime64[D]")
    _, first, rday_inv = np.unique(rday, return_index=True, return_inverse=True)
    seq = np.arange(n, dtype=np.int64) - first[rday_inv] + 1
    if n and seq.max() > 99_999:
        raise DomainError("More than 99999 cases on one day do not fit the case number")
    u_ymd = np.array([int(str(d).replace("-", "")) for d in np.unique(rday).tolist()],
                     dtype=np.int64)
    number = (u_ymd[rday_inv] * 100_000 + seq).astype(str)
    report(0.2, "生成案件类别与位置")

    # -- kind, type, location ------------------------------------------------------------
    part_entries = {e.code: e for e in catalogue.parts()}
    matter_entries = {e.code: e for e in catalogue.matters()}
    # Unique over integers: sorting 1.4 M strings would dominate the run time.
    p_int = _codes_to_int(ptype)
    p_uniq_i, p_inv = np.unique(p_int, return_inverse=True)
    p_uniq = [f"{c:05d}" for c in p_uniq_i.tolist()]
    p_type_w = np.array([
        0.0 if c not in part_entries else
        (_COVER_WEIGHT if _is_cover(c, part_entries[c].name) else _PART_WEIGHTS.get(c, 1.0))
        for c in p_uniq], dtype=np.float64)
    part_w = p_type_w[p_inv] if npart else np.zeros(0)
    is_part = (rng.random(n) < PART_SHARE) if part_w.sum() > 0 else np.zeros(n, dtype=bool)
    ip = np.flatnonzero(is_part)
    im = np.flatnonzero(~is_part)

    x = np.empty(n)
    y = np.empty(n)
    grid_index = np.empty(n, dtype=np.int32)
    part_index = np.full(n, -1, dtype=np.int64)
    type_code = np.empty(n, dtype="<U5")

    if len(ip):
        pi = rng.choice(npart, size=len(ip), p=part_w / part_w.sum())
        part_index[ip] = pi
        x[ip], y[ip] = px[pi], py[pi]
        grid_index[ip] = pgrid[pi]
        type_code[ip] = ptype[pi]

    m_codes = np.array([c for c in sorted(matter_entries) if c[:2] >= "06"])
    if len(m_codes) == 0 and len(im):
        raise DomainError("The catalogue has no matter types of classes 06–10 to generate")
    m_w = np.array([_MATTER_WEIGHTS.get(c, _MATTER_BASE) for c in m_codes])
    activity = rng.gamma(0.9, 1.0, ng) + 0.05  # busy commercial grids vs quiet ones
    n_hot = min(len(_HOTSPOT_TYPES) - 2, ng)  # 6 hotspots
    hot_grids = rng.choice(ng, size=n_hot, replace=False, p=activity / activity.sum())
    hot_types = [tuple(t for t in _HOTSPOT_TYPES[i] if t in matter_entries)
                 for i in rng.permutation(len(_HOTSPOT_TYPES))[:n_hot]]
    is_hot = rng.random(len(im)) < (HOTSPOT_SHARE if n_hot else 0.0)
    mg = rng.choice(ng, size=len(im), p=activity / activity.sum())
    mt = rng.choice(len(m_codes), size=len(im), p=m_w / m_w.sum()) if len(m_codes) else \
        np.zeros(len(im), dtype=np.int64)
    m_type = m_codes[mt] if len(m_codes) else np.empty(len(im), dtype="<U5")
    hi = np.flatnonzero(is_hot)
    if len(hi):
        which = rng.integers(0, n_hot, len(hi))
        mg[hi] = hot_grids[which]
        pick = rng.random(len(hi))
        m_type[hi] = [hot_types[w][int(p * len(hot_types[w]))] if hot_types[w] else m_type[h]
                      for w, p, h in zip(which.tolist(), pick.tolist(), hi.tolist(),
                                         strict=True)]
    # Uniform in a disk of 60 % of the grid radius, so the point stays in its own grid.
    r = MATTER_SPREAD * grad[mg] * np.sqrt(rng.random(len(im)))
    theta = rng.random(len(im)) * 2 * np.pi
    x[im] = gx[mg] + r * np.cos(theta)
    y[im] = gy[mg] + r * np.sin(theta)
    if grid_polys is not None and len(im):
        x[im], y[im] = _inside_grids(np.asarray(grid_polys), mg, x[im], y[im], gx, gy, grad,
                                     np.random.default_rng([seed, 1]))
    grid_index[im] = mg
    type_code[im] = m_type
    report(0.4, "派遣部门与办理时限")

    # -- per-type tables (one row per distinct (kind, type)) -----------------------------
    # One integer key per (kind, type): parts 1xxxxx, matters 0xxxxx.
    key = type_code.astype(np.int64) + np.where(is_part, 100_000, 0) if n else \
        np.zeros(0, dtype=np.int64)
    k_uniq_i, k_inv = np.unique(key, return_inverse=True)
    k_uniq = [("p" if k >= 100_000 else "m") + f"{k % 100_000:05d}" for k in k_uniq_i.tolist()]
    k_limit = np.empty(len(k_uniq))
    k_comp = np.empty(len(k_uniq), dtype=object)
    k_mode = np.empty(len(k_uniq), dtype=object)
    k_urgent = np.zeros(len(k_uniq), dtype=bool)
    k_park = np.empty(len(k_uniq))
    k_name = []
    k_family = []
    for i, k in enumerate(k_uniq):
        kind, code = k[0], k[1:]
        owner = type_owners.get(code)
        if kind == "p":
            e = part_entries[code]
            cover = _is_cover(code, e.name)
            k_limit[i] = _COVER_LIMIT_H if cover else _PART_LIMIT_H.get(code,
                                                                        _PART_DEFAULT_LIMIT_H)
            k_mode[i] = Dispatch.OWNER
            k_urgent[i] = cover or code == "01013"
            k_park[i] = 0.02
            k_family.append(_part_family(code, e.name))
        else:
            e = matter_entries[code]
            k_limit[i] = _MATTER_LIMIT_H.get(code, _MATTER_MAJOR_LIMIT_H.get(code[:2], 48.0))
            k_mode[i] = owner.dispatch if owner else Dispatch.TERRITORIAL
            k_urgent[i] = code in _URGENT_MATTERS
            k_park[i] = 0.08 if code in _PARK_PRONE else 0.01
            k_family.append("")
        k_comp[i] = owner.competent_code if owner else ""
        k_name.append(e.name)

    # -- departments and level -----------------------------------------------------------
    streets = street_departments(list(departments))
    g_uniq, g_inv = np.unique(gstreet, return_inverse=True)
    g_dept = np.array([streets[s].code if s in streets else "" for s in g_uniq.tolist()],
                      dtype=object)[g_inv]
    case_street_dept = g_dept[grid_index]
    comp = k_comp[k_inv]
    mode = k_mode[k_inv]
    territorial = (mode == Dispatch.TERRITORIAL) & (case_street_dept != "")
    escalate = rng.random(n) < 0.06  # street cannot solve it: the big loop takes over
    to_street = territorial & ~escalate
    dept = np.where(to_street, case_street_dept, comp)
    dept = np.where(dept == "", case_street_dept, dept)  # type without an owner row
    micro = rng.random(n) < 0.3
    level = np.where(to_street, np.where(micro, CaseLevel.COMMUNITY.value,
                                         CaseLevel.STREET.value), CaseLevel.DISTRICT.value)

    # -- source and urgency --------------------------------------------------------------
    src_i = rng.choice(len(_SOURCES), size=n, p=_SOURCE_P / _SOURCE_P.sum())
    source = np.array([s.value for s in _SOURCES])[src_i]
    u = rng.random(n)
    urgent_type = k_urgent[k_inv]
    p_urgent = np.where(urgent_type, 0.15, 0.03)
    p_high = np.where(urgent_type, 0.25, 0.11)
    urg_i = np.where(u < p_urgent, 2, np.where(u < p_urgent + p_high, 1, 0))
    urgency = np.array([Urgency.NORMAL.value, Urgency.HIGH.value, Urgency.URGENT.value])[urg_i]
    report(0.6, "推演案件状态")

    # -- timeline (seconds since the epoch) ----------------------------------------------
    limit_s = k_limit[k_inv] * HOUR * np.array([1.0, 0.75, 0.5])[urg_i]
    needs_verify = np.isin(src_i, [2, 3, 6])  # hotline, public, media reports are verified
    steps = np.stack([
        _lognormal(rng, 6 * MIN, 0.8, n),  # REPORTED → accepted
        np.where(needs_verify, _lognormal(rng, 50 * MIN, 0.7, n), 0.0),  # VERIFYING
        _lognormal(rng, 5 * MIN, 0.8, n),  # REGISTERED → filed
        _lognormal(rng, 8 * MIN, 0.9, n),  # FILED → dispatched
        np.clip(_lognormal(rng, 0.45 * limit_s, 0.75, n), 10 * MIN, 30 * DAY),  # handling
        _lognormal(rng, 15 * MIN, 1.0, n),  # HANDLED → check sent
        _lognormal(rng, 70 * MIN, 0.8, n),  # CHECKING
        _lognormal(rng, 12 * MIN, 0.9, n),  # CHECKED → closed
    ])
    # A few cases stall at one step (staff away, unclear report): long tails in every state.
    stall = np.flatnonzero(rng.random(n) < 0.02)
    stall_step = rng.choice([0, 1, 2, 3, 5, 6, 7], size=len(stall))
    steps[stall_step, stall] *= rng.uniform(10, 60, len(stall))
    t = rep_s.astype(np.float64)[None, :] + np.cumsum(steps, axis=0)
    t_acc, t_reg, t_file, t_disp, t_fb, t_chk, t_chkd, t_close = t
    now = float(end64.astype(np.int64))

    state = np.select(
        [now < t_acc, now < t_reg, now < t_file, now < t_disp, now < t_fb, now < t_chk,
         now < t_chkd, now < t_close],
        [CaseState.REPORTED.value, CaseState.VERIFYING.value, CaseState.REGISTERED.value,
         CaseState.FILED.value, CaseState.DISPATCHED.value, CaseState.HANDLED.value,
         CaseState.CHECKING.value, CaseState.CHECKED.value],
        CaseState.CLOSED.value,
    ).astype("<U10")
    # Invalid reports are voided instead of filed; public reports are invalid more often.
    p_void = np.where(np.isin(src_i, [2, 3, 5, 6]), 0.08, 0.015)
    void = (rng.random(n) < p_void) & (t_file <= now)
    state[void] = CaseState.VOID.value
    # Hard problems are parked (挂账) a few days after dispatch instead of being solved.
    t_park = t_disp + _lognormal(rng, 3 * DAY, 0.6, n)
    park = (~void & (rng.random(n) < k_park[k_inv]) & (t_park <= now)
            & (t_park < t_fb))
    state[park] = CaseState.PARKED.value
    # A supervisor's unsent drafts exist only for the last hours.
    draft = ((src_i == 0) & (now - rep_s < 3 * HOUR) & (rng.random(n) < 0.03)
             & ~void & ~park)
    state[draft] = CaseState.DRAFT.value
    _ensure_every_state(state, rep_s)

    # -- derived columns -----------------------------------------------------------------
    dispatched = np.isin(state, [CaseState.DISPATCHED.value, CaseState.HANDLED.value,
                                 CaseState.CHECKING.value, CaseState.CHECKED.value,
                                 CaseState.PARKED.value, CaseState.CLOSED.value])
    dept_code = np.where(dispatched, dept, "").astype("<U18")
    nat = np.datetime64("NaT", "s")
    deadline = np.where(dispatched, (t_disp + limit_s).astype(np.int64).astype("datetime64[s]"),
                        nat)
    closed_s = np.where(state == CaseState.VOID.value, t_file, t_close)
    closed_s = np.clip(closed_s, rep_s, now).astype(np.int64)
    closed_at = np.where(np.isin(state, [CaseState.CLOSED.value, CaseState.VOID.value]),
                         closed_s.astype("datetime64[s]"), nat)
    report(0.8, "生成案件描述")

    # -- descriptions --------------------------------------------------------------------
    street_label = {s: _street_label(d.name) for s, d in streets.items()}
    g_label = np.array([street_label.get(s, "") for s in g_uniq.tolist()], dtype=object)[g_inv]
    loc = np.char.add(g_label[grid_index].astype(str),
                      np.array(_LOCATION_HINTS)[rng.integers(0, len(_LOCATION_HINTS), n)])
    # "群众反映…" only where the public reported it (hotline, app, media).
    tmpl = np.where(needs_verify, len(_MATTER_TEMPLATES) - 1,
                    rng.integers(0, len(_MATTER_TEMPLATES) - 1, n))
    prob = rng.integers(0, 4, n)
    names = k_name
    fams = k_family
    description = np.array([
        f"{lo}{names[k]}{_PART_PROBLEMS[fams[k]][pr]}" if fams[k]
        else _MATTER_TEMPLATES[tm].format(loc=lo, name=names[k])
        for lo, k, tm, pr in zip(loc.tolist(), k_inv.tolist(), tmpl.tolist(), prob.tolist(),
                                 strict=True)
    ], dtype=str) if n else np.empty(0, dtype=str)

    kind_arr = np.where(is_part, CaseKind.PART.value, CaseKind.MATTER.value).astype("<U6")
    report(1.0, f"已生成 {n} 件案件")
    return CaseHistory(
        number=number, kind=kind_arr, type_code=type_code, x=x, y=y,
        grid_index=grid_index, part_index=part_index, source=source, urgency=urgency,
        level=level, state=state, dept_code=dept_code, reported_at=reported,
        deadline=deadline, closed_at=closed_at, description=description,
        timeline=np.stack([rep_s.astype(np.float64), t_acc, t_reg, t_file, t_disp, t_fb, t_chk,
                           t_chkd, t_close, t_park], axis=1),
    )


def _inside_grids(polys: np.ndarray, g: np.ndarray, x: np.ndarray, y: np.ndarray,
                  gx: np.ndarray, gy: np.ndarray, grad: np.ndarray,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Redraw points that fell outside their grid polygon; a separate generator keeps the
    rest of the history independent of the geometry."""
    import shapely  # only needed when polygons are given

    x, y = x.copy(), y.copy()
    out = np.flatnonzero(~shapely.contains_xy(polys[g], x, y))
    for _ in range(8):
        if not len(out):
            break
        go = g[out]
        r = MATTER_SPREAD * grad[go] * np.sqrt(rng.random(len(out)))
        theta = rng.random(len(out)) * 2 * np.pi
        x[out], y[out] = gx[go] + r * np.cos(theta), gy[go] + r * np.sin(theta)
        out = out[~shapely.contains_xy(polys[go], x[out], y[out])]
    if len(out):  # odd shapes: a point that is surely inside
        pos = shapely.point_on_surface(polys[g[out]])
        x[out], y[out] = shapely.get_x(pos), shapely.get_y(pos)
    return x, y


def _ensure_every_state(state: np.ndarray, rep_s: np.ndarray) -> None:
    """Move a few of the newest open cases into any state the timeline left empty.

    At a quiet hour (e.g. an ``end`` at 04:00) the short desk states can be empty by
    chance; the demo should still show every queue.
    """
    open_states = {CaseState.REPORTED.value, CaseState.VERIFYING.value,
                   CaseState.REGISTERED.value, CaseState.FILED.value,
                   CaseState.DISPATCHED.value, CaseState.HANDLED.value,
                   CaseState.CHECKING.value, CaseState.CHECKED.value}
    present = set(np.unique(state).tolist())
    missing = [s.value for s in CaseState if s.value not in present]
    if not missing or len(state) < 4 * len(CaseState):
        return
    # Candidates: the newest cases in a state that is still well represented.
    counts = {s: int((state == s).sum()) for s in present}
    order = np.argsort(-rep_s, kind="stable")
    taken = 0
    for s in missing:
        moved = 0
        for i in order[taken:].tolist():
            cur = str(state[i])
            taken += 1
            if cur in open_states | {CaseState.CLOSED.value} and counts[cur] > 3:
                state[i] = s
                counts[cur] -= 1
                moved += 1
                if moved == 2:
                    break


# -- event history --------------------------------------------------------------------------
# Shares of the loop's exception paths among the cases that got far enough.
REDISPATCH_SHARE = 0.02  # 错误派遣 → 改派, of dispatched cases
REWORK_SHARE = 0.03  # 核查不通过 → 返工, of handled cases
URGE_SHARE = 0.04  # 督办, of dispatched cases

_VOID_REASONS = ("重复上报", "不属于受理范围", "现场核实无此问题", "信息不全无法定位")
_URGE_REASONS = ("临近处置时限，请加快处置", "群众反映强烈，请尽快处置", "超时未反馈，请说明情况")
_PARK_REASONS = ("涉及多部门协调，短期内无法解决", "需列入年度改造计划", "权属争议待认定")
_CHECK_FAIL_NOTE = "现场核查问题仍存在，返工"


@dataclass
class CaseEvents:
    """Columnar case timelines plus the flow columns of each case they leave behind.

    Event arrays (``case_index`` … ``details``) are ordered by case and then by ``seq``;
    flow arrays have one value per case.
    """

    case_index: np.ndarray
    seq: np.ndarray
    at: np.ndarray  # datetime64[s]
    actor_login: np.ndarray
    role: np.ndarray
    action: np.ndarray
    from_state: np.ndarray
    to_state: np.ndarray
    note: np.ndarray
    details: np.ndarray
    # per case
    version: np.ndarray
    step_started_at: np.ndarray  # datetime64[s], NaT when closed or a draft
    parked_since: np.ndarray
    rework_count: np.ndarray
    misdispatch_count: np.ndarray
    urge_count: np.ndarray
    satisfied: np.ndarray  # object: True or None

    def __len__(self) -> int:
        return len(self.case_index)


def _pools(keys: np.ndarray, members: dict[str, list[str]], fallback: list[str]
           ) -> tuple[np.ndarray, np.ndarray]:
    """(n_keys × width) table of logins per key and the pool sizes, for vectorised picks."""
    rows = [members.get(k) or fallback for k in keys.tolist()]
    width = max((len(r) for r in rows), default=1)
    table = np.array([r + [r[0]] * (width - len(r)) for r in rows] or [[""]], dtype=object)
    return table, np.array([len(r) for r in rows] or [1], dtype=np.int64)


def _pick(table: np.ndarray, sizes: np.ndarray, group: np.ndarray,
          rng: np.random.Generator) -> np.ndarray:
    col = (rng.random(len(group)) * sizes[group]).astype(np.int64)
    return table[group, col]


def generate_case_events(history: CaseHistory, *, grid_ids: np.ndarray,
                         case_streets: np.ndarray, staff: Sequence[Sequence[object]],
                         departments: Sequence[str], end: datetime,
                         seed: int = 20261123) -> CaseEvents:
    """The timeline of every case in ``history`` up to ``end``, consistent with its state.

    Follows app.domain.workflow: report → register (or send_verify → verify) → file →
    dispatch → handle → send_check → check_pass → (callback for hotline cases) → close;
    voided cases are voided after registration, parked ones asked and approved to park, and
    a few cases have a misdispatch (改派), a failed check (返工) or an urge (督办). Actors
    come from ``staff`` rows ``(login, name, role, department_code, street_code)``: centre
    posts by role, supervisors and grid workers of the case's street, the staff of the
    case's department. Drafts have no events (nothing was sent yet). Same inputs → same
    events.
    """
    from app.domain.org import Role
    from app.domain.workflow import Action as A

    S = CaseState
    n = len(history)
    if history.timeline is None:
        raise DomainError("The case history has no simulated timeline to derive events from")
    rng = np.random.default_rng([seed, 2])
    tl = history.timeline
    rep, t_acc, t_reg, t_file, t_disp, t_fb, t_chk, t_chkd, t_close, t_park = tl.T
    now = float(np.datetime64(end.replace(tzinfo=None), "s").astype(np.int64))
    state = history.state
    source = history.source

    rank_of = {S.REPORTED: 0, S.VERIFYING: 1, S.REGISTERED: 2, S.FILED: 3, S.DISPATCHED: 4,
               S.HANDLED: 5, S.CHECKING: 6, S.CHECKED: 7, S.CLOSED: 8, S.VOID: 2,
               S.PARKED: 4, S.DRAFT: -1}
    u_state, s_inv = np.unique(state, return_inverse=True)
    rank = np.array([rank_of[S(s)] for s in u_state.tolist()], dtype=np.int64)[s_inv]
    void = state == S.VOID.value
    parked = state == S.PARKED.value
    closed = state == S.CLOSED.value
    hotline = source == CaseSource.HOTLINE.value
    vpath = (np.isin(source, [CaseSource.HOTLINE.value, CaseSource.PUBLIC.value,
                              CaseSource.MEDIA.value]) | (state == S.VERIFYING.value))
    redispatch = (rank >= 4) & ~void & (rng.random(n) < REDISPATCH_SHARE)
    rework = (rank >= 5) & ~void & ~parked & (rng.random(n) < REWORK_SHARE)
    urge = (rank >= 4) & ~void & (rng.random(n) < URGE_SHARE)
    main = ~void  # the main path beyond registration

    # Handling window: from dispatch to feedback, the park, or now.
    he = np.minimum(np.where(parked, t_park, t_fb), now)
    he = np.maximum(he, t_disp)

    def w(f: float) -> np.ndarray:
        return t_disp + f * (he - t_disp)

    # (action, from, to, when, present) in timeline order.
    slots = [
        (A.REPORT, S.DRAFT, S.REPORTED, rep, rank >= 0),
        (A.SEND_VERIFY, S.REPORTED, S.VERIFYING, t_acc, vpath & (rank >= 1)),
        (A.VERIFY, S.VERIFYING, S.REGISTERED, t_reg, vpath & (rank >= 2)),
        (A.REGISTER, S.REPORTED, S.REGISTERED, t_reg, ~vpath & (rank >= 2)),
        (A.VOID, S.REGISTERED, S.VOID, t_file, void),
        (A.FILE, S.REGISTERED, S.FILED, t_file, main & (rank >= 3)),
        (A.DISPATCH, S.FILED, S.DISPATCHED, t_disp, main & (rank >= 4)),
        (A.REDISPATCH, S.DISPATCHED, S.DISPATCHED, w(0.1), redispatch),
        (A.HANDLE, S.DISPATCHED, S.HANDLED, w(0.3), rework),
        (A.SEND_CHECK, S.HANDLED, S.CHECKING, w(0.35), rework),
        (A.CHECK_FAIL, S.CHECKING, S.DISPATCHED, w(0.45), rework),
        (A.URGE, S.DISPATCHED, S.DISPATCHED, w(0.6), urge),
        (A.REQUEST_PARK, S.DISPATCHED, S.DISPATCHED, w(0.9), parked),
        (A.APPROVE_PARK, S.DISPATCHED, S.PARKED, he, parked),
        (A.HANDLE, S.DISPATCHED, S.HANDLED, t_fb, main & ~parked & (rank >= 5)),
        (A.SEND_CHECK, S.HANDLED, S.CHECKING, t_chk, main & ~parked & (rank >= 6)),
        (A.CHECK_PASS, S.CHECKING, S.CHECKED, t_chkd, main & ~parked & (rank >= 7)),
        (A.CALLBACK, S.CHECKED, S.CHECKED, t_chkd + 0.5 * (t_close - t_chkd),
         closed & hotline),
        (A.CLOSE, S.CHECKED, S.CLOSED, t_close, closed),
    ]
    k = len(slots)
    present = np.stack([p for *_, p in slots], axis=1)
    # Times: non-decreasing along the timeline, within [reported_at, closed_at or end]. The
    # history's closed_at is the (clipped) close or void time in whole seconds.
    times = np.stack([np.broadcast_to(t, (n,)) for _, _, _, t, _ in slots], axis=1)
    times = np.maximum.accumulate(np.floor(times), axis=1)
    closed_s = history.closed_at.astype("datetime64[s]").astype(np.int64).astype(np.float64)
    upper = np.where(np.isnat(history.closed_at), now, closed_s)
    times = np.clip(times, rep[:, None], np.maximum(upper, rep)[:, None])
    # A closed case's last event is its closing, at closed_at exactly.

    # -- actor pools from the roster ------------------------------------------------------
    by_role: dict[str, list[str]] = {}
    by_street: dict[tuple[str, str], list[str]] = {}
    by_dept: dict[str, list[str]] = {}
    for login, _name, role, dept, street in staff:
        by_role.setdefault(str(role), []).append(str(login))
        if street:
            by_street.setdefault((str(role), str(street)), []).append(str(login))
        if dept and role == Role.DEPARTMENT.value:
            by_dept.setdefault(str(dept), []).append(str(login))
    centre = {r: np.array(by_role.get(r.value) or [""], dtype=object)
              for r in (Role.OPERATOR, Role.SHIFT_LEADER, Role.DISPATCHER,
                        Role.VIDEO_SUPERVISOR)}
    u_street, st_inv = np.unique(case_streets.astype(str), return_inverse=True)
    fs_tab, fs_n = _pools(u_street, {s: by_street.get((Role.FIELD_SUPERVISOR.value, s), [])
                                     for s in u_street.tolist()},
                          by_role.get(Role.FIELD_SUPERVISOR.value) or [""])
    gw_tab, gw_n = _pools(u_street, {s: by_street.get((Role.GRID_WORKER.value, s), [])
                                     for s in u_street.tolist()},
                          by_role.get(Role.FIELD_SUPERVISOR.value) or [""])
    gw_is_fs = np.array([not by_street.get((Role.GRID_WORKER.value, s))
                         for s in u_street.tolist()] or [False])
    dept = history.dept_code.astype(str)
    u_dept, d_inv = np.unique(dept, return_inverse=True)
    d_tab, d_n = _pools(u_dept, by_dept, [""])
    staffed = sorted(set(departments) & set(by_dept))

    def centre_pick(role: Role, idx: np.ndarray) -> np.ndarray:
        pool = centre[role]
        return pool[rng.integers(0, len(pool), len(idx))]

    def on_site(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        g = st_inv[idx]
        use_gw = (rng.random(len(idx)) < 0.15) & ~gw_is_fs[g]
        login = np.where(use_gw, _pick(gw_tab, gw_n, g, rng), _pick(fs_tab, fs_n, g, rng))
        role = np.where(use_gw, Role.GRID_WORKER.value, Role.FIELD_SUPERVISOR.value)
        return login, role.astype(object)

    def dept_staff(idx: np.ndarray) -> np.ndarray:
        return _pick(d_tab, d_n, d_inv[idx], rng)

    # A misdispatch first went to another (staffed) department.
    wrong = np.empty(n, dtype=object)
    ri = np.flatnonzero(redispatch)
    if len(ri) and len(staffed) > 1:
        # Draw from all but the last department; where that hits the right one, take the
        # last instead (it cannot be the right one then).
        choice = np.array(staffed, dtype=object)[rng.integers(0, len(staffed) - 1, len(ri))]
        choice[choice == dept[ri].astype(object)] = staffed[-1]
        wrong[ri] = choice
    else:
        redispatch[:] = False
        present[:, 7] = False

    def reasons(options: tuple[str, ...], idx: np.ndarray) -> np.ndarray:
        return np.array(options, dtype=object)[rng.integers(0, len(options), len(idx))]

    def dumps(pairs: list[tuple[str, np.ndarray | object]], m: int) -> np.ndarray:
        """JSON objects of string/number/bool values as apply() writes them, vectorised."""
        out = np.full(m, "{", dtype=object)
        for i, (key, val) in enumerate(pairs):
            sep = ", " if i else ""
            if isinstance(val, np.ndarray):  # of strings
                text = '"' + val.astype(object) + '"'
            elif isinstance(val, str):
                text = '"' + val + '"'
            else:
                text = "true" if val is True else "false" if val is False else str(val)
            out = out + f'{sep}"{key}": ' + text
        return out + "}"

    role_names = [r.value for r in Role]
    role_code = {r: i for i, r in enumerate(role_names)}
    keys: list[np.ndarray] = []
    times_out: list[np.ndarray] = []
    logins: list[np.ndarray] = []
    roles: list[np.ndarray] = []
    extras: list[tuple[int, int, np.ndarray | str | None, np.ndarray | str | None]] = []
    offset = 0
    for s_i, (action, _frm, _to, _t, _p) in enumerate(slots):
        idx = np.flatnonzero(present[:, s_i])
        m = len(idx)
        if not m:
            continue
        note: np.ndarray | str | None = None
        details: np.ndarray | str | None = None
        role: np.ndarray | str
        if action is A.REPORT:
            src = source[idx]
            login = centre_pick(Role.OPERATOR, idx).astype(object)
            role = np.full(m, Role.OPERATOR.value, dtype=object)
            sel = src == CaseSource.VIDEO.value
            login[sel] = centre_pick(Role.VIDEO_SUPERVISOR, idx[sel])
            role[sel] = Role.VIDEO_SUPERVISOR.value
            sel = src == CaseSource.FIELD_SUPERVISOR.value
            login[sel] = _pick(fs_tab, fs_n, st_inv[idx[sel]], rng)
            role[sel] = Role.FIELD_SUPERVISOR.value
            sel = (src == CaseSource.GRID_WORKER.value) & ~gw_is_fs[st_inv[idx]]
            login[sel] = _pick(gw_tab, gw_n, st_inv[idx[sel]], rng)
            role[sel] = Role.GRID_WORKER.value
            sel = (src == CaseSource.GRID_WORKER.value) & gw_is_fs[st_inv[idx]]
            login[sel] = _pick(fs_tab, fs_n, st_inv[idx[sel]], rng)
            role[sel] = Role.FIELD_SUPERVISOR.value
            note = history.description[idx].astype(object)
            details = dumps([("grid_id", grid_ids[idx].astype(object))], m)
        elif action in (A.SEND_VERIFY, A.REGISTER, A.SEND_CHECK, A.CALLBACK):
            login, role = centre_pick(Role.OPERATOR, idx), Role.OPERATOR.value
            if action is A.CALLBACK:
                details = '{"satisfied": true}'
        elif action in (A.VERIFY, A.CHECK_PASS, A.CHECK_FAIL):
            login, role = on_site(idx)
            if action is A.CHECK_FAIL:
                note = _CHECK_FAIL_NOTE
                details = dumps([("rework", 1), ("dept_code", dept[idx].astype(object))], m)
        elif action in (A.VOID, A.FILE, A.CLOSE):
            login, role = centre_pick(Role.SHIFT_LEADER, idx), Role.SHIFT_LEADER.value
            if action is A.VOID:
                details = dumps([("reason", reasons(_VOID_REASONS, idx))], m)
        elif action in (A.DISPATCH, A.REDISPATCH, A.APPROVE_PARK):
            login, role = centre_pick(Role.DISPATCHER, idx), Role.DISPATCHER.value
            if action is A.DISPATCH:
                first = np.where(redispatch[idx], wrong[idx], dept[idx].astype(object))
                details = dumps([("dept_code", first)], m)
            elif action is A.REDISPATCH:
                details = dumps([("from_dept", wrong[idx]),
                                 ("dept_code", dept[idx].astype(object))], m)
        elif action is A.URGE:
            pick_dp = rng.random(m) < 0.5
            login = np.where(pick_dp, centre_pick(Role.DISPATCHER, idx),
                             centre_pick(Role.SHIFT_LEADER, idx))
            role = np.where(pick_dp, Role.DISPATCHER.value, Role.SHIFT_LEADER.value)
            details = dumps([("reason", reasons(_URGE_REASONS, idx)), ("urged_by", login),
                             ("urged_dept", dept[idx].astype(object)), ("urge_count", 1)], m)
        elif action in (A.HANDLE, A.REQUEST_PARK):
            login, role = dept_staff(idx), Role.DEPARTMENT.value
            if action is A.REQUEST_PARK:
                details = dumps([("reason", reasons(_PARK_REASONS, idx))], m)
        else:  # pragma: no cover - every slot is handled above
            raise AssertionError(action)
        keys.append(idx * k + s_i)
        times_out.append(times[idx, s_i])
        logins.append(np.asarray(login, dtype=object))
        if isinstance(role, str):
            roles.append(np.full(m, role_code[role], dtype=np.int8))
        else:
            roles.append(np.array([role_code[r] for r in role.tolist()], dtype=np.int8))
        if note is not None or details is not None:
            extras.append((offset, m, note, details))
        offset += m

    key = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
    order = np.argsort(key, kind="stable")
    where = np.empty(len(key), dtype=np.int64)
    where[order] = np.arange(len(key))  # final position of each concatenated event
    slot_i = key[order] % k
    case_index = (key[order] // k).astype(np.int64)
    count = np.bincount(case_index, minlength=n)
    first = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    seq = np.arange(len(case_index), dtype=np.int64) - first[case_index] + 1
    slot_action = np.array([a.value for a, *_ in slots], dtype=object)
    slot_from = np.array([f.value for _, f, *_ in slots], dtype=object)
    slot_to = np.array([t.value for _, _, t, *_ in slots], dtype=object)
    notes = np.full(len(key), "", dtype=object)
    detail_text = np.full(len(key), "{}", dtype=object)
    for off, m, note, details in extras:
        pos = where[off:off + m]
        if note is not None:
            notes[pos] = note
        if details is not None:
            detail_text[pos] = details
    at = (np.concatenate(times_out)[order].astype(np.int64).astype("datetime64[s]")
          if keys else np.zeros(0, dtype="datetime64[s]"))
    login_out = np.concatenate(logins)[order] if keys else np.zeros(0, dtype=object)
    role_out = (np.array(role_names, dtype=object)[np.concatenate(roles)[order]]
                if keys else np.zeros(0, dtype=object))

    # -- the flow each case is left in ---------------------------------------------------
    slot_of = {S.REPORTED: 0, S.VERIFYING: 1, S.FILED: 5, S.HANDLED: 14, S.CHECKING: 14,
               S.CHECKED: 16}
    start_slot = np.full(n, -1, dtype=np.int64)
    for st, sl in slot_of.items():
        start_slot[state == st.value] = sl
    start_slot[state == S.REGISTERED.value] = np.where(vpath, 2, 3)[state == S.REGISTERED.value]
    in_disp = np.isin(state, [S.DISPATCHED.value, S.PARKED.value])
    start_slot[in_disp] = np.where(redispatch, 7, 6)[in_disp]
    has = start_slot >= 0
    started = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    started[has] = times[np.flatnonzero(has), start_slot[has]].astype(np.int64).astype(
        "datetime64[s]")
    parked_since = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    parked_since[parked] = times[parked, 13].astype(np.int64).astype("datetime64[s]")
    satisfied = np.where(closed & hotline, True, None).astype(object)

    return CaseEvents(
        case_index=case_index, seq=seq, at=at, actor_login=login_out, role=role_out,
        action=slot_action[slot_i], from_state=slot_from[slot_i], to_state=slot_to[slot_i],
        note=notes, details=detail_text, version=count, step_started_at=started, parked_since=parked_since,
        rework_count=rework.astype(np.int64), misdispatch_count=redispatch.astype(np.int64),
        urge_count=urge.astype(np.int64), satisfied=satisfied,
    )
