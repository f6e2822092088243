"""Street partition for the demo district: capped crystal growth on a raster.

Each street grows from its real "inside point" over a noisy cost raster at a speed that
scales with its real area and stops when it has claimed its real area in cells. The union
is the district outline; pockets left between streets are filled with the nearest street.
Growth guarantees that every street is connected and contains its own inside point, which
a power diagram does not. The label raster is polygonised and simplified as a coverage so
that neighbouring streets keep sharing exact boundaries.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import shapely
from scipy import ndimage, sparse
from scipy.sparse import csgraph

_NEIGHBOURS = (
    (-1, 0, 1.0), (1, 0, 1.0), (0, -1, 1.0), (0, 1, 1.0),
    (-1, -1, 1.4142), (-1, 1, 1.4142), (1, -1, 1.4142), (1, 1, 1.4142),
)


@dataclass
class StreetRaster:
    """Raster partition: ``labels[r, c]`` is a street index or -1 outside the district."""

    x0: float
    y0: float
    cell: float
    labels: np.ndarray  # (ny, nx) int32, row 0 = south
    nearest: np.ndarray  # (ny, nx) int32, nearest street everywhere (for lookups outside)
    polys: np.ndarray  # street Polygons, same order as the input points
    outline: shapely.Polygon

    def label_at(self, x: np.ndarray, y: np.ndarray, *, nearest: bool = False) -> np.ndarray:
        """Street index of points (``-1`` outside unless ``nearest``)."""
        ny, nx = self.labels.shape
        c = np.clip(((x - self.x0) / self.cell).astype(np.int64), 0, nx - 1)
        r = np.clip(((y - self.y0) / self.cell).astype(np.int64), 0, ny - 1)
        return (self.nearest if nearest else self.labels)[r, c]


def _grow(cost: np.ndarray, seeds: np.ndarray, speed: np.ndarray, caps: np.ndarray) -> np.ndarray:
    """Multi-source Dijkstra where each source stops once it holds ``caps`` cells."""
    ny, nx = cost.shape
    lab = [-1] * (ny * nx)
    cst = cost.ravel().tolist()
    count = [0] * len(seeds)
    cap = caps.tolist()
    spd = speed.tolist()
    heap = [(0.0, int(r) * nx + int(c), s) for s, (r, c) in enumerate(seeds)]
    heapq.heapify(heap)
    push, pop = heapq.heappush, heapq.heappop
    while heap:
        t, idx, s = pop(heap)
        if lab[idx] != -1 or count[s] >= cap[s]:
            continue
        lab[idx] = s
        count[s] += 1
        r, c = divmod(idx, nx)
        for dr, dc, w in _NEIGHBOURS:
            rr, cc = r + dr, c + dc
            if 0 <= rr < ny and 0 <= cc < nx:
                n = rr * nx + cc
                if lab[n] == -1:
                    push(heap, (t + w * cst[n] / spd[s], n, s))
    return np.asarray(lab, dtype=np.int32).reshape(ny, nx)


_DISK = np.add.outer(np.arange(-4, 5) ** 2, np.arange(-4, 5) ** 2) <= 16


def _majority(lab: np.ndarray, seeds: np.ndarray, passes: int = 2) -> np.ndarray:
    """Mode filter (5×5) inside the district: irons out the cell-swapping noise."""
    n = int(lab.max()) + 1
    inside = lab >= 0
    for _ in range(passes):
        counts = np.stack([ndimage.uniform_filter((lab == s).astype(np.float32), 5)
                           for s in range(n)])
        best = counts.argmax(axis=0).astype(np.int32)
        lab = np.where(inside, best, -1)
        lab[seeds[:, 0], seeds[:, 1]] = np.arange(len(seeds))
    return lab


def _fill_nearest(lab: np.ndarray, todo: np.ndarray) -> np.ndarray:
    """Give the cells in ``todo`` the label of the nearest labelled cell."""
    src = lab >= 0
    _, (ri, ci) = ndimage.distance_transform_edt(~src, return_indices=True)
    out = lab.copy()
    out[todo] = lab[ri[todo], ci[todo]]
    return out


def _make_connected(lab: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Keep each street's 4-connected component holding its seed; re-label stray bits."""
    ny, nx = lab.shape
    idx = np.arange(ny * nx).reshape(ny, nx)
    for _ in range(6):
        # Components of equal-label 4-neighbours, all streets at once.
        h = (lab[:, 1:] == lab[:, :-1]) & (lab[:, 1:] >= 0)
        v = (lab[1:, :] == lab[:-1, :]) & (lab[1:, :] >= 0)
        a = np.concatenate([idx[:, :-1][h], idx[:-1, :][v]])
        b = np.concatenate([idx[:, 1:][h], idx[1:, :][v]])
        graph = sparse.coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(ny * nx,) * 2)
        _, comp = csgraph.connected_components(graph, directed=False)
        comp = comp.reshape(ny, nx)
        seed_comp = comp[seeds[:, 0], seeds[:, 1]]
        stray = (lab >= 0) & (comp != seed_comp[np.maximum(lab, 0)])
        if not stray.any():
            return lab
        lab = lab.copy()
        lab[stray] = -1
        lab = _fill_nearest(lab, stray)
    return lab


def _balance(lab: np.ndarray, seeds: np.ndarray, target: np.ndarray,
             rng: np.random.Generator, rounds: int = 60) -> np.ndarray:
    """Hand boundary cells from streets above their target area to neighbours below it.

    Growth alone cannot give an enclosed street its area; swapping boundary cells can.
    """
    lab = lab.copy()
    n = len(target)
    is_seed = np.zeros(lab.shape, dtype=bool)
    is_seed[seeds[:, 0], seeds[:, 1]] = True
    shifts = ((0, 1), (1, 1), (0, -1), (1, -1))
    for k in range(rounds):
        if k % 4 == 3:
            lab = _make_connected(lab, seeds)
        got = np.bincount(lab[lab >= 0], minlength=n).astype(float)
        need = target / np.maximum(got, 1.0)  # > 1: street wants more cells
        if np.abs(need - 1).max() < 0.02:
            break
        # One direction per round avoids simultaneous swaps that tear streets apart.
        axis, shift = shifts[k % 4]
        nb = np.roll(lab, shift, axis=axis)
        ok = (lab >= 0) & (nb >= 0) & (nb != lab) & ~is_seed
        a = np.where(ok, lab, 0)
        b = np.where(ok, nb, 0)
        # Cells flow down the gradient of need (so surpluses diffuse through streets that
        # are on target), with a probability growing with the imbalance: no oscillation.
        rel = need[b] / need[a] - 1.0
        prob = np.clip(rel * 3.0, 0.0, 0.6)
        flip = ok & (rel > 0.02) & (rng.random(lab.shape) < prob)
        lab[flip] = nb[flip]
    return lab


def partition(px: np.ndarray, py: np.ndarray, areas_km2: np.ndarray, total_km2: float,
              rng: np.random.Generator, cell: float = 150.0, *,
              _raster_km2: float | None = None) -> StreetRaster:
    """Partition a generated outline of ``total_km2`` among streets of the given areas."""
    state = rng.bit_generator.state
    raster_km2 = _raster_km2 or total_km2
    margin = 14_000.0
    x0, y0 = px.min() - margin, py.min() - margin
    nx = int((px.max() + margin - x0) / cell) + 1
    ny = int((py.max() + margin - y0) / cell) + 1
    # Smooth log-normal friction: makes boundaries wander like real ones.
    noise = ndimage.gaussian_filter(rng.standard_normal((ny, nx)), 7.0)
    noise /= noise.std()
    cost = np.exp(0.45 * noise)
    seeds = np.column_stack([((py - y0) / cell).astype(int), ((px - x0) / cell).astype(int)])
    speed = np.sqrt(areas_km2)
    n_target = raster_km2 * 1e6 / cell**2
    share = areas_km2 / areas_km2.sum()
    caps_f = share * n_target * 0.985  # pockets filled later add ~1.5%
    # Pockets enclosed between capped streets get filled by the nearest street afterwards,
    # so shrink the caps until the filled outline has the target area.
    target = share * n_target
    for _ in range(3):
        caps = np.maximum(np.round(caps_f).astype(np.int64), 1)
        lab = _grow(cost, seeds, speed, caps)
        # Close narrow bays and fill enclosed pockets: district outlines are compact.
        inside = ndimage.binary_fill_holes(
            ndimage.binary_closing(lab >= 0, structure=_DISK, iterations=1))
        lab = _fill_nearest(lab, inside & (lab < 0))
        got = float((lab >= 0).sum())
        if abs(got - n_target) < 0.004 * n_target:
            break
        caps_f = caps_f * (n_target / got)
    # Crop to the district (plus a frame) so the raster passes below stay cheap.
    rows, cols = np.nonzero(lab >= 0)
    r0, r1 = rows.min() - 3, rows.max() + 4
    c0, c1 = cols.min() - 3, cols.max() + 4
    lab = lab[r0:r1, c0:c1]
    seeds = seeds - [r0, c0]
    x0, y0 = x0 + c0 * cell, y0 + r0 * cell
    ny, nx = lab.shape
    lab = _balance(lab, seeds, target, rng)
    lab = _make_connected(lab, seeds)
    lab = _majority(lab, seeds)
    lab = _make_connected(lab, seeds)
    lab = _balance(lab, seeds, target, rng, rounds=8)  # polish after the clean-up
    lab = _make_connected(lab, seeds)

    xs = x0 + cell * np.arange(nx + 1)
    ys = y0 + cell * np.arange(ny + 1)
    rr, cc = np.nonzero(lab >= 0)
    boxes = shapely.box(xs[cc], ys[rr], xs[cc + 1], ys[rr + 1])
    cl = lab[rr, cc]
    raw = np.array([shapely.coverage_union_all(boxes[cl == s]) for s in range(len(px))],
                   dtype=object)
    pts = shapely.points(px, py)
    polys = raw
    # Simplify the staircase into angular boundaries; back off if a seed would fall out.
    for tol in (260.0, 180.0, 120.0, 60.0):
        cand = shapely.coverage_simplify(raw, tol)
        if (shapely.get_type_id(cand) == 3).all() and shapely.is_valid(cand).all() \
                and shapely.contains(cand, pts).all():
            polys = cand
            break
    outline = shapely.coverage_union_all(polys)
    if outline.geom_type != "Polygon":
        outline = max(shapely.get_parts(outline), key=lambda g: g.area)
    err = outline.area / (total_km2 * 1e6)
    if _raster_km2 is None and abs(err - 1) > 0.004:
        # Simplifying the outer staircase changes the area a little: redo the same draw
        # with the raster target corrected.
        rng.bit_generator.state = state
        return partition(px, py, areas_km2, total_km2, rng, cell,
                         _raster_km2=total_km2 / err)
    nearest = _fill_nearest(lab, lab < 0)
    return StreetRaster(x0, y0, cell, lab, nearest, polys, outline)
