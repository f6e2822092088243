"""The case panel's dialogs, photos, traffic lights and department view, driven by clicking
and typing into real widgets on a copy of the seeded street database.

The panel opens dialogs through ``CasePanel.run_dialog``; the tests replace that hook with a
driver that shows the dialog, works it like a user (clicks, typing, Enter / Esc) and returns
whether it was accepted, so no nested event loop is needed. The service runs on a fixed,
settable clock so deadlines and traffic lights are exact.
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest
import shapely
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox

from app.domain.calendar import LimitUnit
from app.domain.case import Case, CaseKind, CaseSource, CaseState
from app.domain.org import Role
from app.domain.workflow import Action, Actor
from app.gis import crs
from app.services.cases import CaseService
from app.store.store import Store
from app.ui.app import ensure_app, install_language
from app.ui.case_dialogs import (
    CallbackDialog,
    DispatchDialog,
    DuplicatesDialog,
    ExtensionDialog,
    HandleDialog,
    ReasonDialog,
)
from app.ui.case_panel import (
    _LIGHT_TIPS,
    LIGHT_COLOURS,
    LIGHT_ROLE,
    LIGHT_TINTS,
    REMAINING_COL,
    CasePanel,
)
from app.ui.texts import tr

if TYPE_CHECKING:
    from collections.abc import Callable

pytestmark = pytest.mark.ui

# Monday 23 Nov 2026, 10:30: working time, half an hour after the street seed's history ends.
T0 = datetime(2026, 11, 23, 10, 30)


class Clock:
    def __init__(self, t: datetime) -> None:
        self.t = t

    def __call__(self) -> datetime:
        return self.t


class Env:
    """A store copy, a service on a settable clock, the roster and a shown panel."""

    def __init__(self, store: Store, clock: Clock, panel: CasePanel) -> None:
        self.store = store
        self.clock = clock
        self.svc: CaseService = panel.service
        self.panel = panel
        self.staff = store.org.staff()
        self.seen: list[QDialog] = []

    def actor(self, role: str, dept: str | None = None) -> Actor:
        for s in self.staff:
            if s.role.value == role and (dept is None or s.department_code == dept):
                return Actor(s.login, s.role, s.department_code)
        raise AssertionError(f"no {role} {dept or ''} in the demo roster")

    def seat(self, role: str, dept: str | None = None) -> Actor:
        actor = self.actor(role, dept)
        self.panel.set_actor(actor)
        return actor

    def spot(self, grid_index: int = 3, dx: float = 0.0) -> tuple[float, float]:
        """(lon, lat) inside a unit grid, shifted ``dx`` metres east."""
        grid = self.store.admin.grids()[grid_index]
        poly = crs.project_geometries(np.array([grid.geometry]), crs.GEOGRAPHIC,
                                      crs.PROJECTED)[0]
        p = shapely.point_on_surface(poly)
        lon, lat = crs.to_geographic(p.x + dx, p.y)
        return float(lon), float(lat)

    def report(self, type_code: str = "06010", *, source: CaseSource = CaseSource.FIELD_SUPERVISOR,
               dx: float = 0.0, grid_index: int = 3, **kw: Any) -> Case:
        lon, lat = self.spot(grid_index, dx)
        role = "operator" if source is CaseSource.HOTLINE else "field_supervisor"
        return self.svc.report(self.actor(role), kind=CaseKind.MATTER, type_code=type_code,
                               lon=lon, lat=lat, description="路边暴露垃圾一堆", source=source,
                               **kw)

    def to_dispatched(self, case: Case, dept: str | None = None) -> str:
        self.svc.act(self.actor("operator"), case.number, "register")
        self.svc.act(self.actor("shift_leader"), case.number, "file")
        dept = dept or self.svc.suggest_department(case)[0]
        self.svc.act(self.actor("dispatcher"), case.number, "dispatch", dept_code=dept)
        return dept

    def get(self, number: str) -> Case:
        case = self.store.cases.get(number)
        assert case is not None
        return case

    def drive(self, work: Callable[[Any], None]) -> None:
        """Answer the next dialogs with ``work(dialog)``, which must accept or cancel it."""

        def driver(dialog: QDialog) -> bool:
            self.seen.append(dialog)
            dialog.show()
            work(dialog)
            return dialog.result() == QDialog.DialogCode.Accepted

        self.panel.run_dialog = driver  # type: ignore[method-assign]

    def click(self, qtbot, number: str, action: str) -> None:  # type: ignore[no-untyped-def]
        self.panel.select_number(number)
        assert self.panel.shown_case() is not None and self.panel.shown_case().number == number
        buttons = {a.value: b for a, b in self.panel.action_buttons.items()}
        assert action in buttons, f"no {action} button; have {sorted(buttons)}"
        qtbot.mouseClick(buttons[action], Qt.MouseButton.LeftButton)


@pytest.fixture
def env(qtbot, street_db_url: str, tmp_path: Path) -> Env:  # type: ignore[no-untyped-def]
    db = tmp_path / "dialogs.sqlite"
    shutil.copy(Path(street_db_url.removeprefix("sqlite:///")), db)
    ensure_app(offscreen=True)
    install_language("zh_CN")
    store = Store.open(f"sqlite:///{db}")
    clock = Clock(T0)
    svc = CaseService(store, clock=clock)
    staff = {s.role: s for s in store.org.staff()}
    op = staff[Role.OPERATOR]
    panel = CasePanel(svc, Actor(op.login, op.role))
    qtbot.addWidget(panel)
    panel.resize(1000, 420)
    panel.show()
    yield Env(store, clock, panel)
    store.close()


def _press(qtbot, widget, key: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(widget, key)


def _type(qtbot, widget, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``text``: key clicks for ASCII, an input-method commit for Chinese (as a pinyin
    IME delivers it; QTest cannot click keys for non-Latin text)."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def _click_item(qtbot, view, item) -> None:  # type: ignore[no-untyped-def]
    view.scrollToItem(item)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.visualItemRect(item).center())


def _png(path: Path, colour: str, w: int = 200, h: int = 120) -> Path:
    img = QImage(w, h, QImage.Format.Format_RGB32)
    img.fill(QColor(colour))
    assert img.save(str(path), "PNG")
    return path


# -- dispatch ----------------------------------------------------------------------------------
def test_dispatch_dialog_shows_suggestion_deadline_and_sends_elsewhere(env: Env, qtbot) -> None:  # type: ignore[no-untyped-def]
    case = env.report()
    env.svc.act(env.actor("operator"), case.number, "register")
    env.svc.act(env.actor("shift_leader"), case.number, "file")
    dispatcher = env.seat("dispatcher")
    assert env.panel.open_queue("to_dispatch")
    suggested, why = env.svc.suggest_department(env.get(case.number))
    deadline = env.svc.preview_deadline(dispatcher, case.number, Action.DISPATCH)
    assert deadline is not None
    names = env.svc.department_names()
    # A department whose name the suggestion's name does not contain, to search for.
    other = next(c for c, n in sorted(names.items())
                 if c != suggested and n[:4] not in names[suggested])

    # F4 opens the dialog; Esc cancels it and nothing happens to the case.
    env.drive(lambda d: _press(qtbot, d.search, Qt.Key.Key_Escape))
    assert env.panel.select_number(case.number)
    env.panel.activateWindow()
    qtbot.waitUntil(env.panel.isActiveWindow)
    _press(qtbot, env.panel.table, Qt.Key.Key_F4)
    assert [type(d) for d in env.seen] == [DispatchDialog]
    assert env.get(case.number).state is CaseState.FILED

    shown: dict[str, Any] = {}

    def work(d: DispatchDialog) -> None:
        assert isinstance(d, DispatchDialog)
        shown["suggested"] = d.suggested_code()
        shown["preselected"] = d.selected_code()
        shown["first"] = d.dept_list.item(0).text()
        shown["word"] = d.tr("suggested")
        shown["reason"] = d.reason_label.text()
        shown["deadline"] = d.deadline_label.text()
        _type(qtbot, d.search, names[other][:4])
        shown["visible"] = d.visible_codes()
        _click_item(qtbot, d.dept_list, d.item_for(other))
        shown["chosen"] = d.selected_code()
        _type(qtbot, d.note_edit, "请今日处理")
        _press(qtbot, d.note_edit, Qt.Key.Key_Return)  # Enter accepts

    env.drive(work)
    env.click(qtbot, case.number, "dispatch")
    assert shown["suggested"] == suggested == shown["preselected"]
    assert shown["first"].startswith("★") and shown["word"] in shown["first"]
    assert names[suggested] in shown["first"]
    assert why in shown["reason"]
    assert f"{deadline:%Y-%m-%d %H:%M}" in shown["deadline"]
    assert "h" in shown["deadline"]  # the working time left, e.g. "4h 0m"
    assert other in shown["visible"] and all(
        names[other][:4] in names[c] or names[other][:4] in c for c in shown["visible"])
    assert shown["chosen"] == other
    after = env.get(case.number)
    assert after.state is CaseState.DISPATCHED and after.dept_code == other
    assert after.deadline == deadline
    last = env.svc.timeline(dispatcher, case.number)[-1]
    assert last.action is Action.DISPATCH and last.note == "请今日处理"
    # The case left the dispatch queue but stays in the detail, now in handling.
    assert env.panel.shown_case() is not None and env.panel.shown_case().number == case.number
    assert env.panel.shown_case().state is CaseState.DISPATCHED


# -- extension ---------------------------------------------------------------------------------
def test_extension_request_then_approval(env: Env, qtbot) -> None:  # type: ignore[no-untyped-def]
    case = env.report()
    dept = env.to_dispatched(case)
    before = env.get(case.number).deadline
    assert before is not None
    env.seat("department", dept)
    assert env.panel.open_queue("in_handling")
    state: dict[str, Any] = {}

    def ask(d: ExtensionDialog) -> None:
        assert isinstance(d, ExtensionDialog)
        state["ok_without_reason"] = d.ok_button.isEnabled()
        d.hours_spin.selectAll()
        _type(qtbot, d.hours_spin, "12")
        _type(qtbot, d.text_edit, "需要调用吊车")
        _press(qtbot, d.text_edit, Qt.Key.Key_Return)

    env.drive(ask)
    env.click(qtbot, case.number, "request_extension")
    assert state["ok_without_reason"] is False  # a reason is required
    flow = env.svc.flow(env.actor("dispatcher"), case.number)
    assert flow.pending is Action.REQUEST_EXTENSION and flow.pending_extension_hours == 12

    env.seat("dispatcher")
    assert env.panel.open_queue("in_handling")

    def approve(d: ExtensionDialog) -> None:
        state["preset"] = d.hours()
        _press(qtbot, d.hours_spin, Qt.Key.Key_Return)

    env.drive(approve)
    env.click(qtbot, case.number, "approve_extension")
    assert state["preset"] == 12
    after = env.get(case.number).deadline
    assert after is not None and after > before
    unit = env.svc.limits.limit_for(case.type_code, "handle").unit
    gained = (env.svc.calendar.working_time_between(before, after)
              if LimitUnit(unit).is_working else after - before)
    assert gained == timedelta(hours=12)
    last = env.svc.timeline(env.actor("dispatcher"), case.number)[-1]
    assert last.action is Action.APPROVE_EXTENSION and last.details["extension_hours"] == 12


# -- callback ----------------------------------------------------------------------------------
def test_dissatisfied_callback_reopens_the_case(env: Env, qtbot) -> None:  # type: ignore[no-untyped-def]
    case = env.report(source=CaseSource.HOTLINE, caller="王先生", caller_phone="13800138000")
    dept = env.to_dispatched(case)
    env.svc.act(env.actor("department", dept), case.number, "handle", note="已清运")
    env.svc.act(env.actor("operator"), case.number, "send_check")
    env.svc.act(env.actor("field_supervisor"), case.number, "check_pass")
    assert env.get(case.number).state is CaseState.CHECKED
    env.seat("operator")
    assert env.panel.open_queue("to_close")
    seen: dict[str, Any] = {}

    def work(d: CallbackDialog) -> None:
        assert isinstance(d, CallbackDialog)
        seen["ok_before"] = d.ok_button.isEnabled()
        _press(qtbot, d.note_edit, Qt.Key.Key_Return)  # Enter without an answer: nothing
        seen["accepted_early"] = d.result() == QDialog.DialogCode.Accepted
        seen["warning"] = d.warning_label.text()
        qtbot.mouseClick(d.no_radio, Qt.MouseButton.LeftButton)
        _type(qtbot, d.note_edit, "垃圾又堆回来了")
        _press(qtbot, d.note_edit, Qt.Key.Key_Return)

    env.drive(work)
    env.click(qtbot, case.number, "callback")
    assert seen["ok_before"] is False and seen["accepted_early"] is False
    assert env.svc.department_names()[dept] in seen["warning"]
    after = env.get(case.number)
    assert after.state is CaseState.DISPATCHED and after.dept_code == dept
    last = env.svc.timeline(env.actor("operator"), case.number)[-1]
    assert last.action is Action.CALLBACK and last.details["satisfied"] is False
    assert last.note == "垃圾又堆回来了"
    assert env.panel.open_queue("in_handling")
    assert case.number in [c.number for c in env.panel.model.cases]


# -- duplicates at registration ----------------------------------------------------------------
def test_register_offers_duplicates_and_merges(env: Env, qtbot) -> None:  # type: ignore[no-untyped-def]
    first = env.report(grid_index=5)
    env.clock.t = T0 + timedelta(minutes=5)
    again = env.report(grid_index=5, dx=6.0)
    env.clock.t = T0 + timedelta(minutes=8)
    third = env.report(grid_index=5, dx=-4.0)
    env.clock.t = T0 + timedelta(minutes=10)
    env.seat("operator")
    assert env.panel.open_queue("to_register")
    seen: dict[str, Any] = {}

    def merge(d: DuplicatesDialog) -> None:
        assert isinstance(d, DuplicatesDialog)
        rows = {d.table.item(r, 0).text(): d.table.item(r, 2).text()
                for r in range(d.table.rowCount())}
        seen["rows"] = rows
        row = [d.table.item(r, 0).text() for r in range(d.table.rowCount())].index(first.number)
        rect = d.table.visualItemRect(d.table.item(row, 0))
        qtbot.mouseClick(d.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseClick(d.merge_button, Qt.MouseButton.LeftButton)

    env.drive(merge)
    env.click(qtbot, again.number, "register")
    assert first.number in seen["rows"] and again.number not in seen["rows"]
    assert seen["rows"][first.number] == "6 m"
    merged = env.get(again.number)
    assert merged.state is CaseState.VOID
    last = env.svc.timeline(env.actor("operator"), again.number)[-1]
    assert last.action is Action.MERGE and last.details["duplicate_of"] == first.number
    assert env.get(first.number).state is CaseState.REPORTED
    assert again.number not in [c.number for c in env.panel.model.cases]

    # "Register anyway" registers the report as a case of its own.
    env.drive(lambda d: qtbot.mouseClick(d.register_button, Qt.MouseButton.LeftButton))
    env.click(qtbot, third.number, "register")
    assert isinstance(env.seen[-1], DuplicatesDialog)
    assert env.get(third.number).state is CaseState.REGISTERED


# -- photos ------------------------------------------------------------------------------------
def test_attached_photo_shows_a_thumbnail_and_opens_full_size(env: Env, qtbot, tmp_path: Path,
                                                              monkeypatch) -> None:  # type: ignore[no-untyped-def]
    case = env.report()
    env.seat("operator")
    assert env.panel.open_queue("to_register")
    assert env.panel.select_number(case.number)
    strip = env.panel.photos
    assert strip.isVisible() and strip.list.count() == 0 and strip.attach_button.isEnabled()

    red = _png(tmp_path / "pile.png", "#d03030")
    assert strip.attach_files([red])
    assert strip.list.count() == 1
    icon = strip.list.item(0).icon().pixmap(64, 64).toImage()
    assert not icon.isNull() and icon.width() == 64 and icon.height() < 64  # aspect kept
    assert QColor(icon.pixel(icon.width() // 2, icon.height() // 2)).name() == "#d03030"
    assert "1" in strip.count_label.text()
    assert [a.name for a in env.svc.attachments(env.actor("operator"), case.number)] == [
        "pile.png"]
    assert "📎1" in env.panel.detail.toPlainText()  # the 补充材料 row of the timeline

    # The button asks for files; a non-image is refused plainly and nothing is attached.
    junk = tmp_path / "notes.txt"
    junk.write_text("not a photo")
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a: warnings.append(a[2])))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(junk)], "")))
    qtbot.mouseClick(env.panel.photos.attach_button, Qt.MouseButton.LeftButton)
    assert warnings and "notes.txt" in warnings[0]
    blue = _png(tmp_path / "close.png", "#2040c0", 900, 700)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(blue)], "")))
    qtbot.mouseClick(env.panel.photos.attach_button, Qt.MouseButton.LeftButton)
    strip = env.panel.photos
    assert strip.list.count() == 2

    # Double-click opens the viewer: fitted to the window, or at full size when unticked.
    item = strip.list.item(1)
    pos = strip.list.visualItemRect(item).center()
    qtbot.mouseClick(strip.list.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(strip.list.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    viewer = strip.viewer
    assert viewer is not None and viewer.isVisible()
    assert "close.png" in viewer.windowTitle()
    fitted = viewer.shown_size()
    assert fitted.width() <= viewer.scroll.viewport().width() and fitted.width() < 900
    qtbot.mouseClick(viewer.fit_box, Qt.MouseButton.LeftButton)
    assert (viewer.shown_size().width(), viewer.shown_size().height()) == (900, 700)
    _press(qtbot, viewer, Qt.Key.Key_Escape)
    assert not viewer.isVisible()


def test_department_handles_with_photos(env: Env, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = env.report()
    dept = env.to_dispatched(case)
    env.seat("department", dept)
    assert env.panel.open_queue("in_handling")
    photo = _png(tmp_path / "after.png", "#30a030")
    seen: dict[str, Any] = {}

    def work(d: HandleDialog) -> None:
        assert isinstance(d, HandleDialog)
        seen["errors"] = d.add_files([photo])
        seen["thumbs"] = d.photo_list.count()
        _type(qtbot, d.text_edit, "已清运完毕")
        _press(qtbot, d.text_edit, Qt.Key.Key_Return)

    env.drive(work)
    env.click(qtbot, case.number, "handle")
    assert seen == {"errors": [], "thumbs": 1}
    assert env.get(case.number).state is CaseState.HANDLED
    atts = env.svc.attachments(env.actor("operator"), case.number)
    assert [a.name for a in atts] == ["after.png"]
    assert [a.added_by for a in atts] == [env.actor("department", dept).login]
    # The case left the department's queue; the detail still shows it with its photo.
    assert env.panel.photos.list.count() == 1
    detail = env.panel.detail.toPlainText()
    assert detail.count("📎") == 1 and "📎1" in detail and "已清运完毕" in detail


# -- traffic light -----------------------------------------------------------------------------
def test_traffic_light_colours_in_the_queue(env: Env, qtbot) -> None:  # type: ignore[no-untyped-def]
    case = env.report()  # reported at T0: the 受理 (register) clock starts
    deadline = case.deadline
    assert deadline is not None and deadline > T0
    unit = env.svc.limits.limit_for(case.type_code, "register").unit
    cal = env.svc.calendar
    if LimitUnit(unit).is_working:
        at85 = cal.add_working_time(T0, cal.working_time_between(T0, deadline) * 0.85)
    else:
        at85 = T0 + (deadline - T0) * 0.85
    env.seat("operator")
    model = env.panel.model
    for at, light in ((T0 + timedelta(minutes=1), "green"), (at85, "yellow"),
                      (deadline + timedelta(minutes=10), "red")):
        env.clock.t = at
        assert env.panel.open_queue("to_register")
        row = [c.number for c in model.cases].index(case.number)
        idx = model.index(row, REMAINING_COL)
        assert model.data(idx, LIGHT_ROLE) == light
        assert model.data(idx, Qt.ItemDataRole.BackgroundRole).color().name() == \
            LIGHT_TINTS[light]
        dot = model.data(idx, Qt.ItemDataRole.DecorationRole).pixmap(12, 12).toImage()
        assert QColor(dot.pixel(6, 6)).name() == LIGHT_COLOURS[light]
        tip = model.data(idx, Qt.ItemDataRole.ToolTipRole)
        assert tr(_LIGHT_TIPS[light]) in tip and "80" in tip
        # What the operator sees: the painted cell carries the tint.
        env.panel.table.clearSelection()
        env.panel.table.scrollTo(idx)
        rect = env.panel.table.visualRect(idx)
        assert env.panel.table.viewport().rect().contains(rect.center())
        image = env.panel.table.viewport().grab().toImage()
        painted = QColor(image.pixel(QPoint(rect.center().x(), rect.top() + 1)))  # no text there
        assert painted.name() == LIGHT_TINTS[light]
    assert model.data(idx, Qt.ItemDataRole.DisplayRole).startswith("-")  # overdue: negative


# -- department view ---------------------------------------------------------------------------
def test_department_sees_only_its_queues_and_cases(env: Env, qtbot) -> None:  # type: ignore[no-untyped-def]
    mine = env.report()
    dept = env.to_dispatched(mine)
    env.clock.t = T0 + timedelta(minutes=5)
    theirs = env.report("06036", grid_index=7)
    other_dept = next(c for c in env.svc.department_names() if c != dept)
    env.to_dispatched(theirs, other_dept)
    actor = env.seat("department", dept)
    panel = env.panel
    assert [panel.tabs.tabText(i).rsplit(" ", 1)[0] for i in range(panel.tabs.count())] == [
        tr("In handling"), tr("Overdue"), tr("Closed today")]
    assert not panel.open_queue("to_register") and not panel.open_queue("to_dispatch")
    for key in ("in_handling", "overdue", "closed_today"):
        assert panel.open_queue(key)
        assert all(c.dept_code == dept for c in panel.model.cases), key
    assert panel.open_queue("in_handling")
    assert mine.number in [c.number for c in panel.model.cases]
    assert theirs.number not in [c.number for c in panel.model.cases]

    # Another department's case, e.g. clicked on the map: refused, and the refusal shown.
    assert not panel.select_number(theirs.number)
    assert "not visible" in panel.detail.toPlainText()
    assert panel.action_buttons == {} and not panel.photos.isVisible()

    # Its own case: the department's actions, and 回退 needs a reason.
    assert panel.select_number(mine.number)
    actions = {a.value for a in panel.action_buttons}
    assert {"handle", "request_extension", "return_case"} <= actions
    assert not actions & {"dispatch", "register", "approve_extension", "close"}
    seen: dict[str, Any] = {}

    def work(d: ReasonDialog) -> None:
        assert isinstance(d, ReasonDialog)
        _press(qtbot, d.text_edit, Qt.Key.Key_Return)  # empty: Enter does nothing
        seen["early"] = d.result() == QDialog.DialogCode.Accepted
        _type(qtbot, d.text_edit, "不属于本部门职责")
        qtbot.keyClick(d.text_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
        _type(qtbot, d.text_edit, "应由街道处理")
        _press(qtbot, d.text_edit, Qt.Key.Key_Return)

    env.drive(work)
    env.click(qtbot, mine.number, "return_case")
    assert seen["early"] is False
    flow = env.svc.flow(actor, mine.number)
    assert flow.pending is Action.RETURN_CASE
    last = env.svc.timeline(actor, mine.number)[-1]
    assert last.details["reason"] == "不属于本部门职责\n应由街道处理"
