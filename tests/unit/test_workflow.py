"""The case workflow engine: the full loop, every exception path, and refusals."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest

from app.domain.calendar import TimeLimit, WorkingCalendar, load_calendar
from app.domain.case import CaseLevel, CaseSource, CaseState
from app.domain.org import Role
from app.domain.workflow import (
    ACTION_LABELS_ZH,
    TRANSITIONS,
    Action,
    Actor,
    CaseEvent,
    CaseFlow,
    PermissionDeniedError,
    WorkflowError,
    allowed_actions,
    apply,
    step_deadline,
)

DEPT_A = "11110108000062148Y"
DEPT_B = "91110000101129495J"

SUPERVISOR = Actor("zhang.wei", Role.FIELD_SUPERVISOR)
VIDEO = Actor("li.na", Role.VIDEO_SUPERVISOR)
GRID = Actor("wang.fang", Role.GRID_WORKER)
OPERATOR = Actor("liu.yang", Role.OPERATOR)
LEADER = Actor("chen.jie", Role.SHIFT_LEADER)
DISPATCHER = Actor("zhao.lei", Role.DISPATCHER)
DEPT_A_STAFF = Actor("sun.li", Role.DEPARTMENT, DEPT_A)
DEPT_B_STAFF = Actor("zhou.min", Role.DEPARTMENT, DEPT_B)
MANAGER = Actor("boss", Role.MANAGER)

T0 = datetime(2026, 3, 2, 9, 0)  # Monday


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


class Walker:
    """Applies actions in order, one minute apart, and keeps the timeline."""

    def __init__(self, flow: CaseFlow) -> None:
        self.flow = flow
        self.events: list[CaseEvent] = []
        self.t = 0

    def do(self, action: Action, actor: Actor, **kw: object) -> CaseEvent:
        self.t += 1
        self.flow, event = apply(self.flow, action, actor, at(self.t), **kw)  # type: ignore[arg-type]
        self.events.append(event)
        return event


def new_flow(**kw: object) -> CaseFlow:
    base: dict[str, object] = {"case_number": "2026030200001", "state": CaseState.REPORTED,
                               "level": CaseLevel.COMMUNITY, "type_code": "06010",
                               "step_started_at": T0}
    base.update(kw)
    return CaseFlow(**base)  # type: ignore[arg-type]


def dispatched(**kw: object) -> Walker:
    w = Walker(new_flow(**kw))
    w.do(Action.REGISTER, OPERATOR)
    w.do(Action.FILE, LEADER)
    w.do(Action.DISPATCH, DISPATCHER, dept_code=DEPT_A)
    return w


def test_full_loop_with_the_right_roles() -> None:
    w = Walker(new_flow(state=CaseState.DRAFT, step_started_at=None))
    w.do(Action.REPORT, SUPERVISOR)
    w.do(Action.REGISTER, OPERATOR)
    w.do(Action.FILE, LEADER)
    w.do(Action.DISPATCH, DISPATCHER, dept_code=DEPT_A)
    w.do(Action.HANDLE, DEPT_A_STAFF, note="已清运")
    w.do(Action.SEND_CHECK, OPERATOR)
    w.do(Action.CHECK_PASS, SUPERVISOR)
    last = w.do(Action.CLOSE, LEADER)

    assert w.flow.state is CaseState.CLOSED
    assert [e.to_state for e in w.events] == [
        CaseState.REPORTED, CaseState.REGISTERED, CaseState.FILED, CaseState.DISPATCHED,
        CaseState.HANDLED, CaseState.CHECKING, CaseState.CHECKED, CaseState.CLOSED]
    assert [e.version for e in w.events] == list(range(1, 9))
    assert w.flow.version == 8
    assert w.flow.dept_code == DEPT_A
    assert w.events[3].details["dept_code"] == DEPT_A
    assert w.events[4].note == "已清运"
    assert w.events[4].actor_login == "sun.li"
    assert last.role is Role.SHIFT_LEADER
    assert last.from_state is CaseState.CHECKED
    assert last.case_number == "2026030200001"
    assert w.flow.step_started_at is None  # closed: no clock runs
    assert allowed_actions(w.flow, LEADER) == []


def test_apply_is_immutable() -> None:
    flow = new_flow()
    new, event = apply(flow, Action.REGISTER, OPERATOR, at(1))
    assert flow.state is CaseState.REPORTED
    assert flow.version == 0
    assert new.state is CaseState.REGISTERED
    assert new.version == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        new.state = CaseState.VOID  # type: ignore[misc]
    with pytest.raises(TypeError):
        event.details["x"] = 1  # type: ignore[index]


def test_public_report_is_verified_before_registration() -> None:
    w = Walker(new_flow(source=CaseSource.PUBLIC))
    assert Action.REGISTER not in allowed_actions(w.flow, OPERATOR)
    with pytest.raises(WorkflowError, match="verified on site"):
        w.do(Action.REGISTER, OPERATOR)
    w.do(Action.SEND_VERIFY, OPERATOR)
    assert w.flow.state is CaseState.VERIFYING
    w.do(Action.VERIFY, SUPERVISOR, note="属实")
    assert w.flow.state is CaseState.REGISTERED


def test_return_with_approval_and_redispatch() -> None:
    w = dispatched()
    w.do(Action.RETURN_CASE, DEPT_A_STAFF, reason="非我单位职责")
    assert w.flow.state is CaseState.DISPATCHED
    assert w.flow.pending is Action.RETURN_CASE
    # While waiting, the department cannot stack another request.
    with pytest.raises(WorkflowError, match="already awaiting approval"):
        w.do(Action.REQUEST_EXTENSION, DEPT_A_STAFF, reason="x", extension_hours=4)
    assert Action.APPROVE_RETURN in allowed_actions(w.flow, DISPATCHER)
    ev = w.do(Action.APPROVE_RETURN, DISPATCHER)
    assert ev.to_state is CaseState.FILED
    assert ev.details["from_dept"] == DEPT_A
    assert w.flow.dept_code is None
    assert w.flow.pending is None
    assert w.flow.misdispatch_count == 1
    w.do(Action.DISPATCH, DISPATCHER, dept_code=DEPT_B)
    assert w.flow.state is CaseState.DISPATCHED
    assert w.flow.dept_code == DEPT_B
    # The old department has no business with it any more.
    with pytest.raises(PermissionDeniedError, match=DEPT_B):
        w.do(Action.HANDLE, DEPT_A_STAFF)


def test_return_rejected_keeps_the_department() -> None:
    w = dispatched()
    w.do(Action.RETURN_CASE, DEPT_A_STAFF, reason="不归我管")
    w.do(Action.REJECT_RETURN, DISPATCHER, note="属本单位养护范围")
    assert w.flow.state is CaseState.DISPATCHED
    assert w.flow.pending is None
    assert w.flow.dept_code == DEPT_A
    assert w.flow.misdispatch_count == 0


def test_extension_request_and_approval_moves_the_deadline() -> None:
    cal = WorkingCalendar()
    limit = TimeLimit(4, "working_hours")
    w = dispatched()
    start = w.flow.step_started_at
    assert start == at(3)  # the handling clock starts at dispatch (Monday 09:03)
    before = step_deadline(w.flow, limit, cal, at(10))
    assert before == datetime(2026, 3, 2, 14, 33)  # 09:03 + 2h57 morning + 1h03 afternoon
    w.do(Action.REQUEST_EXTENSION, DEPT_A_STAFF, reason="需调大型机械", extension_hours=8)
    assert w.flow.pending is Action.REQUEST_EXTENSION
    assert step_deadline(w.flow, limit, cal, at(10)) == before  # not until approved
    ev = w.do(Action.APPROVE_EXTENSION, DISPATCHER, extension_hours=6)
    assert ev.details["requested_hours"] == 8
    assert ev.details["extension_hours"] == 6
    assert w.flow.extension_hours == 6
    assert w.flow.pending is None
    after = step_deadline(w.flow, limit, cal, at(10))
    assert cal.working_time_between(before, after) == timedelta(hours=6)
    assert after == datetime(2026, 3, 3, 11, 33)  # 2h57 on Monday + 3h03 on Tuesday


def test_extension_rejected() -> None:
    w = dispatched()
    w.do(Action.REQUEST_EXTENSION, DEPT_A_STAFF, reason="人手不足", extension_hours=4)
    w.do(Action.REJECT_EXTENSION, DISPATCHER)
    assert w.flow.extension_hours == 0
    assert w.flow.pending is None


def test_extension_needs_hours() -> None:
    w = dispatched()
    with pytest.raises(WorkflowError, match="extension_hours"):
        w.do(Action.REQUEST_EXTENSION, DEPT_A_STAFF, reason="需要时间")


def test_park_and_resume_excludes_the_parked_time() -> None:
    cal = WorkingCalendar()
    limit = TimeLimit(1, "working_days")
    w = dispatched()  # dispatched Monday 09:03
    base = step_deadline(w.flow, limit, cal, at(3))
    assert base == datetime(2026, 3, 3, 9, 3)
    w.do(Action.REQUEST_PARK, DEPT_A_STAFF, reason="需列入年度改造计划")
    parked_at = datetime(2026, 3, 2, 10, 0)
    w.flow, ev = apply(w.flow, Action.APPROVE_PARK, DISPATCHER, parked_at)
    assert ev.to_state is CaseState.PARKED
    assert w.flow.parked_since == parked_at
    # While parked the clock stands still: the deadline moves with "now".
    d1 = step_deadline(w.flow, limit, cal, datetime(2026, 3, 2, 11, 0))
    assert d1 == base + timedelta(hours=1)
    resumed_at = datetime(2026, 3, 4, 10, 0)  # two full working days later
    w.flow, ev = apply(w.flow, Action.RESUME, DISPATCHER, resumed_at)
    assert w.flow.state is CaseState.DISPATCHED
    assert w.flow.parked_since is None
    assert w.flow.parked_total == resumed_at - parked_at
    assert ev.details["parked_seconds"] == (resumed_at - parked_at).total_seconds()
    after = step_deadline(w.flow, limit, cal, datetime(2026, 3, 4, 11, 0))
    # 2 working days parked (15 working hours) moved the deadline from Tue to Thu 09:03.
    assert after == datetime(2026, 3, 5, 9, 3)
    assert w.flow.step_started_at == at(3)  # resuming does not restart the handling clock


def test_rework_after_failed_check() -> None:
    w = dispatched()
    w.do(Action.HANDLE, DEPT_A_STAFF)
    w.do(Action.SEND_CHECK, OPERATOR)
    ev = w.do(Action.CHECK_FAIL, SUPERVISOR, note="垃圾仍未清运")
    assert ev.to_state is CaseState.DISPATCHED
    assert ev.details["rework"] == 1
    assert w.flow.dept_code == DEPT_A
    assert w.flow.rework_count == 1
    assert w.flow.step_started_at == ev.at  # a fresh handling clock
    w.do(Action.HANDLE, DEPT_A_STAFF)
    w.do(Action.SEND_CHECK, OPERATOR)
    w.do(Action.CHECK_PASS, GRID)
    w.do(Action.CLOSE, LEADER)
    assert w.flow.state is CaseState.CLOSED
    assert w.flow.rework_count == 1


def test_void_by_shift_leader_with_reason() -> None:
    w = Walker(new_flow())
    with pytest.raises(WorkflowError, match="reason"):
        w.do(Action.VOID, LEADER)
    with pytest.raises(PermissionDeniedError, match="shift leader"):
        w.do(Action.VOID, OPERATOR, reason="重复上报")
    ev = w.do(Action.VOID, LEADER, reason="重复上报")
    assert w.flow.state is CaseState.VOID
    assert ev.details["reason"] == "重复上报"
    assert allowed_actions(w.flow, LEADER) == []


def test_urge_records_who_and_why_without_state_change() -> None:
    w = dispatched()
    before = w.flow
    ev = w.do(Action.URGE, LEADER, reason="群众反复投诉，请今日处置")
    assert ev.from_state is ev.to_state is CaseState.DISPATCHED
    assert ev.details == {"reason": "群众反复投诉，请今日处置", "urged_by": "chen.jie",
                          "urged_dept": DEPT_A, "urge_count": 1}
    assert w.flow.state is before.state
    assert w.flow.version == before.version + 1
    assert w.flow.step_started_at == before.step_started_at  # urging does not reset the clock
    with pytest.raises(WorkflowError, match="reason"):
        w.do(Action.URGE, DISPATCHER)


def test_escalation_levels() -> None:
    w = Walker(new_flow())
    assert w.flow.level is CaseLevel.COMMUNITY
    with pytest.raises(WorkflowError, match="reason"):
        w.do(Action.ESCALATE, GRID)
    ev = w.do(Action.ESCALATE, GRID, reason="社区无执法权")
    assert (ev.details["from_level"], ev.details["to_level"]) == ("community", "street")
    assert ev.to_state is CaseState.REPORTED
    assert w.flow.level is CaseLevel.STREET
    w.do(Action.ESCALATE, LEADER, reason="涉及多个街道")
    assert w.flow.level is CaseLevel.DISTRICT
    assert Action.ESCALATE not in allowed_actions(w.flow, LEADER)
    with pytest.raises(WorkflowError, match="top level"):
        w.do(Action.ESCALATE, LEADER, reason="再升级")


def test_self_handle_trivial_type() -> None:
    w = Walker(new_flow(trivial=True))
    assert Action.SELF_HANDLE in allowed_actions(w.flow, SUPERVISOR)
    ev = w.do(Action.SELF_HANDLE, SUPERVISOR, note="已现场清理")
    assert ev.from_state is CaseState.REPORTED
    assert ev.to_state is CaseState.CLOSED
    assert ev.details["shortcut"] is True


def test_self_handle_refused_for_non_trivial_type_and_wrong_role() -> None:
    w = Walker(new_flow(type_code="06001", trivial=False))
    with pytest.raises(WorkflowError, match="not flagged as trivial"):
        w.do(Action.SELF_HANDLE, SUPERVISOR)
    w2 = Walker(new_flow(trivial=True))
    with pytest.raises(PermissionDeniedError, match="自处理"):
        w2.do(Action.SELF_HANDLE, OPERATOR)


def test_redispatch_counts_misdispatch() -> None:
    w = dispatched()
    with pytest.raises(WorkflowError, match="department to dispatch to"):
        w.do(Action.REDISPATCH, DISPATCHER)
    with pytest.raises(WorkflowError, match="another department"):
        w.do(Action.REDISPATCH, DISPATCHER, dept_code=DEPT_A)
    ev = w.do(Action.REDISPATCH, DISPATCHER, dept_code=DEPT_B)
    assert ev.details == {"from_dept": DEPT_A, "dept_code": DEPT_B}
    assert w.flow.dept_code == DEPT_B
    assert w.flow.misdispatch_count == 1
    assert w.flow.step_started_at == ev.at


def test_dispatch_needs_a_department() -> None:
    w = Walker(new_flow(state=CaseState.FILED))
    with pytest.raises(WorkflowError, match="needs the department"):
        w.do(Action.DISPATCH, DISPATCHER)


def _to_checked(source: CaseSource) -> Walker:
    w = dispatched(source=source)
    w.do(Action.HANDLE, DEPT_A_STAFF)
    w.do(Action.SEND_CHECK, OPERATOR)
    w.do(Action.CHECK_PASS, SUPERVISOR)
    return w


def test_hotline_callback_dissatisfied_reopens() -> None:
    w = _to_checked(CaseSource.HOTLINE)
    with pytest.raises(WorkflowError, match="satisfied callback"):
        w.do(Action.CLOSE, LEADER)
    with pytest.raises(WorkflowError, match="satisfied=True or False"):
        w.do(Action.CALLBACK, OPERATOR)
    ev = w.do(Action.CALLBACK, OPERATOR, satisfied=False, note="来电人称问题仍在")
    assert ev.to_state is CaseState.DISPATCHED
    assert ev.details["reopened"] is True
    assert w.flow.dept_code == DEPT_A
    assert w.flow.satisfied is False
    w.do(Action.HANDLE, DEPT_A_STAFF)
    w.do(Action.SEND_CHECK, OPERATOR)
    w.do(Action.CHECK_PASS, SUPERVISOR)
    ev = w.do(Action.CALLBACK, OPERATOR, satisfied=True)
    assert ev.to_state is CaseState.CHECKED
    w.do(Action.CLOSE, LEADER)
    assert w.flow.state is CaseState.CLOSED
    assert w.flow.satisfied is True


def test_non_hotline_case_closes_without_callback() -> None:
    w = _to_checked(CaseSource.FIELD_SUPERVISOR)
    w.do(Action.CLOSE, LEADER)
    assert w.flow.state is CaseState.CLOSED


# -- refusals ---------------------------------------------------------------------------------
def test_video_supervisor_may_not_dispatch() -> None:
    flow = new_flow(state=CaseState.FILED)
    with pytest.raises(PermissionDeniedError) as exc:
        apply(flow, Action.DISPATCH, VIDEO, at(1), dept_code=DEPT_A)
    msg = str(exc.value)
    assert "视频监督员" in msg
    assert "派遣" in msg
    assert "dispatcher's task" in msg
    assert "standards §4.1" in msg


def test_department_may_not_close() -> None:
    w = _to_checked(CaseSource.FIELD_SUPERVISOR)
    with pytest.raises(PermissionDeniedError, match=r"专业部门.*结案.*shift leader"):
        w.do(Action.CLOSE, DEPT_A_STAFF)


def test_department_may_not_act_on_another_departments_case() -> None:
    w = dispatched()
    with pytest.raises(PermissionDeniedError) as exc:
        w.do(Action.HANDLE, DEPT_B_STAFF)
    msg = str(exc.value)
    assert DEPT_B in msg
    assert DEPT_A in msg
    assert "their own department" in msg
    assert Action.HANDLE not in allowed_actions(w.flow, DEPT_B_STAFF)
    assert allowed_actions(w.flow, DEPT_B_STAFF) == []


@pytest.mark.parametrize("action", list(Action))
def test_manager_is_read_only(action: Action) -> None:
    with pytest.raises(PermissionDeniedError, match="read-only"):
        apply(new_flow(), action, MANAGER, at(1), reason="x", dept_code=DEPT_A)


def test_manager_has_no_buttons() -> None:
    assert allowed_actions(new_flow(), MANAGER) == []


def test_illegal_action_lists_what_is_allowed() -> None:
    with pytest.raises(WorkflowError) as exc:
        apply(new_flow(), Action.CLOSE, LEADER, at(1))
    msg = str(exc.value)
    assert "结案 (close)" in msg
    assert "待受理 (reported)" in msg
    for allowed in ("受理 (register)", "发核实 (send_verify)", "作废 (void)", "督办 (urge)"):
        assert allowed in msg


def test_answer_without_request_is_refused() -> None:
    w = dispatched()
    with pytest.raises(WorkflowError, match="no 延期申请"):
        w.do(Action.APPROVE_EXTENSION, DISPATCHER, extension_hours=2)


def test_events_cannot_go_back_in_time() -> None:
    flow = new_flow()
    with pytest.raises(WorkflowError, match="earlier than"):
        apply(flow, Action.REGISTER, OPERATOR, T0 - timedelta(minutes=5))


def test_allowed_actions_by_role() -> None:
    w = dispatched()
    assert allowed_actions(w.flow, DEPT_A_STAFF) == [
        Action.RETURN_CASE, Action.REQUEST_EXTENSION, Action.REQUEST_PARK, Action.HANDLE,
        Action.ESCALATE, Action.ATTACH]
    assert allowed_actions(w.flow, DISPATCHER) == [
        Action.REDISPATCH, Action.URGE, Action.ESCALATE, Action.ATTACH]
    assert allowed_actions(new_flow(state=CaseState.FILED), DISPATCHER) == [
        Action.DISPATCH, Action.URGE, Action.ESCALATE, Action.ATTACH]


def test_attach_keeps_the_state_and_is_refused_to_managers_and_other_departments() -> None:
    w = dispatched()
    ev = w.do(Action.ATTACH, DEPT_A_STAFF, note="现场照片")
    assert ev.from_state is ev.to_state is CaseState.DISPATCHED
    with pytest.raises(PermissionDeniedError, match="own department"):
        apply(w.flow, Action.ATTACH, DEPT_B_STAFF, T0 + timedelta(hours=1))
    with pytest.raises(PermissionDeniedError, match="read-only"):
        apply(w.flow, Action.ATTACH, MANAGER, T0 + timedelta(hours=1))


def test_merge_voids_a_new_report_into_the_case_it_repeats() -> None:
    flow = new_flow()
    with pytest.raises(WorkflowError, match="needs the number"):
        apply(flow, Action.MERGE, OPERATOR, T0)
    merged, ev = apply(flow, Action.MERGE, OPERATOR, T0, duplicate_of="2026112300001")
    assert merged.state is CaseState.VOID
    assert ev.details["duplicate_of"] == "2026112300001"
    with pytest.raises(WorkflowError, match="not possible"):
        apply(new_flow(state=CaseState.FILED), Action.MERGE, OPERATOR, T0,
              duplicate_of="2026112300001")


def test_handle_withdraws_a_pending_request() -> None:
    w = dispatched()
    w.do(Action.REQUEST_EXTENSION, DEPT_A_STAFF, reason="材料未到", extension_hours=4)
    ev = w.do(Action.HANDLE, DEPT_A_STAFF)
    assert ev.details["withdrawn_request"] == "request_extension"
    assert w.flow.pending is None
    assert w.flow.state is CaseState.HANDLED


def test_tables_are_complete() -> None:
    assert set(ACTION_LABELS_ZH) == set(Action)
    for (state, action), (target, roles) in TRANSITIONS.items():
        assert roles, (state, action)
        assert Role.MANAGER not in roles
        assert Role.ADMIN not in roles
        assert target is None or isinstance(target, CaseState)


def test_shipped_calendar_drives_the_deadline() -> None:
    # Dispatched on 2026-09-30 16:00: the 4 working-hour limit of 06010 skips 国庆.
    flow = new_flow(state=CaseState.DISPATCHED, dept_code=DEPT_A,
                    step_started_at=datetime(2026, 9, 30, 16, 0))
    due = step_deadline(flow, TimeLimit(4, "working_hours"), load_calendar(),
                        datetime(2026, 9, 30, 16, 5))
    assert due == datetime(2026, 10, 8, 11, 0)
