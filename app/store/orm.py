"""Table definitions (SQLAlchemy 2 declarative).

Geometry is kept as WKB in CGCS2000 lon/lat (EPSG:4490), the standard's exchange CRS, so
the same bytes load into a PostGIS ``geometry(…, 4490)`` column unchanged. Each spatial
table also carries its bounding box in display metres (EPSG:4548) for the spatial index
(SQLite R*Tree; btree on PostgreSQL until PostGIS takes over).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


CELL_SIZE = 100.0  # metres; the bucket width of the point index (migration 0001)


# The open, clock-running states (everything that can be overdue); see repositories.
OPEN_DEADLINE_WHERE = ("state IN ('reported', 'verifying', 'registered', 'filed', "
                       "'dispatched', 'handled', 'checking', 'checked')")


def point_cell(x: float) -> int:
    """Bucket of a point for the (cell, y) spatial index."""
    return int(x // CELL_SIZE)


class BBoxMixin:
    minx: Mapped[float] = mapped_column(Float)
    miny: Mapped[float] = mapped_column(Float)
    maxx: Mapped[float] = mapped_column(Float)
    maxy: Mapped[float] = mapped_column(Float)


class MetaRow(Base):
    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class DistrictRow(Base):
    __tablename__ = "district"
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    area_km2: Mapped[float] = mapped_column(Float)
    geom: Mapped[bytes | None] = mapped_column(LargeBinary)


class StreetRow(BBoxMixin, Base):
    __tablename__ = "street"
    code: Mapped[str] = mapped_column(String(9), primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    area_km2: Mapped[float] = mapped_column(Float)
    geom: Mapped[bytes] = mapped_column(LargeBinary)


class CommunityRow(BBoxMixin, Base):
    __tablename__ = "community"
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    street_code: Mapped[str] = mapped_column(ForeignKey("street.code"), index=True)
    households: Mapped[int] = mapped_column(Integer, default=0)
    residents: Mapped[int] = mapped_column(Integer, default=0)
    geom: Mapped[bytes] = mapped_column(LargeBinary)


class GridRow(BBoxMixin, Base):
    __tablename__ = "unit_grid"
    grid_id: Mapped[str] = mapped_column(String(15), primary_key=True)
    community_code: Mapped[str] = mapped_column(ForeignKey("community.code"), index=True)
    street_code: Mapped[str] = mapped_column(String(9), index=True)
    name: Mapped[str] = mapped_column(String(50), default="")
    area_m2: Mapped[float] = mapped_column(Float)
    region_class: Mapped[str] = mapped_column(String(10))
    households: Mapped[int] = mapped_column(Integer, default=0)
    residents: Mapped[int] = mapped_column(Integer, default=0)
    initial_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    geom: Mapped[bytes] = mapped_column(LargeBinary)


class RoadRow(BBoxMixin, Base):
    __tablename__ = "road"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    road_class: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(50), default="")
    geom: Mapped[bytes] = mapped_column(LargeBinary)


class BlockRow(BBoxMixin, Base):
    __tablename__ = "block"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    geom: Mapped[bytes] = mapped_column(LargeBinary)


class CatalogueRow(Base):
    __tablename__ = "catalogue"
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    major_code: Mapped[str] = mapped_column(String(2))
    major_name: Mapped[str] = mapped_column(String(50))
    standard_ref: Mapped[str] = mapped_column(String(80))


class DepartmentRow(Base):
    __tablename__ = "department"
    code: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    street_code: Mapped[str | None] = mapped_column(String(9))


class TypeOwnerRow(Base):
    """Competent (主管), owner (权属) and maintainer (养护) department per part type."""

    __tablename__ = "type_owner"
    type_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    competent_code: Mapped[str] = mapped_column(ForeignKey("department.code"))
    owner_code: Mapped[str | None] = mapped_column(String(18))
    maintainer_code: Mapped[str | None] = mapped_column(String(18))


class StaffRow(Base):
    __tablename__ = "staff"
    login: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(30))
    department_code: Mapped[str | None] = mapped_column(String(18))
    street_code: Mapped[str | None] = mapped_column(String(9))
    # Login (migration 0006): argon2id PHC string; NULL = no password set, cannot log in.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime)


class PartRow(Base):
    """A city part. ``name`` is NULL when it is the catalogue name of its type (saves
    ~40 MB at 1.4 M parts); ``major`` duplicates the id's class digits for fast grouping."""

    __tablename__ = "part"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    part_id: Mapped[str] = mapped_column(String(17), unique=True)
    type_code: Mapped[str] = mapped_column(String(5), index=True)
    major: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str | None] = mapped_column(String(30))
    dept_code: Mapped[str] = mapped_column(String(18))
    owner_code: Mapped[str | None] = mapped_column(String(18))
    maintainer_code: Mapped[str | None] = mapped_column(String(18))
    grid_id: Mapped[str] = mapped_column(String(15), index=True)
    status: Mapped[str] = mapped_column(String(10))
    initial_date: Mapped[date] = mapped_column(Date)
    change_date: Mapped[date | None] = mapped_column(Date)
    data_source: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    cell: Mapped[int] = mapped_column(Integer)  # spatial bucket: see point_cell()


class CaseRow(Base):
    __tablename__ = "case_"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(13), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    type_code: Mapped[str] = mapped_column(String(5))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    cell: Mapped[int] = mapped_column(Integer)  # spatial bucket: see point_cell()
    grid_id: Mapped[str] = mapped_column(String(15), index=True)
    source: Mapped[str] = mapped_column(String(20))
    reported_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    description: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    urgency: Mapped[str] = mapped_column(String(10))
    level: Mapped[str] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(256), default="")
    part_id: Mapped[str | None] = mapped_column(String(17))
    dept_code: Mapped[str | None] = mapped_column(String(18), index=True)
    deadline: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=0)
    # Flow state of the workflow engine (migration 0002); see app.domain.workflow.CaseFlow.
    pending: Mapped[str | None] = mapped_column(String(30))
    pending_extension_hours: Mapped[float | None] = mapped_column(Float)
    rework_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    misdispatch_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    extension_hours: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    parked_since: Mapped[datetime | None] = mapped_column(DateTime)
    parked_total_s: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    step_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    step_parks: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")  # JSON
    urge_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    satisfied: Mapped[bool | None] = mapped_column(Boolean)
    camera_id: Mapped[str | None] = mapped_column(String(32))
    # Hotline intake (migration 0004): who called, for the callback (回访).
    caller: Mapped[str | None] = mapped_column(String(50))
    caller_phone: Mapped[str | None] = mapped_column(String(20))
    # Id in the system the case came from, namespaced (migration 0005), e.g. an Open311
    # service_request_id as "open311:<source>:<id>"; unique, so nothing is taken in twice.
    external_id: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (Index("ix_case_state_reported", "state", "reported_at"),
                      Index("ix_case__deadline", "state", "deadline"),
                      Index("ix_case_queue", "state", "source", "urgency", "deadline"),
                      Index("ix_case_closed_at", "closed_at"),
                      Index("ix_case_external_id", "external_id", unique=True),
                      Index("ix_case_grid_reported", "grid_id", "reported_at", "state"),
                      # Open cases in deadline order: the overdue queue's first page is
                      # the first rows of this index (migration 0004).
                      Index("ix_case_open_deadline", "deadline",
                            sqlite_where=text(OPEN_DEADLINE_WHERE),
                            postgresql_where=text(OPEN_DEADLINE_WHERE)))


class CaseEventRow(Base):
    """One immutable timeline entry; rows are only ever inserted."""

    __tablename__ = "case_event"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_.id"))
    seq: Mapped[int] = mapped_column(Integer)  # 1, 2, … per case
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_login: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    details: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")  # JSON
    # Id the seat gave the operation before sending it (migration 0006): after a dropped
    # connection the seat looks it up instead of guessing whether its commit went through.
    op_id: Mapped[str | None] = mapped_column(String(36))

    __table_args__ = (Index("ix_case_event_case_seq", "case_id", "seq", unique=True),
                      Index("ix_case_event_op_id", "op_id", unique=True))


class AttachmentRow(Base):
    """A photo (or other file) of a case, recorded with the event that brought it."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_.id"), index=True)
    event_seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(DateTime)
    added_by: Mapped[str] = mapped_column(String(50))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class CameraRow(Base):
    """Viewing set-up of a video camera part (监控电子眼, type 01050)."""

    __tablename__ = "camera"
    part_id: Mapped[str] = mapped_column(String(17), primary_key=True)
    heading: Mapped[float] = mapped_column(Float)  # degrees clockwise from grid north
    fov: Mapped[float] = mapped_column(Float)  # horizontal field of view, degrees
    range_m: Mapped[float] = mapped_column(Float)  # how far problems can be made out
    snapshot: Mapped[str] = mapped_column(String(500), default="", server_default="")
    stream_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
