"""Cases (案件/案卷), first form.

The full workflow engine (actions, roles, time limits) builds on these types; the states
already follow the two-axis model of standards.md §4 so that stored cases need no
migration when it arrives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from app.domain.errors import DomainError
from app.domain.ids import GridId


class CaseKind(StrEnum):
    PART = "part"  # 部件
    MATTER = "matter"  # 事项 (legacy: 事件)


class CaseState(StrEnum):
    """States of a case, in loop order."""

    DRAFT = "draft"  # 草稿 (supervisor draft, not yet reported)
    REPORTED = "reported"  # 已上报, to register
    VERIFYING = "verifying"  # 核实中 (public report sent to a supervisor)
    REGISTERED = "registered"  # 已受理, to file
    FILED = "filed"  # 已立案, to dispatch
    DISPATCHED = "dispatched"  # 已派遣, department handling
    HANDLED = "handled"  # 已反馈 (department reported result), to check
    CHECKING = "checking"  # 核查中
    CHECKED = "checked"  # 核查通过, to close
    PARKED = "parked"  # 挂账
    CLOSED = "closed"  # 已结案
    VOID = "void"  # 已作废

    @property
    def is_open(self) -> bool:
        return self not in CLOSED_STATES

    @property
    def is_closed(self) -> bool:
        return self in CLOSED_STATES

    @property
    def label_zh(self) -> str:
        return STATE_LABELS_ZH[self]


CLOSED_STATES = frozenset({CaseState.CLOSED, CaseState.VOID})

STATE_LABELS_ZH: dict[CaseState, str] = {
    CaseState.DRAFT: "草稿",
    CaseState.REPORTED: "待受理",
    CaseState.VERIFYING: "核实中",
    CaseState.REGISTERED: "待立案",
    CaseState.FILED: "待派遣",
    CaseState.DISPATCHED: "处置中",
    CaseState.HANDLED: "待核查",
    CaseState.CHECKING: "核查中",
    CaseState.CHECKED: "待结案",
    CaseState.PARKED: "挂账",
    CaseState.CLOSED: "已结案",
    CaseState.VOID: "已作废",
}


class CaseSource(StrEnum):
    FIELD_SUPERVISOR = "supervisor"  # 监督员上报
    VIDEO = "video"  # 视频发现
    HOTLINE = "hotline"  # 12345/96181 热线
    PUBLIC = "public"  # 公众举报 (app / web)
    GRID_WORKER = "grid_worker"  # 网格员
    LEADER = "leader"  # 领导交办
    MEDIA = "media"  # 媒体曝光

    @property
    def label_zh(self) -> str:
        return SOURCE_LABELS_ZH[self]


SOURCE_LABELS_ZH: dict[CaseSource, str] = {
    CaseSource.FIELD_SUPERVISOR: "监督员上报",
    CaseSource.VIDEO: "视频发现",
    CaseSource.HOTLINE: "热线转办",
    CaseSource.PUBLIC: "公众举报",
    CaseSource.GRID_WORKER: "网格员上报",
    CaseSource.LEADER: "领导交办",
    CaseSource.MEDIA: "媒体曝光",
}


class Urgency(StrEnum):
    NORMAL = "normal"  # 一般
    HIGH = "high"  # 较高
    URGENT = "urgent"  # 紧急

    @property
    def label_zh(self) -> str:
        return {"normal": "一般", "high": "较高", "urgent": "紧急"}[self.value]


class CaseLevel(StrEnum):
    """Where a case is solved: micro loop (grid/community), small loop (street), big loop."""

    COMMUNITY = "community"
    STREET = "street"
    DISTRICT = "district"

    @property
    def label_zh(self) -> str:
        return {"community": "社区(微循环)", "street": "街道(小循环)",
                "district": "区级(大循环)"}[self.value]


_CASE_NO_RE = re.compile(r"^\d{8}\d{5}$")


def format_case_number(day: datetime, seq: int) -> str:
    """Case numbers are the report date plus a 5-digit daily sequence: 2026112300042."""
    if not 1 <= seq <= 99_999:
        raise DomainError(f"Daily case sequence {seq} is out of range 1–99999")
    return f"{day:%Y%m%d}{seq:05d}"


@dataclass(slots=True)
class Case:
    """A case. Location is (lon, lat) in CGCS2000 (EPSG:4490)."""

    number: str
    kind: CaseKind
    type_code: str
    lon: float
    lat: float
    grid_id: GridId
    source: CaseSource
    reported_at: datetime
    description: str
    state: CaseState = CaseState.REPORTED
    urgency: Urgency = Urgency.NORMAL
    level: CaseLevel = CaseLevel.DISTRICT
    address: str = ""
    part_id: str | None = None
    dept_code: str | None = None
    deadline: datetime | None = None
    closed_at: datetime | None = None
    id: int | None = None
    version: int = 0
    extra: dict[str, str] = field(default_factory=dict)
    # When the current step's clock started (for the 80 % traffic light); None if closed.
    step_started_at: datetime | None = None

    def __post_init__(self) -> None:
        if not _CASE_NO_RE.match(self.number):
            raise DomainError(
                f"Case number “{self.number}” is invalid: it is the 8-digit report date "
                "followed by a 5-digit daily sequence"
            )
        if not re.fullmatch(r"\d{5}", self.type_code):
            raise DomainError(
                f"Case {self.number}: type code “{self.type_code}” must have 5 digits"
            )
        if self.closed_at is not None and self.closed_at < self.reported_at:
            raise DomainError(f"Case {self.number} is closed before it was reported")

    @property
    def major_code(self) -> str:
        return self.type_code[:2]
