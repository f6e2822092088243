"""The case workflow engine of the two-axis model (standards.md §4).

A case moves through the stored :class:`~app.domain.case.CaseState` values by *actions*.
``TRANSITIONS`` says, for each (state, action), the target state and the roles that may take
it; :func:`apply` checks the rules, returns a new :class:`CaseFlow` and the immutable
:class:`CaseEvent` that the case timeline appends. Nothing here mutates or deletes.

Requests that wait for a dispatcher's approval (回退, 延期, 挂账) are a *pending* flag on the
flow, not states: the case stays with its department, in its state, while it waits, so the
queues and the clock do not jump back and forth.

The step clock (``step_started_at``, ``step_parks``, ``extension_hours``) belongs to the
current step (受理, 核实, 立案, 派遣, 处置, 核查, 结案) and restarts when the step changes;
lifetime figures for evaluation (``parked_total``, ``rework_count``, ``misdispatch_count``)
accumulate. The full history is the event list.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from app.domain.calendar import TimeLimit, WorkingCalendar, deadline, paused_time
from app.domain.case import CaseLevel, CaseSource, CaseState
from app.domain.errors import DomainError
from app.domain.org import Role

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from app.domain.case import Case


class WorkflowError(DomainError):
    """The action is not possible in the case's current state (or its preconditions fail)."""


class PermissionDeniedError(DomainError):
    """The actor's role (or department) may not take this action."""


class Action(StrEnum):
    REPORT = "report"  # 上报
    REGISTER = "register"  # 受理
    SEND_VERIFY = "send_verify"  # 发核实
    VERIFY = "verify"  # 核实
    FILE = "file"  # 立案
    VOID = "void"  # 作废
    DISPATCH = "dispatch"  # 派遣
    RETURN_CASE = "return_case"  # 回退申请 (department: not ours)
    APPROVE_RETURN = "approve_return"  # 回退审批通过
    REJECT_RETURN = "reject_return"  # 回退驳回
    REQUEST_EXTENSION = "request_extension"  # 延期申请
    APPROVE_EXTENSION = "approve_extension"  # 延期批准
    REJECT_EXTENSION = "reject_extension"  # 延期驳回
    REQUEST_PARK = "request_park"  # 挂账申请
    APPROVE_PARK = "approve_park"  # 挂账批准
    REJECT_PARK = "reject_park"  # 挂账驳回
    RESUME = "resume"  # 挂账恢复
    HANDLE = "handle"  # 处置反馈
    SEND_CHECK = "send_check"  # 发核查
    CHECK_PASS = "check_pass"  # 核查通过
    CHECK_FAIL = "check_fail"  # 核查不通过 → 返工
    REDISPATCH = "redispatch"  # 错误派遣 → 改派
    CLOSE = "close"  # 结案
    CALLBACK = "callback"  # 回访
    URGE = "urge"  # 督办
    ESCALATE = "escalate"  # 上报上级 (community → street → district)
    SELF_HANDLE = "self_handle"  # 自处理
    ATTACH = "attach"  # 补充材料 (photos added, state unchanged)
    MERGE = "merge"  # 合并 (a new report that repeats an open case is voided into it)

    @property
    def label_zh(self) -> str:
        return ACTION_LABELS_ZH[self]


ACTION_LABELS_ZH: dict[Action, str] = {
    Action.REPORT: "上报",
    Action.REGISTER: "受理",
    Action.SEND_VERIFY: "发核实",
    Action.VERIFY: "核实",
    Action.FILE: "立案",
    Action.VOID: "作废",
    Action.DISPATCH: "派遣",
    Action.RETURN_CASE: "回退",
    Action.APPROVE_RETURN: "同意回退",
    Action.REJECT_RETURN: "驳回回退",
    Action.REQUEST_EXTENSION: "延期申请",
    Action.APPROVE_EXTENSION: "同意延期",
    Action.REJECT_EXTENSION: "驳回延期",
    Action.REQUEST_PARK: "挂账申请",
    Action.APPROVE_PARK: "同意挂账",
    Action.REJECT_PARK: "驳回挂账",
    Action.RESUME: "挂账恢复",
    Action.HANDLE: "处置反馈",
    Action.SEND_CHECK: "发核查",
    Action.CHECK_PASS: "核查通过",
    Action.CHECK_FAIL: "核查不通过(返工)",
    Action.REDISPATCH: "改派(错误派遣)",
    Action.CLOSE: "结案",
    Action.CALLBACK: "回访",
    Action.URGE: "督办",
    Action.ESCALATE: "提级",
    Action.SELF_HANDLE: "自处理",
    Action.ATTACH: "补充材料",
    Action.MERGE: "合并重复",
}

_S = CaseState
_R = Role

# Who collects problems (standards §4.1 stage 1). The operator enters hotline/desk reports.
_REPORTERS = frozenset({_R.FIELD_SUPERVISOR, _R.VIDEO_SUPERVISOR, _R.GRID_WORKER, _R.OPERATOR})
# Who goes on site to verify (核实) and check (核查): supervisors and grid workers.
_ON_SITE = frozenset({_R.FIELD_SUPERVISOR, _R.GRID_WORKER})
_OPERATOR = frozenset({_R.OPERATOR})
_SHIFT_LEADER = frozenset({_R.SHIFT_LEADER})
_DISPATCHER = frozenset({_R.DISPATCHER})
_DEPARTMENT = frozenset({_R.DEPARTMENT})
# Urging (督办) is a command-centre act; managers are read-only in this product.
_URGERS = frozenset({_R.SHIFT_LEADER, _R.DISPATCHER})
# Escalation from the micro loop: the grid worker who cannot solve it in the community, the
# centre, or the handling (e.g. street) department that needs the district.
_ESCALATORS = frozenset({_R.GRID_WORKER, _R.SHIFT_LEADER, _R.DISPATCHER, _R.DEPARTMENT})
# Anyone working a case may add photos or documents to it (departments: their own cases).
_ATTACHERS = frozenset({_R.FIELD_SUPERVISOR, _R.VIDEO_SUPERVISOR, _R.GRID_WORKER, _R.OPERATOR,
                        _R.SHIFT_LEADER, _R.DISPATCHER, _R.DEPARTMENT})

_OPEN_STATES = (_S.REPORTED, _S.VERIFYING, _S.REGISTERED, _S.FILED, _S.DISPATCHED, _S.HANDLED,
                _S.CHECKING, _S.CHECKED, _S.PARKED)

Transition = tuple[CaseState | None, frozenset[Role]]

TRANSITIONS: dict[tuple[CaseState, Action], Transition] = {
    (_S.DRAFT, Action.REPORT): (_S.REPORTED, _REPORTERS),
    (_S.REPORTED, Action.REGISTER): (_S.REGISTERED, _OPERATOR),
    (_S.REPORTED, Action.SEND_VERIFY): (_S.VERIFYING, _OPERATOR),
    (_S.VERIFYING, Action.VERIFY): (_S.REGISTERED, _ON_SITE),
    (_S.REPORTED, Action.VOID): (_S.VOID, _SHIFT_LEADER),
    (_S.VERIFYING, Action.VOID): (_S.VOID, _SHIFT_LEADER),
    (_S.REGISTERED, Action.VOID): (_S.VOID, _SHIFT_LEADER),
    (_S.REGISTERED, Action.FILE): (_S.FILED, _SHIFT_LEADER),
    (_S.FILED, Action.DISPATCH): (_S.DISPATCHED, _DISPATCHER),
    (_S.DISPATCHED, Action.RETURN_CASE): (None, _DEPARTMENT),
    (_S.DISPATCHED, Action.APPROVE_RETURN): (_S.FILED, _DISPATCHER),
    (_S.DISPATCHED, Action.REJECT_RETURN): (None, _DISPATCHER),
    (_S.DISPATCHED, Action.REQUEST_EXTENSION): (None, _DEPARTMENT),
    (_S.DISPATCHED, Action.APPROVE_EXTENSION): (None, _DISPATCHER),
    (_S.DISPATCHED, Action.REJECT_EXTENSION): (None, _DISPATCHER),
    (_S.DISPATCHED, Action.REQUEST_PARK): (None, _DEPARTMENT),
    (_S.DISPATCHED, Action.APPROVE_PARK): (_S.PARKED, _DISPATCHER),
    (_S.DISPATCHED, Action.REJECT_PARK): (None, _DISPATCHER),
    (_S.PARKED, Action.RESUME): (_S.DISPATCHED, frozenset({_R.DISPATCHER, _R.SHIFT_LEADER})),
    (_S.DISPATCHED, Action.REDISPATCH): (_S.DISPATCHED, _DISPATCHER),
    (_S.DISPATCHED, Action.HANDLE): (_S.HANDLED, _DEPARTMENT),
    (_S.HANDLED, Action.SEND_CHECK): (_S.CHECKING, _OPERATOR),
    (_S.CHECKING, Action.CHECK_PASS): (_S.CHECKED, _ON_SITE),
    (_S.CHECKING, Action.CHECK_FAIL): (_S.DISPATCHED, _ON_SITE),
    (_S.CHECKED, Action.CLOSE): (_S.CLOSED, _SHIFT_LEADER),
    # Conditional target: None when the caller is satisfied, DISPATCHED (reopened) if not.
    (_S.CHECKED, Action.CALLBACK): (None, _OPERATOR),
    (_S.REPORTED, Action.SELF_HANDLE): (_S.CLOSED, _ON_SITE),
    (_S.REPORTED, Action.MERGE): (_S.VOID, frozenset({_R.OPERATOR, _R.SHIFT_LEADER})),
}
for _state in _OPEN_STATES:
    TRANSITIONS[(_state, Action.URGE)] = (None, _URGERS)
    TRANSITIONS[(_state, Action.ESCALATE)] = (None, _ESCALATORS)
    TRANSITIONS[(_state, Action.ATTACH)] = (None, _ATTACHERS)
del _state

# The rule a role check enforces, quoted in refusals.
_RULES: dict[Action, str] = {
    Action.REPORT: "problems are reported by supervisors, grid workers and operators "
                   "(standards §4.1 stage 1)",
    Action.REGISTER: "registration (受理) is the operator's task (standards §4.1 stage 2)",
    Action.SEND_VERIFY: "sending a verification task (发核实) is the operator's task "
                        "(standards §4.1 stage 2)",
    Action.VERIFY: "on-site verification (核实) is done by a field supervisor or grid worker "
                   "(standards §4.1 stage 2)",
    Action.FILE: "filing (立案) is the shift leader's decision (standards §4.1 stage 2)",
    Action.VOID: "voiding (作废) is the shift leader's decision (standards §4.3)",
    Action.DISPATCH: "dispatch is the dispatcher's task (standards §4.1)",
    Action.RETURN_CASE: "only the department the case was dispatched to can return it "
                        "(standards §4.3)",
    Action.APPROVE_RETURN: "returns are approved by the dispatcher (standards §4.3)",
    Action.REJECT_RETURN: "returns are decided by the dispatcher (standards §4.3)",
    Action.REQUEST_EXTENSION: "only the handling department asks for an extension "
                              "(standards §4.3)",
    Action.APPROVE_EXTENSION: "extensions are approved by the dispatcher (standards §4.3)",
    Action.REJECT_EXTENSION: "extensions are decided by the dispatcher (standards §4.3)",
    Action.REQUEST_PARK: "only the handling department asks to park a case (standards §4.3)",
    Action.APPROVE_PARK: "parking (挂账) is approved by the dispatcher (standards §4.2)",
    Action.REJECT_PARK: "parking (挂账) is decided by the dispatcher (standards §4.2)",
    Action.RESUME: "a parked case is resumed by the dispatcher or shift leader (standards §4.3)",
    Action.HANDLE: "handling feedback comes from the handling department (standards §4.1 "
                   "stage 4–5)",
    Action.SEND_CHECK: "sending a check task (发核查) is the operator's task (standards §4.1 "
                       "stage 6)",
    Action.CHECK_PASS: "on-site checks (核查) are done by a field supervisor or grid worker "
                       "(standards §4.1 stage 6)",
    Action.CHECK_FAIL: "on-site checks (核查) are done by a field supervisor or grid worker "
                       "(standards §4.1 stage 6)",
    Action.REDISPATCH: "re-dispatch is the dispatcher's task (standards §4.3)",
    Action.CLOSE: "closing (结案) is the shift leader's decision (standards §4.1 stage 6)",
    Action.CALLBACK: "hotline callbacks (回访) are made by the operator (standards §4.3)",
    Action.URGE: "urging (督办) is done by the shift leader or dispatcher (standards §4.3)",
    Action.ESCALATE: "escalation is done by grid workers, the command centre or the handling "
                     "department",
    Action.SELF_HANDLE: "self-handling (自处理) is for the field supervisor or grid worker on "
                        "the spot (standards §4.2)",
    Action.ATTACH: "photos and documents are added by the people working the case",
    Action.MERGE: "merging a duplicate report (合并) is done by the operator or shift leader "
                  "at registration",
}

# Request actions and the approve / reject actions that answer them.
_ANSWERS: dict[Action, Action] = {
    Action.APPROVE_RETURN: Action.RETURN_CASE,
    Action.REJECT_RETURN: Action.RETURN_CASE,
    Action.APPROVE_EXTENSION: Action.REQUEST_EXTENSION,
    Action.REJECT_EXTENSION: Action.REQUEST_EXTENSION,
    Action.APPROVE_PARK: Action.REQUEST_PARK,
    Action.REJECT_PARK: Action.REQUEST_PARK,
}
_REQUESTS = frozenset(_ANSWERS.values())
# While a request waits, the case is frozen apart from these (and the matching answer):
# urging and escalation do not touch the department's work, and handling the case makes the
# request moot (it is withdrawn, and the event says so).
_WHILE_PENDING = frozenset({Action.URGE, Action.ESCALATE, Action.HANDLE, Action.ATTACH})

# Actions that need a written reason: the record must say why (督办意见, 回退理由, …).
_NEEDS_REASON = frozenset({Action.VOID, Action.RETURN_CASE, Action.REQUEST_EXTENSION,
                           Action.REQUEST_PARK, Action.URGE, Action.ESCALATE})

# Public reports (公众举报) are verified on site before they are accepted (standards §4.1).
VERIFY_REQUIRED_SOURCES = frozenset({CaseSource.PUBLIC})
# Hotline cases get a callback (回访) before closing (standards §4.3, hotline variant).
CALLBACK_SOURCES = frozenset({CaseSource.HOTLINE})

# Default types a supervisor may fix on the spot (自处理): small, safe, no tools needed.
# Cities configure their own list; the service passes it to CaseFlow.of().
TRIVIAL_TYPE_CODES: frozenset[str] = frozenset({
    "06007",  # 沿街晾挂
    "06010",  # 暴露垃圾
    "06036",  # 乱堆杂物
    "07001",  # 非法小广告
    "07002",  # 街头散发广告
    "09010",  # 非机动车乱停放
    "09011",  # 共享单车乱象
})

_NEXT_LEVEL = {CaseLevel.COMMUNITY: CaseLevel.STREET, CaseLevel.STREET: CaseLevel.DISTRICT}

# The time-limit step each state's clock measures (keys of data/time_limits.csv).
STEP_OF_STATE: dict[CaseState, str] = {
    _S.REPORTED: "register",
    _S.VERIFYING: "verify",
    _S.REGISTERED: "file",
    _S.FILED: "dispatch",
    _S.DISPATCHED: "handle",
    _S.PARKED: "handle",  # the handling clock is stopped, not replaced
    _S.HANDLED: "check",
    _S.CHECKING: "check",
    _S.CHECKED: "close",
}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a login, the role it acts in and, for department staff, its department."""

    login: str
    role: Role
    department_code: str | None = None

    def __post_init__(self) -> None:
        if self.role is Role.DEPARTMENT and not self.department_code:
            raise DomainError(
                f"User {self.login} acts as department staff (专业部门) but has no department"
            )


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """One immutable entry of a case timeline."""

    case_number: str | None
    at: datetime
    actor_login: str
    role: Role
    action: Action
    from_state: CaseState
    to_state: CaseState
    note: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)
    version: int = 0

    def __post_init__(self) -> None:
        # A read-only copy: the event must not change after it is recorded.
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))


@dataclass(frozen=True, slots=True)
class CaseFlow:
    """The workflow-relevant state of one case.

    ``pending`` holds the request (回退/延期/挂账) awaiting the dispatcher. ``step_parks`` are
    the parked intervals of the current step, so that a working-time deadline moves by the
    working time lost (see :func:`step_deadline`); ``parked_total`` is lifetime wall-clock
    time parked, for evaluation.
    """

    state: CaseState = CaseState.REPORTED
    level: CaseLevel = CaseLevel.DISTRICT
    dept_code: str | None = None
    pending: Action | None = None
    rework_count: int = 0
    misdispatch_count: int = 0
    extension_hours: float = 0.0
    parked_since: datetime | None = None
    parked_total: timedelta = timedelta(0)
    version: int = 0
    case_number: str | None = None
    source: CaseSource = CaseSource.FIELD_SUPERVISOR
    type_code: str | None = None
    trivial: bool = False
    pending_extension_hours: float | None = None
    step_started_at: datetime | None = None
    step_parks: tuple[tuple[datetime, datetime], ...] = ()
    urge_count: int = 0
    satisfied: bool | None = None

    @classmethod
    def of(cls, case: Case, *, trivial_codes: Iterable[str] = TRIVIAL_TYPE_CODES,
           started_at: datetime | None = None) -> CaseFlow:
        """The flow of a stored case (counters start at zero: replay events to restore them)."""
        return cls(state=case.state, level=case.level, dept_code=case.dept_code,
                   version=case.version, case_number=case.number, source=case.source,
                   type_code=case.type_code, trivial=case.type_code in set(trivial_codes),
                   step_started_at=started_at if started_at is not None else case.reported_at)

    @property
    def step(self) -> str | None:
        """The time-limit step the current state measures, None when closed or a draft."""
        return STEP_OF_STATE.get(self.state)

    def step_pauses(self, now: datetime) -> tuple[tuple[datetime, datetime], ...]:
        """Parked intervals of the current step, including a park still running at ``now``."""
        if self.parked_since is not None and now > self.parked_since:
            return (*self.step_parks, (self.parked_since, now))
        return self.step_parks


def step_deadline(flow: CaseFlow, limit: TimeLimit, calendar: WorkingCalendar,
                  now: datetime) -> datetime:
    """Deadline of the flow's current step: limit + approved extensions + parked time.

    While the case is parked the deadline keeps moving with ``now``, so the remaining time
    stays frozen – the clock stops (standards §4.3).
    """
    if flow.step_started_at is None:
        raise WorkflowError(f"{_case_label(flow)} has no running step clock")
    paused = paused_time(flow.step_pauses(now), calendar, limit.unit)
    return deadline(flow.step_started_at, limit, calendar, paused,
                    extension_hours=flow.extension_hours)


# -- rules ----------------------------------------------------------------------------------
def _case_label(flow: CaseFlow) -> str:
    return f"Case {flow.case_number}" if flow.case_number else "The case"


def _a(action: Action) -> str:
    return f"{action.label_zh} ({action.value})"


def _state_text(state: CaseState) -> str:
    return f"{state.label_zh} ({state.value})"


def _state_refusal(flow: CaseFlow, action: Action) -> str | None:
    """Why ``action`` is impossible in the flow's state, or None (roles not considered)."""
    if (flow.state, action) not in TRANSITIONS:
        return f"{_a(action)} is not possible in state {_state_text(flow.state)}"
    if flow.pending is not None:
        if action in _ANSWERS:
            if _ANSWERS[action] is not flow.pending:
                return (f"{_a(action)} answers a {_a(_ANSWERS[action])} request, but the "
                        f"request waiting is {_a(flow.pending)}")
        elif action in _REQUESTS:
            return f"a {_a(flow.pending)} request is already awaiting approval"
        elif action not in _WHILE_PENDING:
            return f"a {_a(flow.pending)} request is awaiting the dispatcher's approval"
    elif action in _ANSWERS:
        return f"there is no {_a(_ANSWERS[action])} request awaiting approval"
    if action is Action.REGISTER and flow.source in VERIFY_REQUIRED_SOURCES:
        return (f"reports from {flow.source.label_zh} ({flow.source.value}) are verified on "
                f"site (发核实) before registration (standards §4.1)")
    if (action is Action.CLOSE and flow.source in CALLBACK_SOURCES
            and flow.satisfied is not True):
        return "a hotline case is closed only after a satisfied callback (回访, standards §4.3)"
    if action is Action.SELF_HANDLE and not flow.trivial:
        return (f"type {flow.type_code or '?'} is not flagged as trivial, so it cannot be "
                f"self-handled (自处理) and must go through the loop")
    if action is Action.ESCALATE and flow.level not in _NEXT_LEVEL:
        return f"the case is already at the top level, {flow.level.label_zh}"
    return None


def _permission_refusal(flow: CaseFlow, action: Action, actor: Actor) -> str | None:
    who = f"{actor.role.label_zh} ({actor.role.value})"
    if actor.role is Role.MANAGER:
        return f"{who} may not {_a(action)}: managers have read-only access to cases"
    if actor.role is Role.ADMIN:
        return (f"{who} may not {_a(action)}: system administrators manage users and data, "
                f"not cases")
    _, roles = TRANSITIONS[(flow.state, action)]
    if actor.role not in roles:
        allowed = "、".join(r.label_zh for r in Role if r in roles)
        return f"{who} may not {_a(action)}: {_RULES[action]}; allowed: {allowed}"
    if actor.role is Role.DEPARTMENT and flow.dept_code != actor.department_code:
        where = (f"it is with department {flow.dept_code}" if flow.dept_code
                 else "it is not dispatched to any department")
        return (f"department {actor.department_code} may not {_a(action)} on "
                f"{_case_label(flow).lower()}: {where}; department staff act only on cases "
                f"dispatched to their own department")
    return None


def _state_allowed(flow: CaseFlow) -> list[Action]:
    return [a for a in Action if _state_refusal(flow, a) is None]


def allowed_actions(flow: CaseFlow, actor: Actor) -> list[Action]:
    """Actions ``actor`` may take on the flow now, in a stable order (for the UI buttons)."""
    return [a for a in _state_allowed(flow) if _permission_refusal(flow, a, actor) is None]


def _require(cond: bool, flow: CaseFlow, action: Action, why: str) -> None:
    if not cond:
        raise WorkflowError(f"{_case_label(flow)}: {_a(action)} {why}")


# -- apply ----------------------------------------------------------------------------------
def apply(flow: CaseFlow, action: Action, actor: Actor, at: datetime, *, note: str = "",
          dept_code: str | None = None, reason: str = "",
          extension_hours: float | None = None,
          satisfied: bool | None = None,
          duplicate_of: str | None = None) -> tuple[CaseFlow, CaseEvent]:
    """Take ``action`` on ``flow``; return the new flow and the event to append.

    Raises
    ------
    PermissionDeniedError
        The role may not take the action, or department staff act on another department's
        case; the message names the rule.
    WorkflowError
        The action is impossible in this state (the message lists what is possible), or a
        precondition fails (missing reason, department, …).
    """
    action = Action(action)
    # Read-only roles are refused whatever the state, so the answer does not leak anything.
    if actor.role in (Role.MANAGER, Role.ADMIN):
        raise PermissionDeniedError(str(_permission_refusal(flow, action, actor)))
    refusal = _state_refusal(flow, action)
    if refusal is not None:
        possible = ", ".join(_a(a) for a in _state_allowed(flow)) or "none (the case is closed)"
        raise WorkflowError(f"{_case_label(flow)}: {refusal}; allowed in state "
                            f"{_state_text(flow.state)}: {possible}")
    denied = _permission_refusal(flow, action, actor)
    if denied is not None:
        raise PermissionDeniedError(denied)
    if flow.step_started_at is not None and at < flow.step_started_at:
        raise WorkflowError(f"{_case_label(flow)}: {_a(action)} at {at} is earlier than the "
                            f"current step, which started at {flow.step_started_at}")
    reason = reason.strip()
    if action in _NEEDS_REASON:
        _require(bool(reason), flow, action, "needs a reason for the record")

    target, _ = TRANSITIONS[(flow.state, action)]
    to_state = target if target is not None else flow.state
    changes: dict[str, Any] = {}
    details: dict[str, Any] = {}
    if reason:
        details["reason"] = reason
    new_step = False  # whether the step clock restarts

    if action in (Action.DISPATCH, Action.REDISPATCH):
        _require(bool(dept_code), flow, action, "needs the department to dispatch to")
        if action is Action.REDISPATCH:
            _require(dept_code != flow.dept_code, flow, action,
                     f"must go to another department than {flow.dept_code} (use 返工 for rework)")
            # 错误派遣 counts against the dispatcher (standards §4.3).
            changes["misdispatch_count"] = flow.misdispatch_count + 1
            details["from_dept"] = flow.dept_code
        changes["dept_code"] = dept_code
        details["dept_code"] = dept_code
        new_step = True
    elif action is Action.RETURN_CASE or action is Action.REQUEST_PARK:
        changes["pending"] = action
    elif action is Action.REQUEST_EXTENSION:
        _require(extension_hours is not None and extension_hours > 0, flow, action,
                 "needs the number of hours asked for (extension_hours > 0)")
        changes["pending"] = action
        changes["pending_extension_hours"] = extension_hours
        details["extension_hours"] = extension_hours
    elif action is Action.APPROVE_RETURN:
        # An approved return admits that the dispatch was wrong: it counts as a misdispatch
        # like a direct 改派, and the case goes back to the dispatch queue.
        details["from_dept"] = flow.dept_code
        changes.update(pending=None, dept_code=None,
                       misdispatch_count=flow.misdispatch_count + 1)
        new_step = True
    elif action is Action.APPROVE_EXTENSION:
        granted = extension_hours if extension_hours is not None else flow.pending_extension_hours
        _require(granted is not None and granted > 0, flow, action,
                 "needs a positive number of hours to grant")
        assert granted is not None
        changes.update(pending=None, pending_extension_hours=None,
                       extension_hours=flow.extension_hours + granted)
        details.update(extension_hours=granted, requested_hours=flow.pending_extension_hours,
                       total_extension_hours=flow.extension_hours + granted)
    elif action in (Action.REJECT_RETURN, Action.REJECT_EXTENSION, Action.REJECT_PARK):
        changes.update(pending=None, pending_extension_hours=None)
    elif action is Action.APPROVE_PARK:
        changes.update(pending=None, parked_since=at)
    elif action is Action.RESUME:
        assert flow.parked_since is not None
        parked = at - flow.parked_since
        changes.update(parked_since=None, parked_total=flow.parked_total + parked,
                       step_parks=(*flow.step_parks, (flow.parked_since, at)))
        details.update(parked_since=flow.parked_since.isoformat(),
                       parked_seconds=parked.total_seconds())
    elif action is Action.HANDLE:
        if flow.pending is not None:
            details["withdrawn_request"] = flow.pending.value
        changes.update(pending=None, pending_extension_hours=None)
    elif action is Action.CHECK_FAIL:
        # 返工: the same department redoes it; counted at closure (standards §4.3).
        changes["rework_count"] = flow.rework_count + 1
        details.update(rework=flow.rework_count + 1, dept_code=flow.dept_code)
        new_step = True
    elif action is Action.CALLBACK:
        _require(satisfied is not None, flow, action,
                 "needs the caller's answer (satisfied=True or False)")
        changes["satisfied"] = satisfied
        details["satisfied"] = satisfied
        if not satisfied:
            # Dissatisfied caller: back to the same department to redo (standards §4.3).
            to_state = CaseState.DISPATCHED
            details["reopened"] = True
            new_step = True
    elif action is Action.URGE:
        changes["urge_count"] = flow.urge_count + 1
        details.update(urged_by=actor.login, urged_dept=flow.dept_code,
                       urge_count=flow.urge_count + 1)
    elif action is Action.ESCALATE:
        new_level = _NEXT_LEVEL[flow.level]
        changes["level"] = new_level
        details.update(from_level=flow.level.value, to_level=new_level.value)
    elif action is Action.SELF_HANDLE:
        details["shortcut"] = True  # closed without the loop; evaluation counts it apart
    elif action is Action.MERGE:
        _require(bool(duplicate_of), flow, action, "needs the number of the case it repeats")
        _require(duplicate_of != flow.case_number, flow, action, "cannot merge a case into itself")
        details["duplicate_of"] = duplicate_of

    if STEP_OF_STATE.get(to_state) != STEP_OF_STATE.get(flow.state):
        new_step = True
    if new_step:
        # A new step gets a fresh clock; extensions and parks belonged to the old one.
        changes.update(step_started_at=at if to_state.is_open else None,
                       extension_hours=0.0, step_parks=())

    version = flow.version + 1
    new_flow = replace(flow, state=to_state, version=version, **changes)
    event = CaseEvent(case_number=flow.case_number, at=at, actor_login=actor.login,
                      role=actor.role, action=action, from_state=flow.state, to_state=to_state,
                      note=note, details=details, version=version)
    return new_flow, event
