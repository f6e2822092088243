"""The deterministic demo case history."""

from __future__ import annotations

from collections import Counter
from dataclasses import fields
from datetime import datetime

import numpy as np
import pytest

from app.domain.case import CaseLevel, CaseSource, CaseState, Urgency, format_case_number
from app.domain.catalogue import load_catalogue
from app.domain.departments import Dispatch, load_departments, load_type_owners
from app.domain.org import DepartmentKind
from app.services.demo_cases import CaseHistory, generate_case_history

END = datetime(2026, 11, 23, 15, 0)
SIDE = 200.0  # grid cell size in metres


def _inputs(n_side: int = 12, n_parts: int = 5000, seed: int = 3) -> dict:
    """A square district of n_side² grids over five real streets, parts near centroids."""
    rng = np.random.default_rng(seed)
    ii, jj = np.meshgrid(np.arange(n_side), np.arange(n_side))
    gx = 500_000.0 + (ii.ravel() + 0.5) * SIDE
    gy = 4_400_000.0 + (jj.ravel() + 0.5) * SIDE
    streets = np.array(["110108001", "110108011", "110108017", "110108026", "110108099"])
    gs = streets[(ii.ravel() * 5) // n_side]  # 110108099 has no department: fallback path
    cat = load_catalogue()
    codes = np.array([e.code for e in cat.parts()])
    pg = rng.integers(0, len(gx), n_parts)
    return dict(
        grid_x=gx, grid_y=gy, grid_radius=np.full(len(gx), SIDE / 2),
        grid_street_codes=gs,
        part_x=gx[pg] + rng.uniform(-80, 80, n_parts),
        part_y=gy[pg] + rng.uniform(-80, 80, n_parts),
        part_type_codes=codes[rng.integers(0, len(codes), n_parts)],
        part_grid_index=pg, catalogue=cat, departments=load_departments(),
        type_owners=load_type_owners(), end=END,
    )


@pytest.fixture(scope="module")
def inputs() -> dict:
    return _inputs()


@pytest.fixture(scope="module")
def history(inputs: dict) -> CaseHistory:
    return generate_case_history(**inputs, days=30, per_day=3000)


def test_columns_have_equal_length_and_types(history: CaseHistory) -> None:
    n = len(history)
    assert 80_000 < n < 100_000
    for f in fields(history):
        assert len(getattr(history, f.name)) == n, f.name
    assert history.x.dtype == np.float64 and history.grid_index.dtype == np.int32
    assert history.part_index.dtype == np.int64
    assert history.reported_at.dtype == np.dtype("datetime64[s]")
    assert history.deadline.dtype == np.dtype("datetime64[s]")
    assert history.closed_at.dtype == np.dtype("datetime64[s]")


def test_deterministic(inputs: dict, history: CaseHistory) -> None:
    again = generate_case_history(**inputs, days=30, per_day=3000)
    for f in fields(history):
        a, b = getattr(history, f.name), getattr(again, f.name)
        assert np.array_equal(a, b, equal_nan=a.dtype.kind in "fmM"), f.name
    other = generate_case_history(**inputs, days=30, per_day=3000, seed=1)
    assert not np.array_equal(other.type_code[:1000], history.type_code[:1000])


def test_numbers_are_unique_and_formatted(history: CaseHistory) -> None:
    assert len(set(history.number.tolist())) == len(history)
    first = history.reported_at[0].astype(datetime)
    assert history.number[0] == format_case_number(first, 1)
    days = history.number.astype("<U8")
    assert np.all(days == np.char.replace(
        np.datetime_as_string(history.reported_at, unit="D"), "-", ""))
    assert np.all(np.diff(history.reported_at.astype(np.int64)) >= 0)
    assert history.reported_at.max() < np.datetime64(END)
    assert history.reported_at.min() >= np.datetime64(END) - np.timedelta64(30, "D")


def test_every_state_occurs_and_old_cases_are_closed(history: CaseHistory) -> None:
    counts = Counter(history.state.tolist())
    assert set(counts) == {s.value for s in CaseState}
    assert counts[CaseState.DRAFT.value] < 50
    old = history.reported_at < np.datetime64(END) - np.timedelta64(3, "D")
    s_old = history.state[old]
    closed = np.mean(s_old == CaseState.CLOSED.value)
    void = np.mean(s_old == CaseState.VOID.value)
    parked = np.mean(s_old == CaseState.PARKED.value)
    assert closed > 0.93 and 0.005 < void < 0.06 and 0 < parked < 0.03
    recent = ~old
    assert len(set(history.state[recent].tolist())) >= 10


def test_time_invariants(history: CaseHistory) -> None:
    s = history.state
    closed = np.isin(s, [CaseState.CLOSED.value, CaseState.VOID.value])
    assert not np.isnat(history.closed_at[closed]).any()
    assert np.isnat(history.closed_at[~closed]).all()
    assert np.all(history.closed_at[closed] >= history.reported_at[closed])
    assert np.all(history.closed_at[closed] <= np.datetime64(END))
    dispatched = np.isin(s, [CaseState.DISPATCHED.value, CaseState.HANDLED.value,
                             CaseState.CHECKING.value, CaseState.CHECKED.value,
                             CaseState.PARKED.value, CaseState.CLOSED.value])
    assert not np.isnat(history.deadline[dispatched]).any()
    assert np.isnat(history.deadline[~dispatched]).all()
    assert np.all(history.deadline[dispatched] > history.reported_at[dispatched])
    assert np.all(history.dept_code[dispatched] != "")
    assert np.all(history.dept_code[~dispatched] == "")
    # Handling takes a plausible time: median a few hours, most within a week.
    h = (history.closed_at[s == "closed"] - history.reported_at[s == "closed"]).astype(float)
    assert 1 * 3600 < np.median(h) < 48 * 3600
    assert np.mean(h < 7 * 86400) > 0.95


def test_types_exist_in_catalogue(inputs: dict, history: CaseHistory) -> None:
    cat = inputs["catalogue"]
    for kind, code in set(zip(history.kind.tolist(), history.type_code.tolist(), strict=True)):
        assert cat.find(kind, code) is not None, (kind, code)
    part = history.kind == "part"
    assert 0.25 < part.mean() < 0.35
    assert np.all(history.part_index[~part] == -1)
    assert np.all(np.char.str_len(history.type_code) == 5)
    assert all(c[:2] >= "06" for c in history.type_code[~part].tolist())


def test_part_cases_are_at_their_part(inputs: dict, history: CaseHistory) -> None:
    part = history.kind == "part"
    pi = history.part_index[part]
    assert pi.min() >= 0
    assert np.array_equal(history.x[part], inputs["part_x"][pi])
    assert np.array_equal(history.y[part], inputs["part_y"][pi])
    assert np.array_equal(history.grid_index[part], inputs["part_grid_index"][pi])
    assert np.array_equal(history.type_code[part], inputs["part_type_codes"][pi])
    # Manhole covers, lamps and bins are reported more often than their share.
    pt = inputs["part_type_codes"]
    for code in ("01001", "01037", "03005"):
        assert np.mean(history.type_code[part] == code) > 1.5 * np.mean(pt == code)


def test_matter_cases_lie_in_their_grid(inputs: dict, history: CaseHistory) -> None:
    m = history.kind == "matter"
    g = history.grid_index[m]
    d = np.hypot(history.x[m] - inputs["grid_x"][g], history.y[m] - inputs["grid_y"][g])
    assert np.all(d <= inputs["grid_radius"][g])
    assert g.min() >= 0 and g.max() < len(inputs["grid_x"])


def test_grid_polygons_keep_points_inside(inputs: dict) -> None:
    import shapely

    # Polygons narrower than the radius force redraws; the fallback must still be inside.
    q = SIDE / 5
    polys = shapely.box(inputs["grid_x"] - q, inputs["grid_y"] - q,
                        inputs["grid_x"] + q, inputs["grid_y"] + q)
    h = generate_case_history(**inputs, days=3, per_day=2000, grid_polys=polys)
    m = h.kind == "matter"
    assert shapely.contains_xy(polys[h.grid_index[m]], h.x[m], h.y[m]).all()
    plain = generate_case_history(**inputs, days=3, per_day=2000)
    assert np.array_equal(plain.type_code, h.type_code)  # geometry only moves points
    assert np.array_equal(plain.state, h.state)


def test_category_mix_and_sources(history: CaseHistory) -> None:
    m = history.kind == "matter"
    top = [c for c, _ in Counter(history.type_code[m].tolist()).most_common(8)]
    assert {"09006", "06010", "07001"} <= set(top)
    src = Counter(history.source.tolist())
    n = len(history)
    assert 0.55 < src[CaseSource.FIELD_SUPERVISOR.value] / n < 0.65
    assert 0.12 < src[CaseSource.VIDEO.value] / n < 0.18
    assert 0.12 < src[CaseSource.HOTLINE.value] / n < 0.18
    assert 0 < src[CaseSource.LEADER.value] / n < 0.01
    assert set(history.urgency.tolist()) == {u.value for u in Urgency}
    assert set(history.level.tolist()) == {lv.value for lv in CaseLevel}


def test_rhythm(history: CaseHistory) -> None:
    hours = (history.reported_at - history.reported_at.astype("datetime64[D]")).astype(
        np.int64) // 3600
    per_hour = np.bincount(hours, minlength=24)
    assert per_hour[10] > 8 * per_hour[3] and per_hour[15] > 8 * per_hour[3]
    assert per_hour[10] > 1.5 * per_hour[12]  # lunch dip
    day = history.reported_at.astype("datetime64[D]")
    full = (day > day.min()) & (day < day.max())
    u, c = np.unique(day[full], return_counts=True)
    weekday = (u.astype(np.int64) + 3) % 7
    assert c[weekday == 6].mean() < 0.85 * c[weekday < 5].mean()  # Sundays are quiet
    assert 2500 < c.mean() < 3300 and c.std() > 100  # Poisson-like variation


def test_hotspots(history: CaseHistory) -> None:
    m = history.kind == "matter"
    pairs = Counter(zip(history.grid_index[m].tolist(), history.type_code[m].tolist(),
                        strict=True))
    counts = np.array(sorted(pairs.values(), reverse=True))
    # A handful of grid/type pairs recur far more often than the typical pair.
    assert counts[4] > 10 * np.median(counts)


def test_dispatch_rules(inputs: dict, history: CaseHistory) -> None:
    owners = inputs["type_owners"]
    streets = {d.code: d.street_code for d in inputs["departments"]
               if d.kind is DepartmentKind.STREET}
    has_dept = history.dept_code != ""
    part = (history.kind == "part") & has_dept
    comp = np.array([owners[c].competent_code for c in history.type_code[part].tolist()])
    assert np.array_equal(history.dept_code[part], comp)  # 先属主
    gs = inputs["grid_street_codes"]
    m = (history.kind == "matter") & has_dept & (gs[history.grid_index] != "110108099")
    terr = np.array([owners[c].dispatch is Dispatch.TERRITORIAL
                     for c in history.type_code[m].tolist()])
    to_street = np.array([streets.get(c) for c in history.dept_code[m].tolist()])
    own_street = gs[history.grid_index[m]]
    assert np.mean(to_street[terr] == own_street[terr]) > 0.9  # 先属地
    assert not np.any(to_street[~terr] != None)  # noqa: E711 professional matters
    assert np.mean(terr) > 0.5
    # Grids of a street without a department fall back to the competent department.
    nod = (history.kind == "matter") & has_dept & (gs[history.grid_index] == "110108099")
    assert nod.any() and not any(c in streets for c in history.dept_code[nod].tolist())


def test_descriptions(history: CaseHistory) -> None:
    assert np.all(np.char.str_len(history.description) > 4)
    cat = load_catalogue()
    for i in range(0, len(history), 997):
        name = cat.get(history.kind[i], history.type_code[i]).name
        assert name in history.description[i]


def test_full_size_volume_and_progress() -> None:
    # Speed is measured in benchmarks/, not here; this checks a full 90-day volume.
    inputs = _inputs(n_side=60, n_parts=400_000)
    calls: list[float] = []
    h = generate_case_history(**inputs, progress=lambda f, msg: calls.append(f))
    assert 250_000 < len(h) < 290_000
    assert calls[0] == 0.0 and calls[-1] == 1.0 and len(calls) >= 3
    assert set(h.state.tolist()) == {s.value for s in CaseState}


def test_quiet_hour_still_has_every_state() -> None:
    inputs = _inputs(n_side=6, n_parts=500)
    inputs["end"] = datetime(2026, 11, 23, 4, 0)
    h = generate_case_history(**inputs, days=10, per_day=500)
    assert set(h.state.tolist()) == {s.value for s in CaseState}


def test_no_parts_means_only_matters() -> None:
    inputs = _inputs(n_side=4, n_parts=0)
    h = generate_case_history(**inputs, days=2, per_day=200)
    assert len(h) > 0 and set(h.kind.tolist()) == {"matter"}
