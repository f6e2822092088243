"""Command-centre panel: queues with live counts, the case list, its detail and actions.

The panel talks only to ``app.services.cases.CaseService``; every action goes through the
service, which enforces the workflow and the role rules and records the event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
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

from app.domain.case import Case, CaseSource, Urgency
from app.domain.errors import DomainError
from app.domain.workflow import Action, Actor
from app.ui import texts
from app.ui.texts import QT_TRANSLATE_NOOP, tr

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

# Operators' keys: the loop's main steps on F-keys, exceptions on Ctrl+letter.
ACTION_KEYS: dict[Action, str] = {
    Action.REGISTER: "F2", Action.SEND_VERIFY: "Ctrl+Shift+V", Action.FILE: "F3",
    Action.DISPATCH: "F4", Action.HANDLE: "F5", Action.SEND_CHECK: "F6",
    Action.CHECK_PASS: "F7", Action.CHECK_FAIL: "Shift+F7", Action.CLOSE: "F8",
    Action.VOID: "Ctrl+Shift+D", Action.URGE: "Ctrl+U", Action.ESCALATE: "Ctrl+E",
    Action.RETURN_CASE: "Ctrl+Shift+R", Action.REQUEST_EXTENSION: "Ctrl+Shift+E",
    Action.REQUEST_PARK: "Ctrl+Shift+P", Action.RESUME: "Ctrl+Shift+U",
}
_NEEDS_TEXT = {Action.VOID, Action.RETURN_CASE, Action.REQUEST_EXTENSION, Action.REQUEST_PARK,
               Action.URGE, Action.ESCALATE, Action.REJECT_RETURN, Action.REJECT_EXTENSION,
               Action.CHECK_FAIL}

COLUMNS = [QT_TRANSLATE_NOOP("Texts", "Case number"), QT_TRANSLATE_NOOP("Texts", "Type"),
           QT_TRANSLATE_NOOP("Texts", "State"), QT_TRANSLATE_NOOP("Texts", "Source"),
           QT_TRANSLATE_NOOP("Texts", "Urgency"), QT_TRANSLATE_NOOP("Texts", "Unit grid"),
           QT_TRANSLATE_NOOP("Texts", "Reported at"), QT_TRANSLATE_NOOP("Texts", "Deadline"),
           QT_TRANSLATE_NOOP("Texts", "Remaining")]


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


class CaseTableModel(QAbstractTableModel):
    def __init__(self, type_names: dict[tuple[str, str], str]) -> None:
        super().__init__()
        self.cases: list[Case] = []
        self.type_names = type_names
        self.now = datetime.now()

    def set_cases(self, cases: list[Case], now: datetime) -> None:
        self.beginResetModel()
        self.cases = cases
        self.now = now
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.cases)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section])
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
            if col == 7:
                return f"{c.deadline:%m-%d %H:%M}" if c.deadline else ""
            if col == 8:
                return remaining_text(c.deadline, self.now)
        if role == Qt.ItemDataRole.ForegroundRole and col in (7, 8) and c.deadline:
            left = (c.deadline - self.now).total_seconds()
            if left < 0:
                return QColor("#c62828")  # overdue
            if left < 2 * 3600:
                return QColor("#ef6c00")  # due within two hours
        return None


class CasePanel(QWidget):
    case_selected = Signal(object)  # the selected Case (or None)
    case_changed = Signal(str)  # number of a case an action was applied to

    def __init__(self, service: Any, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.actor = actor
        self.filters: dict[str, str] = {}
        self.current_queue = QUEUES[0][0]

        self.tabs = QTabBar()
        self.tabs.setObjectName("queueTabs")
        self.tabs.setExpanding(False)
        self.tabs.setUsesScrollButtons(True)  # ten queues must not force a wide window
        for _key, label in QUEUES:
            self.tabs.addTab(tr(label))
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
        self.place_filter.setMinimumWidth(120)
        self.place_filter.setPlaceholderText(self.tr("Type code, community or grid id"))
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

        self.model = CaseTableModel(service.type_names())
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
        self.buttons_row = QHBoxLayout()
        self.action_buttons: dict[Action, QPushButton] = {}

        self.refresh_button = QPushButton(self.tr("Refresh (Ctrl+R)"))
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.clicked.connect(lambda: self.refresh(keep=self._selected_number()))
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
        self.actor = actor  # shown in the main window's seat box
        self.refresh()

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
        self.current_queue = QUEUES[index][0]
        self.refresh()

    def refresh(self, keep: str | None = None) -> None:
        """Reload counts and the current queue; keep the selection on ``keep`` if present."""
        counts = self.service.queue_counts(self.actor, self.filters)
        for i, (key, label) in enumerate(QUEUES):
            self.tabs.setTabText(i, f"{tr(label)} {counts.get(key, 0)}")
        cases = self.service.queue(self.actor, self.current_queue, self.filters, limit=500)
        self.model.set_cases(cases, self.service.now())
        if keep:
            self.select_number(keep)
        else:
            self._show(None)

    def select_number(self, number: str) -> bool:
        for r, c in enumerate(self.model.cases):
            if c.number == number:
                self.table.selectRow(r)
                return True
        return False

    def _selected_number(self) -> str | None:
        case = self.selected_case()
        return case.number if case else None

    def selected_case(self) -> Case | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.cases[rows[0].row()] if rows else None

    def _on_selection(self, *_: object) -> None:
        case = self.selected_case()
        self._show(case)
        self.case_selected.emit(case)

    # -- detail and actions ---------------------------------------------------------------
    def _show(self, case: Case | None) -> None:
        for b in self.action_buttons.values():
            self.buttons_row.removeWidget(b)
            b.deleteLater()
        self.action_buttons.clear()
        if case is None:
            self.detail.setHtml(f"<p style='color:#777'>{self.tr('Select a case')}</p>")
            return
        events = self.service.timeline(self.actor, case.number)
        rows = "".join(
            f"<tr><td>{e.at:%m-%d %H:%M}</td><td>{texts.action_text(e.action)}</td>"
            f"<td>{e.actor_login}</td><td>{texts.value_text('state', e.to_state.value)}</td>"
            f"<td>{e.note}</td></tr>" for e in events)
        deadline = f"{case.deadline:%Y-%m-%d %H:%M}" if case.deadline else "—"
        self.detail.setHtml(
            f"<h3>{case.number} · {texts.value_text('state', case.state.value)}</h3>"
            f"<p>{case.description}</p>"
            f"<p>{texts.field_label('grid')}: {case.grid_id.value} &nbsp; "
            f"{texts.field_label('deadline')}: {deadline} &nbsp; "
            f"{texts.field_label('level')}: {texts.value_text('level', case.level.value)}</p>"
            f"<table cellspacing='4'>{rows}</table>")
        for action in self.service.allowed_actions(self.actor, case.number):
            key = ACTION_KEYS.get(action)
            b = QPushButton(texts.action_text(action) + (f"  ({key})" if key else ""))
            b.setObjectName(f"action_{action.value}")
            b.clicked.connect(lambda _=False, a=action: self._trigger(a))
            self.buttons_row.addWidget(b)
            self.action_buttons[action] = b

    def _trigger(self, action: Action) -> None:
        case = self.selected_case()
        if case is None or action not in self.action_buttons:
            return
        kwargs: dict[str, Any] = {}
        if action in (Action.DISPATCH, Action.REDISPATCH):
            dept, reason = self.service.suggest_department(case)
            names = self.service.department_names()
            items = [f"{names.get(dept, dept)}  [{dept}]"] + [
                f"{n}  [{c}]" for c, n in sorted(names.items()) if c != dept]
            choice, ok = QInputDialog.getItem(
                self, texts.action_text(action),
                self.tr("Suggested: %1").replace("%1", reason), items, 0, False)
            if not ok:
                return
            kwargs["dept_code"] = choice.rsplit("[", 1)[1].rstrip("]")
        elif action in _NEEDS_TEXT:
            text, ok = QInputDialog.getText(self, texts.action_text(action), self.tr("Reason:"))
            if not ok or not text.strip():
                return
            kwargs["reason"] = text.strip()
        try:
            self.service.act(self.actor, case.number, action, **kwargs)
        except DomainError as exc:
            QMessageBox.warning(self, texts.action_text(action), str(exc))
        else:
            self.case_changed.emit(case.number)
        self.refresh(keep=case.number)
