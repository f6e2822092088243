"""Departments, staff and roles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from app.domain.errors import DomainError


class Role(StrEnum):
    """Posts of the two-axis model (standards.md §4) plus managers and video supervisors."""

    FIELD_SUPERVISOR = "field_supervisor"  # 监督员
    VIDEO_SUPERVISOR = "video_supervisor"  # 视频监督员
    GRID_WORKER = "grid_worker"  # 网格员
    OPERATOR = "operator"  # 受理员
    SHIFT_LEADER = "shift_leader"  # 值班长
    DISPATCHER = "dispatcher"  # 派遣员
    DEPARTMENT = "department"  # 专业部门
    MANAGER = "manager"  # 领导
    ADMIN = "admin"  # 系统管理员

    @property
    def label_zh(self) -> str:
        return ROLE_LABELS_ZH[self]


ROLE_LABELS_ZH: dict[Role, str] = {
    Role.FIELD_SUPERVISOR: "监督员",
    Role.VIDEO_SUPERVISOR: "视频监督员",
    Role.GRID_WORKER: "网格员",
    Role.OPERATOR: "受理员",
    Role.SHIFT_LEADER: "值班长",
    Role.DISPATCHER: "派遣员",
    Role.DEPARTMENT: "专业部门",
    Role.MANAGER: "领导",
    Role.ADMIN: "系统管理员",
}

# 统一社会信用代码: 18 characters from the digits and upper-case letters without I, O, S, V, Z.
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


class DepartmentKind(StrEnum):
    PROFESSIONAL = "professional"  # 专业部门 (owner / competent department)
    STREET = "street"  # 街道/镇 (territorial)
    ENTERPRISE = "enterprise"  # 权属/养护企业 (utilities)


@dataclass(frozen=True, slots=True)
class Department:
    """A department that owns part types or handles cases.

    ``code`` is the unified social credit code (统一社会信用代码) the part attribute
    ZGBMDM carries; ``street_code`` is set for territorial (street) departments.
    """

    code: str
    name: str
    kind: DepartmentKind = DepartmentKind.PROFESSIONAL
    street_code: str | None = None

    def __post_init__(self) -> None:
        if not _USCC_RE.match(self.code):
            raise DomainError(
                f"Department code “{self.code}” of {self.name} is invalid: it must be an "
                "18-character unified social credit code"
            )


@dataclass(frozen=True, slots=True)
class Staff:
    login: str
    name: str
    role: Role
    department_code: str | None = None
    street_code: str | None = None

    def __post_init__(self) -> None:
        if self.role is Role.DEPARTMENT and not self.department_code:
            raise DomainError(
                f"Staff {self.login} has the department role but no department: department "
                "staff see only their department's cases"
            )
