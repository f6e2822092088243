"""Repositories: the only way the rest of the application reads and writes the store.

They hand out domain objects (``app.domain``) or plain numpy arrays for bulk consumers such
as the map; ORM rows and SQL stay inside this package.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import shapely
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from app.domain.admin import Community, Street, UnitGrid
from app.domain.case import Case, CaseKind, CaseLevel, CaseSource, CaseState, Urgency
from app.domain.ids import GridId, PartId
from app.domain.org import Department, DepartmentKind, Role, Staff
from app.domain.part import CityPart, DataSource, PartStatus
from app.store.orm import (
    CaseRow,
    CatalogueRow,
    CommunityRow,
    DepartmentRow,
    DistrictRow,
    GridRow,
    MetaRow,
    PartRow,
    StaffRow,
    StreetRow,
    point_cell,
)

BBox = tuple[float, float, float, float]  # minx, miny, maxx, maxy in display metres


def _geom(wkb: bytes | None) -> shapely.Geometry | None:
    return shapely.from_wkb(wkb) if wkb else None


@dataclass
class GeometryArrays:
    """Polygons or lines of one layer, as loaded for drawing (lon/lat WKB decoded)."""

    ids: list[str]
    names: list[str]
    geoms: np.ndarray  # shapely geometries in EPSG:4490
    attrs: dict[str, np.ndarray]


@dataclass
class PointArrays:
    """Points of one layer for drawing; coordinates in display metres (EPSG:4548)."""

    rowid: np.ndarray  # int64 primary keys
    x: np.ndarray
    y: np.ndarray
    attrs: dict[str, np.ndarray]


class _Repo:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"


class MetaRepository(_Repo):
    def get(self, key: str, default: str | None = None) -> str | None:
        with Session(self.engine) as s:
            row = s.get(MetaRow, key)
            return row.value if row else default

    def set(self, key: str, value: str) -> None:
        with Session(self.engine) as s, s.begin():
            s.merge(MetaRow(key=key, value=value))

    def all(self) -> dict[str, str]:
        with Session(self.engine) as s:
            return {r.key: r.value for r in s.scalars(select(MetaRow))}


class AdminRepository(_Repo):
    """District, streets, communities and unit grids."""

    def district(self) -> tuple[str, str, float] | None:
        with Session(self.engine) as s:
            row = s.scalars(select(DistrictRow)).first()
            return (row.code, row.name, row.area_km2) if row else None

    def streets(self) -> list[Street]:
        with Session(self.engine) as s:
            return [
                Street(code=r.code, name=r.name, area_km2=r.area_km2, kind=r.kind,
                       geometry=_geom(r.geom))
                for r in s.scalars(select(StreetRow).order_by(StreetRow.code))
            ]

    def communities(self, street_code: str | None = None) -> list[Community]:
        q = select(CommunityRow).order_by(CommunityRow.code)
        if street_code:
            q = q.where(CommunityRow.street_code == street_code)
        with Session(self.engine) as s:
            return [
                Community(code=r.code, name=r.name, households=r.households,
                          residents=r.residents, geometry=_geom(r.geom))
                for r in s.scalars(q)
            ]

    @staticmethod
    def _grid(r: GridRow) -> UnitGrid:
        return UnitGrid(
            grid_id=GridId(r.grid_id), community_code=r.community_code, name=r.name,
            area_m2=r.area_m2, geometry=_geom(r.geom), region_class=r.region_class,
            households=r.households, residents=r.residents, initial_date=r.initial_date,
            note=r.note or "",
        )

    def grid(self, grid_id: str) -> UnitGrid | None:
        with Session(self.engine) as s:
            r = s.get(GridRow, grid_id)
            return self._grid(r) if r else None

    def grids(self, community_code: str | None = None) -> list[UnitGrid]:
        q = select(GridRow).order_by(GridRow.grid_id)
        if community_code:
            q = q.where(GridRow.community_code == community_code)
        with Session(self.engine) as s:
            return [self._grid(r) for r in s.scalars(q)]

    def grid_ids_in_bbox(self, bbox: BBox) -> list[str]:
        """Grids whose bounding box meets ``bbox`` (spatial index, no full scan)."""
        minx, miny, maxx, maxy = bbox
        with self.engine.connect() as c:
            if self.is_sqlite:
                # The R*Tree keeps 32-bit floats rounded outwards: it pre-filters, and the
                # exact box columns decide.
                rows = c.execute(text(
                    "SELECT g.grid_id FROM unit_grid_rtree r JOIN unit_grid g ON g.rowid = r.id "
                    "WHERE r.maxx >= :minx AND r.minx <= :maxx AND r.maxy >= :miny "
                    "AND r.miny <= :maxy AND g.maxx >= :minx AND g.minx <= :maxx "
                    "AND g.maxy >= :miny AND g.miny <= :maxy ORDER BY g.grid_id"
                ), dict(minx=minx, miny=miny, maxx=maxx, maxy=maxy))
            else:
                rows = c.execute(
                    select(GridRow.grid_id).where(
                        GridRow.maxx >= minx, GridRow.minx <= maxx,
                        GridRow.maxy >= miny, GridRow.miny <= maxy,
                    ).order_by(GridRow.grid_id)
                )
            return [r[0] for r in rows]

    def bbox_of(self, table: str, key: str) -> BBox | None:
        """Display-metre bounding box of a street, community or grid by its code."""
        model = {"street": StreetRow, "community": CommunityRow, "grid": GridRow}[table]
        pk = GridRow.grid_id if model is GridRow else model.code
        with Session(self.engine) as s:
            r = s.execute(select(model.minx, model.miny, model.maxx, model.maxy)
                          .where(pk == key)).first()
            return tuple(r) if r else None  # type: ignore[return-value]

    def names(self) -> tuple[dict[str, str], dict[str, str]]:
        """Street and community names by code (for labels and the hierarchy)."""
        with self.engine.connect() as c:
            streets = dict(c.execute(select(StreetRow.code, StreetRow.name)).all())
            comms = dict(c.execute(select(CommunityRow.code, CommunityRow.name)).all())
        return streets, comms  # type: ignore[return-value]

    def find_by_name(self, text_: str, limit: int = 20) -> list[tuple[str, str, str]]:
        """(level, code, name) of streets and communities whose name contains ``text_``."""
        like = f"%{text_}%"
        with self.engine.connect() as c:
            out = [("street", r[0], r[1]) for r in c.execute(
                select(StreetRow.code, StreetRow.name).where(StreetRow.name.like(like))
                .order_by(StreetRow.code).limit(limit))]
            out += [("community", r[0], r[1]) for r in c.execute(
                select(CommunityRow.code, CommunityRow.name)
                .where(CommunityRow.name.like(like)).order_by(CommunityRow.code).limit(limit))]
        return out[:limit]

    def layer(self, level: str) -> GeometryArrays:
        """All polygons of a level ('street', 'community', 'grid') for drawing."""
        with self.engine.connect() as c:
            if level == "street":
                rows = c.execute(select(StreetRow.code, StreetRow.name, StreetRow.geom,
                                        StreetRow.area_km2).order_by(StreetRow.code)).all()
                attrs = {"area_km2": np.array([r[3] for r in rows])}
            elif level == "community":
                rows = c.execute(select(CommunityRow.code, CommunityRow.name, CommunityRow.geom,
                                        CommunityRow.households, CommunityRow.residents)
                                 .order_by(CommunityRow.code)).all()
                attrs = {"households": np.array([r[3] for r in rows]),
                         "residents": np.array([r[4] for r in rows])}
            elif level == "grid":
                rows = c.execute(select(GridRow.grid_id, GridRow.name, GridRow.geom,
                                        GridRow.households, GridRow.residents,
                                        GridRow.region_class).order_by(GridRow.grid_id)).all()
                attrs = {"households": np.array([r[3] for r in rows]),
                         "residents": np.array([r[4] for r in rows]),
                         "region_class": np.array([r[5] for r in rows])}
            else:
                raise ValueError(f"unknown level {level!r}")
        geoms = shapely.from_wkb(np.array([r[2] for r in rows], dtype=object))
        return GeometryArrays([r[0] for r in rows], [r[1] for r in rows], geoms, attrs)

    def basemap(self, table: str) -> GeometryArrays:
        """Roads (with class and name) or blocks for the vector basemap."""
        with self.engine.connect() as c:
            if table == "road":
                rows = c.execute(text("SELECT id, name, geom, road_class FROM road ORDER BY id"))
                rows = rows.all()
                attrs = {"road_class": np.array([r[3] for r in rows], dtype=np.int8)}
            else:
                rows = c.execute(text("SELECT id, '', geom FROM block ORDER BY id")).all()
                attrs = {}
        geoms = shapely.from_wkb(np.array([r[2] for r in rows], dtype=object))
        return GeometryArrays([str(r[0]) for r in rows], [r[1] for r in rows], geoms, attrs)

    def counts(self) -> dict[str, int]:
        with Session(self.engine) as s:
            return {
                "streets": s.scalar(select(func.count()).select_from(StreetRow)) or 0,
                "communities": s.scalar(select(func.count()).select_from(CommunityRow)) or 0,
                "grids": s.scalar(select(func.count()).select_from(GridRow)) or 0,
            }

    def iter_grid_ids(self) -> Iterator[str]:
        with self.engine.connect() as c:
            for (g,) in c.execute(select(GridRow.grid_id)):
                yield g


class OrgRepository(_Repo):
    def departments(self) -> list[Department]:
        with Session(self.engine) as s:
            return [Department(code=r.code, name=r.name, kind=DepartmentKind(r.kind),
                               street_code=r.street_code)
                    for r in s.scalars(select(DepartmentRow).order_by(DepartmentRow.code))]

    def department_names(self) -> dict[str, str]:
        with self.engine.connect() as c:
            return dict(c.execute(select(DepartmentRow.code, DepartmentRow.name)).all())  # type: ignore[arg-type]

    def staff(self) -> list[Staff]:
        with Session(self.engine) as s:
            return [Staff(login=r.login, name=r.name, role=Role(r.role),
                          department_code=r.department_code, street_code=r.street_code)
                    for r in s.scalars(select(StaffRow).order_by(StaffRow.login))]

    def catalogue_names(self) -> dict[tuple[str, str], str]:
        with self.engine.connect() as c:
            return {(k, code): name for k, code, name in c.execute(
                select(CatalogueRow.kind, CatalogueRow.code, CatalogueRow.name))}


_PART_COLS = (PartRow.id, PartRow.part_id, PartRow.type_code, PartRow.name, PartRow.dept_code,
              PartRow.owner_code, PartRow.maintainer_code, PartRow.grid_id, PartRow.status,
              PartRow.initial_date, PartRow.change_date, PartRow.data_source, PartRow.note,
              PartRow.lon, PartRow.lat)


class PartRepository(_Repo):
    def _to_domain(self, r: Sequence, type_names: dict[str, str],
                   dept_names: dict[str, str]) -> CityPart:
        (_id, pid, tcode, name, dept, owner, maint, grid, status, d0, d1, src, note,
         lon, lat) = r
        return CityPart(
            part_id=PartId(pid), name=name or type_names.get(tcode, tcode), dept_code=dept,
            dept_name=dept_names.get(dept, dept), grid_id=GridId(grid),
            status=PartStatus(status), initial_date=d0, lon=lon, lat=lat,
            owner_code=owner, owner_name=dept_names.get(owner) if owner else None,
            maintainer_code=maint, maintainer_name=dept_names.get(maint) if maint else None,
            change_date=d1, data_source=DataSource(src) if src else None, note=note or "",
        )

    def _lookups(self, c) -> tuple[dict[str, str], dict[str, str]]:  # type: ignore[no-untyped-def]
        types = dict(c.execute(select(CatalogueRow.code, CatalogueRow.name)
                               .where(CatalogueRow.kind == "part")).all())
        depts = dict(c.execute(select(DepartmentRow.code, DepartmentRow.name)).all())
        return types, depts

    def get(self, part_id: str) -> CityPart | None:
        with self.engine.connect() as c:
            r = c.execute(select(*_PART_COLS).where(PartRow.part_id == part_id)).first()
            if r is None:
                return None
            return self._to_domain(r, *self._lookups(c))

    def get_by_rowid(self, rowid: int) -> CityPart | None:
        with self.engine.connect() as c:
            r = c.execute(select(*_PART_COLS).where(PartRow.id == int(rowid))).first()
            return self._to_domain(r, *self._lookups(c)) if r else None

    def rowid_of(self, part_id: str) -> int | None:
        with self.engine.connect() as c:
            return c.execute(select(PartRow.id).where(PartRow.part_id == part_id)).scalar()

    def in_bbox(self, bbox: BBox, limit: int | None = None) -> list[CityPart]:
        ids = self.rowids_in_bbox(bbox, limit)
        if not len(ids):
            return []
        with self.engine.connect() as c:
            lk = self._lookups(c)
            out: list[CityPart] = []
            for chunk in np.array_split(ids, max(1, len(ids) // 900 + 1)):
                rows = c.execute(select(*_PART_COLS).where(PartRow.id.in_(chunk.tolist())))
                out += [self._to_domain(r, *lk) for r in rows]
        out.sort(key=lambda p: p.part_id.value)
        return out

    def rowids_in_bbox(self, bbox: BBox, limit: int | None = None) -> np.ndarray:
        """Primary keys of parts inside ``bbox`` (display metres), via the spatial index."""
        return _points_in_bbox(self.engine, PartRow, bbox, limit)

    def point_arrays(self) -> PointArrays:
        """All parts as arrays for the map: rowid, x, y, major class."""
        dtype = np.dtype([("id", "i8"), ("x", "f8"), ("y", "f8"), ("major", "i1")])
        with self.engine.connect() as c:
            n = c.execute(select(func.count()).select_from(PartRow)).scalar() or 0
            # Straight from the DBAPI cursor (sqlite3 or psycopg) into a structured array:
            # no Row objects and no list of 1.4 M tuples.
            cur = c.connection.driver_connection.cursor()
            try:
                cur.execute("SELECT id, x, y, major FROM part ORDER BY id")
                arr = np.fromiter(cur, dtype=dtype, count=n)
            finally:
                cur.close()
        return PointArrays(arr["id"].copy(), arr["x"].copy(), arr["y"].copy(),
                           {"major": arr["major"].copy()})

    def count(self) -> int:
        with Session(self.engine) as s:
            return s.scalar(select(func.count()).select_from(PartRow)) or 0

    def grid_assignment(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """x, y (display metres) and declared grid id of every part, for integrity checks."""
        with self.engine.connect() as c:
            cur = c.connection.driver_connection.cursor()
            try:
                cur.execute("SELECT x, y, grid_id FROM part ORDER BY id")
                data = cur.fetchall()
            finally:
                cur.close()
        x = np.fromiter((r[0] for r in data), np.float64, len(data))
        y = np.fromiter((r[1] for r in data), np.float64, len(data))
        return x, y, np.array([r[2] for r in data], dtype=object)

    def count_by_major(self) -> dict[str, int]:
        with self.engine.connect() as c:
            return {f"{m:02d}": n for m, n in c.execute(
                select(PartRow.major, func.count()).group_by(PartRow.major)
                .order_by(PartRow.major))}


_CASE_COLS = (CaseRow.id, CaseRow.number, CaseRow.kind, CaseRow.type_code, CaseRow.lon,
              CaseRow.lat, CaseRow.grid_id, CaseRow.source, CaseRow.reported_at,
              CaseRow.description, CaseRow.state, CaseRow.urgency, CaseRow.level,
              CaseRow.address, CaseRow.part_id, CaseRow.dept_code, CaseRow.deadline,
              CaseRow.closed_at, CaseRow.version)

STATE_CODES = {s: i for i, s in enumerate(CaseState)}
URGENCY_CODES = {u: i for i, u in enumerate(Urgency)}


def _points_in_bbox(engine: Engine, model: type[PartRow] | type[CaseRow], bbox: BBox,
                    limit: int | None) -> np.ndarray:
    """Box query on the (cell, y) bucket index: one index range per 100 m column."""
    minx, miny, maxx, maxy = bbox
    cells = list(range(point_cell(minx), point_cell(maxx) + 1))
    q = select(model.id).where(model.cell.in_(cells), model.y.between(miny, maxy),
                               model.x.between(minx, maxx)).order_by(model.id)
    if limit:
        q = q.limit(limit)
    with engine.connect() as c:
        return np.fromiter((r[0] for r in c.execute(q)), dtype=np.int64)


class CaseRepository(_Repo):
    @staticmethod
    def _to_domain(r: Sequence) -> Case:
        (cid, number, kind, tcode, lon, lat, grid, source, rep, desc, state, urg, level,
         addr, part, dept, deadline, closed, version) = r
        return Case(
            id=cid, number=number, kind=CaseKind(kind), type_code=tcode, lon=lon, lat=lat,
            grid_id=GridId(grid), source=CaseSource(source), reported_at=rep,
            description=desc, state=CaseState(state), urgency=Urgency(urg),
            level=CaseLevel(level), address=addr or "", part_id=part, dept_code=dept,
            deadline=deadline, closed_at=closed, version=version,
        )

    def get(self, number: str) -> Case | None:
        with self.engine.connect() as c:
            r = c.execute(select(*_CASE_COLS).where(CaseRow.number == number)).first()
            return self._to_domain(r) if r else None

    def get_by_rowid(self, rowid: int) -> Case | None:
        with self.engine.connect() as c:
            r = c.execute(select(*_CASE_COLS).where(CaseRow.id == int(rowid))).first()
            return self._to_domain(r) if r else None

    def add(self, case: Case, x: float, y: float) -> Case:
        with Session(self.engine) as s, s.begin():
            row = CaseRow(
                number=case.number, kind=case.kind.value, type_code=case.type_code,
                lon=case.lon, lat=case.lat, x=x, y=y, cell=point_cell(x),
                grid_id=case.grid_id.value,
                source=case.source.value, reported_at=case.reported_at,
                description=case.description, state=case.state.value,
                urgency=case.urgency.value, level=case.level.value, address=case.address,
                part_id=case.part_id, dept_code=case.dept_code, deadline=case.deadline,
                closed_at=case.closed_at, version=case.version,
            )
            s.add(row)
            s.flush()
            case.id = row.id
        return case

    def count(self) -> int:
        with Session(self.engine) as s:
            return s.scalar(select(func.count()).select_from(CaseRow)) or 0

    def count_by_state(self) -> dict[str, int]:
        with self.engine.connect() as c:
            return {st: n for st, n in c.execute(
                select(CaseRow.state, func.count()).group_by(CaseRow.state)
                .order_by(CaseRow.state))}

    def point_arrays(self, open_only: bool = True,
                     since: datetime | None = None) -> PointArrays:
        """Cases for the map: rowid, x, y, state code (index into CaseState), urgency code."""
        q = select(CaseRow.id, CaseRow.x, CaseRow.y, CaseRow.state, CaseRow.urgency)
        if open_only:
            # IN over the open states (not NOT IN the closed ones) can use the state index.
            q = q.where(CaseRow.state.in_([s.value for s in CaseState if s.is_open]))
        if since is not None:
            q = q.where(CaseRow.reported_at >= since)
        with self.engine.connect() as c:
            rows = c.execute(q.order_by(CaseRow.id)).all()
        n = len(rows)
        rowid = np.fromiter((r[0] for r in rows), np.int64, n)
        x = np.fromiter((r[1] for r in rows), np.float64, n)
        y = np.fromiter((r[2] for r in rows), np.float64, n)
        state = np.fromiter((STATE_CODES[CaseState(r[3])] for r in rows), np.int8, n)
        urg = np.fromiter((URGENCY_CODES[Urgency(r[4])] for r in rows), np.int8, n)
        return PointArrays(rowid, x, y, {"state": state, "urgency": urg})

    def rowids_in_bbox(self, bbox: BBox, limit: int | None = None) -> np.ndarray:
        return _points_in_bbox(self.engine, CaseRow, bbox, limit)

    def numbers_like(self, prefix: str, limit: int = 20) -> list[str]:
        with self.engine.connect() as c:
            return [r[0] for r in c.execute(
                select(CaseRow.number).where(CaseRow.number.like(f"{prefix}%"))
                .order_by(CaseRow.number).limit(limit))]

    def xy(self, number: str) -> tuple[float, float] | None:
        with self.engine.connect() as c:
            r = c.execute(select(CaseRow.x, CaseRow.y).where(CaseRow.number == number)).first()
            return (r[0], r[1]) if r else None


def part_xy(engine: Engine, part_id: str) -> tuple[float, float] | None:
    with engine.connect() as c:
        r = c.execute(select(PartRow.x, PartRow.y).where(PartRow.part_id == part_id)).first()
        return (r[0], r[1]) if r else None
