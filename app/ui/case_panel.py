"""Command-centre panel: queues with live counts, the case list, its detail and actions.

The panel talks only to ``app.services.cases.CaseService``; every action goes through the
service, which enforces the workflow and the role rules and records the event. Actions that
need input open a dialog from :mod:`app.ui.case_dialogs` through :meth:`CasePanel.run_dialog`,
which tests replace to fill the dialog without a nested event loop.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabBar,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.calendar import LimitUnit, remaining
from app.domain.case import Case, CaseSource, Urgency
from app.domain.errors import ConnectionLostError, DomainError
from app.domain.org import Role
from app.domain.workflow import STEP_OF_STATE, TRANSITIONS, Action, Actor
from app.ui import texts
from app.ui.case_dialogs import (
    CallbackDialog,
    DispatchDialog,
    DuplicatesDialog,
    ExtensionDialog,
    HandleDialog,
    ReasonDialog,
)
from app.ui.photo_strip import PhotoStrip
from app.ui.texts import QT_TRANSLATE_NOOP, tr

if TYPE_CHECKING:
    from collections.abc import Callable

QUEUES: list[tuple[str, str]] = [
    ("to_register", QT_TRANSLATE_NOOP("Texts", "To register")),
    ("to_verify", QT_TRANSLATE_NOOP("Texts", "To verify")),
    ("to_file", QT_TRANSLATE_NOOP("Texts", "To file")),
    ("to_dispatch", QT_TRANSLATE_NOOP("Texts", "To dispatch")),
    ("in_handling", QT_TRANSLATE_NOOP("Texts", "In handling")),
    ("awaiting_check", QT_TRANSLATE_NOOP("Texts", "Awaiting check")),
    ("to_close", QT_TRANSLATE_NOOP("Texts", "To close")),
    ("overdue", QT_TRANSLATE_NOOP("Texts", "Overdue")),
    ("parked", QT_TRANSLATE_NOOP("Texts", "Parked")),
    ("closed_today", QT_TRANSLATE_NOOP("Texts", "Closed today")),
]
# Department staff work only dispatched cases (the service scopes them to their department):
# the intake and check queues would always be empty for them.
DEPARTMENT_QUEUES: tuple[str, ...] = ("in_handling", "overdue", "closed_today")

# Operators' keys: the loop's main steps on F-keys, exceptions on Ctrl+letter.
ACTION_KEYS: dict[Action, str] = {
    Action.REGISTER: "F2", Action.SEND_VERIFY: "Ctrl+Shift+V", Action.FILE: "F3",
    Action.DISPATCH: "F4", Action.REDISPATCH: "Shift+F4", Action.HANDLE: "F5",
    Action.SEND_CHECK: "F6", Action.CHECK_PASS: "F7", Action.CHECK_FAIL: "Shift+F7",
    Action.CLOSE: "F8", Action.CALLBACK: "F9",
    Action.VOID: "Ctrl+Shift+D", Action.URGE: "Ctrl+U", Action.ESCALATE: "Ctrl+E",
    Action.RETURN_CASE: "Ctrl+Shift+R", Action.REQUEST_EXTENSION: "Ctrl+Shift+E",
    Action.REQUEST_PARK: "Ctrl+Shift+P", Action.RESUME: "Ctrl+Shift+U",
    Action.ATTACH: "Ctrl+Shift+A",
}
# Actions whose record needs a written reason (workflow._NEEDS_REASON, plus the rejections
# and a failed check, where the department must learn why).
REASON_ACTIONS = frozenset({
    Action.VOID, Action.RETURN_CASE, Action.REQUEST_PARK, Action.URGE, Action.ESCALATE,
    Action.REJECT_RETURN, Action.REJECT_EXTENSION, Action.REJECT_PARK, Action.CHECK_FAIL})
_REASON_PROMPTS: dict[Action, str] = {
    Action.VOID: QT_TRANSLATE_NOOP("Texts", "Why is this report void?"),
    Action.RETURN_CASE: QT_TRANSLATE_NOOP(
        "Texts", "Why is this case not for your department? The dispatcher decides on the "
                 "return."),
    Action.REQUEST_PARK: QT_TRANSLATE_NOOP(
        "Texts", "Why can the case not be handled now? While parked its clock stops."),
    Action.URGE: QT_TRANSLATE_NOOP("Texts", "Urging note for the handling department:"),
    Action.ESCALATE: QT_TRANSLATE_NOOP("Texts", "Why does the case need the next level?"),
    Action.REJECT_RETURN: QT_TRANSLATE_NOOP("Texts", "Why is the request rejected?"),
    Action.REJECT_EXTENSION: QT_TRANSLATE_NOOP("Texts", "Why is the request rejected?"),
    Action.REJECT_PARK: QT_TRANSLATE_NOOP("Texts", "Why is the request rejected?"),
    Action.CHECK_FAIL: QT_TRANSLATE_NOOP(
        "Texts", "What is still wrong on site? The department must redo it."),
}
# Actions with their own widgets instead of a button in the action row: photos are attached
# from the photo strip, and merging is offered when a duplicate is registered.
_OWN_WIDGETS = frozenset({Action.ATTACH, Action.MERGE})

COLUMNS = [QT_TRANSLATE_NOOP("Texts", "Case number"), QT_TRANSLATE_NOOP("Texts", "Type"),
           QT_TRANSLATE_NOOP("Texts", "State"), QT_TRANSLATE_NOOP("Texts", "Source"),
           QT_TRANSLATE_NOOP("Texts", "Urgency"), QT_TRANSLATE_NOOP("Texts", "Unit grid"),
           QT_TRANSLATE_NOOP("Texts", "Reported at"), QT_TRANSLATE_NOOP("Texts", "Deadline"),
           QT_TRANSLATE_NOOP("Texts", "Remaining")]
DEADLINE_COL, REMAINING_COL = 7, 8

# Traffic light of the current step (standards §4.4): dot colour and cell tint.
LIGHT_COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828"}
LIGHT_TINTS = {"green": "#e8f5e9", "yellow": "#fff3cd", "red": "#fde2e2"}
LIGHT_TEXT = {"yellow": "#8a5a00", "red": "#c62828"}  # readable on the tints; green: default
LIGHT_ROLE = Qt.ItemDataRole.UserRole + 1  # the light name of a row ("green", …, or None)
_LIGHT_TIPS = {
    "green": QT_TRANSLATE_NOOP("Texts", "Green: at most 80 % of this step's time limit used"),
    "yellow": QT_TRANSLATE_NOOP("Texts", "Yellow: 80–100 % of this step's time limit used, "
                                         "due soon"),
    "red": QT_TRANSLATE_NOOP("Texts", "Red: overdue, this step's time limit has run out"),
}
_LIGHT_RULE = QT_TRANSLATE_NOOP(
    "Texts", "Traffic light of the current step: green up to 80 % of the time limit used, "
             "yellow 80–100 %, red overdue.")


def remaining_text(deadline: datetime | None, now: datetime) -> str:
    """Wall-clock time to the deadline, e.g. '1d 3h', '45m', '-2h 10m' when overdue."""
    if deadline is None:
        return ""
    secs = int((deadline - now).total_seconds())
    sign = "-" if secs < 0 else ""
    secs = abs(secs)
    d, rem = divmod(secs, 86_400)
    h, rem = divmod(rem, 3_600)
    m = rem // 60
    if d:
        return f"{sign}{d}d {h}h"
    if h:
        return f"{sign}{h}h {m}m"
    return f"{sign}{m}m"


def hours_text(span: timedelta) -> str:
    """A duration in hours and minutes, e.g. '22h 30m', '45m', '-1h 5m'.

    Working time is shown this way: '1d' would read as 24 hours, not a 7.5-hour working day.
    """
    mins = int(span.total_seconds() // 60)
    sign = "-" if mins < 0 else ""
    h, m = divmod(abs(mins), 60)
    return f"{sign}{h}h {m}m" if h else f"{sign}{m}m"


def action_text(action: Action) -> str:
    """The action's display name (the Chinese label if the UI has no text for it yet)."""
    return texts.action_text(action) if action in texts.ACTIONS else action.label_zh


def _dot(colour: str, size: int = 12) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(colour))
    p.drawEllipse(1, 1, size - 2, size - 2)
    p.end()
    return QIcon(pm)


class FlowLayout(QLayout):
    """Lays widgets out left to right and wraps them onto new rows (Qt's flow layout
    example): the action buttons stay readable in a narrow dock instead of being squeezed."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt override
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt override
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt override
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt override
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt override
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        x, y, row_h, gap = rect.x(), rect.y(), 0, self.spacing()
        for item in self._items:
            hint = item.sizeHint()
            if x > rect.x() and x + hint.width() > rect.right() + 1:
                x, y, row_h = rect.x(), y + row_h + gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + gap
            row_h = max(row_h, hint.height())
        return y + row_h - rect.y()


class CaseTableModel(QAbstractTableModel):
    """Queue rows; the remaining-time column carries the step's traffic light."""

    def __init__(self, type_names: dict[tuple[str, str], str],
                 light: Callable[[Case], str | None] | None = None) -> None:
        super().__init__()
        self.cases: list[Case] = []
        self.lights: list[str | None] = []
        self.type_names = type_names
        self.light = light
        self.now = datetime.now()
        self._dots: dict[str, QIcon] = {}

    def set_cases(self, cases: list[Case], now: datetime) -> None:
        self.beginResetModel()
        self.cases = cases
        self.now = now
        self.lights = [self.light(c) if self.light else None for c in cases]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.cases)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section])
        if role == Qt.ItemDataRole.ToolTipRole and section == REMAINING_COL:
            return tr(_LIGHT_RULE)
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        c = self.cases[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return c.number
            if col == 1:
                return f"{c.type_code} {self.type_names.get((c.kind.value, c.type_code), '')}"
            if col == 2:
                return texts.value_text("state", c.state.value)
            if col == 3:
                return texts.value_text("source", c.source.value)
            if col == 4:
                return texts.value_text("urgency", c.urgency.value)
            if col == 5:
                return c.grid_id.value
            if col == 6:
                return f"{c.reported_at:%m-%d %H:%M}"
            if col == DEADLINE_COL:
                return f"{c.deadline:%m-%d %H:%M}" if c.deadline else ""
            if col == REMAINING_COL:
                return remaining_text(c.deadline, self.now)
            return None
        light = self.lights[index.row()] if index.row() < len(self.lights) else None
        if role == LIGHT_ROLE:
            return light
        if col == REMAINING_COL and light in LIGHT_COLOURS:
            if role == Qt.ItemDataRole.DecorationRole:
                if light not in self._dots:
                    self._dots[light] = _dot(LIGHT_COLOURS[light])
                return self._dots[light]
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(LIGHT_TINTS[light]))
        if role == Qt.ItemDataRole.ToolTipRole and col in (DEADLINE_COL, REMAINING_COL):
            return "\n".join(t for t in (tr(_LIGHT_TIPS[light]) if light in _LIGHT_TIPS
                                         else "", tr(_LIGHT_RULE)) if t)
        if role == Qt.ItemDataRole.ForegroundRole and col in (DEADLINE_COL, REMAINING_COL) \
                and c.deadline:
            if light in LIGHT_TEXT:
                return QColor(LIGHT_TEXT[light])
            if light is not None:
                return None
            # No step clock to judge by (old rows): warn by wall-clock time left.
            left = (c.deadline - self.now).total_seconds()
            if left < 0:
                return QColor("#c62828")  # overdue
            if left < 2 * 3600:
                return QColor("#ef6c00")  # due within two hours
        return None


class CasePanel(QWidget):
    """Queues, the case list, the case detail with its photos, and the actor's actions.

    The tabs depend on the seat (department staff see only their queues). Actions that need
    input open a dialog through :meth:`run_dialog`; refusals from the service are shown as
    they are worded there.
    """

    case_selected = Signal(object)  # the selected Case (or None)
    case_changed = Signal(str)  # number of a case an action was applied to
    connection_lost = Signal(str)  # an action could not reach the server (kept for resend)

    def __init__(self, service: Any, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.actor = actor
        self.filters: dict[str, str] = {}
        self.queues: list[tuple[str, str]] = []  # the tabs shown for the current actor
        self.current_queue = QUEUES[0][0]
        self._shown: Case | None = None  # the case in the detail (selected or looked up)
        # (number, action, call) of a decision the server did not receive: sent again when
        # the operator picks the same action on the case (see _run).
        self._unsent: tuple[str, Action, Callable[[], object]] | None = None

        self.tabs = QTabBar()
        self.tabs.setObjectName("queueTabs")
        self.tabs.setExpanding(False)
        self.tabs.setUsesScrollButtons(True)  # ten queues must not force a wide window
        self.tabs.currentChanged.connect(self._on_tab)

        self.source_filter = QComboBox()
        self.source_filter.setObjectName("sourceFilter")
        self.source_filter.addItem(self.tr("All sources"), "")
        for s in CaseSource:
            self.source_filter.addItem(texts.value_text("source", s.value), s.value)
        self.urgency_filter = QComboBox()
        self.urgency_filter.setObjectName("urgencyFilter")
        self.urgency_filter.addItem(self.tr("All urgencies"), "")
        for u in Urgency:
            self.urgency_filter.addItem(texts.value_text("urgency", u.value), u.value)
        self.street_filter = QComboBox()
        self.street_filter.setObjectName("streetFilter")
        self.street_filter.addItem(self.tr("All streets"), "")
        for code, name in sorted(service.street_names().items()):
            self.street_filter.addItem(name, code)
        self.place_filter = QLineEdit()
        self.place_filter.setObjectName("placeFilter")
        self.place_filter.setClearButtonEnabled(True)
        self.place_filter.setMinimumWidth(90)  # with the video dock, 1000 px must still fit
        self.place_filter.setPlaceholderText(self.tr("Type code, community or grid id"))
        self.place_filter.setToolTip(self.place_filter.placeholderText())
        self.place_filter.editingFinished.connect(self._on_place_filter)
        for combo in (self.source_filter, self.urgency_filter, self.street_filter):
            # Short boxes that elide: the panel must fit between the side docks.
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(5)
        for combo, key in ((self.source_filter, "source"), (self.urgency_filter, "urgency"),
                           (self.street_filter, "street")):
            combo.currentIndexChanged.connect(
                lambda _i, c=combo, k=key: self._set_filter(k, c.currentData()))

        self.model = CaseTableModel(service.type_names(), light=service.light)
        self.table = QTableView()
        self.table.setObjectName("caseTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        self.detail = QTextBrowser()
        self.detail.setObjectName("caseDetail")
        self.photos = PhotoStrip(service)
        self.photos.setObjectName("photoStrip")
        self.photos.attached.connect(self._on_photos_attached)
        self.buttons_row = FlowLayout()
        self.action_buttons: dict[Action, QPushButton] = {}

        self.refresh_button = QPushButton(self.tr("Refresh (Ctrl+R)"))
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.clicked.connect(lambda: self.refresh(keep=self._shown_number()))
        refresh_key = QShortcut(QKeySequence("Ctrl+R"), self)
        refresh_key.activated.connect(self.refresh_button.click)

        filters = QHBoxLayout()
        filters.addWidget(self.refresh_button)
        filters.addStretch(1)
        filters.addWidget(self.street_filter)
        filters.addWidget(self.place_filter)
        filters.addWidget(self.source_filter)
        filters.addWidget(self.urgency_filter)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.tabs)
        tl.addWidget(self.table, 1)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.detail, 1)
        bl.addWidget(self.photos)
        bl.addLayout(self.buttons_row)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setSizes([760, 520])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(filters)  # across the whole panel: the splitter halves stay narrow
        lay.addWidget(split)

        self._shortcuts: list[QShortcut] = []
        for action, key in ACTION_KEYS.items():
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WindowShortcut)
            sc.activated.connect(lambda a=action: self._trigger(a))
            self._shortcuts.append(sc)
        self.set_actor(actor)

    # -- data -----------------------------------------------------------------------------
    def set_actor(self, actor: Actor) -> None:
        """Change the seat: department staff get their own queues; then reload."""
        self.actor = actor  # shown in the main window's seat box
        queues = self.queues_for(actor)
        if queues != self.queues:
            keys = [k for k, _ in queues]
            index = keys.index(self.current_queue) if self.current_queue in keys else 0
            self.tabs.blockSignals(True)  # one refresh below, not one per tab
            while self.tabs.count():
                self.tabs.removeTab(0)
            for _key, label in queues:
                self.tabs.addTab(tr(label))
            self.tabs.setCurrentIndex(index)
            self.tabs.blockSignals(False)
            self.queues = queues
            self.current_queue = keys[index]
        self.refresh()

    @staticmethod
    def queues_for(actor: Actor) -> list[tuple[str, str]]:
        """The queue tabs meaningful to ``actor``'s role."""
        if actor.role is Role.DEPARTMENT:
            return [q for q in QUEUES if q[0] in DEPARTMENT_QUEUES]
        return list(QUEUES)

    def open_queue(self, key: str) -> bool:
        """Switch to queue ``key``; False if the seat does not have that queue."""
        keys = [k for k, _ in self.queues]
        if key not in keys:
            return False
        if self.tabs.currentIndex() == keys.index(key):
            self.refresh()
        else:
            self.tabs.setCurrentIndex(keys.index(key))
        return True

    def _set_filter(self, key: str, value: str) -> None:
        if value:
            self.filters[key] = value
        else:
            self.filters.pop(key, None)
        self.refresh()

    def _on_place_filter(self) -> None:
        """5 digits: a type code; 12: a community; 15: a unit grid; empty: no filter."""
        text = self.place_filter.text().strip()
        keys = {5: "type_code", 12: "community", 15: "grid"}
        changed = False
        for key in keys.values():
            changed |= self.filters.pop(key, None) is not None
        if text and len(text) in keys and text.isalnum():
            self.filters[keys[len(text)]] = text
            changed = True
        if changed:
            self.refresh()

    def _on_tab(self, index: int) -> None:
        if 0 <= index < len(self.queues):
            self.current_queue = self.queues[index][0]
            self.refresh()

    def refresh(self, keep: str | None = None) -> None:
        """Reload counts and the current queue; keep ``keep`` in the detail.

        A kept case that has left the queue (it was just dispatched, say) stays in the detail
        in its new state, so the user sees what the action did.
        """
        counts = self.service.queue_counts(self.actor, self.filters)
        for i, (key, label) in enumerate(self.queues):
            self.tabs.setTabText(i, f"{tr(label)} {counts.get(key, 0)}")
        cases = self.service.queue(self.actor, self.current_queue, self.filters, limit=500)
        self.model.set_cases(cases, self.service.now())
        if keep:
            self.select_number(keep)
        else:
            self._show(None)

    def refresh_live(self, changes: Sequence[Any]) -> None:
        """Other seats changed cases (``CaseChange`` objects): update counts and the queue
        in place — same selection, same scroll position — and reload the detail only when
        the case in it is one of those that changed."""
        numbers = {c.number for c in changes if c.number}
        bulk = any(c.bulk for c in changes)
        shown = self._shown_number()
        scroll = self.table.verticalScrollBar().value()
        counts = self.service.queue_counts(self.actor, self.filters)
        for i, (key, label) in enumerate(self.queues):
            self.tabs.setTabText(i, f"{tr(label)} {counts.get(key, 0)}")
        cases = self.service.queue(self.actor, self.current_queue, self.filters, limit=500)
        sel = self.table.selectionModel()
        sel.blockSignals(True)
        try:
            self.model.set_cases(cases, self.service.now())
            self.table.clearSelection()
            for r, c in enumerate(self.model.cases):
                if c.number == shown:
                    self.table.selectRow(r)
                    break
        finally:
            sel.blockSignals(False)
        self.table.verticalScrollBar().setValue(scroll)
        self.table.viewport().update()
        if shown and (bulk or shown in numbers):
            self.show_case(shown)

    def select_number(self, number: str) -> bool:
        """Select case ``number`` in the current queue; True if it is there.

        A case outside the queue is shown in the detail (without a table row), or, if the
        seat may not see it, the refusal is shown plainly instead.
        """
        for r, c in enumerate(self.model.cases):
            if c.number == number:
                self.table.selectRow(r)
                return True
        sel = self.table.selectionModel()
        sel.blockSignals(True)
        self.table.clearSelection()
        sel.blockSignals(False)
        self.show_case(number)
        return False

    def show_case(self, number: str) -> bool:
        """Show case ``number`` in the detail; False (and the reason shown) if not possible."""
        try:
            case = self.service.get(self.actor, number)
        except DomainError as exc:  # not visible to this seat, or no such case
            self._show(None, notice=str(exc))
            return False
        self._show(case)
        return True

    def _shown_number(self) -> str | None:
        return self._shown.number if self._shown else None

    def shown_case(self) -> Case | None:
        """The case in the detail (the selected row, or a case looked up by number)."""
        return self._shown

    def selected_case(self) -> Case | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.cases[rows[0].row()] if rows else None

    def _on_selection(self, *_: object) -> None:
        case = self.selected_case()
        self._show(case)
        self.case_selected.emit(case)

    # -- detail ---------------------------------------------------------------------------
    def _show(self, case: Case | None, notice: str = "") -> None:
        self._shown = case
        for b in self.action_buttons.values():
            self.buttons_row.removeWidget(b)
            b.deleteLater()
        self.action_buttons.clear()
        if case is None:
            self.photos.set_case(None, None)
            if notice:
                self.detail.setHtml(f"<p style='color:#c62828'>{html.escape(notice)}</p>")
            else:
                hint = self.tr("Select a case")  # outside the f-string, where lupdate sees it
                self.detail.setHtml(f"<p style='color:#777'>{hint}</p>")
            return
        allowed = self.service.allowed_actions(self.actor, case.number)
        self.detail.setHtml(self._detail_html(case))
        self.photos.set_case(self.actor, case.number, can_attach=Action.ATTACH in allowed)
        for action in allowed:
            if action in _OWN_WIDGETS:
                continue
            key = ACTION_KEYS.get(action)
            b = QPushButton(action_text(action) + (f"  ({key})" if key else ""))
            b.setObjectName(f"action_{action.value}")
            b.clicked.connect(lambda _=False, a=action: self._trigger(a))
            self.buttons_row.addWidget(b)
            self.action_buttons[action] = b

    def _detail_html(self, case: Case) -> str:
        esc = html.escape
        rows = []
        for e in self.service.timeline(self.actor, case.number):
            n = len(e.details.get("attachments") or ())
            clip = f" 📎{n}" if n else ""
            rows.append(
                f"<tr><td>{e.at:%m-%d %H:%M}</td><td>{esc(action_text(e.action))}{clip}</td>"
                f"<td>{esc(e.actor_login)}</td>"
                f"<td>{texts.value_text('state', e.to_state.value)}</td>"
                f"<td>{esc(e.note or str(e.details.get('reason', '')))}</td></tr>")
        deadline = f"{case.deadline:%Y-%m-%d %H:%M}" if case.deadline else "—"
        light = self.service.light(case)
        if light in LIGHT_COLOURS:
            deadline = (f"<span style='color:{LIGHT_COLOURS[light]}'>●</span> {deadline} "
                        f"({remaining_text(case.deadline, self.service.now())})")
        dept = ""
        if case.dept_code:
            name = self.service.department_names().get(case.dept_code, case.dept_code)
            label = self.tr("Handling department")
            dept = f"{label}: {esc(name)} &nbsp; "
        return (f"<h3>{case.number} · {texts.value_text('state', case.state.value)}</h3>"
                f"<p>{esc(case.description)}</p>"
                f"<p>{texts.field_label('grid')}: {case.grid_id.value} &nbsp; {dept}"
                f"{texts.field_label('deadline')}: {deadline} &nbsp; "
                f"{texts.field_label('level')}: {texts.value_text('level', case.level.value)}"
                f"</p><table cellspacing='4'>{''.join(rows)}</table>")

    def _on_photos_attached(self, number: str) -> None:
        self.case_changed.emit(number)
        self.refresh(keep=number)

    # -- actions --------------------------------------------------------------------------
    def run_dialog(self, dialog: QDialog) -> bool:
        """Run ``dialog`` modally; True when accepted.

        The one place the panel blocks on a dialog: tests replace it to fill the dialog and
        accept it (``panel.run_dialog = driver``) without a nested event loop.
        """
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _trigger(self, action: Action) -> None:
        case = self._shown
        if case is None:
            return
        if action is Action.ATTACH:
            if self.photos.attach_button.isVisible() and self.photos.attach_button.isEnabled():
                self.photos.attach_button.click()
            return
        if action not in self.action_buttons:
            return
        kept = self._unsent
        if kept is not None and kept[0] == case.number and kept[1] is action:
            # The decision typed before the connection broke: send it again, same op id.
            self._run(case.number, action, kept[2])
            return
        if action is Action.REGISTER and self._offer_duplicates(case):
            return
        kwargs = self._ask(action, case)
        if kwargs is None:
            return
        op_id = str(uuid.uuid4())  # one per decision: a resend is recognised, not re-applied
        self._run(case.number, action, lambda: self.service.act(
            self.actor, case.number, action, op_id=op_id, **kwargs))

    def ask_retry(self, title: str, message: str) -> bool:
        """Ask whether to send an operation again now; tests replace it."""
        return QMessageBox.question(
            self, title, message,
            QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Retry) == QMessageBox.StandardButton.Retry

    def _run(self, number: str, action: Action, call: Callable[[], object]) -> bool:
        """Call the service; show a refusal plainly; reload keeping ``number`` shown.

        When the server cannot be reached the decision is kept (not lost): the operator can
        retry now, or later by choosing the same action on the case again; the service
        re-checks by the operation id, so the action is applied exactly once.
        """
        while True:
            try:
                call()
            except ConnectionLostError as exc:
                self._unsent = (number, action, call)
                self.connection_lost.emit(str(exc))
                if self.ask_retry(action_text(action), self.tr(
                        "The database server cannot be reached. Your decision on case %1 "
                        "is kept and has not been lost.\n\nSend it again now? (Or later: "
                        "choose the same action on the case again.)").replace("%1", number)):
                    continue
                return False
            except DomainError as exc:
                self._unsent = None
                QMessageBox.warning(self, action_text(action), str(exc))
                ok = False
            else:
                self._unsent = None
                self.case_changed.emit(number)
                ok = True
            break
        self.refresh(keep=number)
        return ok

    def _case_label(self, case: Case) -> str:
        name = self.model.type_names.get((case.kind.value, case.type_code), "")
        return html.escape(f"{case.number} · {case.type_code} {name}")

    def _collect(self, dialog: QDialog,
                 read: Callable[[], dict[str, Any]]) -> dict[str, Any] | None:
        """Run ``dialog``; ``read()`` its answers when accepted, None when cancelled."""
        try:
            return read() if self.run_dialog(dialog) else None
        finally:
            dialog.deleteLater()

    def _ask(self, action: Action, case: Case) -> dict[str, Any] | None:
        """Collect what ``action`` needs through its dialog; None when cancelled."""
        title = f"{action_text(action)} · {case.number}"
        if action in (Action.DISPATCH, Action.REDISPATCH):
            return self._ask_dispatch(action, case, title)
        if action is Action.REQUEST_EXTENSION:
            ext = ExtensionDialog(title, working_time=self._working_limit(case, case.state),
                                  parent=self)
            return self._collect(ext, lambda: {"extension_hours": ext.hours(),
                                               "reason": ext.reason()})
        if action is Action.APPROVE_EXTENSION:
            flow = self.service.flow(self.actor, case.number)
            ext = ExtensionDialog(title, approve=True,
                                  requested_hours=flow.pending_extension_hours,
                                  working_time=self._working_limit(case, case.state),
                                  parent=self)
            return self._collect(ext, lambda: {"extension_hours": ext.hours(),
                                               "note": ext.reason()})
        if action is Action.CALLBACK:
            names = self.service.department_names()
            dept = names.get(case.dept_code or "", case.dept_code or "—")
            cb = CallbackDialog(title, self._case_label(case), dept, parent=self)
            return self._collect(cb, lambda: {"satisfied": cb.satisfied(), "note": cb.note()})
        if action is Action.HANDLE:
            hd = HandleDialog(title, self._case_label(case), parent=self)
            return self._collect(hd, lambda: {"note": hd.note(), "photos": hd.photos()})
        if action in REASON_ACTIONS:
            rd = ReasonDialog(title, tr(_REASON_PROMPTS[action]), parent=self)
            return self._collect(rd, lambda: {"reason": rd.reason()})
        return {}

    def _working_limit(self, case: Case, state: Any) -> bool:
        """Whether the step measured in ``state`` has a working-time limit."""
        step = STEP_OF_STATE.get(state)
        if step is None:
            return True
        return LimitUnit(self.service.limits.limit_for(case.type_code, step).unit).is_working

    def _ask_dispatch(self, action: Action, case: Case, title: str) -> dict[str, Any] | None:
        try:
            suggested, why = self.service.suggest_department(case)
        except DomainError as exc:  # no department answers: the dispatcher must choose
            suggested, why = None, str(exc)
        try:
            deadline = self.service.preview_deadline(self.actor, case.number, action)
        except DomainError:  # act() will refuse and say why; the dialog just shows no deadline
            deadline = None
        now = self.service.now()
        target = TRANSITIONS[(case.state, action)][0] or case.state
        working = self._working_limit(case, target)
        left = ""
        if deadline is not None:
            if working:
                unit = self.service.limits.limit_for(case.type_code, STEP_OF_STATE[target]).unit
                left = hours_text(remaining(deadline, now, self.service.calendar, unit))
            else:
                left = remaining_text(deadline, now)
        dlg = DispatchDialog(
            title, self._case_label(case), self.service.department_names(), suggested, why,
            deadline, left, working_time=working,
            exclude=case.dept_code if action is Action.REDISPATCH else None, parent=self)
        answer = self._collect(dlg, lambda: {"dept_code": dlg.selected_code(),
                                             "note": dlg.note()})
        return answer if answer and answer["dept_code"] else None

    def _offer_duplicates(self, case: Case) -> bool:
        """Before 受理: offer likely duplicates. True when registration is settled here
        (merged, or the dialog was cancelled); False to register the case as usual."""
        duplicates = self.service.duplicates_of(self.actor, case.number)
        if not duplicates:
            return False
        dlg = DuplicatesDialog(case, duplicates, self.model.type_names, parent=self)
        answer = self._collect(dlg, lambda: {"choice": dlg.choice(), "into": dlg.into()})
        if answer is None:
            return True
        if answer["choice"] != DuplicatesDialog.MERGE:
            return False
        into = answer["into"]
        assert into is not None
        if self._run(case.number, Action.MERGE,
                     lambda: self.service.merge(self.actor, case.number, into)):
            self.case_changed.emit(into)
        return True
