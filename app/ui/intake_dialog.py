"""Hotline intake (热线受理): an operator records a caller's report while on the phone.

The dialog is non-modal and stays open between calls: the operator picks the location on
the map (the main window listens to :attr:`IntakeDialog.pick_requested` and calls
:meth:`IntakeDialog.set_location` with the clicked map point), chooses the type, types what
the caller says and submits with Ctrl+Enter. Before reporting, the dialog asks the service
for likely duplicates (same type, nearby, recent) and lets the operator merge the call into
an open case instead of creating a second one (合并). After a report the form clears for the
next call and shows the new case number, which the operator reads back to the caller.

Everything goes through ``CaseService``; refusals (``DomainError``) are shown in the dialog
and nothing typed is lost.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.attachment import Photo
from app.domain.case import Case, CaseSource, Urgency
from app.domain.errors import ConnectionLostError, DomainError
from app.gis import crs
from app.ui import texts
from app.ui.type_picker import TypePicker

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from app.domain.workflow import Actor

# What _choose_duplicate returns when the operator goes back to the form without deciding.
KEEP_EDITING = ""
THUMB = 64  # thumbnail edge in pixels: small enough for four in a row, big enough to tell
_ERROR_STYLE = "color: #c62828;"
_OK_STYLE = "color: #2e7d32; font-weight: bold;"


@dataclass(frozen=True)
class PickedLocation:
    """A location inside the district: map metres, lon/lat (CGCS2000) and its unit grid."""

    x: float
    y: float
    lon: float
    lat: float
    grid_id: str


def _plain_phone(text: str) -> str:
    """The phone as typed without spaces (operators copy '138 1234 5678' from caller ID)."""
    return "".join(text.split())


def phone_ok(text: str) -> bool:
    """Empty, or 7–12 digits with optional hyphens (the service's rule)."""
    phone = _plain_phone(text)
    digits = phone.replace("-", "")
    return not phone or (digits.isdigit() and 7 <= len(digits) <= 12)


class DuplicateDialog(QDialog):
    """Lists likely duplicates of a new report; the operator merges or reports anew.

    After the dialog closes, :attr:`choice` holds the case number to merge into (accepted
    with "Merge"), or None (accepted with "Report as a new case"); a rejected dialog means
    "back to the form".
    """

    def __init__(self, cases: list[Case], type_names: dict[tuple[str, str], str],
                 origin: tuple[float, float], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Possible duplicates"))
        self.cases = list(cases)
        self.choice: str | None = None

        intro = QLabel(self.tr(
            "Open cases of this type were reported nearby. If the caller describes one of "
            "them, merge the call into it."))
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self.cases), 6)
        self.table.setObjectName("duplicateTable")
        self.table.setHorizontalHeaderLabels([
            texts.field_label("case_number"), texts.field_label("type"), self.tr("Distance"),
            texts.field_label("reported_at"), texts.field_label("state"),
            texts.field_label("description")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        ox, oy = origin
        for row, case in enumerate(self.cases):
            cx, cy = (float(v) for v in crs.to_projected(case.lon, case.lat))
            cells = [case.number,
                     f"{case.type_code} {type_names.get((case.kind.value, case.type_code), '')}",
                     self.tr("%1 m").replace("%1", f"{math.hypot(cx - ox, cy - oy):.0f}"),
                     f"{case.reported_at:%m-%d %H:%M}",
                     texts.value_text("state", case.state.value),
                     case.description]  # what lets the operator recognise the same problem
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(case.description + (f"\n{case.address}" if case.address else ""))
                self.table.setItem(row, col, item)
        if self.cases:
            self.table.selectRow(0)  # nearest first: the likeliest one
        self.table.doubleClicked.connect(lambda _i: self.merge_button.click())

        self.merge_button = QPushButton(self.tr("Merge into selected case"))
        self.merge_button.setObjectName("mergeButton")
        self.merge_button.clicked.connect(self._on_merge)
        self.new_button = QPushButton(self.tr("Report as a new case"))
        self.new_button.setObjectName("newCaseButton")
        self.new_button.clicked.connect(self._on_new)
        self.back_button = QPushButton(self.tr("Back to the form"))
        self.back_button.setObjectName("backButton")
        self.back_button.clicked.connect(self.reject)
        self.merge_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        self.resize(620, 260)

    def selected_number(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.cases[rows[0].row()].number if rows else None

    def select_number(self, number: str) -> bool:
        for row, case in enumerate(self.cases):
            if case.number == number:
                self.table.selectRow(row)
                return True
        return False

    def _on_merge(self) -> None:
        number = self.selected_number()
        if number is None:
            return
        self.choice = number
        self.accept()

    def _on_new(self) -> None:
        self.choice = None
        self.accept()


class IntakeDialog(QDialog):
    """The intake form for one call after another; see the module docstring.

    Parameters
    ----------
    service
        The ``CaseService``.
    actor
        Who reports (the operator at the seat); change it with :meth:`set_actor`.
    parent
        The main window (the dialog stays above it, non-modal).
    source
        The case source recorded, ``"hotline"`` (12345 热线) unless the form is used for
        another channel (e.g. ``"public"``).
    """

    pick_requested = Signal()  # the operator wants to click the location on the map
    reported = Signal(object)  # the Case created (or, when merged, the voided duplicate)

    def __init__(self, service: Any, actor: Actor, parent: QWidget | None = None,
                 source: CaseSource | str = CaseSource.HOTLINE) -> None:
        super().__init__(parent)
        self.setModal(False)
        self.service = service
        self.actor = actor
        self.source = CaseSource(source)
        self.location: PickedLocation | None = None
        self.photos: list[Photo] = []
        self.last_case: Case | None = None
        self._pending_op: str | None = None  # op id of a report not yet confirmed stored
        self.type_names = service.type_names()
        self.setObjectName("intakeDialog")
        self.setWindowTitle(self.tr("Hotline intake") if self.source is CaseSource.HOTLINE
                            else self.tr("Case intake"))

        self.caller_name = QLineEdit()
        self.caller_name.setObjectName("callerName")
        self.caller_name.setMaxLength(50)
        self.caller_name.setPlaceholderText(self.tr("Optional"))
        self.caller_phone = QLineEdit()
        self.caller_phone.setObjectName("callerPhone")
        self.caller_phone.setMaxLength(20)
        self.caller_phone.setPlaceholderText(self.tr("7–12 digits, optional"))
        self.address = QLineEdit()
        self.address.setObjectName("address")
        self.address.setPlaceholderText(self.tr("Street, building, landmark as the caller says"))

        self.location_label = QLabel(self.tr("Not set"))
        self.location_label.setObjectName("locationLabel")
        self.location_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pick_button = QPushButton(self.tr("Pick on map"))
        self.pick_button.setObjectName("pickButton")
        self.pick_button.setToolTip(self.tr("Click the place on the map (Ctrl+M)"))
        self.pick_button.clicked.connect(self.pick_requested.emit)
        QShortcut(QKeySequence("Ctrl+M"), self, activated=self.pick_button.click)

        self.type_picker = TypePicker(self.type_names)
        self.type_picker.changed.connect(lambda _k: self._set_error("type", ""))

        self.urgency = QComboBox()
        self.urgency.setObjectName("urgency")
        for u in Urgency:
            self.urgency.addItem(texts.value_text("urgency", u.value), u.value)

        self.description = QPlainTextEdit()
        self.description.setObjectName("description")
        self.description.setTabChangesFocus(True)  # Tab moves on: keyboard-only intake
        self.description.setPlaceholderText(self.tr("What the caller reports (required)"))
        self.description.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.description.textChanged.connect(self._on_description_changed)

        self.photo_list = QListWidget()
        self.photo_list.setObjectName("photoList")
        self.photo_list.setViewMode(QListView.ViewMode.IconMode)
        self.photo_list.setIconSize(QSize(THUMB, THUMB))
        self.photo_list.setMovement(QListView.Movement.Static)
        self.photo_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.photo_list.setWrapping(False)
        self.photo_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.photo_list.setFixedHeight(THUMB + self.fontMetrics().lineSpacing() + 24)
        self.add_photo_button = QPushButton(self.tr("Add photos…"))
        self.add_photo_button.setObjectName("addPhotoButton")
        self.add_photo_button.clicked.connect(self._on_add_photos)
        self.remove_photo_button = QPushButton(self.tr("Remove"))
        self.remove_photo_button.setObjectName("removePhotoButton")
        self.remove_photo_button.setEnabled(False)
        self.remove_photo_button.clicked.connect(self.remove_selected_photos)
        self.photo_list.itemSelectionChanged.connect(
            lambda: self.remove_photo_button.setEnabled(bool(self.photo_list.selectedItems())))
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.photo_list,
                           activated=self.remove_selected_photos)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)  # not while typing elsewhere

        self.status = QLabel()
        self.status.setObjectName("statusLabel")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.submit_button = QPushButton(self.tr("Submit (Ctrl+Enter)"))
        self.submit_button.setObjectName("submitButton")
        self.submit_button.clicked.connect(self.submit)
        self.clear_button = QPushButton(self.tr("Clear form"))
        self.clear_button.setObjectName("clearButton")
        self.clear_button.clicked.connect(self.reset)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setObjectName("closeButton")
        self.close_button.clicked.connect(self.close)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self, activated=self.submit_button.click)

        # Inline messages under the fields they concern; hidden (no space taken) when empty.
        self.errors: dict[str, QLabel] = {}

        def with_error(key: str, *widgets: QWidget, stretch: tuple[int, ...] = (1,)) -> QWidget:
            box = QWidget()
            v = QVBoxLayout(box)
            v.setContentsMargins(0, 0, 0, 0)
            v.setSpacing(2)
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            for i, w in enumerate(widgets):  # the first field takes the width by default
                row.addWidget(w, stretch[i] if i < len(stretch) else 0)
            v.addLayout(row)
            err = QLabel()
            err.setObjectName(f"{key}Error")
            err.setStyleSheet(_ERROR_STYLE)
            err.setWordWrap(True)
            err.hide()
            v.addWidget(err)
            self.errors[key] = err
            return box

        phone_label = QLabel(self.tr("Phone"))
        phone_label.setBuddy(self.caller_phone)
        photo_buttons = QWidget()
        pb = QVBoxLayout(photo_buttons)
        pb.setContentsMargins(0, 0, 0, 0)
        pb.addWidget(self.add_photo_button)
        pb.addWidget(self.remove_photo_button)
        pb.addStretch(1)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # Name and phone share a row; the phone's message goes under the whole row.
        form.addRow(self.tr("Caller"),
                    with_error("phone", self.caller_name, phone_label, self.caller_phone,
                               stretch=(1, 0, 1)))
        form.addRow(self.tr("Address"), self.address)
        form.addRow(self.tr("Location"),
                    with_error("location", self.location_label, self.pick_button))
        form.addRow(texts.field_label("type"), with_error("type", self.type_picker))
        form.addRow(texts.field_label("urgency"), self.urgency)
        form.addRow(texts.field_label("description"),
                    with_error("description", self.description))
        form.addRow(self.tr("Photos"), with_error("photos", self.photo_list, photo_buttons))

        buttons = QHBoxLayout()
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.status)
        lay.addStretch(1)
        lay.addLayout(buttons)
        # Enter belongs to the fields (the type picker chooses with it); a dialog's default
        # button would file a half-typed report. Submitting is Ctrl+Enter or the button.
        for b in self.findChildren(QPushButton):
            b.setAutoDefault(False)
            b.setDefault(False)
        self.setTabOrder(self.caller_name, self.caller_phone)
        self.setTabOrder(self.caller_phone, self.address)
        self.setTabOrder(self.address, self.pick_button)
        self.setTabOrder(self.pick_button, self.type_picker.search)
        self.setTabOrder(self.type_picker.search, self.urgency)
        self.setTabOrder(self.urgency, self.description)
        self.setTabOrder(self.description, self.add_photo_button)
        self.setTabOrder(self.add_photo_button, self.submit_button)
        self.resize(520, 480)

    # -- seat and location ----------------------------------------------------------------
    def set_actor(self, actor: Actor) -> None:
        """The seat changed: later reports are made by ``actor``."""
        self.actor = actor

    def set_location(self, x: float, y: float) -> bool:
        """Set the location from a map point (metres); False when outside the district."""
        lon, lat = (float(v) for v in crs.to_geographic(x, y))
        try:
            grid_id = self.service.grid_at(lon, lat)
        except DomainError:
            self.location = None
            self.location_label.setText(f"{lon:.6f}, {lat:.6f}")
            self._set_error("location", self.tr(
                "This point is outside the district: pick a point inside a unit grid"))
            return False
        self.location = PickedLocation(float(x), float(y), lon, lat, str(grid_id))
        self.location_label.setText(
            f"{lon:.6f}, {lat:.6f} · {texts.field_label('grid')} {grid_id}")
        self._set_error("location", "")
        if self.isVisible():  # back from the map to the form
            self.raise_()
            self.activateWindow()
        return True

    # -- photos ---------------------------------------------------------------------------
    def _on_add_photos(self) -> None:
        paths = self._ask_photo_files()
        if paths:
            self.add_photo_files(paths)

    def _ask_photo_files(self) -> list[str]:
        """The file chooser (tests call :meth:`add_photo_files` directly)."""
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Add photos"), "",
            self.tr("Images (*.jpg *.jpeg *.png *.gif *.bmp *.webp);;All files (*)"))
        return list(paths)

    def add_photo_files(self, paths: Iterable[str | Path]) -> list[str]:
        """Add image files; returns the messages of those refused (also shown inline)."""
        refused: list[str] = []
        for path in paths:
            try:
                photo = Photo.from_path(path)
            except DomainError as exc:
                refused.append(str(exc))
                continue
            if any(p.sha256 == photo.sha256 for p in self.photos):
                refused.append(self.tr("%1 is already added").replace("%1", photo.name))
                continue
            self.photos.append(photo)
            item = QListWidgetItem(self._thumbnail(photo), photo.name)
            item.setToolTip(f"{photo.name} · {len(photo.data) / 1024:.0f} KB")
            self.photo_list.addItem(item)
        self._set_error("photos", self.tr("Not added: %1").replace("%1", "; ".join(refused))
                        if refused else "")
        return refused

    def _thumbnail(self, photo: Photo) -> QIcon:
        pixmap = QPixmap()
        if not pixmap.loadFromData(photo.data):  # e.g. WEBP without Qt's image plugin
            return self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        return QIcon(pixmap.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation))

    def remove_selected_photos(self) -> None:
        rows = sorted((self.photo_list.row(i) for i in self.photo_list.selectedItems()),
                      reverse=True)
        for row in rows:
            self.photo_list.takeItem(row)
            del self.photos[row]
        self._set_error("photos", "")

    # -- submit ---------------------------------------------------------------------------
    def validate(self) -> bool:
        """Mark missing or wrong fields inline; focus the first. True when all are fine."""
        checks: list[tuple[str, bool, str, QWidget]] = [
            ("phone", phone_ok(self.caller_phone.text()),
             self.tr("A phone number has 7–12 digits; leave it empty if unknown"),
             self.caller_phone),
            ("location", self.location is not None,
             self.tr("Pick the location on the map"), self.pick_button),
            ("type", self.type_picker.selected() is not None,
             self.tr("Choose the case type"), self.type_picker.search),
            ("description", bool(self.description.toPlainText().strip()),
             self.tr("Describe the problem"), self.description),
        ]
        first: QWidget | None = None
        for key, ok, message, widget in checks:
            if key == "location" and not ok and self.errors[key].text():
                first = first or widget  # keep the "outside the district" explanation
                continue
            self._set_error(key, "" if ok else message)
            if not ok and first is None:
                first = widget
        if first is not None:
            first.setFocus()
        return first is None

    def submit(self) -> Case | None:
        """Validate, offer duplicates, report (and merge); returns the resulting case."""
        self._show_status("")
        if not self.validate():
            self._show_status(self.tr("Not submitted: complete the marked fields"), error=True)
            return None
        selected = self.type_picker.selected()
        location = self.location
        assert selected is not None and location is not None  # validate() checked
        kind, code = selected
        try:
            duplicates = self.service.find_duplicates(code, location.x, location.y,
                                                      self.service.now())
        except DomainError as exc:
            self._show_status(self.tr("Not submitted: %1").replace("%1", str(exc)), error=True)
            return None
        into: str | None = None
        if duplicates:
            choice = self._choose_duplicate(duplicates)
            if choice == KEEP_EDITING:
                self._show_status(self.tr("Not submitted yet: the form is kept"))
                return None
            into = choice
        try:
            case = self.service.report(
                self.actor, kind, code, location.lon, location.lat,
                self.description.toPlainText().strip(), self.source,
                urgency=self.urgency.currentData(), address=self.address.text().strip(),
                photos=list(self.photos), caller=self.caller_name.text().strip(),
                caller_phone=_plain_phone(self.caller_phone.text()), op_id=self._op_id())
        except ConnectionLostError as exc:
            # The form stays as typed; sending again carries the same operation id, so a
            # report the server did store before the line broke is not stored twice.
            self._show_status(self.tr("Not reported — the server cannot be reached; the form "
                                      "is kept, submit again when it is back (%1)")
                              .replace("%1", str(exc)), error=True)
            return None
        except DomainError as exc:
            self._show_status(self.tr("Not reported: %1").replace("%1", str(exc)), error=True)
            return None
        result: Case = case
        message, failed = self.tr("Case %1 reported").replace("%1", case.number), False
        if into:
            try:
                result = self.service.merge(self.actor, case.number, into)
            except DomainError as exc:
                # The report exists; resubmitting would create it twice, so the form still
                # clears and the message says what is left to do.
                failed = True
                message = (self.tr("Case %1 reported, but not merged into %2: %3")
                           .replace("%1", case.number).replace("%2", into)
                           .replace("%3", str(exc)))
            else:
                message = (self.tr("Case %1 merged into %2")
                           .replace("%1", case.number).replace("%2", into))
        self.last_case = result
        self.reset()
        self._show_status(message, error=failed, ok=not failed)
        self.reported.emit(result)
        return result

    def _duplicate_dialog(self, cases: list[Case]) -> DuplicateDialog:
        assert self.location is not None
        return DuplicateDialog(cases, self.type_names, (self.location.x, self.location.y), self)

    def _choose_duplicate(self, cases: list[Case]) -> str | None:
        """Ask the operator: the number to merge into, None for a new case, or
        :data:`KEEP_EDITING` to go back to the form. Tests override this (no modal loop)."""
        dlg = self._duplicate_dialog(cases)
        try:
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return KEEP_EDITING
            return dlg.choice
        finally:
            dlg.deleteLater()

    def _op_id(self) -> str:
        """The id of this report: made at the first submit, kept until the form is reset."""
        if self._pending_op is None:
            self._pending_op = str(uuid.uuid4())
        return self._pending_op

    def reset(self) -> None:
        """Empty the form for the next call (the status line keeps the last result)."""
        self._pending_op = None
        for edit in (self.caller_name, self.caller_phone, self.address):
            edit.clear()
        self.description.clear()
        self.type_picker.clear()
        self.urgency.setCurrentIndex(self.urgency.findData(Urgency.NORMAL.value))
        self.location = None
        self.location_label.setText(self.tr("Not set"))
        self.photos.clear()
        self.photo_list.clear()
        for key in self.errors:
            self._set_error(key, "")
        self.caller_name.setFocus()

    # -- messages -------------------------------------------------------------------------
    def _on_description_changed(self) -> None:
        if self.errors["description"].text() and self.description.toPlainText().strip():
            self._set_error("description", "")

    def _set_error(self, key: str, message: str) -> None:
        label = self.errors[key]
        label.setText(message)
        label.setVisible(bool(message))

    def _show_status(self, message: str, error: bool = False, ok: bool = False) -> None:
        self.status.setText(message)
        self.status.setStyleSheet(_ERROR_STYLE if error else _OK_STYLE if ok else "")
