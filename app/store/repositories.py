"""Repositories: the only way the rest of the application reads and writes the store.

They hand out domain objects (``app.domain``) or plain numpy arrays for bulk consumers such
as the map; ORM rows and SQL stay inside this package.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import shapely
from sqlalchemy import Engine, and_, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from app.domain.admin import Community, Street, UnitGrid
from app.domain.attachment import Attachment, Photo
from app.domain.camera import Camera
from app.domain.case import (
    Case,
    CaseKind,
    CaseLevel,
    CaseSource,
    CaseState,
    Urgency,
    format_case_number,
)
from app.domain.errors import ConcurrentUpdateError, DomainError
from app.domain.ids import GridId, PartId
from app.domain.org import Department, DepartmentKind, Role, Staff
from app.domain.part import CityPart, DataSource, PartStatus
from app.domain.workflow import Action, CaseEvent, CaseFlow
from app.store.orm import (
    OPEN_DEADLINE_WHERE,
    AttachmentRow,
    CameraRow,
    CaseEventRow,
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

# Spatial queries that go through PostGIS (app.store.postgis, GiST indexes) on PostgreSQL
# instead of the portable bbox / (cell, y) btree path. Each is on only where the district
# benchmark measured GiST faster (benchmarks/run.py section "postgis", docs/benchmarks.md
# §10; medians per call); both paths return the same rows (tests/db/test_postgis.py).
# SQLite always takes the portable path. The branches that are off stay, so the benchmark
# keeps measuring them (another server or data size may tip the balance).
POSTGIS_PATHS: dict[str, bool] = {
    # One indexed ST_Intersects instead of bbox candidates + their polygons decoded in
    # Python: ~3.5× faster.
    "grid_at": True,
    # GiST instead of the (minx, maxx, miny, maxy) btree, whose leading range column cuts
    # little: ~1.5× faster.
    "grid_ids_in_bbox": True,
    # The (cell, y) bucket btree is already one index range per 100 m column: GiST is level
    # with it (1.0–1.2× over 100 m – 3 km boxes), not worth a second code path in use.
    "part_rowids_in_bbox": False,
    # Duplicate look-ups are tiny boxes that (cell, y) and the state/time index answer in
    # ~0.1 ms inside the server; the GiST variant measured 0.9×.
    "cases_near": False,
    # Cameras are few (1,607); the GiST variant measured 0.7× the (cell, y) one.
    "cameras_seeing": False,
}


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
        if not self.is_sqlite and POSTGIS_PATHS["grid_ids_in_bbox"]:
            from app.store import postgis

            with self.engine.connect() as c:
                return postgis.grid_ids_in_bbox(c, bbox)
        return self._grid_ids_in_bbox_portable(bbox)

    def _grid_ids_in_bbox_portable(self, bbox: BBox) -> list[str]:
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

    def grid_at(self, lon: float, lat: float, x: float | None = None,
                y: float | None = None) -> str | None:
        """Id of the unit grid containing (lon, lat), its edge included; None outside every
        grid. A point on an edge two grids share belongs to the smaller id.

        ``x``, ``y``: the point in display metres when the caller has them (saves the
        projection on the portable path).
        """
        if not self.is_sqlite and POSTGIS_PATHS["grid_at"]:
            from app.store import postgis

            with self.engine.connect() as c:
                return postgis.grid_at(c, lon, lat)
        return self._grid_at_portable(lon, lat, x, y)

    def _grid_at_portable(self, lon: float, lat: float, x: float | None = None,
                          y: float | None = None) -> str | None:
        """The bbox index narrows to a few grids; shapely decides on their polygons."""
        if x is None or y is None:
            from app.gis import crs

            x, y = (float(v) for v in crs.to_projected(lon, lat))
        # A hair (1 mm) around the point: a point on a grid's edge or vertex may project a
        # rounding error outside that grid's metre bbox, and would miss the smaller id.
        ids = self._grid_ids_in_bbox_portable((x - 1e-3, y - 1e-3, x + 1e-3, y + 1e-3))
        if not ids:
            return None
        with self.engine.connect() as c:
            geoms = dict(c.execute(select(GridRow.grid_id, GridRow.geom)
                                   .where(GridRow.grid_id.in_(ids))).all())
        for gid in ids:  # id order, so an edge shared by two grids goes to the smaller id
            geom = _geom(geoms.get(gid))
            if geom is not None and shapely.intersects_xy(geom, lon, lat):
                return gid
        return None

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

    # -- accounts (app.services.auth) --------------------------------------------------
    # An account row as a plain tuple: (staff, password hash or None, active, changed at).
    # The hash never leaves store + auth service; the UI sees Staff only.

    @staticmethod
    def _account(r: StaffRow) -> tuple[Staff, str | None, bool, datetime | None]:
        staff = Staff(login=r.login, name=r.name, role=Role(r.role),
                      department_code=r.department_code, street_code=r.street_code)
        return staff, r.password_hash, bool(r.active), r.password_changed_at

    def account(self, login: str) -> tuple[Staff, str | None, bool, datetime | None] | None:
        with Session(self.engine) as s:
            r = s.get(StaffRow, login)
            return self._account(r) if r is not None else None

    def accounts(self) -> list[tuple[Staff, str | None, bool, datetime | None]]:
        with Session(self.engine) as s:
            return [self._account(r)
                    for r in s.scalars(select(StaffRow).order_by(StaffRow.login))]

    def any_password(self) -> bool:
        """Whether any active account can log in (then the desktop asks for a login)."""
        with self.engine.connect() as c:
            return c.execute(select(StaffRow.login).where(
                StaffRow.password_hash.is_not(None), StaffRow.active.is_(True))
                .limit(1)).first() is not None

    def add_account(self, staff: Staff, password_hash: str | None,
                    changed_at: datetime | None = None) -> None:
        try:
            with Session(self.engine) as s, s.begin():
                if s.get(StaffRow, staff.login) is not None:
                    raise DomainError(f"The login “{staff.login}” is taken: choose another")
                s.add(StaffRow(login=staff.login, name=staff.name, role=staff.role.value,
                               department_code=staff.department_code,
                               street_code=staff.street_code, password_hash=password_hash,
                               active=True, password_changed_at=changed_at))
        except IntegrityError as exc:  # a concurrent add of the same login
            raise DomainError(f"The login “{staff.login}” is taken: choose another") from exc

    def set_password_hash(self, login: str, password_hash: str,
                          changed_at: datetime | None = None) -> bool:
        """Store a new hash; ``changed_at`` None keeps the date (a rehash of the same
        password). Returns False when there is no such login."""
        values: dict[str, object] = {"password_hash": password_hash}
        if changed_at is not None:
            values["password_changed_at"] = changed_at
        with self.engine.begin() as c:
            return c.execute(update(StaffRow).where(StaffRow.login == login)
                             .values(**values)).rowcount > 0

    def set_active(self, login: str, active: bool) -> bool:
        with self.engine.begin() as c:
            return c.execute(update(StaffRow).where(StaffRow.login == login)
                             .values(active=active)).rowcount > 0


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
        if not self.is_sqlite and POSTGIS_PATHS["part_rowids_in_bbox"]:
            from app.store import postgis

            with self.engine.connect() as c:
                return postgis.point_rowids_in_bbox(c, "part", bbox, limit)
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
              CaseRow.closed_at, CaseRow.version, CaseRow.step_started_at, CaseRow.camera_id,
              CaseRow.caller, CaseRow.caller_phone, CaseRow.external_id)

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
         addr, part, dept, deadline, closed, version, started, camera, caller, phone,
         external) = r
        state = CaseState(state)
        extra = {k: v for k, v in (("camera_id", camera), ("caller", caller),
                                   ("caller_phone", phone), ("external_id", external)) if v}
        return Case(
            id=cid, number=number, kind=CaseKind(kind), type_code=tcode, lon=lon, lat=lat,
            grid_id=GridId(grid), source=CaseSource(source), reported_at=rep,
            description=desc, state=state, urgency=Urgency(urg),
            level=CaseLevel(level), address=addr or "", part_id=part, dept_code=dept,
            deadline=deadline, closed_at=closed, version=version, extra=extra,
            # Seeded cases without a recorded step start: the clock runs from the report.
            step_started_at=(started or rep) if state.is_open else None,
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

    def point_arrays(self, open_only: bool = True, since: datetime | None = None,
                     ids: Iterable[int] | None = None) -> PointArrays:
        """Cases for the map: rowid, x, y, state code (index into CaseState), urgency code.

        ``ids``: just these cases, whatever their state (a live update of a few symbols).
        """
        q = select(CaseRow.id, CaseRow.x, CaseRow.y, CaseRow.state, CaseRow.urgency)
        if ids is not None:
            q = q.where(CaseRow.id.in_(sorted(set(ids))))
        elif open_only:
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

    # -- workflow (migration 0002) --------------------------------------------------------
    def load_flow(self, number: str, trivial_codes: frozenset[str] | set[str] = frozenset()
                  ) -> tuple[Case, CaseFlow] | None:
        """The case and its workflow state; None when there is no such case."""
        with self.engine.connect() as c:
            r = c.execute(select(*_CASE_COLS, *_FLOW_COLS)
                          .where(CaseRow.number == number)).first()
        if r is None:
            return None
        case = self._to_domain(r[:len(_CASE_COLS)])
        (pending, pending_h, rework, misdispatch, ext_h, parked_since, parked_s, started,
         parks, urges, satisfied, _camera) = r[len(_CASE_COLS):]
        flow = CaseFlow(
            state=case.state, level=case.level, dept_code=case.dept_code,
            pending=Action(pending) if pending else None, rework_count=rework,
            misdispatch_count=misdispatch, extension_hours=ext_h, parked_since=parked_since,
            parked_total=timedelta(seconds=parked_s), version=case.version,
            case_number=case.number, source=case.source, type_code=case.type_code,
            trivial=case.type_code in trivial_codes, pending_extension_hours=pending_h,
            # Seeded cases have no recorded step start: their clock runs from the report.
            step_started_at=started or case.reported_at, step_parks=_parks_from_json(parks),
            urge_count=urges, satisfied=None if satisfied is None else bool(satisfied),
        )
        return case, flow

    def create(self, case: Case, x: float, y: float, flow: CaseFlow, event: CaseEvent,
               attempts: int = 10, photos: Sequence[Photo] = (),
               op_id: str | None = None) -> Case:
        """Insert a new case with the next number of its report day, and its first event.

        The number is the day's highest + 1, taken inside the inserting transaction; when a
        concurrent writer took the same number the unique index refuses ours and we retry.
        """
        prefix = f"{case.reported_at:%Y%m%d}"
        for attempt in range(attempts):
            try:
                with self.engine.begin() as c:
                    if not self.is_sqlite:
                        # Serialise number allocation per day on PostgreSQL: without it,
                        # concurrent intakes all read the same max and retry in a crowd.
                        # (SQLite already serialises writers on the database lock.)
                        c.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": int(prefix)})
                    external = case.extra.get("external_id") or None
                    if external and c.execute(select(CaseRow.number).where(
                            CaseRow.external_id == external)).first() is not None:
                        raise DuplicateExternalIdError(
                            f"{external} was taken in before (case "
                            f"{self.number_of_external(external, c)}): it is not imported "
                            "twice")
                    # A range, not LIKE 'prefix%': LIKE cannot use the btree index under
                    # a non-C collation, and this runs under the per-day lock.
                    last = c.execute(select(func.max(CaseRow.number))
                                     .where(CaseRow.number >= prefix,
                                            CaseRow.number < prefix + ":")).scalar()
                    case.number = format_case_number(case.reported_at,
                                                     int(last[8:]) + 1 if last else 1)
                    values = dict(
                        number=case.number, kind=case.kind.value, type_code=case.type_code,
                        lon=case.lon, lat=case.lat, x=x, y=y, cell=point_cell(x),
                        grid_id=case.grid_id.value, source=case.source.value,
                        reported_at=case.reported_at, description=case.description,
                        state=case.state.value, urgency=case.urgency.value,
                        level=case.level.value, address=case.address, part_id=case.part_id,
                        dept_code=case.dept_code, deadline=case.deadline,
                        closed_at=case.closed_at, version=flow.version,
                        camera_id=case.extra.get("camera_id"),
                        caller=case.extra.get("caller") or None,
                        caller_phone=case.extra.get("caller_phone") or None,
                        external_id=external,
                        **_flow_values(flow))
                    case_id = c.execute(insert(CaseRow.__table__).values(**values)
                                        .returning(CaseRow.id)).scalar_one()
                    _insert_event(c, case_id, 1, event, photos, op_id)
                    self._notify(c, case_id, case.number, case.state.value, flow.version, event)
            except (IntegrityError, OperationalError) as exc:
                if isinstance(exc, OperationalError) and not _is_contention(exc):
                    raise
                time.sleep(0.002 * (attempt + 1))
                continue
            case.id, case.version = case_id, flow.version
            return case
        raise DomainError(f"Could not allocate a case number for {prefix} after {attempts} "
                          "attempts: too many simultaneous reports, try again")

    @staticmethod
    def number_of_external(external_id: str, conn=None) -> str | None:  # type: ignore[no-untyped-def]
        r = conn.execute(select(CaseRow.number).where(CaseRow.external_id == external_id)).first()
        return r[0] if r else None

    def by_external_id(self, external_id: str) -> Case | None:
        """The case taken in with this external id (e.g. an Open311 request), if any."""
        with self.engine.connect() as c:
            r = c.execute(select(*_CASE_COLS).where(CaseRow.external_id == external_id)).first()
        return self._to_domain(r) if r else None

    def export_rows(self, since: datetime | None = None, until: datetime | None = None,
                    states: Iterable[CaseState] | None = None, dept_code: str | None = None,
                    batch: int = 2000
                    ) -> Iterator[tuple[Case, CaseEvent | None, Attachment | None]]:
        """Cases in id order with their latest event and first image attachment (no bytes),
        for exports: ``since`` ≤ reported_at < ``until``, in ``states``, of ``dept_code``.

        Read in batches of ``batch`` cases, three queries a batch (keyset on the id), so a
        district's 270,000 cases take ~400 queries instead of three per case.
        """
        where = []
        if since is not None:
            where.append(CaseRow.reported_at >= since)
        if until is not None:
            where.append(CaseRow.reported_at < until)
        if states is not None:
            where.append(CaseRow.state.in_([s.value for s in states]))
        if dept_code is not None:
            where.append(CaseRow.dept_code == dept_code)
        last_id = 0
        while True:
            with self.engine.connect() as c:
                rows = c.execute(select(*_CASE_COLS).where(CaseRow.id > last_id, *where)
                                 .order_by(CaseRow.id).limit(batch)).all()
                if not rows:
                    return
                ids = [r[0] for r in rows]
                latest = (select(CaseEventRow.case_id, func.max(CaseEventRow.seq).label("seq"))
                          .where(CaseEventRow.case_id.in_(ids))
                          .group_by(CaseEventRow.case_id).subquery())
                events = {r[0]: _event(r[1:]) for r in c.execute(
                    select(CaseEventRow.case_id, *_EVENT_COLS)
                    .join(CaseRow, CaseRow.id == CaseEventRow.case_id)
                    .join(latest, (latest.c.case_id == CaseEventRow.case_id)
                          & (latest.c.seq == CaseEventRow.seq)))}
                first = (select(func.min(AttachmentRow.id))
                         .where(AttachmentRow.case_id.in_(ids),
                                AttachmentRow.mime.like("image/%"))
                         .group_by(AttachmentRow.case_id))
                photos = {r[0]: Attachment(id=r[2], case_number=r[1], event_seq=r[3], name=r[4],
                                           mime=r[5], size=r[6], sha256=r[7], added_at=r[8],
                                           added_by=r[9])
                          for r in c.execute(
                              select(AttachmentRow.case_id, CaseRow.number, *_ATTACH_COLS)
                              .join(CaseRow, CaseRow.id == AttachmentRow.case_id)
                              .where(AttachmentRow.id.in_(first)))}
            for r in rows:
                yield self._to_domain(r), events.get(r[0]), photos.get(r[0])
            last_id = ids[-1]

    def apply(self, case_id: int, expected_version: int, flow: CaseFlow, event: CaseEvent,
              deadline: datetime | None, closed_at: datetime | None,
              photos: Sequence[Photo] = (), op_id: str | None = None) -> None:
        """Write a transition: the flow (if the case is still at ``expected_version``) and
        its event, atomically.

        Raises ConcurrentUpdateError naming who changed the case in between.
        """
        with self.engine.begin() as c:
            res = c.execute(
                update(CaseRow.__table__)
                .where(CaseRow.id == case_id, CaseRow.version == expected_version)
                .values(state=flow.state.value, level=flow.level.value,
                        dept_code=flow.dept_code, deadline=deadline, closed_at=closed_at,
                        version=CaseRow.version + 1, **_flow_values(flow)))
            if res.rowcount != 1:
                last = _latest_event(c, case_id)
                who = (f"{last.actor_login} ({last.role.label_zh}) took "
                       f"{last.action.label_zh} ({last.action.value}) at {last.at:%Y-%m-%d %H:%M}"
                       if last else "someone else changed it")
                raise ConcurrentUpdateError(
                    f"Case {flow.case_number} changed after you opened it: {who}; "
                    f"reload the case and decide again (optimistic locking)",
                    last_login=last.actor_login if last else None,
                    last_action=last.action.value if last else None,
                    last_at=last.at if last else None)
            # The UPDATE above holds the case row, so nobody else can append meanwhile.
            seq = c.execute(select(func.coalesce(func.max(CaseEventRow.seq), 0))
                            .where(CaseEventRow.case_id == case_id)).scalar_one() + 1
            _insert_event(c, case_id, seq, event, photos, op_id)
            self._notify(c, case_id, flow.case_number, flow.state.value, expected_version + 1,
                         event)

    def _notify(self, c, case_id: int, number: str | None, state: str,  # type: ignore[no-untyped-def]
                version: int, event: CaseEvent) -> None:
        """Tell the other seats (PostgreSQL NOTIFY, delivered at commit; see app.store.live)."""
        if self.is_sqlite:
            return  # seats on one SQLite file watch the event table instead
        payload = json.dumps({"id": case_id, "n": number, "s": state, "v": version,
                              "a": event.action.value, "by": event.actor_login,
                              "t": time.time()}, ensure_ascii=False)
        c.execute(text("SELECT pg_notify(:ch, :p)"), {"ch": CHANGE_CHANNEL, "p": payload})

    def notify_bulk(self) -> None:
        """After a bulk write (import, seed): every seat reloads its queues and map."""
        if not self.is_sqlite:
            with self.engine.begin() as c:
                c.execute(text("SELECT pg_notify(:ch, :p)"),
                          {"ch": CHANGE_CHANNEL, "p": json.dumps({"bulk": "cases"})})

    def applied_op(self, op_id: str) -> tuple[str, int] | None:
        """(case number, event seq) of the event an operation wrote, if it was committed."""
        with self.engine.connect() as c:
            r = c.execute(select(CaseRow.number, CaseEventRow.seq)
                          .join(CaseRow, CaseRow.id == CaseEventRow.case_id)
                          .where(CaseEventRow.op_id == op_id)).first()
        return (r[0], r[1]) if r else None

    def attachments(self, case_id: int) -> list[Attachment]:
        """The case's attachments (without bytes), oldest first."""
        with self.engine.connect() as c:
            rows = c.execute(select(CaseRow.number, *_ATTACH_COLS)
                             .join(CaseRow, CaseRow.id == AttachmentRow.case_id)
                             .where(AttachmentRow.case_id == case_id)
                             .order_by(AttachmentRow.id)).all()
        return [Attachment(id=r[1], case_number=r[0], event_seq=r[2], name=r[3], mime=r[4],
                           size=r[5], sha256=r[6], added_at=r[7], added_by=r[8]) for r in rows]

    def attachment_data(self, attachment_id: int) -> tuple[int, bytes] | None:
        """(case row id, bytes) of an attachment; None when there is none with this id."""
        with self.engine.connect() as c:
            r = c.execute(select(AttachmentRow.case_id, AttachmentRow.data)
                          .where(AttachmentRow.id == int(attachment_id))).first()
        return (r[0], bytes(r[1])) if r else None

    def timeline(self, case_id: int) -> list[CaseEvent]:
        """The events of a case in the order they happened."""
        with self.engine.connect() as c:
            rows = c.execute(select(*_EVENT_COLS)
                             .join(CaseRow, CaseRow.id == CaseEventRow.case_id)
                             .where(CaseEventRow.case_id == case_id)
                             .order_by(CaseEventRow.seq)).all()
        return [_event(r) for r in rows]

    def latest_event(self, case_id: int) -> CaseEvent | None:
        with self.engine.connect() as c:
            return _latest_event(c, case_id)

    def queue_counts(self, filters: CaseFilter, now: datetime) -> dict[str, int]:
        """Number of cases in every queue (see ``QUEUES``) under ``filters``."""
        where = _filter_clauses(filters)
        with self.engine.connect() as c:
            by_state = dict(c.execute(select(CaseRow.state, func.count()).where(
                *where, CaseRow.state.in_(_QUEUED_STATES)).group_by(CaseRow.state)).all())
            # Separate counts so each uses its own index: (state, source, urgency, deadline)
            # for overdue, closed_at for closed today (not a scan of every closed case).
            # Counted over (state, source, urgency, deadline), the covering index: the
            # partial deadline index that pages the queue would need a row read per case.
            overdue = c.execute(select(func.count()).select_from(CaseRow).where(
                *where, CaseRow.state.in_(_OVERDUE_STATES), CaseRow.deadline < now)
            ).scalar_one()
            closed_today = c.execute(select(func.count()).select_from(CaseRow).where(
                *where, _queue_clause("closed_today", now))).scalar_one()
            special = (overdue, closed_today)
        out = {q: sum(by_state.get(s, 0) for s in states) for q, states in _QUEUE_STATES.items()}
        out["overdue"], out["closed_today"] = int(special[0]), int(special[1])
        return {q: out[q] for q in QUEUES}

    def queue_page(self, queue: str, filters: CaseFilter, now: datetime, limit: int = 50,
                   offset: int = 0) -> list[Case]:
        """A page of a queue, least remaining time first (no deadline last)."""
        q = select(*_CASE_COLS).where(_queue_clause(queue, now), *_filter_clauses(filters))
        if queue == "closed_today":
            q = q.order_by(CaseRow.closed_at.desc(), CaseRow.number)
        elif queue == "overdue":
            # Overdue cases all have a deadline: plain deadline order walks the partial
            # index ix_case_open_deadline and stops after the page (migration 0004).
            if filters.grid or filters.dept_code:
                # One grid's or one department's overdue cases are few: find them through
                # their own index and sort them, rather than walk every overdue case in
                # deadline order (COALESCE hides the deadline index from the planner).
                q = q.order_by(func.coalesce(CaseRow.deadline, CaseRow.deadline),
                               CaseRow.number)
                if filters.grid:
                    # A grid holds a few hundred cases at most: name their rows, so no
                    # planner statistics can send the query down the state ranges.
                    with self.engine.connect() as c:
                        ids = [r[0] for r in c.execute(
                            select(CaseRow.id).where(CaseRow.grid_id == filters.grid))]
                    if len(ids) <= 20_000:  # within every driver's parameter limit
                        q = q.where(CaseRow.id.in_(ids))
            else:
                q = q.order_by(CaseRow.deadline, CaseRow.number)
        else:
            # Remaining time grows with the deadline in wall-clock and working time alike,
            # so ordering by deadline is ordering by remaining time.
            q = q.order_by(CaseRow.deadline.is_(None), CaseRow.deadline, CaseRow.number)
        with self.engine.connect() as c:
            rows = c.execute(q.limit(limit).offset(offset)).all()
        return [self._to_domain(r) for r in rows]

    def near(self, type_code: str, bbox: BBox, since: datetime, until: datetime
             ) -> list[tuple[Case, float, float]]:
        """Open cases of a type inside ``bbox`` reported in [since, until], with their x, y."""
        open_states = [s.value for s in CaseState if s.is_open]
        q = select(*_CASE_COLS, CaseRow.x, CaseRow.y)
        if not self.is_sqlite and POSTGIS_PATHS["cases_near"]:
            from app.store import postgis

            q = q.where(CaseRow.id.in_(postgis.CASE_IDS_NEAR))
            params: dict[str, object] = postgis.near_params(type_code, bbox, open_states,
                                                            since, until)
        else:
            minx, miny, maxx, maxy = bbox
            cells = list(range(point_cell(minx), point_cell(maxx) + 1))
            q = q.where(CaseRow.cell.in_(cells), CaseRow.y.between(miny, maxy),
                        CaseRow.x.between(minx, maxx), CaseRow.type_code == type_code,
                        CaseRow.state.in_(open_states),
                        CaseRow.reported_at.between(since, until))
            params = {}
        q = q.order_by(CaseRow.number)
        with self.engine.connect() as c:
            rows = c.execute(q, params).all()
        n = len(_CASE_COLS)
        return [(self._to_domain(r[:n]), r[n], r[n + 1]) for r in rows]


class CameraRepository(_Repo):
    """Video cameras: the camera set-up joined with its part (location, grid)."""

    _COLS = (CameraRow.part_id, PartRow.lon, PartRow.lat, PartRow.x, PartRow.y,
             CameraRow.heading, CameraRow.fov, CameraRow.range_m, CameraRow.snapshot,
             CameraRow.stream_url, PartRow.grid_id)

    def _query(self):  # type: ignore[no-untyped-def]
        return select(*self._COLS).join(PartRow, PartRow.part_id == CameraRow.part_id)

    @staticmethod
    def _camera(r: Sequence) -> Camera:  # type: ignore[type-arg]
        return Camera(part_id=r[0], lon=r[1], lat=r[2], x=r[3], y=r[4], heading_deg=r[5],
                      fov_deg=r[6], range_m=r[7], snapshot=r[8] or "", stream_url=r[9] or "",
                      grid_id=r[10])

    def all(self) -> list[Camera]:
        with self.engine.connect() as c:
            return [self._camera(r) for r in c.execute(
                self._query().order_by(CameraRow.part_id))]

    def get(self, part_id: str) -> Camera | None:
        with self.engine.connect() as c:
            r = c.execute(self._query().where(CameraRow.part_id == part_id)).first()
        return self._camera(r) if r else None

    def count(self) -> int:
        with self.engine.connect() as c:
            return int(c.execute(select(func.count()).select_from(CameraRow)).scalar_one())

    def seeing(self, x: float, y: float) -> list[Camera]:
        """Cameras whose view holds the map point (x, y) (display metres), nearest first
        (ties by part id): the cameras a video supervisor can check a report with."""
        with self.engine.connect() as c:
            reach = c.execute(select(func.max(CameraRow.range_m))).scalar()
            if reach is None:
                return []
            if not self.is_sqlite and POSTGIS_PATHS["cameras_seeing"]:
                from app.store import postgis

                near = CameraRow.part_id.in_(postgis.CAMERA_IDS_IN_BOX)
                params: dict[str, object] = dict(postgis.camera_params(x, y, reach))
            else:
                # Cameras stand where their part is: the (cell, y) bucket index of the
                # parts finds those within the longest range of any camera.
                cells = list(range(point_cell(x - reach), point_cell(x + reach) + 1))
                near = and_(PartRow.cell.in_(cells),
                            PartRow.y.between(y - reach, y + reach),
                            PartRow.x.between(x - reach, x + reach))
                params = {}
            rows = c.execute(self._query().where(near), params).all()
        cams = [cam for cam in map(self._camera, rows) if cam.sees(x, y)]
        return sorted(cams, key=lambda cam: (math.hypot(cam.x - x, cam.y - y), cam.part_id))


class DuplicateExternalIdError(DomainError):
    """A case with this external id (e.g. an Open311 service_request_id) already exists."""


# -- queues -------------------------------------------------------------------------------
# PostgreSQL NOTIFY channel of case changes (payload: see CaseRepository._notify).
CHANGE_CHANNEL = "citygrid_case"

QUEUES: tuple[str, ...] = ("to_register", "to_verify", "to_file", "to_dispatch",
                           "in_handling", "awaiting_check", "to_close", "overdue", "parked",
                           "closed_today")
_S = CaseState
_QUEUE_STATES: dict[str, tuple[str, ...]] = {
    "to_register": (_S.REPORTED.value,),
    "to_verify": (_S.VERIFYING.value,),
    "to_file": (_S.REGISTERED.value,),
    "to_dispatch": (_S.FILED.value,),
    "in_handling": (_S.DISPATCHED.value,),
    "awaiting_check": (_S.HANDLED.value, _S.CHECKING.value),
    "to_close": (_S.CHECKED.value,),
    "parked": (_S.PARKED.value,),
}
_QUEUED_STATES = tuple(s for states in _QUEUE_STATES.values() for s in states)
# Parked cases have a stopped clock, so they are never overdue; drafts have no clock yet.
_OVERDUE_STATES = tuple(s.value for s in CaseState
                        if s.is_open and s not in (_S.PARKED, _S.DRAFT))


@dataclass(frozen=True)
class CaseFilter:
    """Queue filters; None means any. Street / community codes match the grid id prefix."""

    street: str | None = None
    community: str | None = None
    grid: str | None = None
    type_code: str | None = None
    source: str | None = None
    urgency: str | None = None
    dept_code: str | None = None  # set for department staff: only their own cases


def _filter_clauses(f: CaseFilter) -> list:  # type: ignore[type-arg]
    out = []
    # Grid ids start with the 12-digit community code, which starts with the street code
    # (GB/T 30428.1), so a prefix match uses the grid_id index without a join.
    if f.street:
        out.append(CaseRow.grid_id.like(f"{f.street}%"))
    if f.community:
        out.append(CaseRow.grid_id.like(f"{f.community}%"))
    if f.grid:
        out.append(CaseRow.grid_id == f.grid)
    for col, value in ((CaseRow.type_code, f.type_code), (CaseRow.source, f.source),
                       (CaseRow.urgency, f.urgency), (CaseRow.dept_code, f.dept_code)):
        if value:
            out.append(col == str(value))
    return out


def _queue_clause(queue: str, now: datetime):  # type: ignore[no-untyped-def]
    if queue in _QUEUE_STATES:
        return CaseRow.state.in_(_QUEUE_STATES[queue])
    if queue == "overdue":
        # The literal text of the partial index's WHERE, so both databases match it.
        return text(OPEN_DEADLINE_WHERE) & (CaseRow.deadline < now)
    if queue == "closed_today":
        day0 = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return ((CaseRow.state == _S.CLOSED.value) & (CaseRow.closed_at >= day0)
                & (CaseRow.closed_at < day0 + timedelta(days=1)))
    raise DomainError(f"Unknown queue “{queue}”: the queues are {', '.join(QUEUES)}")


# -- flow and event rows --------------------------------------------------------------------
_FLOW_COLS = (CaseRow.pending, CaseRow.pending_extension_hours, CaseRow.rework_count,
              CaseRow.misdispatch_count, CaseRow.extension_hours, CaseRow.parked_since,
              CaseRow.parked_total_s, CaseRow.step_started_at, CaseRow.step_parks,
              CaseRow.urge_count, CaseRow.satisfied, CaseRow.camera_id)
_EVENT_COLS = (CaseRow.number, CaseEventRow.seq, CaseEventRow.at, CaseEventRow.actor_login,
               CaseEventRow.role, CaseEventRow.action, CaseEventRow.from_state,
               CaseEventRow.to_state, CaseEventRow.note, CaseEventRow.details)


def _parks_from_json(text_: str | None) -> tuple[tuple[datetime, datetime], ...]:
    return tuple((datetime.fromisoformat(a), datetime.fromisoformat(b))
                 for a, b in json.loads(text_ or "[]"))


def _flow_values(flow: CaseFlow) -> dict[str, object]:
    return {
        "pending": flow.pending.value if flow.pending else None,
        "pending_extension_hours": flow.pending_extension_hours,
        "rework_count": flow.rework_count, "misdispatch_count": flow.misdispatch_count,
        "extension_hours": flow.extension_hours, "parked_since": flow.parked_since,
        "parked_total_s": flow.parked_total.total_seconds(),
        "step_started_at": flow.step_started_at,
        "step_parks": json.dumps([[a.isoformat(), b.isoformat()] for a, b in flow.step_parks]),
        "urge_count": flow.urge_count, "satisfied": flow.satisfied,
    }


_ATTACH_COLS = (AttachmentRow.id, AttachmentRow.event_seq, AttachmentRow.name, AttachmentRow.mime,
                AttachmentRow.size, AttachmentRow.sha256, AttachmentRow.added_at,
                AttachmentRow.added_by)


def _insert_event(c, case_id: int, seq: int, event: CaseEvent,  # type: ignore[no-untyped-def]
                  photos: Sequence[Photo], op_id: str | None = None) -> None:
    """Append an event and its photos in the caller's transaction; the event's details list
    the attachment ids, so the timeline shows which photos came with which step. ``op_id``
    (unique) records which seat operation wrote it, for re-checks after a lost connection."""
    values = _event_values(event)
    values["op_id"] = op_id
    if photos:
        ids = [c.execute(insert(AttachmentRow.__table__).values(
            case_id=case_id, event_seq=seq, name=p.name[:255], mime=p.mime, size=len(p.data),
            sha256=p.sha256, added_at=event.at, added_by=event.actor_login, data=p.data)
            .returning(AttachmentRow.id)).scalar_one() for p in photos]
        values["details"] = json.dumps(dict(event.details, attachments=ids),
                                       ensure_ascii=False, default=str)
    c.execute(insert(CaseEventRow.__table__).values(case_id=case_id, seq=seq, **values))


def _event_values(e: CaseEvent) -> dict[str, object]:
    return {"at": e.at, "actor_login": e.actor_login, "role": e.role.value,
            "action": e.action.value, "from_state": e.from_state.value,
            "to_state": e.to_state.value, "note": e.note,
            "details": json.dumps(dict(e.details), ensure_ascii=False, default=str)}


def _event(r: Sequence) -> CaseEvent:  # type: ignore[type-arg]
    number, seq, at, login, role, action, from_s, to_s, note, details = r
    return CaseEvent(case_number=number, at=at, actor_login=login, role=Role(role),
                     action=Action(action), from_state=CaseState(from_s),
                     to_state=CaseState(to_s), note=note or "",
                     details=json.loads(details or "{}"), version=seq)


def _latest_event(c, case_id: int) -> CaseEvent | None:  # type: ignore[no-untyped-def]
    r = c.execute(select(*_EVENT_COLS).join(CaseRow, CaseRow.id == CaseEventRow.case_id)
                  .where(CaseEventRow.case_id == case_id)
                  .order_by(CaseEventRow.seq.desc()).limit(1)).first()
    return _event(r) if r else None


def _is_contention(exc: OperationalError) -> bool:
    """A lock conflict worth retrying (SQLite busy / stale snapshot, PostgreSQL deadlock)."""
    text_ = str(exc.orig).lower()
    return "locked" in text_ or "busy" in text_ or "deadlock" in text_
