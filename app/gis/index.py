"""Point → unit grid assignment for many points at once (no Qt, no database).

``GridIndex`` is built once from the grid polygons (display metres) and answers
``assign(x, y)``: the index of the grid containing each point, or -1 outside every grid.

How: a quadtree-refined raster over the grids' extent. Every cell that lies wholly inside
one grid (``covers``) stores that grid; cells touching no grid store "outside"; the rest
are split in four, level by level, down to a finest cell of a fraction of the typical
grid width. Most points are then answered by one array lookup; only points in the
remaining boundary cells (and points within rounding distance of a cell edge) get an
exact test, against the few grids that cell touches (``shapely.intersects_xy`` on
prepared polygons).

Semantics: grids are closed sets. A point on an edge shared by two grids goes to one of
them (never -1); where the exact test decides, the lowest grid index wins.
"""

from __future__ import annotations

import numpy as np
import shapely

OUTSIDE = -1
_UNDECIDED = -2


class GridIndex:
    """Vectorised point-in-polygon lookup for a partition of polygons (unit grids).

    ``polys`` is an array of shapely polygons (None or empty entries never match).
    ``cell`` is the finest raster cell in metres (default: 1/4 of the median grid width);
    ``levels`` the number of quadtree refinements above it. On the district demo (8,525
    grids, 1.4 M parts) finer cells answer more points from the raster but cost more to
    build than they save; 1/4 and 6 levels gave the lowest build + assign time.
    """

    def __init__(self, polys: np.ndarray, cell: float | None = None, levels: int = 6) -> None:
        self.polys = np.asarray(polys, dtype=object)
        n = len(self.polys)
        valid = np.array([g is not None for g in self.polys], dtype=bool)
        if n:
            valid[valid] = ~shapely.is_empty(self.polys[valid])
        self.tree = shapely.STRtree(self.polys)
        shapely.prepare(self.polys[valid])
        self.n = n
        if not valid.any():
            self.x0 = self.y0 = 0.0
            self.cell = 1.0
            self.raster = np.full((1, 1), OUTSIDE, dtype=np.int32)
            self.cand_ptr = np.zeros(1, dtype=np.int64)
            self.cand = np.empty(0, dtype=np.int64)
            return
        minx, miny, maxx, maxy = shapely.total_bounds(self.polys[valid])
        if cell is None:
            w = np.sqrt(np.median(shapely.area(self.polys[valid])))
            cell = float(w) / 4.0
            # Keep the finest raster below ~16 M cells (64 MB) whatever the input.
            cell = max(cell, np.sqrt((maxx - minx) * (maxy - miny) / 16e6), 1e-6)
        self.cell = float(cell)
        self.x0, self.y0 = float(minx), float(miny)
        levels = max(0, int(levels))
        coarse = self.cell * 2**levels
        nx0 = max(1, int(np.ceil((maxx - minx) / coarse)))
        ny0 = max(1, int(np.ceil((maxy - miny) / coarse)))
        self._build(nx0, ny0, levels)

    # -- construction -----------------------------------------------------------------------
    def _build(self, nx: int, ny: int, levels: int) -> None:
        code = np.full((ny, nx), _UNDECIDED, dtype=np.int32)
        size = self.cell * 2**levels
        cand_cells: np.ndarray = np.empty(0, dtype=np.int64)
        cand_polys: np.ndarray = np.empty(0, dtype=np.int64)
        for level in range(levels + 1):
            if level:
                code = np.repeat(np.repeat(code, 2, axis=0), 2, axis=1)
                size /= 2.0
            jj, ii = np.nonzero(code == _UNDECIDED)
            if not len(jj):
                # All decided: the raster must still reach the finest cell size.
                f = 2 ** (levels - level)
                code = np.repeat(np.repeat(code, f, axis=0), f, axis=1)
                break
            x0 = self.x0 + ii * size
            y0 = self.y0 + jj * size
            boxes = shapely.box(x0, y0, x0 + size, y0 + size)
            b, p = self.tree.query(boxes, predicate="intersects")
            values = np.full(len(jj), OUTSIDE, dtype=np.int32)
            hit = np.zeros(len(jj), dtype=bool)
            hit[b] = True
            covered = shapely.covers(self.polys[p], boxes[b])
            values[b[covered]] = p[covered]
            done = ~hit
            done[b[covered]] = True
            last = level == levels
            if not last:
                values[~done] = _UNDECIDED
                code[jj, ii] = values
                continue
            # Finest level: remaining cells keep their candidate grids for exact tests.
            rest = ~done
            k = np.full(len(jj), -1, dtype=np.int64)
            k[rest] = np.arange(int(rest.sum()))
            values[rest] = (-3 - k[rest]).astype(np.int32)
            code[jj, ii] = values
            keep = rest[b]
            cand_cells, cand_polys = k[b[keep]], p[keep]
        order = np.lexsort((cand_polys, cand_cells))
        cand_cells, cand_polys = cand_cells[order], cand_polys[order]
        n_rest = int(cand_cells.max()) + 1 if len(cand_cells) else 0
        self.raster = code
        self.cand = cand_polys.astype(np.int64)
        self.cand_ptr = np.searchsorted(cand_cells, np.arange(n_rest + 1)).astype(np.int64)

    # -- queries ----------------------------------------------------------------------------
    @property
    def boundary_cells(self) -> int:
        return len(self.cand_ptr) - 1

    def assign(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the grid containing each point (x, y in display metres), or -1."""
        x = np.asarray(x, dtype=np.float64).ravel()
        y = np.asarray(y, dtype=np.float64).ravel()
        if x.shape != y.shape:
            raise ValueError("x and y must have the same length")
        out = np.full(len(x), OUTSIDE, dtype=np.int64)
        if not len(x) or not self.n:
            return out
        ny, nx = self.raster.shape
        fx = (x - self.x0) / self.cell
        fy = (y - self.y0) / self.cell
        with np.errstate(invalid="ignore"):
            i = np.floor(fx)
            j = np.floor(fy)
            inside = (i >= 0) & (i < nx) & (j >= 0) & (j < ny)
            # Points within rounding distance of a cell edge (or on the far edge of the
            # raster) are tested exactly: the raster only decides clear cases.
            eps = 1e-7
            edge = ((fx - i < eps) | (i + 1 - fx < eps) | (fy - j < eps) | (j + 1 - fy < eps))
            edge &= (fx >= -eps) & (fx <= nx + eps) & (fy >= -eps) & (fy <= ny + eps)
        ii = np.where(inside, i, 0).astype(np.intp)
        jj = np.where(inside, j, 0).astype(np.intp)
        v = self.raster[jj, ii]
        v = np.where(inside & ~edge, v, OUTSIDE)
        out[:] = np.where(v >= 0, v, OUTSIDE)

        # Boundary cells: exact test against that cell's candidate grids.
        sel = np.nonzero(v <= -3)[0]
        if len(sel):
            k = -3 - v[sel].astype(np.int64)
            start, stop = self.cand_ptr[k], self.cand_ptr[k + 1]
            c = stop - start
            pt = np.repeat(sel, c)
            off = np.arange(len(pt)) - np.repeat(np.cumsum(c) - c, c)
            cand = self.cand[np.repeat(start, c) + off]
            self._resolve(out, pt, cand, x, y)

        # Edge points: exact test through the tree.
        sel = np.nonzero(edge)[0]
        if len(sel):
            q, cand = self.tree.query(shapely.points(x[sel], y[sel]))
            order = np.lexsort((cand, q))
            self._resolve(out, sel[q[order]], cand[order], x, y)
        return out

    def _resolve(self, out: np.ndarray, pt: np.ndarray, cand: np.ndarray,
                 x: np.ndarray, y: np.ndarray) -> None:
        """``pt`` sorted, candidates ascending per point: the first grid that holds it wins."""
        if not len(pt):
            return
        ok = shapely.intersects_xy(self.polys[cand], x[pt], y[pt])
        pt, cand = pt[ok], cand[ok]
        if not len(pt):
            return
        first = np.ones(len(pt), dtype=bool)
        first[1:] = pt[1:] != pt[:-1]
        out[pt[first]] = cand[first]
