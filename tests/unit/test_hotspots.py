"""Hotspot analytics (app.analytics.hotspots) against PySAL called directly and by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

import esda
import numpy as np
import pytest
import shapely
from libpysal.weights import lat2W

from app.analytics import hotspots as hs

SIDE = 10  # a SIDE × SIDE lattice of 100 m squares


def _lattice(side: int = SIDE) -> tuple[np.ndarray, list[str]]:
    """Squares in row-major order, the order of ``libpysal.weights.lat2W``."""
    boxes = [shapely.box(c * 100.0, r * 100.0, (c + 1) * 100.0, (r + 1) * 100.0)
             for r in range(side) for c in range(side)]
    return np.array(boxes, dtype=object), [f"g{i:03d}" for i in range(side * side)]


def _values(seed: int = 7) -> np.ndarray:
    """Poisson counts with a hot block in one corner and a cold one in the other."""
    rng = np.random.default_rng(seed)
    y = rng.poisson(10, SIDE * SIDE).astype(float)
    grid = y.reshape(SIDE, SIDE)
    grid[:3, :3] += 25
    grid[-3:, -3:] = rng.poisson(1, (3, 3))
    return grid.ravel()


@pytest.fixture(scope="module")
def weights() -> hs.GridWeights:
    boxes, ids = _lattice()
    return hs.contiguity_weights(boxes, ids)


# --- weights ------------------------------------------------------------------------------


def test_queen_weights_match_libpysal_lattice(weights: hs.GridWeights) -> None:
    ref = lat2W(SIDE, SIDE, rook=False)
    ours = weights.w.sparse.toarray() > 0
    assert (ours == (ref.sparse.toarray() > 0)).all()
    assert weights.w.id_order == list(weights.ids)
    # Gi*'s matrix: the same plus the diagonal.
    star = weights.w_star.sparse.toarray()
    assert (np.diag(star) == 1).all()
    assert ((star - np.eye(SIDE * SIDE)) > 0).sum() == ours.sum()


def test_islands_are_reported() -> None:
    boxes, ids = _lattice(3)
    far = shapely.box(10_000, 10_000, 10_100, 10_100)
    gw = hs.contiguity_weights(np.append(boxes, far), [*ids, "island"])
    assert gw.islands == ("island",)


# --- Gi* ---------------------------------------------------------------------------------


def test_gi_star_equals_esda_on_the_same_data(weights: hs.GridWeights) -> None:
    y = _values()
    ours = hs.gi_star(y, weights)
    ref = esda.G_Local(y, lat2W(SIDE, SIDE, rook=False), transform="B", star=True,
                       permutations=0)
    np.testing.assert_allclose(ours.z, ref.Zs, rtol=1e-12)
    np.testing.assert_allclose(ours.p, 2 * ref.p_norm, rtol=1e-12)  # two-sided
    # The hot corner is hot at 99 %, the cold corner cold.
    assert ours.classes[0] == hs.HotspotClass.HOT_99
    assert ours.classes[-1] < 0
    # Repeated calls reuse the weights and give the same answer.
    np.testing.assert_array_equal(hs.gi_star(y, weights).z, ours.z)


@pytest.mark.filterwarnings("ignore:The alternative hypothesis:DeprecationWarning")
def test_gi_star_permutation_p_equals_esda(weights: hs.GridWeights) -> None:
    y = _values(3)
    ours = hs.gi_star(y, weights, permutations=199, seed=42)
    ref = esda.G_Local(y, lat2W(SIDE, SIDE, rook=False), transform="B", star=True,
                       permutations=199, seed=42, n_jobs=1)
    np.testing.assert_allclose(ours.z, ref.Zs, rtol=1e-12)
    np.testing.assert_allclose(ours.p, np.minimum(1, 2 * ref.p_sim), rtol=1e-12)


def test_hotspot_classes_follow_z_and_p() -> None:
    z = np.array([3.0, 2.0, 1.7, 0.5, -1.7, -2.0, -3.0, np.nan])
    p = np.array([0.003, 0.045, 0.09, 0.6, 0.09, 0.045, 0.003, np.nan])
    assert hs.classify_hotspots(z, p).tolist() == [3, 2, 1, 0, -1, -2, -3, 0]
    assert hs.HotspotClass(3).label_zh.startswith("热点")


def test_gi_star_without_cases_is_all_not_significant(weights: hs.GridWeights) -> None:
    r = hs.gi_star(np.zeros(SIDE * SIDE), weights)
    assert (r.classes == 0).all()
    assert (r.p == 1).all()


def test_gi_star_rejects_misaligned_values(weights: hs.GridWeights) -> None:
    with pytest.raises(ValueError, match="values for"):
        hs.gi_star(np.ones(5), weights)


# --- local Moran ---------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:The alternative hypothesis:DeprecationWarning")
def test_local_moran_equals_esda_on_the_same_data(weights: hs.GridWeights) -> None:
    y = _values()
    ours = hs.local_moran(y, weights, permutations=199, seed=11, alpha=0.05)
    ref = esda.Moran_Local(y, lat2W(SIDE, SIDE, rook=False), transformation="r",
                           permutations=199, seed=11, n_jobs=1)
    np.testing.assert_allclose(ours.i, ref.Is, rtol=1e-12)
    np.testing.assert_allclose(ours.p, ref.p_sim, rtol=1e-12)
    np.testing.assert_allclose(ours.z, ref.z_sim, rtol=1e-12)
    np.testing.assert_array_equal(ours.quadrant, ref.q)
    expected = np.where(ref.p_sim <= 0.05, ref.q, 0)
    np.testing.assert_array_equal(ours.classes, expected)
    assert ours.classes[0] == hs.MoranClass.HIGH_HIGH


# --- counts and rates ----------------------------------------------------------------------


def test_counts_and_rates_by_hand() -> None:
    universe = ["a", "b", "c", "d"]
    keys = ["b", "a", "b", "x", "b", "d"]  # "x" is not a grid any more: ignored
    counts = hs.count_by_key(keys, universe)
    assert counts.tolist() == [1, 3, 0, 1]
    # The grouped form: keys of a GROUP BY with their counts.
    assert hs.count_by_key(["d", "b"], universe, weights=[4, 2]).tolist() == [0, 2, 0, 4]
    ac = hs.area_counts(universe, counts, np.array([0.5, 2.0, 1.0, 0.0]),
                        np.array([2000, 0, 500, 100]))
    np.testing.assert_allclose(ac.per_km2, [2.0, 1.5, 0.0, np.nan])
    np.testing.assert_allclose(ac.per_1000_residents, [0.5, np.nan, 0.0, 10.0])
    assert ac.total == 5
    # Roll-up: grids a, b in community C1; c, d in C2.
    rolled = hs.roll_up(counts, ["C1", "C1", "C2", "C2"], ["C1", "C2", "C3"])
    assert rolled.tolist() == [4, 1, 0]


def test_window_sums_for_a_slider() -> None:
    daily = np.array([[1, 0], [2, 1], [0, 5], [4, 0]])
    out = hs.window_sums(daily, 2)
    assert out.tolist() == [[1, 0], [3, 1], [2, 6], [4, 5]]


# --- kernel density ------------------------------------------------------------------------


def test_kde_conserves_mass_and_peaks_at_the_cluster() -> None:
    rng = np.random.default_rng(1)
    cx, cy = 441_000.0, 4_428_000.0
    x = np.concatenate([rng.normal(cx, 80, 40_000), rng.uniform(cx - 5000, cx + 5000, 10_000)])
    y = np.concatenate([rng.normal(cy, 80, 40_000), rng.uniform(cy - 5000, cy + 5000, 10_000)])
    r = hs.kernel_density(x, y, bandwidth=200.0, cell=50.0)
    assert r.n_points == 50_000
    assert r.total == pytest.approx(50_000, rel=1e-9)
    px, py, peak = r.peak()
    assert abs(px - cx) <= 50
    assert abs(py - cy) <= 50
    assert peak > 100 * np.median(r.density)
    ny, nx = r.density.shape
    assert r.extent[2] == pytest.approx(r.extent[0] + nx * r.cell)
    assert r.extent[3] == pytest.approx(r.extent[1] + ny * r.cell)
    # Weighted points carry their weights.
    w = hs.kernel_density(x[:100], y[:100], bandwidth=200.0, weights=np.full(100, 2.5))
    assert w.total == pytest.approx(250.0)


def test_kde_single_point_is_a_gaussian() -> None:
    r = hs.kernel_density(np.array([1000.0]), np.array([2000.0]), bandwidth=300.0, cell=10.0)
    px, py, peak = r.peak()
    assert abs(px - 1000) <= 10
    assert abs(py - 2000) <= 10
    # Peak of a 2-D Gaussian with σ = 300 m: 1 / (2π σ²) per m², ×1e6 per km².
    assert peak == pytest.approx(1e6 / (2 * np.pi * 300.0**2), rel=0.02)


def test_kde_with_extent_drops_points_outside() -> None:
    r = hs.kernel_density(np.array([50.0, 5000.0]), np.array([50.0, 5000.0]),
                          bandwidth=10.0, cell=5.0, extent=(0, 0, 100, 100))
    assert r.n_points == 1
    assert r.total == pytest.approx(1.0, rel=1e-6)


# --- recurring problems --------------------------------------------------------------------

T0 = datetime(2026, 6, 1, 8)


def _times(days: list[float]) -> np.ndarray:
    return np.array([T0 + timedelta(days=d) for d in days], dtype="datetime64[s]")


def test_recurring_same_grid() -> None:
    # 0-2: type A in G1 within 10 days → recurrence; 3: A in G1 40 days later (alone);
    # 4-5: type B in G1 (only 2); 6-8: type A in G2 but spread over 60 days.
    types = ["A", "A", "A", "A", "B", "B", "A", "A", "A"]
    grids = ["G1", "G1", "G1", "G1", "G1", "G1", "G2", "G2", "G2"]
    days = [0, 4, 10, 50, 1, 2, 0, 31, 62]
    rec = hs.find_recurring(types, _times(days), grid_ids=grids, min_count=3,
                            within_days=30)
    assert len(rec) == 1
    r = rec[0]
    assert (r.type_code, r.grid_id, r.count) == ("A", "G1", 3)
    assert r.members.tolist() == [0, 1, 2]
    assert r.first == np.datetime64(T0, "s")
    assert r.last == np.datetime64(T0 + timedelta(days=10), "s")


def test_recurring_overlapping_windows_merge() -> None:
    # Every 10 days for 60 days: every 3 consecutive fall in 30 days: one recurrence.
    days = [0, 10, 20, 30, 40, 50, 60]
    rec = hs.find_recurring(["A"] * 7, _times(days), grid_ids=["G"] * 7, min_count=3,
                            within_days=25)
    assert [r.count for r in rec] == [7]


def test_recurring_within_radius_crosses_grids() -> None:
    # Three cases 20 m apart in three different grids; a fourth 500 m away.
    x = np.array([0.0, 20.0, 0.0, 500.0])
    y = np.array([0.0, 0.0, 20.0, 0.0])
    grids = ["G1", "G2", "G3", "G1"]
    t = _times([0, 3, 6, 7])
    by_grid = hs.find_recurring(["A"] * 4, t, grid_ids=grids, min_count=3, within_days=30)
    assert by_grid == []
    rec = hs.find_recurring(["A"] * 4, t, grid_ids=grids, x=x, y=y, min_count=3,
                            within_days=30, radius_m=30.0)
    assert len(rec) == 1
    assert rec[0].members.tolist() == [0, 1, 2]
    assert rec[0].x == pytest.approx(20 / 3)
    assert rec[0].y == pytest.approx(20 / 3)
    # Another type at the same spots never mixes in.
    rec2 = hs.find_recurring(["A", "B", "A", "A"], t, x=x, y=y, min_count=3,
                             within_days=30, radius_m=30.0)
    assert rec2 == []


def _brute_force_grid(types: np.ndarray, grids: np.ndarray, t: np.ndarray, window: int,
                      n: int) -> set[int]:
    """Cases in any anchored window, by the definition, in plain Python."""
    members: set[int] = set()
    for i in range(len(t)):
        same = [j for j in range(len(t)) if types[j] == types[i] and grids[j] == grids[i]
                and (t[j] > t[i] or (t[j] == t[i] and j >= i)) and t[j] - t[i] <= window]
        if len(same) >= n:
            members.update(same)
    return members


def test_recurring_matches_brute_force_on_random_cases() -> None:
    rng = np.random.default_rng(5)
    m = 600
    types = rng.choice(["A", "B", "C"], m)
    grids = rng.choice([f"G{i}" for i in range(15)], m)
    secs = rng.integers(0, 120 * 86400, m)
    t = (np.datetime64(T0, "s") + secs.astype("timedelta64[s]"))
    rec = hs.find_recurring(types, t, grid_ids=grids, min_count=4, within_days=20)
    ours = {int(i) for r in rec for i in r.members}
    assert ours == _brute_force_grid(types, grids, secs, 20 * 86400, 4)
    for r in rec:
        assert len({types[i] for i in r.members}) == 1
        assert len({grids[i] for i in r.members}) == 1
        assert (np.diff(t[r.members]) >= np.timedelta64(0, "s")).all()
