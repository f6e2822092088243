"""Dialogs the case panel opens before an action: dispatch, reason, extension, callback,
handling feedback with photos, and the duplicate offer at registration.

The dialogs only collect input and show what the panel looked up through the service; they
never call the service themselves, so a test can build one, fill it through its widgets and
read it back through the accessor methods. In every dialog Enter accepts and Esc cancels; in
multi-line text boxes Shift+Enter starts a new line.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.attachment import Photo
from app.domain.errors import DomainError
from app.gis import crs
from app.ui import texts
from app.ui.photo_strip import choose_photo_files, make_thumbnail_list, thumbnail

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from datetime import datetime
    from pathlib import Path

    from app.domain.case import Case

_ERROR_STYLE = "color:#c62828"
_HINT_STYLE = "color:#666"


def distance_m(a: Case, b: Case) -> float:
    """Ground distance between two cases in metres (in the projected map CRS)."""
    ax, ay = crs.to_projected(a.lon, a.lat)
    bx, by = crs.to_projected(b.lon, b.lat)
    return math.hypot(float(ax) - float(bx), float(ay) - float(by))


class ReasonEdit(QPlainTextEdit):
    """Multi-line text where Enter accepts the dialog and Shift+Enter breaks the line."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier):
            event.ignore()  # the dialog's default button takes it
            return
        super().keyPressEvent(event)


class _Dialog(QDialog):
    """A dialog with OK / Cancel; OK is the default button (Enter) and Esc cancels."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("okButton")
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.buttons)
        self._validate()

    def _validate(self) -> None:
        """Enable OK when the input is complete (subclasses override)."""

    def accept(self) -> None:
        if self.ok_button.isEnabled():  # Enter on an incomplete form does nothing
            super().accept()


def _reason_box(placeholder: str) -> ReasonEdit:
    box = ReasonEdit()
    box.setObjectName("reasonEdit")
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    box.setMinimumHeight(70)
    return box


# -- dispatch ----------------------------------------------------------------------------------
class DispatchDialog(_Dialog):
    """Choose the department for 派遣 / 改派, with the suggestion and the deadline it will get.

    Parameters
    ----------
    departments
        Department names by code.
    suggested, why
        The suggested department and the reason (``CaseService.suggest_department``).
    deadline, left
        The deadline the case will get (``CaseService.preview_deadline``) and the time left to
        it as text; ``working_time`` says whether that is working time.
    exclude
        A department not to offer (the current one, for 改派).
    """

    def __init__(self, title: str, case_label: str, departments: Mapping[str, str],
                 suggested: str | None, why: str, deadline: datetime | None, left: str, *,
                 working_time: bool = True, exclude: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setObjectName("dispatchDialog")
        self._suggested = suggested if suggested != exclude else None
        self.layout_.addWidget(QLabel(f"<b>{case_label}</b>"))

        self.search = QLineEdit()
        self.search.setObjectName("deptSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search department name or code"))
        self.search.textChanged.connect(self.set_search)
        self.search.installEventFilter(self)
        self.dept_list = QListWidget()
        self.dept_list.setObjectName("deptList")
        self.dept_list.setMinimumHeight(160)
        codes = [c for c in departments if c != exclude]
        # The suggestion leads the list; the rest in code order.
        codes.sort(key=lambda c: (c != self._suggested, c))
        for code in codes:
            name = departments[code]
            text = f"{name}  [{code}]"
            if code == self._suggested:
                text = "★ " + text + "  — " + self.tr("suggested")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setData(Qt.ItemDataRole.UserRole + 1, f"{name} {code}".casefold())
            if code == self._suggested:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.dept_list.addItem(item)
        self.dept_list.currentItemChanged.connect(lambda *_: self._validate())
        self.dept_list.itemDoubleClicked.connect(lambda _i: self.accept())

        self.reason_label = QLabel()
        self.reason_label.setObjectName("suggestionReason")
        self.reason_label.setWordWrap(True)
        if suggested is not None:
            self.reason_label.setText(
                self.tr("Suggested: %1").replace("%1", f"{departments.get(suggested, suggested)}"
                                                      f" — {why}"))
        self.deadline_label = QLabel()
        self.deadline_label.setObjectName("deadlinePreview")
        self.deadline_label.setWordWrap(True)
        if deadline is not None:
            text = (self.tr("Deadline after dispatch: %1 (%2 of working time left)")
                    if working_time else self.tr("Deadline after dispatch: %1 (%2 left)"))
            self.deadline_label.setText(
                text.replace("%1", f"{deadline:%Y-%m-%d %H:%M}").replace("%2", left))
        else:
            self.deadline_label.setText(self.tr("Deadline after dispatch: none"))
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("dispatchNote")
        self.note_edit.setPlaceholderText(self.tr("Optional note for the department"))

        self.layout_.addWidget(self.search)
        self.layout_.addWidget(self.dept_list, 1)
        self.layout_.addWidget(self.reason_label)
        self.layout_.addWidget(self.deadline_label)
        form = QFormLayout()
        form.addRow(self.tr("Note:"), self.note_edit)
        self.layout_.addLayout(form)
        self.finish_layout()
        if self.dept_list.count():
            self.dept_list.setCurrentRow(0)
        self.search.setFocus()
        self.resize(460, 420)

    # accessors
    def suggested_code(self) -> str | None:
        return self._suggested

    def selected_code(self) -> str | None:
        item = self.dept_list.currentItem()
        if item is None or item.isHidden():
            return None
        return str(item.data(Qt.ItemDataRole.UserRole))

    def select_code(self, code: str) -> bool:
        for i in range(self.dept_list.count()):
            item = self.dept_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == code and not item.isHidden():
                self.dept_list.setCurrentItem(item)
                return True
        return False

    def visible_codes(self) -> list[str]:
        return [str(self.dept_list.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.dept_list.count()) if not self.dept_list.item(i).isHidden()]

    def item_for(self, code: str) -> QListWidgetItem | None:
        for i in range(self.dept_list.count()):
            if self.dept_list.item(i).data(Qt.ItemDataRole.UserRole) == code:
                return self.dept_list.item(i)
        return None

    def note(self) -> str:
        return self.note_edit.text().strip()

    def set_search(self, text: str) -> None:
        """Show only departments whose name or code contains ``text``."""
        if self.search.text() != text:
            self.search.setText(text)  # re-enters through textChanged
            return
        needle = text.strip().casefold()
        first_visible: QListWidgetItem | None = None
        for i in range(self.dept_list.count()):
            item = self.dept_list.item(i)
            hide = bool(needle) and needle not in str(item.data(Qt.ItemDataRole.UserRole + 1))
            item.setHidden(hide)
            if not hide and first_visible is None:
                first_visible = item
        current = self.dept_list.currentItem()
        if current is None or current.isHidden():
            self.dept_list.setCurrentItem(first_visible)
        self._validate()

    def _validate(self) -> None:
        self.ok_button.setEnabled(self.selected_code() is not None)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Up / Down in the search box move through the (filtered) list.
        if (obj is self.search and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down)):
            self._step(1 if event.key() == Qt.Key.Key_Down else -1)
            return True
        return super().eventFilter(obj, event)

    def _step(self, delta: int) -> None:
        rows = [i for i in range(self.dept_list.count()) if not self.dept_list.item(i).isHidden()]
        if not rows:
            return
        cur = self.dept_list.currentRow()
        pos = rows.index(cur) if cur in rows else -1
        self.dept_list.setCurrentRow(rows[max(0, min(len(rows) - 1, pos + delta))])


# -- reason ------------------------------------------------------------------------------------
class ReasonDialog(_Dialog):
    """A written reason for the record (作废, 回退, 挂账, 督办, 提级, 驳回, 返工 …)."""

    def __init__(self, title: str, prompt: str, *, required: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setObjectName("reasonDialog")
        self.required = required
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.text_edit = _reason_box(self.tr("Why? This goes into the case record."))
        self.text_edit.textChanged.connect(self._validate)
        hint = QLabel(self.tr("Enter: confirm · Shift+Enter: new line · Esc: cancel"))
        hint.setStyleSheet(_HINT_STYLE)
        self.layout_.addWidget(label)
        self.layout_.addWidget(self.text_edit, 1)
        self.layout_.addWidget(hint)
        self.finish_layout()
        self.text_edit.setFocus()
        self.resize(420, 220)

    def reason(self) -> str:
        return self.text_edit.toPlainText().strip()

    def set_reason(self, text: str) -> None:
        self.text_edit.setPlainText(text)

    def _validate(self) -> None:
        self.ok_button.setEnabled(bool(self.reason()) or not self.required)


# -- extension ---------------------------------------------------------------------------------
class ExtensionDialog(_Dialog):
    """延期: a department asks for hours with a reason; the dispatcher grants hours.

    ``approve=False`` is the request (hours and a required reason); ``approve=True`` shows the
    hours asked for, preset, and an optional note.
    """

    def __init__(self, title: str, *, approve: bool = False,
                 requested_hours: float | None = None, working_time: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setObjectName("extensionDialog")
        self.approve = approve
        self.hours_spin = QDoubleSpinBox()
        self.hours_spin.setObjectName("extensionHours")
        self.hours_spin.setDecimals(1)
        self.hours_spin.setRange(0.5, 24 * 30)
        self.hours_spin.setSingleStep(1.0)
        self.hours_spin.setSuffix(" h")
        self.hours_spin.setValue(requested_hours if requested_hours else 8.0)
        self.hours_spin.setToolTip(
            self.tr("Working hours: the clock runs only in working time") if working_time
            else self.tr("Calendar hours"))
        self.hours_spin.valueChanged.connect(lambda _v: self._validate())
        form = QFormLayout()
        if approve:
            requested = (f"{requested_hours:g} h" if requested_hours is not None else "—")
            form.addRow(self.tr("Hours asked for:"), QLabel(requested))
            form.addRow(self.tr("Hours to grant:"), self.hours_spin)
        else:
            form.addRow(self.tr("Extra hours:"), self.hours_spin)
        self.layout_.addLayout(form)
        self.layout_.addWidget(QLabel(self.tr("Note:") if approve else self.tr("Reason:")))
        self.text_edit = _reason_box(
            self.tr("Optional note") if approve
            else self.tr("Why does the department need more time?"))
        self.text_edit.textChanged.connect(self._validate)
        self.layout_.addWidget(self.text_edit, 1)
        self.finish_layout()
        self.hours_spin.setFocus()
        self.hours_spin.selectAll()
        self.resize(400, 240)

    def hours(self) -> float:
        return float(self.hours_spin.value())

    def set_hours(self, hours: float) -> None:
        self.hours_spin.setValue(hours)

    def reason(self) -> str:
        return self.text_edit.toPlainText().strip()

    def set_reason(self, text: str) -> None:
        self.text_edit.setPlainText(text)

    def _validate(self) -> None:
        self.ok_button.setEnabled(self.hours() > 0 and (self.approve or bool(self.reason())))


# -- callback ----------------------------------------------------------------------------------
class CallbackDialog(_Dialog):
    """回访: was the caller satisfied? A dissatisfied answer reopens the case."""

    def __init__(self, title: str, case_label: str, dept_name: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setObjectName("callbackDialog")
        self.layout_.addWidget(QLabel(f"<b>{case_label}</b>"))
        self.layout_.addWidget(QLabel(self.tr("Is the caller satisfied with the handling?")))
        self.yes_radio = QRadioButton(self.tr("&Satisfied"))
        self.yes_radio.setObjectName("satisfiedYes")
        self.no_radio = QRadioButton(self.tr("&Not satisfied"))
        self.no_radio.setObjectName("satisfiedNo")
        self.group = QButtonGroup(self)
        self.group.addButton(self.yes_radio)
        self.group.addButton(self.no_radio)
        self.group.buttonToggled.connect(lambda *_: self._validate())
        row = QHBoxLayout()
        row.addWidget(self.yes_radio)
        row.addWidget(self.no_radio)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.warning_label = QLabel(
            self.tr("Not satisfied reopens the case: it goes back to %1 for rework, with a "
                    "new handling time limit.").replace("%1", dept_name))
        self.warning_label.setObjectName("reopenWarning")
        self.warning_label.setWordWrap(True)
        self.layout_.addWidget(self.warning_label)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("callbackNote")
        self.note_edit.setPlaceholderText(self.tr("What the caller said"))
        form = QFormLayout()
        form.addRow(self.tr("Note:"), self.note_edit)
        self.layout_.addLayout(form)
        self.finish_layout()
        self.resize(420, 200)

    def satisfied(self) -> bool | None:
        if self.yes_radio.isChecked():
            return True
        if self.no_radio.isChecked():
            return False
        return None

    def set_satisfied(self, value: bool) -> None:
        (self.yes_radio if value else self.no_radio).setChecked(True)

    def note(self) -> str:
        return self.note_edit.text().strip()

    def _validate(self) -> None:
        answered = self.satisfied()
        self.ok_button.setEnabled(answered is not None)
        # Emphasise the consequence once "not satisfied" is picked.
        self.warning_label.setStyleSheet(_ERROR_STYLE if answered is False else _HINT_STYLE)


# -- handling feedback -------------------------------------------------------------------------
class HandleDialog(_Dialog):
    """处置反馈: what the department did, with photos of the result."""

    def __init__(self, title: str, case_label: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setObjectName("handleDialog")
        self._photos: list[Photo] = []
        self.layout_.addWidget(QLabel(f"<b>{case_label}</b>"))
        self.text_edit = _reason_box(self.tr("What was done (e.g. cleared, repaired)"))
        self.layout_.addWidget(self.text_edit, 1)
        self.photo_list = make_thumbnail_list()
        self.photo_list.setObjectName("handlePhotos")
        self.photo_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.add_button = QPushButton(self.tr("Add photos…"))
        self.add_button.setObjectName("addPhotos")
        self.add_button.setAutoDefault(False)  # Enter must accept, not open the file dialog
        self.add_button.clicked.connect(self._on_add)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setObjectName("removePhotos")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(self.remove_selected)
        self.error_label = QLabel()
        self.error_label.setObjectName("photoError")
        self.error_label.setStyleSheet(_ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        side = QVBoxLayout()
        side.addWidget(self.add_button)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.photo_list, 1)
        row.addLayout(side)
        self.layout_.addWidget(QLabel(self.tr("Photos of the result:")))
        self.layout_.addLayout(row)
        self.layout_.addWidget(self.error_label)
        self.finish_layout()
        self.text_edit.setFocus()
        self.resize(460, 320)

    def note(self) -> str:
        return self.text_edit.toPlainText().strip()

    def set_note(self, text: str) -> None:
        self.text_edit.setPlainText(text)

    def photos(self) -> list[Photo]:
        return list(self._photos)

    def add_files(self, paths: Iterable[str | Path]) -> list[str]:
        """Add image files; returns the refusals (also shown in the dialog)."""
        errors: list[str] = []
        for path in paths:
            try:
                photo = Photo.from_path(path)
            except DomainError as exc:
                errors.append(str(exc))
                continue
            self._photos.append(photo)
            item = QListWidgetItem(QIcon(thumbnail(photo.data)), "")
            item.setToolTip(photo.name)
            self.photo_list.addItem(item)
        self.error_label.setText("\n".join(errors))
        self.error_label.setVisible(bool(errors))
        return errors

    def remove_selected(self) -> None:
        for row in sorted((self.photo_list.row(i) for i in self.photo_list.selectedItems()),
                          reverse=True):
            self.photo_list.takeItem(row)
            del self._photos[row]

    def _on_add(self) -> None:
        paths = choose_photo_files(self)
        if paths:
            self.add_files(paths)


# -- duplicates at registration ----------------------------------------------------------------
class DuplicatesDialog(QDialog):
    """受理 of a report that may repeat open cases: merge it into one, or register anyway."""

    MERGE = "merge"
    REGISTER = "register"

    def __init__(self, case: Case, duplicates: Sequence[Case],
                 type_names: Mapping[tuple[str, str], str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicatesDialog")
        self.setWindowTitle(self.tr("Possible duplicates"))
        self.duplicates = list(duplicates)
        self._choice: str | None = None
        lay = QVBoxLayout(self)
        intro = QLabel(self.tr("Report %1 may repeat these open cases of the same type. Merge "
                               "it into the selected case (the report is voided and linked to "
                               "it), or register it as a new case.").replace("%1", case.number))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        headers = [texts.field_label("case_number"), texts.field_label("type"),
                   self.tr("Distance"), texts.field_label("reported_at"),
                   texts.field_label("state")]
        self.table = QTableWidget(len(self.duplicates), len(headers))
        self.table.setObjectName("duplicateTable")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        for r, d in enumerate(self.duplicates):
            cells = [d.number,
                     f"{d.type_code} {type_names.get((d.kind.value, d.type_code), '')}",
                     f"{distance_m(case, d):.0f} m",
                     f"{d.reported_at:%m-%d %H:%M}",
                     texts.value_text("state", d.state.value)]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.itemSelectionChanged.connect(self._validate)
        self.table.itemDoubleClicked.connect(lambda _i: self.merge_button.click())
        lay.addWidget(self.table, 1)

        buttons = QDialogButtonBox()
        self.merge_button = buttons.addButton(self.tr("&Merge into selected"),
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setObjectName("mergeButton")
        self.register_button = buttons.addButton(self.tr("&Register anyway"),
                                                 QDialogButtonBox.ButtonRole.AcceptRole)
        self.register_button.setObjectName("registerAnyway")
        self.register_button.setAutoDefault(False)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        # The nearest candidate is preselected and Enter merges into it.
        self.merge_button.setDefault(True)
        self.merge_button.clicked.connect(lambda: self._finish(self.MERGE))
        self.register_button.clicked.connect(lambda: self._finish(self.REGISTER))
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        if self.duplicates:
            self.table.selectRow(0)
        self._validate()
        self.resize(560, 300)

    def choice(self) -> str | None:
        """MERGE, REGISTER, or None when cancelled."""
        return self._choice

    def into(self) -> str | None:
        """Number of the selected case to merge into."""
        rows = self.table.selectionModel().selectedRows()
        return self.duplicates[rows[0].row()].number if rows else None

    def select_number(self, number: str) -> bool:
        for r, d in enumerate(self.duplicates):
            if d.number == number:
                self.table.selectRow(r)
                return True
        return False

    def _validate(self) -> None:
        self.merge_button.setEnabled(self.into() is not None)

    def _finish(self, choice: str) -> None:
        if choice == self.MERGE and self.into() is None:
            return
        self._choice = choice
        self.accept()
