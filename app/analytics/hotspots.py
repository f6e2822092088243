"""Hotspot analysis: counts and rates per area, kernel density, Getis-Ord Gi*, local Moran's I
and recurring problems.

Pure computation on numpy arrays: no SQL, no Qt. The statistics are PySAL's own
(``esda.G_Local``, ``esda.Moran_Local`` over ``libpysal`` Queen contiguity weights), not a
re-implementation; this module builds the weights once, keeps them in a ``GridWeights``
for reuse, and turns the z-scores and p-values into the classes a map colours.

Coordinates for KDE and the recurring-problem radius are display metres (EPSG:4548); the
contiguity weights only need topology, so they are built from the stored lon/lat polygons.
Heavy imports (scipy, esda, libpysal) are inside the functions that need them: the desktop
imports this module at start-up and should not pay for them then.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from libpysal.weights import W

# --- counts and rates ------------------------------------------------------------------


@dataclass(frozen=True)
class AreaCounts:
    """Case counts of a window per area (grid, community or street) with their rates."""

    ids: np.ndarray  # area codes (object array of str), in the order of the areas given
    counts: np.ndarray  # int64
    area_km2: np.ndarray  # float64
    residents: np.ndarray  # int64

    @property
    def per_km2(self) -> np.ndarray:
        """Cases per km²; NaN where an area has no surface recorded."""
        return _ratio(self.counts, self.area_km2)

    @property
    def per_1000_residents(self) -> np.ndarray:
        """Cases per 1,000 residents; NaN where nobody lives (parks, roads, water)."""
        return _ratio(self.counts * 1000.0, self.residents)

    @property
    def total(self) -> int:
        return int(self.counts.sum())


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def count_by_key(keys: Sequence[str] | np.ndarray, universe: Sequence[str] | np.ndarray,
                 weights: Sequence[float] | np.ndarray | None = None) -> np.ndarray:
    """How often each id of ``universe`` occurs in ``keys`` (or the sum of ``weights``).

    ``keys`` can be one entry per case, or the keys of a grouped query with its counts as
    ``weights``. Keys that are not in the universe (a grid deleted since) are ignored.
    """
    # Fixed-width unicode, not object: numpy sorts and compares it much faster.
    uni = np.asarray(universe).astype(str)
    k = np.asarray(keys).astype(str)
    out = np.zeros(len(uni), dtype=np.float64 if weights is not None and
                   np.asarray(weights).dtype.kind == "f" else np.int64)
    if len(uni) == 0 or len(k) == 0:
        return out
    order = np.argsort(uni)
    sorted_uni = uni[order]
    pos = np.searchsorted(sorted_uni, k)
    pos[pos == len(uni)] = 0
    hit = sorted_uni[pos] == k
    w = None if weights is None else np.asarray(weights)[hit]
    summed = np.bincount(pos[hit], weights=w, minlength=len(uni))
    out[order] = summed.astype(out.dtype)
    return out


def roll_up(child_values: np.ndarray, child_parent: Sequence[str] | np.ndarray,
            parents: Sequence[str] | np.ndarray) -> np.ndarray:
    """Sum per-child values (e.g. grid counts, areas, residents) into their parents."""
    return count_by_key(child_parent, parents, weights=np.asarray(child_values, np.float64))


def area_counts(ids: Sequence[str] | np.ndarray, counts: np.ndarray,
                area_km2: np.ndarray, residents: np.ndarray) -> AreaCounts:
    return AreaCounts(np.asarray(ids, dtype=object), np.asarray(counts).astype(np.int64),
                      np.asarray(area_km2, dtype=np.float64),
                      np.asarray(residents).astype(np.int64))


# --- kernel density ------------------------------------------------------------------------


@dataclass(frozen=True)
class DensityRaster:
    """Kernel density on a regular raster in display metres.

    ``density[row, col]`` is cases per km² in the cell whose lower-left corner is
    ``(minx + col * cell, miny + row * cell)``: row 0 is the southern edge (flip it for an
    image whose first row is the top).
    """

    density: np.ndarray  # (ny, nx) float64, cases per km²
    extent: tuple[float, float, float, float]  # minx, miny, maxx, maxy (cell edges)
    cell: float  # metres
    bandwidth: float  # metres (σ of the Gaussian kernel)
    n_points: int  # points that fell inside the extent

    @property
    def total(self) -> float:
        """Integral of the density: the number of cases the raster holds."""
        return float(self.density.sum() * self.cell * self.cell / 1e6)

    def peak(self) -> tuple[float, float, float]:
        """Centre (x, y) of the densest cell and its density."""
        row, col = np.unravel_index(int(np.argmax(self.density)), self.density.shape)
        return (self.extent[0] + (col + 0.5) * self.cell,
                self.extent[1] + (row + 0.5) * self.cell, float(self.density[row, col]))


def kernel_density(x: np.ndarray, y: np.ndarray, *, bandwidth: float = 300.0,
                   cell: float | None = None,
                   extent: tuple[float, float, float, float] | None = None,
                   weights: np.ndarray | None = None, truncate: float = 4.0,
                   max_cells: int = 4_000_000) -> DensityRaster:
    """Binned Gaussian kernel density: a 2-D histogram smoothed by ``gaussian_filter``.

    Binning then filtering costs O(points + cells), so a million cases take tens of
    milliseconds; the error against an exact KDE is below the cell size, which defaults
    to a third of the bandwidth.

    Parameters
    ----------
    x, y : metres (EPSG:4548).
    bandwidth : standard deviation of the Gaussian kernel, metres.
    cell : raster cell size, metres; default ``bandwidth / 3`` (grown if the raster would
        exceed ``max_cells``).
    extent : minx, miny, maxx, maxy. Default: the points' bounds padded by
        ``truncate * bandwidth``, so no kernel mass falls off the edge and
        ``DensityRaster.total`` equals the number (or weight) of points. With an explicit
        extent, points outside are dropped and mass near the edge is lost.
    """
    import scipy.ndimage as ndi

    if bandwidth <= 0:
        raise ValueError("bandwidth must be positive")
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if extent is None:
        if len(x) == 0:
            raise ValueError("no points and no extent: nothing to grid")
        pad = truncate * bandwidth
        extent = (float(x.min()) - pad, float(y.min()) - pad,
                  float(x.max()) + pad, float(y.max()) + pad)
    minx, miny, maxx, maxy = extent
    cell = float(cell or bandwidth / 3.0)
    span_x, span_y = maxx - minx, maxy - miny
    while np.ceil(span_x / cell) * np.ceil(span_y / cell) > max_cells:
        cell *= 1.25
    nx, ny = max(1, int(np.ceil(span_x / cell))), max(1, int(np.ceil(span_y / cell)))
    # Snap the extent to whole cells so that cell centres are exact.
    extent = (minx, miny, minx + nx * cell, miny + ny * cell)
    ix = np.floor((x - minx) / cell).astype(np.int64)
    iy = np.floor((y - miny) / cell).astype(np.int64)
    inside = (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny)
    w = None if weights is None else np.asarray(weights, np.float64)[inside]
    hist = np.bincount(iy[inside] * nx + ix[inside], weights=w,
                       minlength=nx * ny).astype(np.float64).reshape(ny, nx)
    smooth = ndi.gaussian_filter(hist, sigma=bandwidth / cell, mode="constant",
                                 truncate=truncate)
    return DensityRaster(smooth / (cell * cell / 1e6), extent, cell, float(bandwidth),
                         int(inside.sum()))


# --- spatial weights -------------------------------------------------------------------


@dataclass(frozen=True)
class GridWeights:
    """Queen contiguity of the unit grids, built once and reused for every window.

    ``w`` has no self-weights (local Moran's I); ``w_star`` is the same with a self-weight
    of 1 on the diagonal, which is what Gi* means: esda's ``G_Local(star=True)`` keeps a
    diagonal that is already there, while on binary weights without one it calls
    ``fill_diagonal`` on every call (~0.2 s for the district). Each is handed to one
    statistic only and already carries the transform that statistic sets in place ('B' for
    Gi*, 'r' for Moran), so esda's switch only recomputes the same weights (~10 ms).
    """

    ids: tuple[str, ...]
    w: W
    w_star: W
    islands: tuple[str, ...] = field(default=())

    @property
    def n(self) -> int:
        return len(self.ids)

    def index(self) -> dict[str, int]:
        return {g: i for i, g in enumerate(self.ids)}


def contiguity_weights(geoms: Sequence[Any] | np.ndarray,
                       ids: Sequence[str]) -> GridWeights:
    """Queen contiguity (shared edge or corner) between polygons, via libpysal.

    Topology only, so lon/lat polygons do. Grids with no neighbour (islands) are listed;
    they keep their self-weight in Gi* and get a zero spatial lag in Moran's I.
    """
    from libpysal.weights import Queen, fill_diagonal

    ids = [str(i) for i in ids]
    with warnings.catch_warnings():
        # "The weights matrix is not fully connected": reported through .islands instead.
        warnings.simplefilter("ignore", UserWarning)
        w = Queen.from_iterable(list(geoms), ids=ids)
        w_star = fill_diagonal(w, 1.0)
    w.transform = "r"
    w_star.transform = "B"
    return GridWeights(tuple(ids), w, w_star, tuple(str(i) for i in w.islands))


# --- Getis-Ord Gi* and local Moran's I ---------------------------------------------------


class HotspotClass(IntEnum):
    """Gi* class of an area: sign of z and the confidence at which it is significant."""

    COLD_99 = -3
    COLD_95 = -2
    COLD_90 = -1
    NOT_SIGNIFICANT = 0
    HOT_90 = 1
    HOT_95 = 2
    HOT_99 = 3

    @property
    def label_zh(self) -> str:
        return HOTSPOT_LABELS_ZH[self]


HOTSPOT_LABELS_ZH: dict[HotspotClass, str] = {
    HotspotClass.HOT_99: "热点（99% 置信）",
    HotspotClass.HOT_95: "热点（95% 置信）",
    HotspotClass.HOT_90: "热点（90% 置信）",
    HotspotClass.NOT_SIGNIFICANT: "不显著",
    HotspotClass.COLD_90: "冷点（90% 置信）",
    HotspotClass.COLD_95: "冷点（95% 置信）",
    HotspotClass.COLD_99: "冷点（99% 置信）",
}


class MoranClass(IntEnum):
    """Significant local Moran cluster (esda's quadrant numbers ``q``); 0 = not significant."""

    NOT_SIGNIFICANT = 0
    HIGH_HIGH = 1
    LOW_HIGH = 2
    LOW_LOW = 3
    HIGH_LOW = 4

    @property
    def label_zh(self) -> str:
        return MORAN_LABELS_ZH[self]


MORAN_LABELS_ZH: dict[MoranClass, str] = {
    MoranClass.NOT_SIGNIFICANT: "不显著",
    MoranClass.HIGH_HIGH: "高-高聚集",
    MoranClass.LOW_HIGH: "低-高异常",
    MoranClass.LOW_LOW: "低-低聚集",
    MoranClass.HIGH_LOW: "高-低异常",
}


@dataclass(frozen=True)
class GiStarResult:
    ids: tuple[str, ...]
    values: np.ndarray  # the analysed variable (counts or rates)
    z: np.ndarray  # standardised Gi*
    p: np.ndarray  # two-sided p-value
    classes: np.ndarray  # int8 HotspotClass values

    def count(self, cls: HotspotClass) -> int:
        return int((self.classes == cls).sum())


@dataclass(frozen=True)
class LocalMoranResult:
    ids: tuple[str, ...]
    values: np.ndarray
    i: np.ndarray  # local I
    z: np.ndarray  # z of I against its permutation distribution (NaN without permutations)
    p: np.ndarray  # pseudo p-value of the permutation test (folded, as in PySAL / GeoDa)
    quadrant: np.ndarray  # esda q: 1 HH, 2 LH, 3 LL, 4 HL
    classes: np.ndarray  # int8 MoranClass values (quadrant where p <= alpha, else 0)


@contextmanager
def _esda_quiet() -> Iterator[None]:
    """esda 2.x warns on every permutation run that its default alternative hypothesis
    will change from 'directed' (folded) to 'two-sided'; its classes do not let us choose.
    We rely on today's 'directed' p_sim (and double it ourselves for Gi*): the tests
    compare with esda directly, so a changed default shows up there."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The alternative hypothesis",
                                category=DeprecationWarning)
        yield


def classify_hotspots(z: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Hot/cold at 99/95/90 % confidence from z (sign) and a two-sided p-value."""
    z = np.asarray(z, np.float64)
    p = np.asarray(p, np.float64)
    level = np.zeros(z.shape, dtype=np.int8)
    level[p <= 0.10] = 1
    level[p <= 0.05] = 2
    level[p <= 0.01] = 3
    level[~np.isfinite(z) | ~np.isfinite(p)] = 0
    return (np.sign(np.nan_to_num(z)).astype(np.int8) * level).astype(np.int8)


def gi_star(values: np.ndarray, weights: GridWeights, *, permutations: int = 0,
            seed: int | None = 12345) -> GiStarResult:
    """Getis-Ord Gi* per area: ``esda.G_Local(values, w_star, transform='B', star=True)``.

    Significance, as ArcGIS's Hot Spot Analysis reports it: the analytical z-score
    (``Zs``) with a two-sided normal p-value (``2 * p_norm``; esda's ``p_norm`` is one
    tail). With ``permutations`` > 0 the p-value is the permutation pseudo p instead,
    doubled to two sides (``min(1, 2 * p_sim)``), and z stays analytical.
    """
    import esda

    y = np.asarray(values, dtype=np.float64)
    if len(y) != weights.n:
        raise ValueError(f"{len(y)} values for {weights.n} areas")
    if y.sum() <= 0 or np.ptp(y) == 0:  # no cases, or all equal: nothing stands out
        zeros = np.zeros(len(y))
        return GiStarResult(weights.ids, y, zeros, np.ones(len(y)),
                            np.zeros(len(y), np.int8))
    with _esda_quiet():
        g = esda.G_Local(y, weights.w_star, transform="B", star=True,
                         permutations=permutations, seed=seed, n_jobs=1,
                         keep_simulations=False)
    z = np.asarray(g.Zs, dtype=np.float64)
    p = (np.minimum(1.0, 2.0 * np.asarray(g.p_sim)) if permutations
         else 2.0 * np.asarray(g.p_norm, dtype=np.float64))
    return GiStarResult(weights.ids, y, z, p, classify_hotspots(z, p))


def local_moran(values: np.ndarray, weights: GridWeights, *, permutations: int = 999,
                alpha: float = 0.05, seed: int | None = 12345) -> LocalMoranResult:
    """Local Moran's I per area: ``esda.Moran_Local(values, w, transformation='r')``.

    Significance is PySAL's conditional permutation test (``p_sim``, folded pseudo
    p-value); ``seed`` makes it repeatable. Areas with p ≤ ``alpha`` get their quadrant
    (HH, LH, LL, HL) as class, the others 0.
    """
    import esda

    y = np.asarray(values, dtype=np.float64)
    if len(y) != weights.n:
        raise ValueError(f"{len(y)} values for {weights.n} areas")
    n = len(y)
    if n == 0 or np.ptp(y) == 0:  # nothing varies: no clusters
        zeros = np.zeros(n)
        return LocalMoranResult(weights.ids, y, zeros, np.full(n, np.nan), np.ones(n),
                                np.zeros(n, np.int8), np.zeros(n, np.int8))
    with _esda_quiet():
        m = esda.Moran_Local(y, weights.w, transformation="r", permutations=permutations,
                             seed=seed, n_jobs=1, keep_simulations=bool(permutations))
    q = np.asarray(m.q).astype(np.int8)
    if permutations:
        p = np.asarray(m.p_sim, dtype=np.float64)
        z = np.asarray(m.z_sim, dtype=np.float64)
    else:
        p = np.ones(n)
        z = np.full(n, np.nan)
    classes = np.where(p <= alpha, q, 0).astype(np.int8)
    return LocalMoranResult(weights.ids, y, np.asarray(m.Is, np.float64), z, p, q, classes)


# --- recurring problems ------------------------------------------------------------------


@dataclass(frozen=True)
class Recurrence:
    """One place where one type of problem came back at least ``min_count`` times."""

    type_code: str
    members: np.ndarray  # indices into the input arrays, in time order
    first: np.datetime64
    last: np.datetime64
    grid_id: str | None  # the grid (grid mode) or the members' most frequent grid
    x: float  # mean position of the members (NaN without coordinates)
    y: float

    @property
    def count(self) -> int:
        return len(self.members)


def find_recurring(type_codes: Sequence[str] | np.ndarray, times: np.ndarray, *,
                   grid_ids: Sequence[str] | np.ndarray | None = None,
                   x: np.ndarray | None = None, y: np.ndarray | None = None,
                   min_count: int = 3, within_days: float = 30.0,
                   radius_m: float | None = None) -> list[Recurrence]:
    """Recurring problems: the same type at the same place ``min_count`` times or more
    within ``within_days``.

    Same place is the same grid (``radius_m`` None; needs ``grid_ids``) or within
    ``radius_m`` metres (needs ``x``, ``y`` in metres). A case *anchors* a recurrence when,
    counting itself, at least ``min_count`` cases of its type at its place were reported
    from its time to ``within_days`` later (within the radius of the anchor itself, in
    radius mode). Overlapping anchored windows are merged into one recurrence, so a
    problem that keeps coming back is reported once, with all its cases.

    Vectorised: grid mode is one sort and a ``searchsorted``; radius mode one KD-tree over
    all cases, with each type shifted far apart in x so pairs never mix types, and
    connected components over the anchored pairs.
    """
    # Fixed-width unicode, not object: numpy sorts it ~10× faster.
    types = np.asarray(type_codes).astype(str)
    n = len(types)
    if min_count < 1:
        raise ValueError("min_count must be at least 1")
    if n == 0:
        return []
    t = np.asarray(times).astype("datetime64[s]").astype(np.int64)
    window = round(within_days * 86400)
    type_uni, type_idx = np.unique(types, return_inverse=True)
    grids = None if grid_ids is None else np.asarray(grid_ids).astype(str)
    if radius_m is None:
        if grids is None:
            raise ValueError("same-grid recurrence needs grid_ids (or give radius_m)")
        labels = _recurring_by_grid(type_idx, grids, t, window, min_count)
    else:
        if x is None or y is None:
            raise ValueError("radius recurrence needs x and y")
        labels = _recurring_by_radius(type_idx, np.asarray(x, np.float64),
                                      np.asarray(y, np.float64), t, window, min_count,
                                      float(radius_m))
    return _recurrences(labels, type_uni, type_idx, t, grids, x, y)


def _recurring_by_grid(type_idx: np.ndarray, grids: np.ndarray, t: np.ndarray, window: int,
                       min_count: int) -> np.ndarray:
    """Recurrence label per case (-1 = none) for the same-grid definition."""
    n = len(t)
    _, grid_idx = np.unique(grids, return_inverse=True)
    key = type_idx.astype(np.int64) * (int(grid_idx.max()) + 1) + grid_idx
    t0 = t - t.min()
    # One sortable number per case: key-major, time-minor. The gap between keys is wider
    # than any time span plus the window, so a window never reaches the next key.
    span = int(t0.max()) + window + 1
    comp = key * span + t0
    order = np.argsort(comp, kind="stable")
    cs = comp[order]
    start = np.arange(n)
    end = np.searchsorted(cs, cs + window, side="right")
    anchors = (end - start) >= min_count
    # Cases covered by an anchored window: +1 at each anchor, -1 after its window.
    diff = np.zeros(n + 1, dtype=np.int64)
    np.add.at(diff, start[anchors], 1)
    np.add.at(diff, end[anchors], -1)
    covered = np.cumsum(diff[:-1]) > 0
    # A recurrence is a run of covered cases of one key.
    sk = key[order]
    new = covered & np.concatenate(([True], ~covered[:-1] | (sk[1:] != sk[:-1])))
    run = np.cumsum(new) - 1
    labels = np.full(n, -1, dtype=np.int64)
    labels[order[covered]] = run[covered]
    return labels


def _recurring_by_radius(type_idx: np.ndarray, x: np.ndarray, y: np.ndarray, t: np.ndarray,
                         window: int, min_count: int, radius: float) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    n = len(t)
    # Shift each type by more than the data's width plus the radius: one tree, and pairs
    # of different types are further apart than any radius.
    shift = (float(x.max() - x.min()) + 10.0 * radius + 1.0)
    xs = (x - x.min()) + type_idx * shift
    pairs = cKDTree(np.column_stack([xs, y - y.min()])).query_pairs(
        radius, output_type="ndarray")
    a, b = pairs[:, 0], pairs[:, 1]
    # Orient each pair earlier → later (ties by index) and keep it when within the window.
    swap = (t[b] < t[a]) | ((t[b] == t[a]) & (b < a))
    early = np.where(swap, b, a)
    late = np.where(swap, a, b)
    keep = (t[late] - t[early]) <= window
    early, late = early[keep], late[keep]
    counts = 1 + np.bincount(early, minlength=n)
    anchors = counts >= min_count
    sel = anchors[early]
    rows = np.concatenate([early[sel], np.flatnonzero(anchors)])
    cols = np.concatenate([late[sel], np.flatnonzero(anchors)])
    graph = coo_matrix((np.ones(len(rows), np.int8), (rows, cols)), shape=(n, n))
    _, comp = connected_components(graph, directed=False)
    covered = np.zeros(n, dtype=bool)
    covered[rows] = True
    covered[cols] = True
    labels = np.full(n, -1, dtype=np.int64)
    if covered.any():
        _, labels[covered] = np.unique(comp[covered], return_inverse=True)
    return labels


def _recurrences(labels: np.ndarray, type_uni: np.ndarray, type_idx: np.ndarray,
                 t: np.ndarray, grids: np.ndarray | None, x: np.ndarray | None,
                 y: np.ndarray | None) -> list[Recurrence]:
    idx = np.flatnonzero(labels >= 0)
    if len(idx) == 0:
        return []
    # Group the members by label, each group in time order.
    idx = idx[np.lexsort((t[idx], labels[idx]))]
    lab = labels[idx]
    cuts = np.flatnonzero(np.diff(lab)) + 1
    out: list[Recurrence] = []
    for members in np.split(idx, cuts):
        grid = None
        if grids is not None:
            grid = Counter(grids[members].tolist()).most_common(1)[0][0]
        out.append(Recurrence(
            type_code=str(type_uni[type_idx[members[0]]]),
            members=members,
            first=np.datetime64(int(t[members[0]]), "s"),
            last=np.datetime64(int(t[members[-1]]), "s"),
            grid_id=grid,
            x=float(np.mean(x[members])) if x is not None else float("nan"),
            y=float(np.mean(y[members])) if y is not None else float("nan"),
        ))
    out.sort(key=lambda r: (-r.count, r.first, r.type_code))
    return out


# --- daily series -----------------------------------------------------------------------


def window_sums(daily: np.ndarray, days: int) -> np.ndarray:
    """Trailing sums over ``days`` of a (n_days, n_areas) matrix, for a time slider:
    row d holds the counts of days d - days + 1 … d (fewer at the start)."""
    if days < 1:
        raise ValueError("a window is at least one day")
    c = np.cumsum(daily, axis=0, dtype=np.int64)
    out = c.copy()
    out[days:] -= c[:-days]
    return out
