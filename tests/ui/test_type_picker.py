"""The case-type picker: search the catalogue by code or name and choose with the keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QVBoxLayout, QWidget

from app.domain.catalogue import load_catalogue
from app.ui.app import ensure_app, install_language
from app.ui.type_picker import TypePicker

pytestmark = pytest.mark.ui


def type_ime(widget: QWidget, text: str) -> None:
    """Type Chinese as an input method commits it (QTest key clicks are Latin-1 only)."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


@pytest.fixture(scope="module")
def type_names() -> dict[tuple[str, str], str]:
    return {(e.kind.value, e.code): e.name for e in load_catalogue().entries()}


@pytest.fixture
def picker(qtbot, type_names) -> TypePicker:  # type: ignore[no-untyped-def]
    ensure_app(offscreen=True)
    install_language("zh_CN")
    w = TypePicker(type_names)
    qtbot.addWidget(w)
    w.resize(360, 30)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_catalogue_is_complete_for_the_picker(type_names) -> None:  # type: ignore[no-untyped-def]
    # Both halves of the 2026 catalogue, sharing codes (01001 part and 01001 matter).
    kinds = {k for k, _ in type_names}
    assert kinds == {"part", "matter"}
    assert ("part", "01001") in type_names and ("matter", "01001") in type_names


def test_code_prefix_lists_matching_types(picker: TypePicker, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(picker.search, "0601")
    listed = picker.popup_keys()
    assert ("matter", "06010") in listed and ("matter", "06019") in listed
    assert all(code.startswith("0601") for _, code in listed)
    assert picker.completer.popup().isVisible()
    labels = [picker.model.item(r).text() for r in range(picker.model.rowCount())]
    assert "06010 暴露垃圾 (事项)" in labels
    assert picker.selected() is None


def test_code_then_enter_chooses(picker: TypePicker, qtbot) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(picker.changed) as sig:
        qtbot.keyClicks(picker.search, "06010")
        qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert sig.args == [("matter", "06010")]
    assert picker.selected() == ("matter", "06010")
    assert picker.search.text() == "06010 暴露垃圾 (事项)"
    assert not picker.completer.popup().isVisible()


def test_name_substring_matches_parts_and_matters(picker: TypePicker, qtbot) -> None:  # type: ignore[no-untyped-def]
    type_ime(picker.search, "垃圾")
    listed = picker.popup_keys()
    assert ("part", "03005") in listed  # 垃圾箱 (part)
    assert ("matter", "06010") in listed  # 暴露垃圾
    assert ("matter", "06042") in listed  # 垃圾站（箱）满溢
    assert ("matter", "06012") not in listed  # 道路不洁
    picker.search.clear()
    type_ime(picker.search, "井盖")
    listed = picker.popup_keys()
    assert ("part", "01001") in listed and ("matter", "01001") in listed
    assert all("井盖" in picker.label(k) for k in listed)


def test_down_and_enter_choose_from_the_list(picker: TypePicker, qtbot) -> None:  # type: ignore[no-untyped-def]
    type_ime(picker.search, "垃圾")
    first, second = picker.popup_keys()[:2]
    popup = picker.completer.popup()
    qtbot.keyClick(popup, Qt.Key.Key_Down)  # first row
    qtbot.keyClick(popup, Qt.Key.Key_Down)  # second row
    with qtbot.waitSignal(picker.changed) as sig:
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert sig.args == [second] and second != first
    assert picker.selected() == second
    assert not popup.isVisible()


def test_down_on_the_edit_opens_the_list(picker: TypePicker, qtbot) -> None:  # type: ignore[no-untyped-def]
    picker.set_selected("matter", "06010")
    qtbot.keyClick(picker.search, Qt.Key.Key_Down)
    popup = picker.completer.popup()
    assert popup.isVisible()
    # The whole catalogue, positioned on the current choice, so neighbours are one key away.
    assert len(picker.popup_keys()) == len(picker.matches(""))
    assert popup.currentIndex().data() == "06010 暴露垃圾 (事项)"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert picker.selected() == ("matter", "06011")


def test_editing_clears_the_choice_and_set_selected(picker: TypePicker, qtbot) -> None:  # type: ignore[no-untyped-def]
    seen: list[object] = []
    picker.changed.connect(seen.append)
    picker.set_selected("part", "01001")
    assert picker.search.text() == "01001 供水井盖 (部件)"
    qtbot.keyClick(picker.search, Qt.Key.Key_Backspace)
    assert picker.selected() is None
    assert seen == [("part", "01001"), None]
    with pytest.raises(KeyError):
        picker.set_selected("matter", "99999")
    picker.set_selected("matter", "06010")
    picker.clear()
    assert picker.selected() is None and picker.search.text() == ""


def test_no_match_shows_no_list_and_enter_chooses_nothing(picker: TypePicker, qtbot) -> None:  # type: ignore[no-untyped-def]
    type_ime(picker.search, "不存在的类别")
    assert picker.popup_keys() == []
    assert not picker.completer.popup().isVisible()
    qtbot.keyClick(picker.search, Qt.Key.Key_Return)
    assert picker.selected() is None


def test_enter_in_a_dialog_does_not_press_its_default_button(qtbot, type_names) -> None:  # type: ignore[no-untyped-def]
    ensure_app(offscreen=True)
    dlg = QDialog()
    qtbot.addWidget(dlg)
    p = TypePicker(type_names, dlg)
    ok = QPushButton("OK", dlg)
    ok.setDefault(True)
    pressed: list[bool] = []
    ok.clicked.connect(lambda: pressed.append(True))
    lay = QVBoxLayout(dlg)
    lay.addWidget(p)
    lay.addWidget(ok)
    dlg.show()
    qtbot.waitExposed(dlg)
    qtbot.keyClicks(p.search, "06010")
    qtbot.keyClick(p.search, Qt.Key.Key_Return)
    assert p.selected() == ("matter", "06010")
    assert pressed == []
