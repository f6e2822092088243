"""Hotline intake: an operator takes calls in the intake dialog, clicking real widgets."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import shapely
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.domain.case import CaseSource, CaseState
from app.domain.errors import DomainError
from app.domain.org import Role
from app.domain.workflow import Actor
from app.gis import crs
from app.services.cases import CaseService
from app.store.store import Store
from app.ui.app import ensure_app, install_language
from app.ui.intake_dialog import KEEP_EDITING, IntakeDialog
from tests.conftest import STREET_SEED_END

pytestmark = pytest.mark.ui

# A week after the seeded history: no seeded case is a recent duplicate of today's calls.
NOW = STREET_SEED_END + timedelta(days=7)


def type_ime(widget: QWidget, text: str) -> None:
    """Type Chinese as an input method commits it (QTest key clicks are Latin-1 only)."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def png(path: Path, color: str = "#3a7") -> Path:
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    assert image.save(str(path), "PNG")
    return path


@pytest.fixture
def service(street_db_url: str, tmp_path: Path) -> CaseService:
    src = Path(street_db_url.removeprefix("sqlite:///"))
    db = tmp_path / "intake.sqlite"
    shutil.copy(src, db)
    store = Store.open(f"sqlite:///{db}")
    yield CaseService(store, clock=lambda: NOW)
    store.close()


@pytest.fixture
def operator(service: CaseService) -> Actor:
    login = next(s.login for s in service.store.org.staff() if s.role is Role.OPERATOR)
    return Actor(login, Role.OPERATOR)


@pytest.fixture
def inside(service: CaseService) -> tuple[float, float]:
    """A map point (metres) inside a unit grid of the seeded street."""
    grid = service.store.admin.grids()[3]
    poly = crs.project_geometries(np.array([grid.geometry]), crs.GEOGRAPHIC, crs.PROJECTED)[0]
    p = shapely.point_on_surface(poly)
    return float(p.x), float(p.y)


@pytest.fixture
def dialog(qtbot, service: CaseService, operator: Actor) -> IntakeDialog:  # type: ignore[no-untyped-def]
    ensure_app(offscreen=True)
    install_language("zh_CN")
    dlg = IntakeDialog(service, operator)
    qtbot.addWidget(dlg)

    def no_duplicates_expected(cases):  # type: ignore[no-untyped-def]
        raise AssertionError(f"unexpected duplicate offer: {[c.number for c in cases]}")

    dlg._choose_duplicate = no_duplicates_expected  # type: ignore[method-assign]
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def choose_type(qtbot, dlg: IntakeDialog, code: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(dlg.type_picker.search, code)
    qtbot.keyClick(dlg.type_picker.search, Qt.Key.Key_Return)


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def fill_minimal(qtbot, dlg: IntakeDialog, xy: tuple[float, float],  # type: ignore[no-untyped-def]
                 text: str = "路边一堆垃圾没人清理") -> None:
    assert dlg.set_location(*xy)
    choose_type(qtbot, dlg, "06010")
    dlg.description.setFocus()
    type_ime(dlg.description, text)


def test_full_hotline_intake(dialog: IntakeDialog, service: CaseService, operator: Actor,  # type: ignore[no-untyped-def]
                             inside, qtbot, tmp_path: Path) -> None:
    qtbot.keyClicks(dialog.caller_name, "Wang")
    type_ime(dialog.caller_name, "先生")
    qtbot.keyClicks(dialog.caller_phone, "138 0013 8000")
    type_ime(dialog.address, "学院路12号东门")
    with qtbot.waitSignal(dialog.pick_requested):
        click(qtbot, dialog.pick_button)
    assert dialog.set_location(*inside)
    lon, lat = crs.to_geographic(*inside)
    grid = service.grid_at(lon, lat)
    assert f"{lon:.6f}, {lat:.6f}" in dialog.location_label.text()
    assert grid in dialog.location_label.text()
    choose_type(qtbot, dialog, "06010")
    assert dialog.type_picker.search.text() == "06010 暴露垃圾 (事项)"
    dialog.urgency.setCurrentIndex(dialog.urgency.findData("high"))
    dialog.description.setFocus()
    type_ime(dialog.description, "东门外暴露垃圾，气味很大")
    photo = png(tmp_path / "scene.png")
    assert dialog.add_photo_files([photo]) == []
    assert dialog.photo_list.count() == 1
    assert not dialog.photo_list.item(0).icon().isNull()  # a thumbnail, not just a name

    with qtbot.waitSignal(dialog.reported) as sig:
        click(qtbot, dialog.submit_button)
    case = sig.args[0]
    assert case.state is CaseState.REPORTED
    assert case.source is CaseSource.HOTLINE
    assert (case.kind.value, case.type_code) == ("matter", "06010")
    assert case.urgency.value == "high"
    assert case.address == "学院路12号东门"
    assert case.description == "东门外暴露垃圾，气味很大"
    assert str(case.grid_id) == grid
    stored = service.get(operator, case.number)
    assert stored.extra["caller"] == "Wang先生"
    assert stored.extra["caller_phone"] == "13800138000"
    atts = service.attachments(operator, case.number)
    assert [(a.name, a.mime) for a in atts] == [("scene.png", "image/png")]
    assert service.attachment_data(operator, atts[0].id) == photo.read_bytes()

    # The number is read back to the caller; the form is empty for the next call, still open.
    assert case.number in dialog.status.text()
    assert dialog.isVisible()
    assert dialog.type_picker.selected() is None and dialog.location is None
    assert dialog.description.toPlainText() == "" and dialog.caller_phone.text() == ""
    assert dialog.photo_list.count() == 0 and dialog.photos == []


def test_ctrl_enter_submits(dialog: IntakeDialog, inside, qtbot) -> None:  # type: ignore[no-untyped-def]
    fill_minimal(qtbot, dialog, inside)
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    with qtbot.waitSignal(dialog.reported) as sig:
        qtbot.keyClick(dialog.description, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert sig.args[0].state is CaseState.REPORTED
    assert dialog.description.toPlainText() == ""  # not a new line in the text: submitted


def test_enter_in_the_form_does_not_submit(dialog: IntakeDialog, inside, qtbot) -> None:  # type: ignore[no-untyped-def]
    fill_minimal(qtbot, dialog, inside)
    reported: list[object] = []
    dialog.reported.connect(reported.append)
    picks: list[bool] = []
    dialog.pick_requested.connect(lambda: picks.append(True))
    for field in (dialog.address, dialog.caller_name, dialog.caller_phone,
                  dialog.type_picker.search):
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert reported == [] and picks == []  # no button of the dialog is pressed by Enter
    assert dialog.isVisible()
    assert dialog.description.toPlainText()  # the form is untouched


def test_missing_fields_are_marked(dialog: IntakeDialog, inside, qtbot) -> None:  # type: ignore[no-untyped-def]
    reported: list[object] = []
    dialog.reported.connect(reported.append)
    qtbot.keyClicks(dialog.caller_phone, "12345")
    click(qtbot, dialog.submit_button)
    assert reported == []
    errors = {k: (lbl.isVisible(), lbl.text()) for k, lbl in dialog.errors.items()}
    tr = dialog.tr
    assert errors["phone"] == (
        True, tr("A phone number has 7–12 digits; leave it empty if unknown"))
    assert errors["location"] == (True, tr("Pick the location on the map"))
    assert errors["type"] == (True, tr("Choose the case type"))
    assert errors["description"] == (True, tr("Describe the problem"))
    assert not errors["photos"][0]
    assert dialog.status.text()  # a summary line under the form too

    # Each message goes away as the field is filled.
    dialog.caller_phone.clear()
    qtbot.keyClicks(dialog.caller_phone, "010-62345678")
    choose_type(qtbot, dialog, "06010")
    assert not dialog.errors["type"].isVisible()
    type_ime(dialog.description, "井盖缺失")
    assert not dialog.errors["description"].isVisible()
    assert dialog.errors["location"].isVisible()
    click(qtbot, dialog.submit_button)
    assert reported == [] and not dialog.errors["phone"].isVisible()
    assert dialog.errors["location"].isVisible()
    assert dialog.set_location(*inside)
    assert not dialog.errors["location"].isVisible()
    with qtbot.waitSignal(dialog.reported):
        click(qtbot, dialog.submit_button)


def test_location_outside_the_district_is_refused(dialog: IntakeDialog, inside, qtbot) -> None:  # type: ignore[no-untyped-def]
    x, y = inside
    assert dialog.set_location(x + 80_000, y) is False
    assert dialog.location is None
    assert dialog.errors["location"].isVisible()
    outside_message = dialog.errors["location"].text()
    assert outside_message
    lon, _lat = crs.to_geographic(x + 80_000, y)
    assert f"{lon:.6f}" in dialog.location_label.text()  # where the click landed
    reported: list[object] = []
    dialog.reported.connect(reported.append)
    choose_type(qtbot, dialog, "06010")
    type_ime(dialog.description, "路灯不亮")
    click(qtbot, dialog.submit_button)
    assert reported == []
    assert dialog.errors["location"].text() == outside_message  # the reason stays visible
    assert dialog.set_location(x, y)
    assert not dialog.errors["location"].isVisible()


def test_photos_only_images_and_removable(dialog: IntakeDialog, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    notes = tmp_path / "notes.txt"
    notes.write_text("not a photo", encoding="utf-8")
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(b"this is text with a jpg name")
    good1, good2 = png(tmp_path / "a.png"), png(tmp_path / "b.png", "#c33")
    refused = dialog.add_photo_files([notes, good1, fake, good2, good1])
    assert len(refused) == 3
    assert dialog.photo_list.count() == 2
    assert [p.name for p in dialog.photos] == ["a.png", "b.png"]
    shown = dialog.errors["photos"].text()
    assert dialog.errors["photos"].isVisible()
    assert "notes.txt" in shown and "fake.jpg" in shown and "JPEG" in shown

    dialog.photo_list.item(0).setSelected(True)
    assert dialog.remove_photo_button.isEnabled()
    click(qtbot, dialog.remove_photo_button)
    assert [p.name for p in dialog.photos] == ["b.png"]
    assert dialog.photo_list.count() == 1 and dialog.photo_list.item(0).text() == "b.png"


def test_duplicate_offered_and_merged(dialog: IntakeDialog, service: CaseService,  # type: ignore[no-untyped-def]
                                      operator: Actor, inside, qtbot) -> None:
    x, y = inside
    lon, lat = crs.to_geographic(x, y)
    first = service.report(operator, "matter", "06010", lon, lat, "早上报的暴露垃圾", "hotline")
    offered: list[list[str]] = []
    metres: list[str] = []

    def choose(cases):  # type: ignore[no-untyped-def]
        dup = dialog._duplicate_dialog(cases)
        qtbot.addWidget(dup)
        dup.show()
        rows = [[dup.table.item(r, c).text() for c in range(dup.table.columnCount())]
                for r in range(dup.table.rowCount())]
        offered.extend(rows)
        metres.append(dup.tr("%1 m"))
        assert dup.select_number(first.number)
        click(qtbot, dup.merge_button)
        assert not dup.isVisible()
        return dup.choice

    dialog._choose_duplicate = choose  # type: ignore[method-assign]
    fill_minimal(qtbot, dialog, (x + 12.0, y), "同一堆垃圾，第二个市民来电")
    with qtbot.waitSignal(dialog.reported) as sig:
        click(qtbot, dialog.submit_button)

    row = next(r for r in offered if r[0] == first.number)
    assert row[1].startswith("06010 暴露垃圾")
    assert row[2] == metres[0].replace("%1", "12")
    assert row[4] == "待受理"
    assert row[5] == "早上报的暴露垃圾"  # what the first caller said, to compare
    merged = sig.args[0]
    assert merged.number != first.number
    assert merged.state is CaseState.VOID
    last = service.timeline(operator, merged.number)[-1]
    assert last.details.get("duplicate_of") == first.number
    assert service.get(operator, first.number).state is CaseState.REPORTED
    assert merged.number in dialog.status.text() and first.number in dialog.status.text()
    assert dialog.description.toPlainText() == ""


def test_duplicate_offer_new_case_or_back(dialog: IntakeDialog, service: CaseService,  # type: ignore[no-untyped-def]
                                          operator: Actor, inside, qtbot) -> None:
    x, y = inside
    lon, lat = crs.to_geographic(x, y)
    first = service.report(operator, "matter", "06010", lon, lat, "暴露垃圾", "hotline")
    answers = [KEEP_EDITING, "new"]

    def choose(cases):  # type: ignore[no-untyped-def]
        assert first.number in [c.number for c in cases]
        dup = dialog._duplicate_dialog(cases)
        qtbot.addWidget(dup)
        dup.show()
        click(qtbot, dup.back_button if answers.pop(0) == KEEP_EDITING else dup.new_button)
        return KEEP_EDITING if dup.result() == 0 else dup.choice

    dialog._choose_duplicate = choose  # type: ignore[method-assign]
    fill_minimal(qtbot, dialog, (x + 5.0, y), "另一处垃圾")
    reported: list[object] = []
    dialog.reported.connect(reported.append)
    click(qtbot, dialog.submit_button)
    assert reported == []
    assert dialog.description.toPlainText() == "另一处垃圾"  # back to the form, nothing lost
    click(qtbot, dialog.submit_button)
    assert len(reported) == 1
    new = reported[0]
    assert new.state is CaseState.REPORTED and new.number != first.number


def test_service_refusal_keeps_the_form(dialog: IntakeDialog, service: CaseService,  # type: ignore[no-untyped-def]
                                        inside, qtbot, tmp_path: Path) -> None:
    # A dispatcher's seat may not report (standards §4.1 stage 1): the service refuses.
    dialog.set_actor(Actor("dispatcher-x", Role.DISPATCHER))
    fill_minimal(qtbot, dialog, inside, "井盖破损")
    dialog.add_photo_files([png(tmp_path / "p.png")])
    reported: list[object] = []
    dialog.reported.connect(reported.append)
    click(qtbot, dialog.submit_button)
    assert reported == []
    with pytest.raises(DomainError) as refusal:
        service.report(dialog.actor, "matter", "06010", dialog.location.lon,
                       dialog.location.lat, "井盖破损", "hotline")
    assert str(refusal.value) in dialog.status.text()
    assert dialog.description.toPlainText() == "井盖破损"
    assert dialog.type_picker.selected() == ("matter", "06010")
    assert dialog.location is not None and dialog.photo_list.count() == 1


def test_server_gone_keeps_the_form_and_the_resend_reports_once(  # type: ignore[no-untyped-def]
        dialog: IntakeDialog, service: CaseService, inside, qtbot) -> None:
    from app.domain.errors import ConnectionLostError

    real = service.report
    sent: list[str | None] = []

    def flaky(*args, **kwargs):  # type: ignore[no-untyped-def]
        sent.append(kwargs.get("op_id"))
        if len(sent) == 1:
            raise ConnectionLostError("数据库服务器无法连接")
        return real(*args, **kwargs)

    service.report = flaky  # type: ignore[method-assign]
    fill_minimal(qtbot, dialog, inside, "井盖松动，行人易绊倒")
    before = service.store.cases.count()
    click(qtbot, dialog.submit_button)
    # Not reported, and everything the operator typed is still there.
    assert service.store.cases.count() == before
    assert dialog.description.toPlainText() == "井盖松动，行人易绊倒"
    assert dialog.location is not None and dialog.type_picker.selected() == ("matter", "06010")
    assert "无法连接" in dialog.status.text()
    with qtbot.waitSignal(dialog.reported) as sig:
        click(qtbot, dialog.submit_button)
    assert service.store.cases.count() == before + 1
    assert sig.args[0].description == "井盖松动，行人易绊倒"
    # Both sends carried the same operation id: had the first reached the server before the
    # line broke, the second would have found it instead of reporting the case twice.
    assert sent[0] is not None and sent == [sent[0], sent[0]]
    assert dialog._pending_op is None  # the next call gets a new id
