"""Translatable display texts for domain values and field keys.

Source strings are English; the zh_CN translation file carries the standard Chinese
terms (field names of GB/T 47678.5-2026 表2, state names of the two-axis model).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.domain.case import CaseKind, CaseLevel, CaseSource, CaseState, Urgency
from app.domain.org import Role
from app.domain.workflow import Action


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - Qt's name for lupdate
    return text


def tr(text: str) -> str:
    return QCoreApplication.translate("Texts", text)


FIELDS = {
    "grid_id": QT_TRANSLATE_NOOP("Texts", "Unit grid id"),
    "name": QT_TRANSLATE_NOOP("Texts", "Name"),
    "area_m2": QT_TRANSLATE_NOOP("Texts", "Area (m²)"),
    "region_class": QT_TRANSLATE_NOOP("Texts", "Region class"),
    "households": QT_TRANSLATE_NOOP("Texts", "Households"),
    "residents": QT_TRANSLATE_NOOP("Texts", "Residents"),
    "initial_date": QT_TRANSLATE_NOOP("Texts", "Initial date"),
    "change_date": QT_TRANSLATE_NOOP("Texts", "Change date"),
    "part_id": QT_TRANSLATE_NOOP("Texts", "Part id"),
    "part_name": QT_TRANSLATE_NOOP("Texts", "Part name"),
    "type": QT_TRANSLATE_NOOP("Texts", "Type"),
    "major": QT_TRANSLATE_NOOP("Texts", "Major class"),
    "dept": QT_TRANSLATE_NOOP("Texts", "Competent department"),
    "handling_dept": QT_TRANSLATE_NOOP("Texts", "Handling department"),
    "dept_code": QT_TRANSLATE_NOOP("Texts", "Department code"),
    "owner": QT_TRANSLATE_NOOP("Texts", "Owner unit"),
    "maintainer": QT_TRANSLATE_NOOP("Texts", "Maintainer unit"),
    "status": QT_TRANSLATE_NOOP("Texts", "Part status"),
    "data_source": QT_TRANSLATE_NOOP("Texts", "Data source"),
    "lonlat": QT_TRANSLATE_NOOP("Texts", "Lon, lat (CGCS2000)"),
    "case_number": QT_TRANSLATE_NOOP("Texts", "Case number"),
    "case_kind": QT_TRANSLATE_NOOP("Texts", "Case kind"),
    "state": QT_TRANSLATE_NOOP("Texts", "State"),
    "urgency": QT_TRANSLATE_NOOP("Texts", "Urgency"),
    "source": QT_TRANSLATE_NOOP("Texts", "Source"),
    "level": QT_TRANSLATE_NOOP("Texts", "Level"),
    "reported_at": QT_TRANSLATE_NOOP("Texts", "Reported at"),
    "deadline": QT_TRANSLATE_NOOP("Texts", "Deadline"),
    "closed_at": QT_TRANSLATE_NOOP("Texts", "Closed at"),
    "description": QT_TRANSLATE_NOOP("Texts", "Description"),
    "district": QT_TRANSLATE_NOOP("Texts", "District"),
    "street": QT_TRANSLATE_NOOP("Texts", "Street"),
    "community": QT_TRANSLATE_NOOP("Texts", "Community"),
    "grid": QT_TRANSLATE_NOOP("Texts", "Unit grid"),
    "part": QT_TRANSLATE_NOOP("Texts", "Part"),
    "case": QT_TRANSLATE_NOOP("Texts", "Case"),
}

STATES = {
    CaseState.DRAFT: QT_TRANSLATE_NOOP("Texts", "Draft"),
    CaseState.REPORTED: QT_TRANSLATE_NOOP("Texts", "To register"),
    CaseState.VERIFYING: QT_TRANSLATE_NOOP("Texts", "Verifying"),
    CaseState.REGISTERED: QT_TRANSLATE_NOOP("Texts", "To file"),
    CaseState.FILED: QT_TRANSLATE_NOOP("Texts", "To dispatch"),
    CaseState.DISPATCHED: QT_TRANSLATE_NOOP("Texts", "In handling"),
    CaseState.HANDLED: QT_TRANSLATE_NOOP("Texts", "To check"),
    CaseState.CHECKING: QT_TRANSLATE_NOOP("Texts", "Checking"),
    CaseState.CHECKED: QT_TRANSLATE_NOOP("Texts", "To close"),
    CaseState.PARKED: QT_TRANSLATE_NOOP("Texts", "Parked"),
    CaseState.CLOSED: QT_TRANSLATE_NOOP("Texts", "Closed"),
    CaseState.VOID: QT_TRANSLATE_NOOP("Texts", "Void"),
}
SOURCES = {
    CaseSource.FIELD_SUPERVISOR: QT_TRANSLATE_NOOP("Texts", "Field supervisor"),
    CaseSource.VIDEO: QT_TRANSLATE_NOOP("Texts", "Video"),
    CaseSource.HOTLINE: QT_TRANSLATE_NOOP("Texts", "Hotline"),
    CaseSource.PUBLIC: QT_TRANSLATE_NOOP("Texts", "Public report"),
    CaseSource.GRID_WORKER: QT_TRANSLATE_NOOP("Texts", "Grid worker"),
    CaseSource.LEADER: QT_TRANSLATE_NOOP("Texts", "Leader's instruction"),
    CaseSource.MEDIA: QT_TRANSLATE_NOOP("Texts", "Media"),
}
URGENCIES = {Urgency.NORMAL: QT_TRANSLATE_NOOP("Texts", "Normal"), Urgency.HIGH: QT_TRANSLATE_NOOP("Texts", "High"),
             Urgency.URGENT: QT_TRANSLATE_NOOP("Texts", "Urgent")}
LEVELS = {CaseLevel.COMMUNITY: QT_TRANSLATE_NOOP("Texts", "Community (micro loop)"),
          CaseLevel.STREET: QT_TRANSLATE_NOOP("Texts", "Street (small loop)"),
          CaseLevel.DISTRICT: QT_TRANSLATE_NOOP("Texts", "District (big loop)")}
KINDS = {CaseKind.PART: QT_TRANSLATE_NOOP("Texts", "Part"), CaseKind.MATTER: QT_TRANSLATE_NOOP("Texts", "Matter")}
PART_MAJORS = [QT_TRANSLATE_NOOP("Texts", "Municipal utilities"), QT_TRANSLATE_NOOP("Texts", "Transport facilities"),
               QT_TRANSLATE_NOOP("Texts", "Sanitation facilities"), QT_TRANSLATE_NOOP("Texts", "Landscaping facilities"),
               QT_TRANSLATE_NOOP("Texts", "Other parts")]
LAYERS = {
    "blocks": QT_TRANSLATE_NOOP("Texts", "Buildings"),
    "roads": QT_TRANSLATE_NOOP("Texts", "Roads"),
    "streets": QT_TRANSLATE_NOOP("Texts", "Streets"),
    "communities": QT_TRANSLATE_NOOP("Texts", "Communities"),
    "grids": QT_TRANSLATE_NOOP("Texts", "Unit grids"),
    "parts": QT_TRANSLATE_NOOP("Texts", "City parts"),
    "cases": QT_TRANSLATE_NOOP("Texts", "Open cases"),
    "camera_views": QT_TRANSLATE_NOOP("Texts", "Camera views"),
    "cameras": QT_TRANSLATE_NOOP("Texts", "Video cameras"),
}
CAMERA_KINDS = [QT_TRANSLATE_NOOP("Texts", "Live stream"),
                QT_TRANSLATE_NOOP("Texts", "Snapshots only")]

_VALUE_TABLES = {"state": (CaseState, STATES), "source": (CaseSource, SOURCES),
                 "urgency": (Urgency, URGENCIES), "level": (CaseLevel, LEVELS),
                 "case_kind": (CaseKind, KINDS)}


def field_label(key: str) -> str:
    return tr(FIELDS.get(key, key))


def value_text(key: str, value: str) -> str:
    """Enum values (state, source, …) shown in the interface language."""
    if key in _VALUE_TABLES:
        enum, table = _VALUE_TABLES[key]
        try:
            return tr(table[enum(value)])
        except ValueError:
            return value
    return value

ROLES = {
    Role.FIELD_SUPERVISOR: QT_TRANSLATE_NOOP("Roles", "Field supervisor"),
    Role.VIDEO_SUPERVISOR: QT_TRANSLATE_NOOP("Roles", "Video supervisor"),
    Role.GRID_WORKER: QT_TRANSLATE_NOOP("Roles", "Grid worker"),
    Role.OPERATOR: QT_TRANSLATE_NOOP("Roles", "Operator"),
    Role.SHIFT_LEADER: QT_TRANSLATE_NOOP("Roles", "Shift leader"),
    Role.DISPATCHER: QT_TRANSLATE_NOOP("Roles", "Dispatcher"),
    Role.DEPARTMENT: QT_TRANSLATE_NOOP("Roles", "Department staff"),
    Role.MANAGER: QT_TRANSLATE_NOOP("Roles", "Manager"),
    Role.ADMIN: QT_TRANSLATE_NOOP("Roles", "Administrator"),
}

ACTIONS = {
    Action.REPORT: QT_TRANSLATE_NOOP("Actions", "Report"),
    Action.REGISTER: QT_TRANSLATE_NOOP("Actions", "Register"),
    Action.SEND_VERIFY: QT_TRANSLATE_NOOP("Actions", "Send for verification"),
    Action.VERIFY: QT_TRANSLATE_NOOP("Actions", "Verify"),
    Action.FILE: QT_TRANSLATE_NOOP("Actions", "File"),
    Action.VOID: QT_TRANSLATE_NOOP("Actions", "Void"),
    Action.DISPATCH: QT_TRANSLATE_NOOP("Actions", "Dispatch"),
    Action.RETURN_CASE: QT_TRANSLATE_NOOP("Actions", "Return (not ours)"),
    Action.APPROVE_RETURN: QT_TRANSLATE_NOOP("Actions", "Approve return"),
    Action.REJECT_RETURN: QT_TRANSLATE_NOOP("Actions", "Reject return"),
    Action.REQUEST_EXTENSION: QT_TRANSLATE_NOOP("Actions", "Request extension"),
    Action.APPROVE_EXTENSION: QT_TRANSLATE_NOOP("Actions", "Approve extension"),
    Action.REJECT_EXTENSION: QT_TRANSLATE_NOOP("Actions", "Reject extension"),
    Action.REQUEST_PARK: QT_TRANSLATE_NOOP("Actions", "Request parking"),
    Action.APPROVE_PARK: QT_TRANSLATE_NOOP("Actions", "Approve parking"),
    Action.REJECT_PARK: QT_TRANSLATE_NOOP("Actions", "Reject parking"),
    Action.RESUME: QT_TRANSLATE_NOOP("Actions", "Resume from ledger"),
    Action.HANDLE: QT_TRANSLATE_NOOP("Actions", "Report handling"),
    Action.SEND_CHECK: QT_TRANSLATE_NOOP("Actions", "Send for check"),
    Action.CHECK_PASS: QT_TRANSLATE_NOOP("Actions", "Check passed"),
    Action.CHECK_FAIL: QT_TRANSLATE_NOOP("Actions", "Check failed (rework)"),
    Action.REDISPATCH: QT_TRANSLATE_NOOP("Actions", "Re-dispatch (wrong department)"),
    Action.CLOSE: QT_TRANSLATE_NOOP("Actions", "Close"),
    Action.CALLBACK: QT_TRANSLATE_NOOP("Actions", "Callback"),
    Action.URGE: QT_TRANSLATE_NOOP("Actions", "Urge"),
    Action.ESCALATE: QT_TRANSLATE_NOOP("Actions", "Escalate"),
    Action.SELF_HANDLE: QT_TRANSLATE_NOOP("Actions", "Self-handle"),
    Action.ATTACH: QT_TRANSLATE_NOOP("Actions", "Attach photos"),
    Action.MERGE: QT_TRANSLATE_NOOP("Actions", "Merge duplicate"),
}


def action_text(action: Action) -> str:
    return QCoreApplication.translate("Actions", ACTIONS[action])


def role_text(role: Role) -> str:
    return QCoreApplication.translate("Roles", ROLES[role])
