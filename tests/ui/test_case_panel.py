"""An operator's shift: one case walked through the whole loop by clicking the panel."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import shapely
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.domain.case import CaseKind, CaseSource, CaseState
from app.domain.workflow import Action, Actor
from app.gis import crs
from app.store.store import Store
from app.ui.app import ensure_app, install_language
from app.ui.main_window import MainWindow

pytestmark = pytest.mark.ui


@pytest.fixture
def window(qtbot, street_db_url: str, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    src = Path(street_db_url.removeprefix("sqlite:///"))
    db = tmp_path / "shift.sqlite"
    shutil.copy(src, db)
    ensure_app(offscreen=True)
    install_language("zh_CN")
    win = MainWindow(Store.open(f"sqlite:///{db}"))
    qtbot.addWidget(win)
    win.resize(1500, 950)
    win.show()
    win.load_sync()
    return win


def _seat(win: MainWindow, login: str) -> None:
    win.user_box.setCurrentIndex(win.user_box.findData(login))
    assert win.case_panel.actor.login == login


def _login_of(win: MainWindow, role: str, dept: str | None = None) -> str:
    for s in win.staff.values():
        if s.role.value == role and (dept is None or s.department_code == dept):
            return s.login
    raise AssertionError(f"no {role} in the demo roster")


def _open_queue(win: MainWindow, key: str) -> None:
    assert win.case_panel.open_queue(key), f"the seat has no {key} queue"


def _accept_dialogs(win: MainWindow, seen: list[str]) -> None:
    """Answer every dialog the panel opens with its defaults (e.g. the suggested department),
    clicking OK as a user would; a duplicate offer is answered "register anyway"."""
    from app.ui.case_dialogs import DuplicatesDialog

    def driver(dialog) -> bool:  # type: ignore[no-untyped-def]
        seen.append(type(dialog).__name__)
        dialog.show()
        if isinstance(dialog, DuplicatesDialog):
            QTest.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
        else:
            QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result() == dialog.DialogCode.Accepted

    win.case_panel.run_dialog = driver  # type: ignore[method-assign]


def _click(qtbot, win: MainWindow, number: str, action: str) -> None:  # type: ignore[no-untyped-def]
    assert win.case_panel.select_number(number), f"{number} not in the queue"
    buttons = win.case_panel.action_buttons
    names = sorted(a.value for a in buttons)
    button = next((b for a, b in buttons.items() if a.value == action), None)
    assert button is not None, f"no {action} button; have {names}"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_full_loop_by_clicking(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    store = window.store
    grid = store.admin.grids()[3]
    poly = crs.project_geometries(np.array([grid.geometry]), crs.GEOGRAPHIC, crs.PROJECTED)[0]
    p = shapely.point_on_surface(poly)
    lon, lat = crs.to_geographic(p.x, p.y)
    supervisor = _login_of(window, "field_supervisor")
    case = window.case_service.report(
        Actor(supervisor, window.staff[supervisor].role), kind=CaseKind.MATTER,
        type_code="06010", lon=lon, lat=lat, description="路边暴露垃圾一堆",
        source=CaseSource.FIELD_SUPERVISOR)
    assert case.grid_id == grid.grid_id
    qtbot.mouseClick(window.case_panel.refresh_button, Qt.MouseButton.LeftButton)

    # Dialogs are accepted as they open: dispatch takes the suggested department.
    seen: list[str] = []
    _accept_dialogs(window, seen)
    suggested = window.case_service.suggest_department(case)[0]
    steps = [("operator", "to_register", "register", CaseState.REGISTERED),
             ("shift_leader", "to_file", "file", CaseState.FILED),
             ("dispatcher", "to_dispatch", "dispatch", CaseState.DISPATCHED)]
    for role, queue, action, state in steps:
        _seat(window, _login_of(window, role))
        _open_queue(window, queue)
        _click(qtbot, window, case.number, action)
        assert store.cases.get(case.number).state is state
    dept = store.cases.get(case.number).dept_code
    assert dept == suggested
    assert "DispatchDialog" in seen
    for role, queue, action, state in [
            ("department", "in_handling", "handle", CaseState.HANDLED),
            ("operator", "awaiting_check", "send_check", CaseState.CHECKING),
            ("field_supervisor", "awaiting_check", "check_pass", CaseState.CHECKED),
            ("shift_leader", "to_close", "close", CaseState.CLOSED)]:
        _seat(window, _login_of(window, role, dept if role == "department" else None))
        _open_queue(window, queue)
        _click(qtbot, window, case.number, action)
        assert store.cases.get(case.number).state is state
    events = window.case_service.timeline(window.case_panel.actor, case.number)
    assert [e.action.value for e in events][-7:] == [
        "register", "file", "dispatch", "handle", "send_check", "check_pass", "close"]
    assert "HandleDialog" in seen
    # Closed cases leave the open-cases map layer.
    assert case.id not in set(int(i) for i in window.layers["cases"].ids)


def test_a_refused_action_shows_the_rule(window: MainWindow, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a: shown.append(a[2])))
    _seat(window, _login_of(window, "manager"))
    _open_queue(window, "to_register")
    assert window.case_panel.action_buttons == {}  # read-only seat: no buttons at all


def test_filters_narrow_the_queue_and_counts(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = window.case_panel
    _seat(window, _login_of(window, "dispatcher"))
    _open_queue(window, "in_handling")
    all_rows = list(panel.model.cases)
    assert all_rows, "the demo street has cases in handling"
    grid = all_rows[0].grid_id.value
    panel.place_filter.setText(grid)
    panel._on_place_filter()
    assert panel.model.cases and all(c.grid_id.value == grid for c in panel.model.cases)
    assert len(panel.model.cases) <= len(all_rows)
    assert panel.tabs.tabText(4).endswith(f" {len(panel.model.cases)}")
    panel.place_filter.setText("")
    panel._on_place_filter()
    assert len(panel.model.cases) == len(all_rows)
    urgent = panel.urgency_filter.findData("urgent")
    panel.urgency_filter.setCurrentIndex(urgent)
    assert all(c.urgency.value == "urgent" for c in panel.model.cases)


def test_server_gone_keeps_the_decision_and_the_resend_applies_it_once(  # type: ignore[no-untyped-def]
        window: MainWindow, qtbot) -> None:
    from app.domain.errors import ConnectionLostError

    win = window
    _seat(win, _login_of(win, "operator"))
    _open_queue(win, "to_register")
    panel = win.case_panel
    panel.table.selectRow(0)
    case = panel.shown_case()
    assert case is not None and "action_register" in [b.objectName()
                                                       for b in panel.action_buttons.values()]
    service = win.case_service
    real = service.act
    sent: list[str | None] = []

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        sent.append(kwargs.get("op_id"))
        if len(sent) == 1:
            raise ConnectionLostError("数据库服务器无法连接")
        return real(*args, **kwargs)

    service.act = flaky  # type: ignore[method-assign]
    asked: list[str] = []
    panel.ask_retry = lambda title, msg: asked.append(msg) or False  # "later"
    seen: list[str] = []
    _accept_dialogs(win, seen)
    panel.action_buttons[Action.REGISTER].click()
    assert len(asked) == 1 and case.number in asked[0]
    assert "#c62828" in win.conn_label.text()  # the seat shows the outage
    assert service.get(panel.actor, case.number).state.value == "reported"

    seen.clear()
    panel.select_number(case.number)
    panel.action_buttons[Action.REGISTER].click()  # later: the same action again
    assert seen == []  # no dialog: the kept decision is sent as it was
    assert service.get(panel.actor, case.number).state.value == "registered"
    assert len(sent) == 2 and sent[0] is not None and sent[0] == sent[1]
    actions = [e.action for e in service.timeline(panel.actor, case.number)]
    assert actions.count(Action.REGISTER) == 1
