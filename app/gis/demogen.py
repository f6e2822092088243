"""Deterministic generated demo district at the real scale of Haidian (海淀区).

Only facts are real (street codes, names, inside points and areas; community codes and
names); every geometry is generated. Pipeline:

1. streets   – capped crystal growth on a raster around the real inside points
               (``_demogen_streets``), polygonised as a coverage; union = outline;
2. communities – best-candidate seeds per street, ordered Voronoi clipped to the street;
3. lattice   – one jittered axis-aligned lattice over the district (Beijing's roads are
               north-aligned) refined like a k-d tree until each leaf is about the local
               target grid size: small in the south-east core, large in the north-west;
4. grids     – community ∩ leaf, slivers merged into a neighbour of the same community;
5. roads     – leaf edges, classed by lattice index (every 8th line an arterial, the
               ring roads on chosen lines), thinned where sparse;
6. blocks    – inset base cells split into buildings, clipped into their grid;
7. parts     – placed along road sides, at intersections and inside grids, then located
               exactly in their grid (lattice lookup + ``contains_xy`` on split leaves).

All geometry is in EPSG:4548 metres.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from scipy import ndimage

from app.domain.admin import number_grids
from app.gis import _demogen_streets
from app.gis.crs import PROJECTED, to_projected
from app.paths import FACTS_DIR

DISTRICT_CODE = "110108"
DISTRICT_NAME = "海淀区"
DISTRICT_AREA_KM2 = 430.8
PART_STATUSES = ("完好", "破损", "丢失", "废弃", "移除")

Progress = Callable[[float, str], None]

# Target unit-grid size (ha) per street: the urban core is finely divided, the towns of
# the north-west (plains, villages, the Western Hills) coarsely. Multiplied by _GRID_SCALE,
# which was calibrated so that the district has about 8,562 grids.
_CORE = ("001", "002", "003", "004", "005", "006", "007", "008", "010", "011", "012",
         "018", "021", "025", "023")
_CAMPUS = ("014", "015")
_MID = ("017", "019", "020", "022", "024")
_OUTER_HA = {"013": 6.0, "027": 8.0, "016": 12.0, "026": 10.0, "028": 8.0, "030": 13.0,
             "029": 17.0}
_MOUNTAIN = ("016", "029")
_GRID_SCALE = 1.38
_BASE_CELL = 130.0  # base lattice spacing (m)
_ROAD_HALF_WIDTH = np.array([18.0, 10.0, 4.0])

# lon/lat of the ring roads' Haidian legs: (west leg lon, north leg lat), generated on the
# nearest 16th lattice line.
_RINGS = (("三环", 116.310, 39.967), ("四环", 116.276, 39.985), ("五环", 116.212, 40.022))

_NAME_STEMS = (
    "万泉 苏州 双榆 知春 紫竹 蓝靛 北洼 杏石 西钓 永泰 安宁 信息 彩和 稻香 百旺 温阳 北清 阜石 "
    "车道 玉泉 昆明 翠微 五棵 厂洼 增光 花园 志新 成府 蓝旗 肖家 六郎 育新 小营 马甸 塔院 双清 "
    "后厂 友谊 太平 文慧 明光 皂君 魏公 学清 龙翔 远大 世纪 长春 西苑 树村 田村 永定 定慧 恩济 "
    "玲珑 曙光 杏林 白家 东冉 泉宗 聂各 前沙 北安 冷泉 周家 西山 香泉 卧佛 北坞 功德 金沟 红山 "
    "阳坊 清源 宝盛 朱房 安河 东北 圆明 燕东 中坞 闵庄 八家 林业 体院 航天 羊坊 甘家 车公 月坛 "
    "青塔 正福 韩家 屯佃 草场 白水 秀水 松园 槐荫 柳林 桃源 梅园 杨庄 石佛 丰户 西小"
).split()


@dataclass
class DemoDistrict:
    """Generated demo data set; every geometry in ``crs`` (EPSG:4548 metres)."""

    scale: str
    crs: str
    district_code: str
    district_name: str
    outline: shapely.Polygon
    street_codes: list[str]
    street_names: list[str]
    street_polys: np.ndarray
    community_codes: list[str]
    community_names: list[str]
    community_street: list[str]
    community_polys: np.ndarray
    community_households: np.ndarray
    community_residents: np.ndarray
    grid_ids: list[str]
    grid_community_index: np.ndarray
    grid_polys: np.ndarray
    grid_households: np.ndarray
    grid_residents: np.ndarray
    grid_region_class: np.ndarray
    road_lines: np.ndarray
    road_class: np.ndarray
    road_names: list[str]
    block_polys: np.ndarray
    part_x: np.ndarray
    part_y: np.ndarray
    part_type: np.ndarray
    part_grid_index: np.ndarray
    part_status: np.ndarray
    part_serial: np.ndarray


def grid_row_height(areas: np.ndarray) -> float:
    """Row band (m) used to number a community's grids: 60% of the median grid side."""
    return float(0.6 * np.sqrt(np.median(areas))) if len(areas) else 1.0


# --------------------------------------------------------------------------- facts


def _read_facts() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    with open(FACTS_DIR / "haidian_streets.csv", encoding="utf-8") as f:
        streets = list(csv.DictReader(f))
    with open(FACTS_DIR / "haidian_communities.csv", encoding="utf-8") as f:
        communities = list(csv.DictReader(f))
    streets.sort(key=lambda r: r["nbs_code"])
    communities.sort(key=lambda r: r["code"])
    return streets, communities


def _street_target_ha(code: str) -> float:
    s = code[-3:]
    if s in _CORE:
        return 1.75
    if s in _CAMPUS:
        return 3.0
    if s in _MID:
        return 3.6
    return _OUTER_HA.get(s, 8.0)


def _street_urbanity(code: str) -> float:
    s = code[-3:]
    if s in _CORE or s in _CAMPUS:
        return 1.0
    if s in _MID:
        return 0.75
    return 0.18 if s in _MOUNTAIN else 0.32


# --------------------------------------------------------------------------- communities


def _community_polys(street: shapely.Polygon, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` community polygons tiling ``street`` (ordered north-west → south-east)."""
    if n == 1:
        return np.array([street], dtype=object)
    x0, y0, x1, y1 = street.bounds
    shapely.prepare(street)
    pool = np.empty((0, 2))
    while len(pool) < 12 * n:
        c = rng.uniform([x0, y0], [x1, y1], size=(40 * n, 2))
        pool = np.vstack([pool, c[shapely.contains_xy(street, c[:, 0], c[:, 1])]])
    # Mitchell's best candidate with few candidates: spread out yet uneven, so community
    # sizes vary as real ones do.
    seeds = [pool[0]]
    k = 1
    for _ in range(n - 1):
        cand = pool[k:k + 3]
        k += 3
        d = np.min(np.linalg.norm(cand[:, None, :] - np.asarray(seeds)[None], axis=2), axis=1)
        seeds.append(cand[int(np.argmax(d))])
    pts = np.asarray(seeds)
    band = np.floor((pts[:, 1].max() - pts[:, 1]) / 800.0)
    pts = pts[np.lexsort((pts[:, 0], band))]
    vor = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=street.buffer(2000.0),
                                   ordered=True)
    cells = shapely.get_parts(vor)
    polys = shapely.intersection(cells, street)
    return _fix_multiparts(polys, pts)


def _fix_multiparts(polys: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """Keep the part of each polygon holding its seed; give detached bits to a neighbour."""
    polys = polys.copy()
    for i in range(len(polys)):
        if shapely.get_type_id(polys[i]) == 3:
            continue
        parts = [p for p in shapely.get_parts(polys[i]) if shapely.get_type_id(p) == 3]
        seed = shapely.Point(seeds[i])
        parts.sort(key=lambda p: (not p.contains(seed), -p.area))
        polys[i] = parts[0]
        for part in parts[1:]:
            shared = shapely.length(shapely.intersection(part.boundary, shapely.boundary(polys)))
            shared[i] = -1.0
            j = int(np.argmax(shared))
            merged = shapely.union(polys[j], part)
            if shapely.get_type_id(merged) == 3:
                polys[j] = merged
            else:  # touches nobody else (cannot happen in a tiling): keep with its owner
                polys[i] = shapely.union(polys[i], part)
    return polys


# --------------------------------------------------------------------------- lattice


@dataclass
class _Lattice:
    xs: np.ndarray
    ys: np.ndarray
    leaf_of: np.ndarray  # (ny, nx) leaf index of each base cell
    li0: np.ndarray
    lj0: np.ndarray
    lw: np.ndarray
    lh: np.ndarray

    @property
    def boxes(self) -> np.ndarray:
        return shapely.box(self.xs[self.li0], self.ys[self.lj0],
                           self.xs[self.li0 + self.lw], self.ys[self.lj0 + self.lh])


def _lines(lo: float, hi: float, rng: np.random.Generator) -> np.ndarray:
    n = int((hi - lo) / _BASE_CELL) + 40
    n += (-n) % 16 + 1  # whole 16-cell blocks
    steps = _BASE_CELL * rng.uniform(0.8, 1.2, n - 1)
    return lo - 2 * _BASE_CELL + np.concatenate([[0.0], np.cumsum(steps)])


def _build_lattice(sr: _demogen_streets.StreetRaster, target_m2: np.ndarray,
                   rng: np.random.Generator) -> _Lattice:
    x0, y0, x1, y1 = sr.outline.bounds
    xs, ys = _lines(x0, x1, rng), _lines(y0, y1, rng)
    nx, ny = len(xs) - 1, len(ys) - 1
    gi, gj = np.meshgrid(np.arange(0, nx, 16), np.arange(0, ny, 16))
    i0, j0 = gi.ravel(), gj.ravel()
    w = np.full(i0.shape, 16)
    h = np.full(i0.shape, 16)
    done_i, done_j, done_w, done_h = [], [], [], []
    jitter = rng.uniform(0.8, 1.25, 200_000)
    k = 0
    while len(i0):
        wx = xs[i0 + w] - xs[i0]
        hy = ys[j0 + h] - ys[j0]
        street = sr.label_at(xs[i0] + wx / 2, ys[j0] + hy / 2, nearest=True)
        t = target_m2[street] * jitter[k:k + len(i0)]
        k = (k + len(i0)) % 150_000
        split = (wx * hy > 1.4 * t) & ((w > 1) | (h > 1))
        done_i.append(i0[~split]); done_j.append(j0[~split])
        done_w.append(w[~split]); done_h.append(h[~split])
        i0, j0, w, h, wx, hy = (a[split] for a in (i0, j0, w, h, wx, hy))
        along_x = ((wx >= hy) & (w > 1)) | (h == 1)
        w2 = np.where(along_x, w // 2, w)
        h2 = np.where(along_x, h, h // 2)
        i1 = np.where(along_x, i0 + w2, i0)
        j1 = np.where(along_x, j0, j0 + h2)
        i0, j0 = np.concatenate([i0, i1]), np.concatenate([j0, j1])
        w, h = np.concatenate([w2, w - np.where(along_x, w2, 0)]), \
            np.concatenate([h2, h - np.where(along_x, 0, h2)])
    li0, lj0 = np.concatenate(done_i), np.concatenate(done_j)
    lw, lh = np.concatenate(done_w), np.concatenate(done_h)
    order = np.lexsort((li0, lj0))
    li0, lj0, lw, lh = li0[order], lj0[order], lw[order], lh[order]
    leaf_of = np.empty((ny, nx), dtype=np.int32)
    for n, (a, b, c, d) in enumerate(zip(li0.tolist(), lj0.tolist(), lw.tolist(), lh.tolist())):
        leaf_of[b:b + d, a:a + c] = n
    return _Lattice(xs, ys, leaf_of, li0, lj0, lw, lh)


# --------------------------------------------------------------------------- grids


@dataclass
class _Pieces:
    polys: np.ndarray
    comm: np.ndarray
    leaf: np.ndarray
    full: np.ndarray  # the piece is its whole leaf box


def _cut_pieces(lat: _Lattice, comm_polys: np.ndarray) -> _Pieces:
    boxes = lat.boxes
    tree = shapely.STRtree(boxes)
    inner = tree.query(comm_polys, predicate="contains_properly")
    touch = tree.query(comm_polys, predicate="intersects")
    nl = len(boxes)
    partial = ~np.isin(touch[0] * nl + touch[1], inner[0] * nl + inner[1])
    pc, pl = touch[0][partial], touch[1][partial]
    cut = shapely.intersection(comm_polys[pc], boxes[pl])
    parts, src = shapely.get_parts(cut, return_index=True)
    keep = (shapely.get_type_id(parts) == 3) & (shapely.area(parts) > 0)
    polys = np.concatenate([boxes[inner[1]], parts[keep]])
    comm = np.concatenate([inner[0], pc[src[keep]]])
    leaf = np.concatenate([inner[1], pl[src[keep]]])
    full = np.concatenate([np.ones(len(inner[0]), bool), np.zeros(int(keep.sum()), bool)])
    order = np.lexsort((-shapely.area(polys), leaf, comm))
    return _Pieces(polys[order], comm[order], leaf[order], full[order])


def _merge_slivers(pc: _Pieces, leaf_area: np.ndarray) -> np.ndarray:
    """Group id per piece: pieces below 30% of their leaf join their best neighbour."""
    n = len(pc.polys)
    per_comm = np.bincount(pc.comm)
    area = shapely.area(pc.polys)
    sliver = (area < 0.3 * leaf_area[pc.leaf]) & (per_comm[pc.comm] > 1)
    parent = np.arange(n)
    sl = np.nonzero(sliver)[0]
    if len(sl):
        tree = shapely.STRtree(pc.polys)
        q_s, q_p = tree.query(pc.polys[sl], predicate="intersects")
        s, p = sl[q_s], q_p
        ok = (pc.comm[s] == pc.comm[p]) & (s != p)
        s, p = s[ok], p[ok]
        shared = shapely.length(shapely.intersection(shapely.boundary(pc.polys[s]),
                                                     shapely.boundary(pc.polys[p])))
        # Prefer a full-size neighbour, then the longest common edge.
        score = shared * np.where(sliver[p], 1.0, 10.0)
        good = shared > 0.5
        s, p, score = s[good], p[good], score[good]
        order = np.lexsort((p, -score, s))
        s, p = s[order], p[order]
        first = np.ones(len(s), bool)
        first[1:] = s[1:] != s[:-1]

        def find(a: int) -> int:
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for a, b in zip(s[first].tolist(), p[first].tolist()):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        for a in range(n):
            parent[a] = find(a)
    return parent


def _make_grids(pc: _Pieces, lat: _Lattice, comm_codes: list[str]
                ) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Grid polygons, their community index, ids and the grid index of every piece."""
    leaf_area = shapely.area(lat.boxes)
    root = _merge_slivers(pc, leaf_area)
    roots, piece_group = np.unique(root, return_inverse=True)
    counts = np.bincount(piece_group)
    polys = pc.polys[roots].copy()
    members = np.argsort(piece_group, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)])
    for g in np.nonzero(counts > 1)[0].tolist():
        idx = members[starts[g]:starts[g + 1]]
        polys[g] = shapely.union_all(pc.polys[idx])
    comm = pc.comm[roots]
    # Number west→east, north→south inside each community (DB11), then sort by id.
    cent = shapely.centroid(polys)
    cx, cy = shapely.get_x(cent), shapely.get_y(cent)
    areas = shapely.area(polys)
    ids = np.empty(len(polys), dtype=object)
    for c in np.unique(comm).tolist():
        sel = np.nonzero(comm == c)[0]
        gids = number_grids(comm_codes[c], list(zip(cx[sel].tolist(), cy[sel].tolist())),
                            grid_row_height(areas[sel]))
        ids[sel] = [g.value for g in gids]
    order = np.argsort(ids.astype(str), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return polys[order], comm[order], [str(v) for v in ids[order]], rank[piece_group]


class _Locator:
    """Exact point → grid lookup through the lattice (no spatial index needed)."""

    def __init__(self, lat: _Lattice, pc: _Pieces, piece_grid: np.ndarray) -> None:
        self.lat, self.pc, self.piece_grid = lat, pc, piece_grid
        n_leaves = len(lat.li0)
        order = np.argsort(pc.leaf, kind="stable")
        self.idx = order
        self.ptr = np.searchsorted(pc.leaf[order], np.arange(n_leaves + 1))
        count = np.diff(self.ptr)
        self.full_grid = np.full(n_leaves, -1, dtype=np.int64)
        single = np.nonzero(count == 1)[0]
        p = order[self.ptr[single]]
        ok = pc.full[p]
        self.full_grid[single[ok]] = piece_grid[p[ok]]
        shapely.prepare(pc.polys)

    def locate(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        xs, ys = self.lat.xs, self.lat.ys
        i = np.searchsorted(xs, x, side="right") - 1
        j = np.searchsorted(ys, y, side="right") - 1
        valid = (i >= 0) & (i < len(xs) - 1) & (j >= 0) & (j < len(ys) - 1)
        i, j = np.where(valid, i, 0), np.where(valid, j, 0)
        valid &= (x > xs[i]) & (y > ys[j])  # strictly off the lattice lines
        leaf = self.lat.leaf_of[j, i]
        out = np.where(valid, self.full_grid[leaf], -1)
        cnt = self.ptr[leaf + 1] - self.ptr[leaf]
        rest = np.nonzero(valid & (out < 0) & (cnt > 0))[0]
        if len(rest):
            c = cnt[rest]
            pt = np.repeat(rest, c)
            off = np.arange(len(pt)) - np.repeat(np.cumsum(c) - c, c)
            cand = self.idx[np.repeat(self.ptr[leaf[rest]], c) + off]
            inside = shapely.contains_xy(self.pc.polys[cand], x[pt], y[pt])
            out[pt[inside]] = self.piece_grid[cand[inside]]
        return out


# --------------------------------------------------------------------------- roads


@dataclass
class _Segments:
    """Unit road segments on the lattice (each between two adjacent lattice lines)."""

    vertical: np.ndarray  # bool: runs north-south (x fixed)
    line: np.ndarray  # lattice line index
    pos: np.ndarray  # index of the segment along the line
    fixed: np.ndarray  # the fixed coordinate
    s0: np.ndarray
    s1: np.ndarray
    cls: np.ndarray
    urb: np.ndarray
    ring: np.ndarray  # ring name index or -1


def _road_segments(lat: _Lattice, sr: _demogen_streets.StreetRaster, inside: np.ndarray,
                   target_ha: np.ndarray, urbanity: np.ndarray, rng: np.random.Generator
                   ) -> _Segments:
    xs, ys, lo = lat.xs, lat.ys, lat.leaf_of
    # Vertical segments on line i between leaves (j, i-1) and (j, i).
    vj, vi = np.nonzero(lo[:, :-1] != lo[:, 1:])
    vi = vi + 1
    hj, hi = np.nonzero(lo[:-1, :] != lo[1:, :])
    hj = hj + 1
    vertical = np.concatenate([np.ones(len(vi), bool), np.zeros(len(hi), bool)])
    line = np.concatenate([vi, hj])
    pos = np.concatenate([vj, hi])
    fixed = np.concatenate([xs[vi], ys[hj]])
    s0 = np.concatenate([ys[vj], xs[hi]])
    s1 = np.concatenate([ys[vj + 1], xs[hi + 1]])
    leaf_a = np.concatenate([lo[vj, vi - 1], lo[hj - 1, hi]])
    leaf_b = np.concatenate([lo[vj, vi], lo[hj, hi]])
    mx = np.where(vertical, fixed, (s0 + s1) / 2)
    my = np.where(vertical, (s0 + s1) / 2, fixed)
    # Keep segments over the (slightly dilated) area of interest.
    ny, nx = inside.shape
    c = np.clip(((mx - sr.x0) / sr.cell).astype(np.int64), 0, nx - 1)
    r = np.clip(((my - sr.y0) / sr.cell).astype(np.int64), 0, ny - 1)
    keep = inside[r, c]
    vertical, line, pos, fixed, s0, s1, leaf_a, leaf_b, mx, my = (
        a[keep] for a in (vertical, line, pos, fixed, s0, s1, leaf_a, leaf_b, mx, my))
    street = sr.label_at(mx, my, nearest=True)
    t_ha, urb = target_ha[street], urbanity[street]
    cls = np.where(line % 4 == 0, 1, 2)
    cls = np.where((line % 8 == 0) & (t_ha <= 4.0), 0, cls)
    cls = np.where((line % 16 == 0) & (t_ha <= 8.0), 0, cls)
    # Ring roads: the west leg is a vertical line south of the north leg and vice versa.
    ring = np.full(len(line), -1)
    gx, gy = to_projected(np.array([r[1] for r in _RINGS]), np.array([r[2] for r in _RINGS]))
    ri = np.array([int(round(np.searchsorted(xs, v) / 16)) * 16 for v in gx])
    rj = np.array([int(round(np.searchsorted(ys, v) / 16)) * 16 for v in gy])
    for k in range(len(_RINGS)):
        west = vertical & (line == ri[k]) & (s1 <= ys[rj[k]] + 1e-6)
        north = ~vertical & (line == rj[k]) & (s0 >= xs[ri[k]] - 1e-6)
        ring[west | north] = k
    cls = np.where(ring >= 0, 0, cls)
    # Presence decided per stretch between the same two leaves, so roads do not flicker.
    key = np.stack([vertical.astype(np.int64), line, np.minimum(leaf_a, leaf_b),
                    np.maximum(leaf_a, leaf_b)], axis=1)
    _, inv = np.unique(key, axis=0, return_inverse=True)
    draw = rng.random(int(inv.max()) + 1 if len(inv) else 0)[inv.ravel()]
    p_keep = np.select([cls == 0, cls == 1], [1.0, 0.55 + 0.45 * urb], 0.1 + 0.7 * urb)
    present = (draw < p_keep) | (ring >= 0)
    return _Segments(vertical[present], line[present], pos[present], fixed[present],
                     s0[present], s1[present], cls[present], urb[present], ring[present])


def _road_lines(seg: _Segments, clip: shapely.Polygon, rng: np.random.Generator
                ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Join consecutive unit segments of one line and class into named LineStrings."""
    order = np.lexsort((seg.pos, seg.cls, seg.line, seg.vertical))
    v, ln, ps, cl, rg = (a[order] for a in (seg.vertical, seg.line, seg.pos, seg.cls, seg.ring))
    fx, s0, s1 = seg.fixed[order], seg.s0[order], seg.s1[order]
    brk = np.ones(len(v), bool)
    brk[1:] = (v[1:] != v[:-1]) | (ln[1:] != ln[:-1]) | (cl[1:] != cl[:-1]) \
        | (ps[1:] != ps[:-1] + 1) | (rg[1:] != rg[:-1])
    start = np.nonzero(brk)[0]
    end = np.concatenate([start[1:], [len(v)]]) - 1
    rv, rl, rc, rr = v[start], ln[start], cl[start], rg[start]
    a0, a1, f = s0[start], s1[end], fx[start]
    x0 = np.where(rv, f, a0)
    y0 = np.where(rv, a0, f)
    x1 = np.where(rv, f, a1)
    y1 = np.where(rv, a1, f)
    coords = np.stack([np.column_stack([x0, y0]), np.column_stack([x1, y1])], axis=1)
    lines = shapely.linestrings(coords)
    # Names: one per lattice line for arterials and secondaries, some lanes named.
    stems = list(_NAME_STEMS)
    perm = rng.permutation(len(stems))
    names = []
    suffix_v = ("路", "大街", "北路", "南路")
    suffix_h = ("街", "路", "西路", "东路")
    lane = ("胡同", "巷", "一巷", "二巷", "里")
    lane_draw = rng.random(len(start))
    lane_pick = rng.integers(0, len(stems) * len(lane), len(start))
    for k in range(len(start)):
        if rr[k] >= 0:
            leg = "西" if rv[k] else "北"
            names.append(f"{leg}{_RINGS[rr[k]][0]}路")
        elif rc[k] <= 1:
            h = int(rl[k]) * 2 + int(rv[k])
            stem = stems[perm[h % len(stems)]]
            suf = (suffix_v if rv[k] else suffix_h)[(h // len(stems)) % 4]
            names.append(stem + suf)
        elif lane_draw[k] < 0.35:
            q = int(lane_pick[k])
            names.append(stems[q % len(stems)] + lane[q // len(stems)])
        else:
            names.append("")
    clipped = shapely.intersection(lines, clip)
    parts, src = shapely.get_parts(clipped, return_index=True)
    ok = (shapely.get_type_id(parts) == 1) & (shapely.length(parts) > 1.0)
    parts, src = parts[ok], src[ok]
    return parts, rc[src].astype(np.int8), [names[k] for k in src.tolist()]


# --------------------------------------------------------------------------- parts

# Road-side types: (code, per km per road side for classes 0/1/2, offset from the centre
# line: ('side', extra) = beyond the kerb, ('lane', 0) = in the carriageway, ('kerb', 0)).
_ROADSIDE: tuple[tuple[str, tuple[float, float, float], str, float, bool], ...] = (
    ("04002", (165.0, 165.0, 125.0), "side", 1.8, True),  # street trees, ~6 m apart
    ("01037", (40.0, 32.0, 26.0), "side", 0.6, True),  # street lamps
    ("01004", (40.0, 34.0, 24.0), "kerb", 0.0, False),  # gully grates
    ("01001", (12.0, 10.0, 8.0), "lane", 0.0, False),
    ("01002", (13.0, 11.0, 8.5), "lane", 0.0, False),
    ("01003", (14.0, 12.0, 9.0), "lane", 0.0, False),
    ("01005", (11.0, 9.0, 7.0), "lane", 0.0, False),
    ("01006", (6.0, 5.0, 3.5), "side", -0.8, False),
    ("01007", (12.0, 10.0, 7.0), "side", -1.5, False),
    ("01008", (2.5, 2.0, 1.5), "side", -1.5, False),
    ("01009", (2.0, 1.8, 1.2), "side", -1.5, False),
    ("01010", (7.0, 6.0, 4.0), "lane", 0.0, False),
    ("01011", (6.0, 5.0, 3.5), "lane", 0.0, False),
    ("01012", (1.5, 1.2, 0.8), "side", -1.2, False),
    ("01017", (1.5, 1.2, 0.8), "lane", 0.0, False),
    ("01018", (1.0, 1.2, 1.5), "side", 2.5, False),
    ("01019", (1.0, 0.8, 0.5), "lane", 0.0, False),
    ("01023", (0.8, 0.8, 0.8), "lane", 0.0, False),
    ("01013", (6.0, 5.0, 3.0), "side", 1.2, False),  # hydrants
    ("01030", (7.0, 6.0, 5.0), "side", 0.9, False),
    ("01031", (6.0, 5.0, 4.0), "side", 0.9, False),
    ("01027", (3.0, 2.5, 1.5), "side", 2.5, False),
    ("01060", (1.5, 1.0, 0.5), "side", 2.0, False),
    ("02010", (14.0, 9.0, 4.0), "side", 1.0, False),
    ("02012", (4.0, 3.0, 1.5), "side", 1.0, False),
    ("02017", (20.0, 8.0, 0.0), "lane", 0.0, False),  # railings along the centre
    ("02021", (6.0, 6.0, 4.0), "side", 0.4, False),
    ("02027", (4.0, 5.0, 3.0), "side", 3.0, False),
    ("02004", (2.2, 0.8, 0.0), "side", 2.0, False),  # bus stops
    ("04011", (10.0, 8.0, 4.0), "side", 1.8, False),
)
# Interior types: count per ha in the core (scaled by urbanity²).
_INTERIOR: tuple[tuple[str, float], ...] = (
    ("03005", 3.0), ("03001", 0.12), ("01048", 0.8), ("01054", 1.5), ("01075", 0.6),
    ("04013", 0.8), ("01046", 0.4), ("02025", 1.0), ("04007", 1.2), ("03008", 0.5),
    ("04003", 4.0), ("03004", 0.25), ("02001", 0.3), ("01065", 0.3), ("01059", 0.3),
    ("01042", 0.05), ("03016", 0.5), ("01045", 0.3), ("02038", 2.0), ("01062", 0.08),
)
# Intersection types: count per node of two arterial/secondary roads.
_NODE: tuple[tuple[str, float], ...] = (("01050", 2.0), ("02014", 2.5), ("02020", 1.5))
_PART_DENSITY = 1.25  # global density factor (calibrated to ~1.4 M parts in the district)


def _roadside_parts(seg: _Segments, rng: np.random.Generator
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    length = seg.s1 - seg.s0
    hw = _ROAD_HALF_WIDTH[seg.cls]
    xs_, ys_, ts_ = [], [], []
    for ti, (code, rate, mode, extra, regular) in enumerate(_ROADSIDE):
        r = np.asarray(rate)[seg.cls] * _PART_DENSITY * seg.urb / 1000.0
        usable = np.maximum(length - 2 * 9.0, 0.0)  # keep clear of the junctions
        lam = np.repeat(r * usable, 2)
        if regular:
            n = np.floor(lam + rng.random(len(lam))).astype(np.int64)
        else:
            n = rng.poisson(lam)
        tot = int(n.sum())
        if tot == 0:
            continue
        k = np.repeat(np.arange(len(lam)), n)
        s = k // 2
        side = np.where(k % 2 == 0, 1.0, -1.0)
        if regular:
            rank = np.arange(tot) - np.repeat(np.cumsum(n) - n, n)
            step = usable[s] / np.maximum(n[k], 1)
            along = seg.s0[s] + 9.0 + (rank + 0.5 + rng.uniform(-0.15, 0.15, tot)) * step
        else:
            along = seg.s0[s] + 9.0 + rng.random(tot) * usable[s]
        if mode == "side":
            off = hw[s] + extra + rng.uniform(0.0, 0.6, tot)
        elif mode == "kerb":
            off = hw[s] - 0.3 + np.zeros(tot)
        else:
            off = rng.uniform(0.8, 1.0, tot) * np.maximum(hw[s] - 0.6, 0.8)
        off = np.maximum(off, 0.5)
        perp = seg.fixed[s] + side * off
        v = seg.vertical[s]
        xs_.append(np.where(v, perp, along))
        ys_.append(np.where(v, along, perp))
        ts_.append(np.full(tot, ti, dtype=np.int16))
    return np.concatenate(xs_), np.concatenate(ys_), np.concatenate(ts_)


def _node_parts(seg: _Segments, lat: _Lattice, rng: np.random.Generator
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    nyl, nxl = len(lat.ys), len(lat.xs)
    major = seg.cls <= 1
    vnode = np.zeros((nyl, nxl), bool)
    hnode = np.zeros((nyl, nxl), bool)
    v = major & seg.vertical
    h = major & ~seg.vertical
    vnode[seg.pos[v], seg.line[v]] = True
    vnode[seg.pos[v] + 1, seg.line[v]] = True
    hnode[seg.line[h], seg.pos[h]] = True
    hnode[seg.line[h], seg.pos[h] + 1] = True
    nj, ni = np.nonzero(vnode & hnode)
    urb_grid = np.zeros((nyl, nxl))
    urb_grid[seg.pos[v], seg.line[v]] = seg.urb[v]
    u = urb_grid[nj, ni]
    xs_, ys_, ts_ = [], [], []
    base = len(_ROADSIDE)
    for ti, (code, per) in enumerate(_NODE):
        n = rng.poisson(per * u * _PART_DENSITY)
        k = np.repeat(np.arange(len(nj)), n)
        corner = rng.integers(0, 4, len(k))
        d = 20.0 + rng.uniform(0.0, 4.0, len(k))
        xs_.append(lat.xs[ni[k]] + np.where(corner % 2 == 0, d, -d))
        ys_.append(lat.ys[nj[k]] + np.where(corner // 2 == 0, d, -d))
        ts_.append(np.full(len(k), base + ti, dtype=np.int16))
    return np.concatenate(xs_), np.concatenate(ys_), np.concatenate(ts_)


def _interior_parts(grid_polys: np.ndarray, grid_urb: np.ndarray, loc: _Locator,
                    lat: _Lattice, rng: np.random.Generator
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    area = shapely.area(grid_polys)
    b = shapely.bounds(grid_polys)
    fill = area / np.maximum((b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]), 1.0)
    rates = np.array([r for _, r in _INTERIOR]) * _PART_DENSITY
    lam = area[:, None] / 1e4 * rates[None, :] * (grid_urb**2)[:, None]
    want = rng.poisson(lam)  # (grids, types)
    g, t = np.nonzero(want)
    n = want[g, t]
    draw = np.ceil(n / np.maximum(fill[g], 0.05) * 1.3 + 2).astype(np.int64)
    k = np.repeat(np.arange(len(g)), draw)
    gk = g[k]
    x = b[gk, 0] + rng.random(len(k)) * (b[gk, 2] - b[gk, 0])
    y = b[gk, 1] + rng.random(len(k)) * (b[gk, 3] - b[gk, 1])
    # Off the roads: at least 12 m from any lattice line.
    i = np.clip(np.searchsorted(lat.xs, x) - 1, 0, len(lat.xs) - 2)
    j = np.clip(np.searchsorted(lat.ys, y) - 1, 0, len(lat.ys) - 2)
    clear = (np.minimum(x - lat.xs[i], lat.xs[i + 1] - x) > 12.0) & \
        (np.minimum(y - lat.ys[j], lat.ys[j + 1] - y) > 12.0)
    got = np.full(len(k), -1)
    got[clear] = loc.locate(x[clear], y[clear])
    ok = got == gk
    # Keep the first n accepted draws of each (grid, type): draws are contiguous per pair.
    before = np.cumsum(ok) - ok
    start = np.cumsum(draw) - draw
    ok &= (before - np.repeat(before[start], draw)) < np.repeat(n, draw)
    base = len(_ROADSIDE) + len(_NODE)
    return x[ok], y[ok], (base + t[k[ok]]).astype(np.int16), gk[ok]


# --------------------------------------------------------------------------- blocks


def _blocks(lat: _Lattice, pc: _Pieces, loc: _Locator, grid_urb: np.ndarray,
            piece_grid: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    leaves_used = np.zeros(len(lat.li0), bool)
    leaves_used[pc.leaf] = True
    cj, ci = np.nonzero(leaves_used[lat.leaf_of])
    leaf = lat.leaf_of[cj, ci]
    # Urbanity of a base cell = that of the grid of its leaf's first piece.
    first_piece = loc.idx[loc.ptr[leaf]]
    u = grid_urb[piece_grid[first_piece]]
    line_cls_x = np.where(np.arange(len(lat.xs)) % 8 == 0, 0,
                          np.where(np.arange(len(lat.xs)) % 4 == 0, 1, 2))
    line_cls_y = np.where(np.arange(len(lat.ys)) % 8 == 0, 0,
                          np.where(np.arange(len(lat.ys)) % 4 == 0, 1, 2))
    x0 = lat.xs[ci] + _ROAD_HALF_WIDTH[line_cls_x[ci]] + 6.0
    x1 = lat.xs[ci + 1] - _ROAD_HALF_WIDTH[line_cls_x[ci + 1]] - 6.0
    y0 = lat.ys[cj] + _ROAD_HALF_WIDTH[line_cls_y[cj]] + 6.0
    y1 = lat.ys[cj + 1] - _ROAD_HALF_WIDTH[line_cls_y[cj + 1]] - 6.0
    # Urban cells split into 1–3 × 1–2 buildings; villages keep a few small footprints.
    nxs = np.where(u >= 0.7, rng.integers(1, 4, len(u)), 1)
    nys = np.where(u >= 0.7, rng.integers(1, 3, len(u)), 1)
    k = np.repeat(np.arange(len(u)), nxs * nys)
    r = np.arange(len(k)) - np.repeat(np.cumsum(nxs * nys) - nxs * nys, nxs * nys)
    a, bq = r % nxs[k], r // nxs[k]
    gap = 9.0
    wx = (x1[k] - x0[k] - gap * (nxs[k] - 1)) / nxs[k]
    wy = (y1[k] - y0[k] - gap * (nys[k] - 1)) / nys[k]
    bx0 = x0[k] + a * (wx + gap)
    by0 = y0[k] + bq * (wy + gap)
    bx1, by1 = bx0 + wx, by0 + wy
    p_keep = np.where(u[k] >= 0.7, 0.9, np.where(u[k] >= 0.3, 0.16, 0.05))
    keep = (rng.random(len(k)) < p_keep) & (wx > 15) & (wy > 15)
    small = u[k] < 0.7  # village houses: a shrunken footprint somewhere in the cell
    f = rng.uniform(0.3, 0.55, len(k))
    ox = rng.random(len(k)) * (1 - f) * wx
    oy = rng.random(len(k)) * (1 - f) * wy
    bx0 = np.where(small, bx0 + ox, bx0)
    by0 = np.where(small, by0 + oy, by0)
    bx1 = np.where(small, bx0 + f * wx, bx1)
    by1 = np.where(small, by0 + f * wy, by1)
    k, bx0, by0, bx1, by1 = k[keep], bx0[keep], by0[keep], bx1[keep], by1[keep]
    boxes = shapely.box(bx0, by0, bx1, by1)
    lf = leaf[k]
    full = loc.full_grid[lf] >= 0
    out = [boxes[full]]
    # Blocks of split leaves: clip to each piece (shrunk, so blocks stay off boundaries).
    rest = np.nonzero(~full)[0]
    cnt = loc.ptr[lf[rest] + 1] - loc.ptr[lf[rest]]
    bk = np.repeat(rest, cnt)
    off = np.arange(len(bk)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    cand = loc.idx[np.repeat(loc.ptr[lf[rest]], cnt) + off]
    uc, inv = np.unique(cand, return_inverse=True)
    shrunk = shapely.buffer(pc.polys[uc], -5.0, join_style="mitre")
    cut = shapely.intersection(boxes[bk], shrunk[inv.ravel()])
    parts = shapely.get_parts(cut)
    parts = parts[(shapely.get_type_id(parts) == 3) & (shapely.area(parts) > 60.0)]
    out.append(parts)
    return np.concatenate(out)


# --------------------------------------------------------------------------- main


def generate(scale: str = "district", *, seed: int = 20261123, street_code: str = "110108011",
             progress: Progress | None = None) -> DemoDistrict:
    """Generate the demo district (``'district'``) or one street (``'street'``)."""
    if scale not in ("district", "street"):
        raise ValueError(f"Unknown demo scale “{scale}”: use 'district' or 'street'")
    report = progress or (lambda f, m: None)
    streets, comms = _read_facts()
    s_codes = [r["nbs_code"] for r in streets]
    if scale == "street" and street_code not in s_codes:
        raise ValueError(f"Street {street_code} is not a street of {DISTRICT_NAME}")
    s_names = [r["nbs_name"] for r in streets]
    s_area = np.array([float(r["area_km2_cgcs2000_gk117"]) for r in streets])
    px, py = to_projected(np.array([float(r["inside_lon"]) for r in streets]),
                          np.array([float(r["inside_lat"]) for r in streets]))

    report(0.02, "生成街道…")
    sr = _demogen_streets.partition(np.asarray(px), np.asarray(py), s_area, DISTRICT_AREA_KM2,
                                    np.random.default_rng([seed, 1]))
    target_ha = np.array([_street_target_ha(c) for c in s_codes]) * _GRID_SCALE
    urbanity = np.array([_street_urbanity(c) for c in s_codes])

    report(0.12, "生成社区…")
    c_rng = np.random.default_rng([seed, 2])
    c_codes, c_names, c_street, c_polys = [], [], [], []
    for si, code in enumerate(s_codes):
        rows = [r for r in comms if r["street_code"] == code]
        polys = _community_polys(sr.polys[si], len(rows), c_rng)
        c_codes += [r["code"] for r in rows]
        c_names += [r["name"] for r in rows]
        c_street += [code] * len(rows)
        c_polys.extend(polys)
    comm_polys = np.array(c_polys, dtype=object)

    if scale == "street":
        si = s_codes.index(street_code)
        sel = [k for k, c in enumerate(c_street) if c == street_code]
        c_codes = [c_codes[k] for k in sel]
        c_names = [c_names[k] for k in sel]
        c_street = [c_street[k] for k in sel]
        comm_polys = comm_polys[sel]
        outline = sr.polys[si]
        street_idx = [si]
        aoi = sr.labels == si
    else:
        outline = sr.outline
        street_idx = list(range(len(s_codes)))
        aoi = sr.labels >= 0
    aoi = ndimage.binary_dilation(aoi, iterations=2)

    report(0.2, "划分单元网格…")
    lat = _build_lattice(sr, target_ha * 1e4, np.random.default_rng([seed, 3]))
    pc = _cut_pieces(lat, comm_polys)
    grid_polys, grid_comm, grid_ids, piece_grid = _make_grids(pc, lat, c_codes)
    loc = _Locator(lat, pc, piece_grid)
    grid_street = np.array([s_codes.index(c_street[c]) for c in grid_comm.tolist()])
    grid_urb = urbanity[grid_street]
    region = np.where(grid_urb >= 0.7, "一类区域", "二类区域")

    g_rng = np.random.default_rng([seed, 4])
    mean_hh = np.where(grid_urb >= 1.0, 275.0, np.where(grid_urb >= 0.7, 210.0, 70.0))
    hh = mean_hh * g_rng.lognormal(-0.08, 0.4, len(grid_polys))
    non_res = g_rng.random(len(grid_polys)) < 0.1  # offices, campuses, parks
    hh = np.where(non_res, hh * 0.15, hh)
    grid_hh = np.round(hh).astype(np.int64)
    grid_res = np.round(grid_hh * g_rng.uniform(2.5, 3.0, len(grid_hh))).astype(np.int64)
    comm_hh = np.bincount(grid_comm, weights=grid_hh, minlength=len(c_codes)).astype(np.int64)
    comm_res = np.bincount(grid_comm, weights=grid_res, minlength=len(c_codes)).astype(np.int64)

    report(0.45, "生成道路…")
    r_rng = np.random.default_rng([seed, 5])
    seg = _road_segments(lat, sr, aoi, target_ha, urbanity, r_rng)
    road_lines, road_class, road_names = _road_lines(seg, outline, r_rng)

    report(0.55, "生成建筑…")
    blocks = _blocks(lat, pc, loc, grid_urb, piece_grid, np.random.default_rng([seed, 6]))

    report(0.65, "生成部件…")
    p_rng = np.random.default_rng([seed, 7])
    rx, ry, rt = _roadside_parts(seg, p_rng)
    nx_, ny_, nt = _node_parts(seg, lat, p_rng)
    x = np.concatenate([rx, nx_])
    y = np.concatenate([ry, ny_])
    tt = np.concatenate([rt, nt])
    report(0.8, "部件定位…")
    gi = loc.locate(x, y)
    ok = gi >= 0
    ix, iy, it, ig = _interior_parts(grid_polys, grid_urb, loc, lat, p_rng)
    x = np.concatenate([x[ok], ix])
    y = np.concatenate([y[ok], iy])
    tt = np.concatenate([tt[ok], it])
    gi = np.concatenate([gi[ok], ig]).astype(np.int32)
    codes = np.array([c for c, *_ in _ROADSIDE] + [c for c, _ in _NODE]
                     + [c for c, _ in _INTERIOR], dtype="<U5")
    # Group by type, then by grid: serials run 1..n within each type.
    order = np.lexsort((y, x, gi, codes[tt]))
    x, y, tt, gi = x[order], y[order], tt[order], gi[order]
    ptype = codes[tt]
    change = np.ones(len(ptype), bool)
    change[1:] = ptype[1:] != ptype[:-1]
    first = np.maximum.accumulate(np.where(change, np.arange(len(ptype)), 0))
    serial = (np.arange(len(ptype)) - first + 1).astype(np.int32)
    status = p_rng.choice(5, size=len(ptype), p=[0.955, 0.028, 0.006, 0.008, 0.003])
    report(1.0, "完成")

    return DemoDistrict(
        scale=scale, crs=PROJECTED, district_code=DISTRICT_CODE, district_name=DISTRICT_NAME,
        outline=outline,
        street_codes=[s_codes[k] for k in street_idx],
        street_names=[s_names[k] for k in street_idx],
        street_polys=np.array([sr.polys[k] for k in street_idx], dtype=object),
        community_codes=c_codes, community_names=c_names, community_street=c_street,
        community_polys=comm_polys, community_households=comm_hh, community_residents=comm_res,
        grid_ids=grid_ids, grid_community_index=grid_comm.astype(np.int32), grid_polys=grid_polys,
        grid_households=grid_hh, grid_residents=grid_res, grid_region_class=region,
        road_lines=road_lines, road_class=road_class, road_names=road_names,
        block_polys=blocks,
        part_x=x.astype(np.float64), part_y=y.astype(np.float64), part_type=ptype,
        part_grid_index=gi, part_status=status.astype(np.int8), part_serial=serial,
    )


if __name__ == "__main__":
    import sys

    for sc in sys.argv[1:] or ["street", "district"]:
        marks: list[tuple[float, str]] = []
        t0 = time.perf_counter()
        d = generate(sc, progress=lambda f, m: marks.append((time.perf_counter(), m)))
        for (ta, msg), (tb, _) in zip(marks, marks[1:]):
            print(f"  {msg:<8} {tb - ta:6.2f} s")
        print(f"{sc}: {time.perf_counter() - t0:.2f} s total – {len(d.street_codes)} streets, "
              f"{len(d.community_codes)} communities, {len(d.grid_ids)} grids, "
              f"{len(d.road_lines)} roads, {len(d.block_polys)} blocks, {len(d.part_x)} parts, "
              f"outline {d.outline.area / 1e6:.1f} km²")
