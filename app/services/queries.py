"""Read-side use cases: statistics, search and identify."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.domain.case import CaseKind, CaseState
from app.domain.catalogue import load_catalogue
from app.domain.errors import InvalidIdError
from app.domain.ids import PartId
from app.store.repositories import BBox
from app.store.store import Store


def stats(store: Store) -> dict[str, object]:
    """Counts for ``main.py stats``: hierarchy, parts by major class, cases by state."""
    cat = load_catalogue()
    majors = dict(cat.majors(CaseKind.PART))
    by_major = store.parts.count_by_major()
    by_state = store.cases.count_by_state()
    admin = store.admin.counts()
    district = store.admin.district()
    return {
        "database": store.url,
        "district": {"code": district[0], "name": district[1],
                     "area_km2": round(district[2], 2)} if district else None,
        "seed": {k[5:]: v for k, v in store.meta.all().items() if k.startswith("seed.")},
        **admin,
        "parts": sum(by_major.values()),
        "parts_by_major": {f"{m} {majors.get(m, '')}".strip(): n for m, n in by_major.items()},
        "cases": sum(by_state.values()),
        "cases_by_state": {s.value: by_state.get(s.value, 0) for s in CaseState},
        "open_cases": sum(n for s, n in by_state.items() if CaseState(s).is_open),
    }


@dataclass(frozen=True)
class SearchHit:
    kind: str  # 'street' | 'community' | 'grid' | 'part' | 'case'
    key: str  # code / id / number
    label: str
    bbox: BBox


def _point_box(x: float, y: float, r: float = 60.0) -> BBox:
    return (x - r, y - r, x + r, y + r)


def search(store: Store, text: str, limit: int = 20) -> list[SearchHit]:
    """Find grids (15-digit id), parts (17-digit or legacy 16-digit id), cases (number)
    and streets/communities by name, in that order of precedence."""
    q = text.strip()
    if not q:
        return []
    hits: list[SearchHit] = []
    if re.fullmatch(r"[0-9A-Z]{15}", q):
        bb = store.admin.bbox_of("grid", q)
        if bb:
            grid = store.admin.grid(q)
            hits.append(SearchHit("grid", q, f"{q} {grid.name if grid else ''}".strip(), bb))
    if re.fullmatch(r"\d{16,17}", q):
        try:
            pid = PartId.from_legacy(q).value if len(q) == 16 else PartId(q).value
        except InvalidIdError:
            pid = None
        if pid:
            part = store.parts.get(pid)
            if part:
                from app.gis.crs import to_projected

                x, y = to_projected(part.lon, part.lat)
                hits.append(SearchHit("part", pid, f"{pid} {part.name}", _point_box(x, y)))
    if re.fullmatch(r"\d{8,13}", q):
        for number in store.cases.numbers_like(q, limit):
            xy = store.cases.xy(number)
            if xy:
                hits.append(SearchHit("case", number, number, _point_box(*xy)))
    if not re.fullmatch(r"\d+", q):
        for level, code, name in store.admin.find_by_name(q, limit):
            bb = store.admin.bbox_of(level, code)
            if bb:
                hits.append(SearchHit(level, code, name, bb))
    elif re.fullmatch(r"\d{9}|\d{12}", q):
        level = "street" if len(q) == 9 else "community"
        bb = store.admin.bbox_of(level, q)
        if bb:
            names = store.admin.names()[0 if level == "street" else 1]
            hits.append(SearchHit(level, q, names.get(q, q), bb))
    return hits[:limit]


@dataclass
class FeatureInfo:
    """What the attribute panel shows for one feature. ``fields`` are (key, value) pairs;
    the UI turns keys into (translated) field names."""

    kind: str
    key: str
    title: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    hierarchy: list[tuple[str, str]] = field(default_factory=list)  # (level, "code name")


def _hierarchy(store: Store, grid_id: str) -> list[tuple[str, str]]:
    streets, comms = store.admin.names()
    district = store.admin.district()
    out = []
    if district:
        out.append(("district", f"{district[0]} {district[1]}"))
    out += [("street", f"{grid_id[:9]} {streets.get(grid_id[:9], '')}"),
            ("community", f"{grid_id[:12]} {comms.get(grid_id[:12], '')}"),
            ("grid", grid_id)]
    return out


def identify_grid(store: Store, grid_id: str) -> FeatureInfo | None:
    g = store.admin.grid(grid_id)
    if g is None:
        return None
    f = [("grid_id", g.grid_id.value), ("name", g.name), ("area_m2", f"{g.area_m2:,.0f}"),
         ("region_class", g.region_class), ("households", str(g.households)),
         ("residents", str(g.residents)),
         ("initial_date", g.initial_date.isoformat() if g.initial_date else "")]
    return FeatureInfo("grid", grid_id, g.name or grid_id, f, _hierarchy(store, grid_id))


def identify_part(store: Store, rowid: int) -> FeatureInfo | None:
    p = store.parts.get_by_rowid(rowid)
    if p is None:
        return None
    cat = load_catalogue()
    entry = cat.find(CaseKind.PART, p.type_code)
    f = [("part_id", p.part_id.value), ("part_name", p.name),
         ("type", f"{p.type_code} {entry.name if entry else ''}"),
         ("major", f"{p.major_code} {entry.major_name if entry else ''}"),
         ("dept", f"{p.dept_name}"), ("dept_code", p.dept_code),
         ("owner", p.owner_name or ""), ("maintainer", p.maintainer_name or ""),
         ("grid_id", p.grid_id.value), ("status", p.status.value),
         ("initial_date", p.initial_date.isoformat()),
         ("change_date", p.change_date.isoformat() if p.change_date else ""),
         ("data_source", p.data_source.value if p.data_source else ""),
         ("lonlat", f"{p.lon:.6f}, {p.lat:.6f}")]
    return FeatureInfo("part", p.part_id.value, p.name, f, _hierarchy(store, p.grid_id.value))


def identify_case(store: Store, rowid: int) -> FeatureInfo | None:
    c = store.cases.get_by_rowid(rowid)
    if c is None:
        return None
    cat = load_catalogue()
    entry = cat.find(c.kind, c.type_code)
    depts = store.org.department_names()
    f = [("case_number", c.number), ("case_kind", c.kind.value),
         ("type", f"{c.type_code} {entry.name if entry else ''}"),
         ("state", c.state.value), ("urgency", c.urgency.value), ("source", c.source.value),
         ("level", c.level.value), ("reported_at", f"{c.reported_at:%Y-%m-%d %H:%M}"),
         ("deadline", f"{c.deadline:%Y-%m-%d %H:%M}" if c.deadline else ""),
         ("closed_at", f"{c.closed_at:%Y-%m-%d %H:%M}" if c.closed_at else ""),
         ("handling_dept", depts.get(c.dept_code or "", "")), ("part_id", c.part_id or ""),
         ("description", c.description), ("lonlat", f"{c.lon:.6f}, {c.lat:.6f}")]
    return FeatureInfo("case", c.number, c.number, f, _hierarchy(store, c.grid_id.value))


def check_integrity(store: Store) -> dict[str, object]:
    """The invariants a census must keep: valid, unique grid ids consistent with their
    community, and every part inside the grid it declares."""
    import numpy as np
    import shapely

    from app.domain.ids import is_valid_grid_id
    from app.gis import crs

    grids = store.admin.layer("grid")
    ids = grids.ids
    invalid = [g for g in ids if not is_valid_grid_id(g)]
    comms = set(store.admin.names()[1])
    orphan = [g for g in ids if g[:12] not in comms]
    polys = crs.project_geometries(grids.geoms, crs.GEOGRAPHIC, crs.PROJECTED)
    index = {g: i for i, g in enumerate(ids)}
    x, y, gid = store.parts.grid_assignment()
    gi = np.array([index.get(g, -1) for g in gid], dtype=np.int64)
    known = gi >= 0
    inside = np.zeros(len(x), dtype=bool)
    shapely.prepare(polys)
    inside[known] = shapely.contains_xy(polys[gi[known]], x[known], y[known])
    return {
        "grids": len(ids),
        "grid_ids_valid": not invalid,
        "grid_ids_unique": len(set(ids)) == len(ids),
        "grids_in_known_community": not orphan,
        "parts": int(len(x)),
        "parts_with_unknown_grid": int((~known).sum()),
        "parts_inside_declared_grid": int(inside.sum()),
        "all_parts_inside_their_grid": bool(inside.all()),
        "examples_invalid": (invalid + orphan)[:5],
    }
