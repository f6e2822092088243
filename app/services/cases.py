"""The closed loop as a service: report, act, read and queue cases under a named actor.

This is the scripting API of the command centre and the only path the UI takes to change a
case. Every call names its :class:`~app.domain.workflow.Actor`; the rules of
:mod:`app.domain.workflow` decide what the actor may do, and this layer adds what needs the
store: which cases a department may see, grids from locations, case numbers, deadlines from
the time-limit table and the working calendar, and optimistic locking.

Example::

    svc = CaseService(Store.open("citygrid.sqlite"))
    fs = Actor("fs0111", Role.FIELD_SUPERVISOR)
    case = svc.report(fs, "matter", "06010", 116.30, 39.96, "暴露垃圾", "supervisor")
    svc.act(Actor("op01", Role.OPERATOR), case.number, "register")
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from app.domain.attachment import Attachment, Photo
from app.domain.calendar import (
    Light,
    TimeLimitTable,
    WorkingCalendar,
    load_calendar,
    load_time_limits,
    traffic_light,
)
from app.domain.case import (
    Case,
    CaseKind,
    CaseLevel,
    CaseSource,
    CaseState,
    Urgency,
    format_case_number,
)
from app.domain.catalogue import load_catalogue
from app.domain.duplicates import DuplicateRules, load_duplicate_rules
from app.domain.departments import Dispatch, TypeOwner, load_type_owners, street_departments
from app.domain.errors import ConcurrentUpdateError, ConnectionLostError, DomainError
from app.domain.ids import GridId
from app.domain.org import Department, Role
from app.domain.workflow import (
    STEP_OF_STATE,
    TRIVIAL_TYPE_CODES,
    Action,
    Actor,
    CaseEvent,
    CaseFlow,
    PermissionDeniedError,
    allowed_actions,
    apply,
    step_deadline,
)
from app.gis import crs
from app.store.db import is_disconnect
from app.store.repositories import QUEUES, CaseFilter, DuplicateExternalIdError
from app.store.store import Store

__all__ = ["QUEUES", "Action", "Actor", "Attachment", "CaseFilter", "CaseNotFoundError",
           "CaseService", "ConcurrentUpdateError", "ConnectionLostError", "DuplicateExternalIdError", "LocationError",
           "Photo", "Role"]

# Photos may be given as Photo objects or as image file paths.
PhotoLike = Photo | str | Path


def _photos(photos: Iterable[PhotoLike]) -> list[Photo]:
    return [p if isinstance(p, Photo) else Photo.from_path(p) for p in photos]


# Queue filters: a CaseFilter, or a mapping of its field names (what a UI keeps), or None.
Filters = CaseFilter | Mapping[str, str | None] | None


def _as_filter(filters: Filters) -> CaseFilter:
    if filters is None:
        return CaseFilter()
    if isinstance(filters, CaseFilter):
        return filters
    known = set(CaseFilter.__dataclass_fields__)
    unknown = sorted(set(filters) - known)
    if unknown:
        raise DomainError(f"Unknown case filter(s) {', '.join(unknown)}: filter by "
                          f"{', '.join(sorted(known))}")
    return CaseFilter(**{k: str(v) for k, v in filters.items() if v})


class CaseNotFoundError(DomainError):
    """No case has this number."""


class LocationError(DomainError):
    """A reported location is not inside any unit grid of the district."""


def _dept_rule(actor: Actor) -> str:
    return (f"department {actor.department_code} ({actor.login}) sees only cases dispatched to "
            f"it: department staff (专业部门) see only their own department's cases")


class CaseService:
    """Use cases of the case loop; see the module docstring."""

    def __init__(self, store: Store, calendar: WorkingCalendar | None = None,
                 limits: TimeLimitTable | None = None,
                 clock: Callable[[], datetime] = datetime.now,
                 trivial_codes: Iterable[str] = TRIVIAL_TYPE_CODES,
                 duplicate_rules: DuplicateRules | None = None) -> None:
        self.store = store
        self.duplicate_rules = (duplicate_rules if duplicate_rules is not None
                                else load_duplicate_rules())
        self.calendar = calendar if calendar is not None else load_calendar()
        self.limits = limits if limits is not None else load_time_limits()
        self.clock = clock
        self.trivial_codes = frozenset(trivial_codes)
        self._departments: dict[str, Department] | None = None
        # Waits before re-trying a write whose connection broke (seconds); see _resilient.
        self.retry_delays: tuple[float, ...] = (0.3, 1.0, 2.0)

    # -- intake -------------------------------------------------------------------------
    def report(self, actor: Actor, kind: CaseKind | str, type_code: str, lon: float,
               lat: float, description: str, source: CaseSource | str,
               urgency: Urgency | str = Urgency.NORMAL, address: str = "",
               part_id: str | None = None, camera_id: str | None = None,
               level: CaseLevel | str = CaseLevel.COMMUNITY,
               photos: Iterable[PhotoLike] = (), caller: str = "",
               caller_phone: str = "", external_id: str | None = None,
               op_id: str | None = None) -> Case:
        """Report a problem at (lon, lat) (CGCS2000); returns the stored case, REPORTED.

        A new case starts in the micro loop (community level) unless ``level`` says
        otherwise; escalation (提级) moves it to the street and the district. ``photos``
        (Photo objects or image files) are stored with the report event; a hotline report
        records the caller for the callback (回访). ``external_id`` names the case in the
        system it came from (e.g. ``open311:app:638344``); a second report with the same
        external id is refused with DuplicateExternalIdError.

        ``op_id`` (see :meth:`act`) makes a retry after a lost connection safe: the report
        is stored once however often the seat sends it.
        """
        kind = CaseKind(kind)
        photo_list = _photos(photos)
        caller, caller_phone = caller.strip()[:50], caller_phone.strip()
        if caller_phone and not (caller_phone.replace("-", "").isdigit()
                                 and 7 <= len(caller_phone.replace("-", "")) <= 12
                                 and len(caller_phone) <= 20):
            raise DomainError(f"Caller phone “{caller_phone}” is not a phone number: 7–12 "
                              "digits (a hyphen is allowed)")
        load_catalogue().get(kind, type_code)  # refuses unknown codes, naming the standard
        if not description.strip():
            raise DomainError("A report needs a description of the problem")
        if part_id is not None and self.store.parts.get(part_id) is None:
            raise DomainError(f"Part {part_id} is not in the part census (部件普查): a part "
                              "case names an existing part")
        x, y = (float(v) for v in crs.to_projected(lon, lat))
        grid_id = self.grid_at(lon, lat, x, y)
        at = self.clock()
        draft = CaseFlow(state=CaseState.DRAFT, level=CaseLevel(level),
                         source=CaseSource(source), type_code=type_code,
                         trivial=type_code in self.trivial_codes)
        flow, event = apply(draft, Action.REPORT, actor, at,
                            note=description.strip())
        details = dict(event.details, grid_id=grid_id)
        if camera_id:
            details["camera_id"] = camera_id
        if caller:
            details["caller"] = caller
        if external_id:
            details["external_id"] = external_id
        event = CaseEvent(None, at, event.actor_login, event.role, event.action,
                          event.from_state, event.to_state, event.note, details, event.version)
        flow = replace(flow, step_started_at=at)
        case = Case(number=format_case_number(at, 1), kind=kind, type_code=type_code,
                    lon=lon, lat=lat, grid_id=GridId(grid_id), source=CaseSource(source),
                    reported_at=at, description=description.strip(), state=flow.state,
                    urgency=Urgency(urgency), level=flow.level, address=address,
                    part_id=part_id, deadline=self._deadline(flow, at))
        if camera_id:
            case.extra["camera_id"] = camera_id
        if caller:
            case.extra["caller"] = caller
        if caller_phone:
            case.extra["caller_phone"] = caller_phone
        if external_id:
            case.extra["external_id"] = external_id
        case.step_started_at = at
        op = op_id or str(uuid.uuid4())
        return self._resilient(
            op, lambda: self.store.cases.create(case, x, y, flow, event, photos=photo_list,
                                                op_id=op), given=op_id is not None)

    def _resilient(self, op_id: str, attempt: Callable[[], Case], given: bool) -> Case:
        """Run a write; when the connection breaks, reconnect and re-check by ``op_id``.

        Before every retry — and before the first try of an ``op_id`` the caller ``given``,
        which may be a resend — the store is asked whether the operation's event was
        committed (the reply may have been lost after the commit): if so, the stored case
        is returned and nothing is applied twice. After the last retry: ConnectionLostError.
        """
        delays = (0.0, *self.retry_delays)
        for i, delay in enumerate(delays):
            if delay:
                time.sleep(delay)
            try:
                if i or given:
                    done = self.store.cases.applied_op(op_id)
                    if done is not None:
                        case = self.store.cases.get(done[0])
                        assert case is not None
                        return case
                return attempt()
            except Exception as exc:  # noqa: BLE001 - only connection failures are retried
                if not is_disconnect(exc):
                    raise
                last = exc
        raise ConnectionLostError(
            "The database server cannot be reached (连接中断); nothing was lost: send the "
            "operation again when the connection is back — it is checked against what the "
            f"server already stored, so it is never applied twice. ({type(last).__name__})")

    def grid_at(self, lon: float, lat: float, x: float | None = None,
                y: float | None = None) -> str:
        """The unit grid containing (lon, lat); LocationError when outside every grid."""
        if x is None or y is None:
            x, y = (float(v) for v in crs.to_projected(lon, lat))
        # PostGIS (GiST) on PostgreSQL; bbox candidates + the exact polygon test on SQLite.
        gid = self.store.admin.grid_at(lon, lat, x, y)
        if gid is not None:
            return gid
        raise LocationError(
            f"The point ({lon:.6f}, {lat:.6f}) lies outside every unit grid of the district: "
            "a case is located in a unit grid (单元网格, GB/T 30428.1), so pick a point "
            "inside the managed area")

    # -- the loop -----------------------------------------------------------------------
    def act(self, actor: Actor, number: str, action: Action | str, *, note: str = "",
            dept_code: str | None = None, reason: str = "",
            extension_hours: float | None = None, satisfied: bool | None = None,
            photos: Iterable[PhotoLike] = (), duplicate_of: str | None = None,
            op_id: str | None = None) -> Case:
        """Take ``action`` on case ``number`` as ``actor``; returns the updated case.

        ``photos`` are stored with the event (e.g. the handling feedback's after-photos).
        Raises PermissionDeniedError / WorkflowError (the rule that refused),
        CaseNotFoundError, ConcurrentUpdateError when someone acted first, or
        ConnectionLostError when the server stayed unreachable.

        ``op_id`` names this operation (a uuid the seat makes once per user decision and
        keeps across retries): when the connection broke after the server committed, the
        retry finds the operation's event and returns the case instead of applying the
        action a second time.
        """
        action = Action(action)
        photo_list = _photos(photos)
        if action is Action.ATTACH and not photo_list:
            raise DomainError("补充材料 (attach) needs at least one photo")
        op = op_id or str(uuid.uuid4())
        return self._resilient(op, lambda: self._act(
            actor, number, action, op, note=note, dept_code=dept_code, reason=reason,
            extension_hours=extension_hours, satisfied=satisfied, photo_list=photo_list,
            duplicate_of=duplicate_of), given=op_id is not None)

    def _act(self, actor: Actor, number: str, action: Action, op_id: str, *, note: str,
             dept_code: str | None, reason: str, extension_hours: float | None,
             satisfied: bool | None, photo_list: list[Photo],
             duplicate_of: str | None) -> Case:
        case, flow = self._load(actor, number)
        if dept_code is not None and dept_code not in self.departments():
            raise DomainError(f"Department {dept_code} is not in the department register "
                              "(departments.csv): dispatch only to a known department")
        at = self.clock()
        new_flow, event = apply(flow, action, actor, at, note=note, dept_code=dept_code,
                                reason=reason, extension_hours=extension_hours,
                                satisfied=satisfied, duplicate_of=duplicate_of)
        deadline = self._deadline(new_flow, at) if new_flow.step else case.deadline
        closed_at = at if new_flow.state.is_closed and not flow.state.is_closed \
            else case.closed_at
        self.store.cases.apply(case.id or 0, flow.version, new_flow, event, deadline,
                               closed_at, photos=photo_list, op_id=op_id)
        updated = self.store.cases.get(number)
        assert updated is not None
        return updated

    def attach(self, actor: Actor, number: str, photos: Iterable[PhotoLike],
               note: str = "") -> Case:
        """Add photos to a case (补充材料): an event of its own, the state unchanged."""
        return self.act(actor, number, Action.ATTACH, note=note, photos=photos)

    def merge(self, actor: Actor, number: str, into: str, note: str = "",
              op_id: str | None = None) -> Case:
        """Void the new report ``number`` as a duplicate of the open case ``into`` (合并).

        ``op_id``: as for :meth:`act` (a resend after a lost connection is applied once)."""
        target = self.store.cases.get(into)
        if target is None:
            raise CaseNotFoundError(f"There is no case number {into} to merge {number} into")
        if not target.state.is_open:
            raise DomainError(f"Case {into} is {target.state.label_zh} ({target.state.value}): "
                              f"a problem reported again after closing is a new case, so "
                              f"register {number} instead of merging it")
        return self.act(actor, number, Action.MERGE, note=note, duplicate_of=into, op_id=op_id)

    def attachments(self, actor: Actor, number: str) -> list[Attachment]:
        """The case's photos, oldest first (bytes via :meth:`attachment_data`)."""
        case, _ = self._load(actor, number)
        return self.store.cases.attachments(case.id or 0)

    def attachment_data(self, actor: Actor, attachment_id: int) -> bytes:
        found = self.store.cases.attachment_data(attachment_id)
        if found is None:
            raise DomainError(f"There is no attachment {attachment_id}")
        case = self.store.cases.get_by_rowid(found[0])
        assert case is not None
        self._load(actor, case.number)  # the same visibility as the case itself
        return found[1]

    def allowed(self, actor: Actor, number: str) -> list[Action]:
        """Actions the actor may take on the case now (for buttons)."""
        _, flow = self._load(actor, number)
        return allowed_actions(flow, actor)

    allowed_actions = allowed

    def now(self) -> datetime:
        """The service's clock (the UI computes remaining time with it)."""
        return self.clock()

    def get(self, actor: Actor, number: str) -> Case:
        return self._load(actor, number)[0]

    def flow(self, actor: Actor, number: str) -> CaseFlow:
        return self._load(actor, number)[1]

    def timeline(self, actor: Actor, number: str) -> list[CaseEvent]:
        """The case's events in order, oldest first."""
        case, _ = self._load(actor, number)
        return self.store.cases.timeline(case.id or 0)

    def queue(self, actor: Actor, name: str, filters: Filters = None,
              limit: int = 50, offset: int = 0) -> list[Case]:
        """A page of queue ``name`` (see ``QUEUES``), least remaining time first."""
        return self.store.cases.queue_page(name, self._scope(actor, filters), self.clock(),
                                           limit, offset)

    def queue_counts(self, actor: Actor, filters: Filters = None) -> dict[str, int]:
        return self.store.cases.queue_counts(self._scope(actor, filters), self.clock())

    # -- advice ---------------------------------------------------------------------------
    def suggest_department(self, type_code: str | Case, kind: CaseKind | str | None = None,
                           grid_id: str | None = None) -> tuple[str, str]:
        """(department code, why) for dispatching a case of this type in this grid.

        Pass a type code, kind and grid id, or a stored :class:`Case`.

        Parts go to their owner / competent department first (先属主后属地); matters to the
        street of the grid first (先属地后属主), unless the type's dispatch rule says the
        matter is a professional one for its competent department.
        """
        if isinstance(type_code, Case):
            type_code, kind, grid_id = (type_code.type_code, type_code.kind,
                                        str(type_code.grid_id))
        if kind is None or grid_id is None:
            raise DomainError("A dispatch suggestion needs the type, its kind and the grid")
        kind = CaseKind(kind)
        depts = self.departments()
        owner: TypeOwner | None = load_type_owners().get(type_code)
        street = street_departments(list(depts.values())).get(grid_id[:9])

        def name(code: str) -> str:
            return depts[code].name if code in depts else code

        def territorial(why: str) -> tuple[str, str]:
            if street is None:
                if owner is None:
                    raise DomainError(f"No department answers for type {type_code} in grid "
                                      f"{grid_id}: neither an owner nor a street department")
                return owner.competent_code, (
                    f"{why}, but grid {grid_id} has no street department, so the competent "
                    f"department {name(owner.competent_code)}")
            return street.code, f"{why}: street of grid {grid_id} is {street.name}"

        if owner is None:
            return territorial(f"type {type_code} has no row in the responsibility matrix "
                               "(type_owners.csv), so it goes to the territory (属地)")
        rule = owner.dispatch
        if kind is CaseKind.PART and rule is not Dispatch.TERRITORIAL:
            code = owner.owner_code or owner.competent_code
            what = "owner (权属单位)" if owner.owner_code else "competent department (主管部门)"
            return code, (f"part type {type_code}: parts go to their owner first "
                          f"(先属主后属地); its {what} is {name(code)}")
        if rule is Dispatch.COMPETENT or (kind is CaseKind.MATTER and rule is Dispatch.OWNER):
            return owner.competent_code, (
                f"type {type_code}: its dispatch rule ({rule.value}) sends it to the "
                f"competent department (主管部门) {name(owner.competent_code)}")
        return territorial(f"{'matter' if kind is CaseKind.MATTER else 'type'} {type_code}: "
                           "matters go to the territory first (先属地后属主)")

    def find_duplicates(self, type_code: str, x: float, y: float, at: datetime,
                        radius_m: float | None = None,
                        window_hours: float | None = None) -> list[Case]:
        """Open cases of the same type within ``radius_m`` (display metres) reported within
        ``window_hours`` of ``at``, nearest first: likely duplicates to merge. Radius and
        window default to the type's row of ``data/duplicate_rules.csv``."""
        rule = self.duplicate_rules.rule_for(type_code)
        radius_m = rule.radius_m if radius_m is None else radius_m
        window = timedelta(hours=rule.window_hours if window_hours is None else window_hours)
        hits = self.store.cases.near(type_code, (x - radius_m, y - radius_m, x + radius_m,
                                                 y + radius_m), at - window, at + window)
        near = [(math.hypot(cx - x, cy - y), c) for c, cx, cy in hits
                if math.hypot(cx - x, cy - y) <= radius_m]
        return [c for _, c in sorted(near, key=lambda t: (t[0], t[1].number))]

    def duplicates_of(self, actor: Actor, number: str) -> list[Case]:
        """Open cases reported earlier that the case ``number`` likely repeats, nearest
        first (for the duplicate offer at registration)."""
        case, _ = self._load(actor, number)
        xy = self.store.cases.xy(number)
        assert xy is not None
        return [c for c in self.find_duplicates(case.type_code, xy[0], xy[1], case.reported_at)
                if c.number != number and c.reported_at <= case.reported_at]

    def preview_deadline(self, actor: Actor, number: str, action: Action | str,
                         dept_code: str | None = None) -> datetime | None:
        """The deadline the case would get if ``actor`` took ``action`` now (for the
        dispatch dialog); nothing is written. Refuses what :meth:`act` would refuse."""
        action = Action(action)
        case, flow = self._load(actor, number)
        if dept_code is None and action in (Action.DISPATCH, Action.REDISPATCH):
            dept_code = self.suggest_department(case)[0]
            if action is Action.REDISPATCH and dept_code == case.dept_code:
                dept_code = next((c for c in self.departments() if c != case.dept_code),
                                 None)
        at = self.clock()
        new_flow, _ = apply(flow, action, actor, at, dept_code=dept_code,
                            reason="preview", extension_hours=1.0, satisfied=True,
                            duplicate_of="0" * 13)
        return self._deadline(new_flow, at) if new_flow.step else None

    def light(self, case: Case, now: datetime | None = None) -> Light | None:
        """Traffic light of the case's current step: green ≤ 80 % of its time limit used,
        yellow 80–100 %, red overdue; None when no clock runs (closed, parked)."""
        step = STEP_OF_STATE.get(case.state)
        if step is None or case.state is CaseState.PARKED or case.deadline is None \
                or case.step_started_at is None:
            return None
        unit = self.limits.limit_for(case.type_code, step).unit
        return traffic_light(case.step_started_at, case.deadline,
                             now if now is not None else self.clock(), self.calendar, unit)

    def department_names(self) -> dict[str, str]:
        return {code: d.name for code, d in self.departments().items()}

    def street_names(self) -> dict[str, str]:
        return self.store.admin.names()[0]

    def type_names(self) -> dict[tuple[str, str], str]:
        """Catalogue names by (kind, type code)."""
        return self.store.org.catalogue_names()

    def departments(self) -> dict[str, Department]:
        if self._departments is None:
            self._departments = {d.code: d for d in self.store.org.departments()}
        return self._departments

    # -- helpers --------------------------------------------------------------------------
    def _load(self, actor: Actor, number: str) -> tuple[Case, CaseFlow]:
        loaded = self.store.cases.load_flow(number, self.trivial_codes)
        if loaded is None:
            raise CaseNotFoundError(f"There is no case number {number}")
        case, flow = loaded
        if actor.role is Role.DEPARTMENT and case.dept_code != actor.department_code:
            # Same answer whether the case exists or not would be stricter, but operators
            # need to know the case is real and simply not theirs.
            raise PermissionDeniedError(f"Case {number} is not visible to {_dept_rule(actor)}")
        return case, flow

    def _scope(self, actor: Actor, filters: Filters) -> CaseFilter:
        f = _as_filter(filters)
        if actor.role is Role.DEPARTMENT:
            if f.dept_code and f.dept_code != actor.department_code:
                raise PermissionDeniedError(f"Cases of department {f.dept_code} are not "
                                            f"visible to {_dept_rule(actor)}")
            return replace(f, dept_code=actor.department_code)
        return f

    def _deadline(self, flow: CaseFlow, now: datetime) -> datetime | None:
        if flow.step is None or flow.type_code is None:
            return None
        limit = self.limits.limit_for(flow.type_code, flow.step)
        return step_deadline(flow, limit, self.calendar, now)

