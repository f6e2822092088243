"""Evaluation dock (考核评价): a period, one table per evaluated kind, and drill-down.

Rates show as "num/den = x %", grades A–E are colour-coded. Double-clicking a rate lists the
cases behind its numerator (``EvaluationService.drill_down``); double-clicking a case opens it
in the case panel. The evaluation (~16 s for a district month) and drill-downs run on a
``Worker``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.workers import Worker

GRADE_COLOURS = {"A": "#1a9850", "B": "#91cf60", "C": "#fee08b", "D": "#fc8d59", "E": "#d73027"}
# Evaluation attribute, entity kind (for drill-down) and tab title.
TABS = (("supervisors", "supervisor", "监督员"), ("operators", "operator", "受理员"),
        ("shift_leaders", "shift_leader", "值班长"), ("dispatchers", "dispatcher", "派遣员"),
        ("departments", "department", "专业部门"), ("streets", "street", "街道"),
        ("communities", "community", "社区"), ("grids", "grid", "网格"))
# Indicator key -> the count behind its numerator (where the names differ).
NUMERATOR = {"valid_rate": "reports_valid", "verify_on_time": "verifies_on_time",
             "check_on_time": "checks_on_time", "file_on_time": "filed_on_time",
             "file_accurate": "filed", "close_rate": "closed", "handle_on_time": "handled_on_time",
             "rework_rate": "reworked", "handle_rate": "handled",
             "supervision_rate": "filed_supervision", "close_on_time": "closed_on_time"}


def rate_text(rate: Any) -> str:
    if rate is None:
        return ""
    p = rate.percent
    return f"{rate.num}/{rate.den} = " + ("–" if p is None else f"{p:.1f} %")


class EvaluationPanel(QWidget):
    computed = Signal()

    def __init__(self, service: Any, window: Any | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.window = window
        self.evaluation: Any = None
        self._worker: Worker | None = None
        self.start_edit, self.end_edit = QDateEdit(), QDateEdit()
        for e in (self.start_edit, self.end_edit):
            e.setCalendarPopup(True)
            e.setDisplayFormat("yyyy-MM-dd")
        self.start_edit.setObjectName("evalStart")
        self.end_edit.setObjectName("evalEnd")
        self.end_edit.setToolTip(self.tr("Last day of the period (included)"))
        first = date.today().replace(day=1)
        prev = (first - timedelta(days=1)).replace(day=1)
        self.start_edit.setDate(QDate(prev.year, prev.month, 1))
        last = first - timedelta(days=1)
        self.end_edit.setDate(QDate(last.year, last.month, last.day))
        self.run_button = QPushButton(self.tr("Evaluate"))
        self.run_button.setObjectName("evalRun")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.status = QLabel()
        top = QHBoxLayout()
        for w in (QLabel(self.tr("From")), self.start_edit, QLabel(self.tr("to")),
                  self.end_edit, self.run_button, self.busy):
            top.addWidget(w)
        top.addWidget(self.status, 1)
        self.tabs = QTabWidget()
        self.tables: dict[str, QTableWidget] = {}
        for attr, _kind, title in TABS:
            t = QTableWidget(0, 0)
            t.setObjectName(f"eval_{attr}")
            t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
            t.verticalHeader().hide()
            t.cellDoubleClicked.connect(lambda r, c, a=attr: self.drill(a, r, c))
            self.tables[attr] = t
            self.tabs.addTab(t, title)
        self.cases = QListWidget()
        self.cases.setObjectName("evalCases")
        self.cases.itemDoubleClicked.connect(lambda it: self._open_case(it.text()))
        self.cases_label = QLabel(self.tr("Double-click a rate to list its cases"))
        self.cases_label.setWordWrap(True)
        side = QWidget()
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.cases_label)
        sl.addWidget(self.cases, 1)
        split = QSplitter()
        split.addWidget(self.tabs)
        split.addWidget(side)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        self.run_button.clicked.connect(self.compute)

    def period(self) -> tuple[date, date]:
        """``(start, end)``, end exclusive (the day after the chosen last day)."""
        s, e = self.start_edit.date(), self.end_edit.date()
        return (date(s.year(), s.month(), s.day()),
                date(e.year(), e.month(), e.day()) + timedelta(days=1))

    def start_if_idle(self) -> None:
        if self.evaluation is None and self._worker is None:
            self.compute()

    def _run(self, fn: Any, done: Any) -> None:
        self.busy.show()
        self.run_button.setEnabled(False)
        self._worker = Worker(fn, parent=self)
        self._worker.done.connect(lambda r: (self._idle(), done(r)))
        self._worker.failed.connect(lambda m: (self._idle(), self.status.setText(m)))
        self._worker.start()

    def _idle(self) -> None:
        self._worker = None
        self.busy.hide()
        self.run_button.setEnabled(True)

    def compute(self) -> None:
        if self._worker is not None:
            return
        start, end = self.period()
        self.status.setText(self.tr("Evaluating…"))
        self._run(lambda: self.service.evaluate(start, end), self._on_done)

    def _on_done(self, ev: Any) -> None:
        self.evaluation = ev
        self.status.setText(f"{ev.start} – {ev.end - timedelta(days=1)}")
        for attr, _kind, _t in TABS:
            self._fill(self.tables[attr], getattr(ev, attr))
        self.computed.emit()

    def _fill(self, table: QTableWidget, rows: list[Any]) -> None:
        inds = [i for i in rows[0].indicators] if rows else []
        heads = [self.tr("Id"), self.tr("Name"), self.tr("Score"), self.tr("Grade")] + \
            [i.label_zh for i in inds]
        table.setColumnCount(len(heads))
        table.setHorizontalHeaderLabels(heads)
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            score = "" if row.score is None else f"{row.score:.2f}"
            cells = [row.id, row.name, score, row.grade]
            for ind in row.indicators:
                cells.append(rate_text(ind.rate) if ind.rate is not None
                             else ("" if ind.count is None else f"{ind.count:,}"))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 3 and row.grade in GRADE_COLOURS:
                    item.setBackground(QBrush(QColor(GRADE_COLOURS[row.grade])))
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if c >= 4:
                    item.setData(Qt.ItemDataRole.UserRole, row.indicators[c - 4].key)
                table.setItem(r, c, item)
        table.resizeColumnsToContents()

    def count_for(self, kind: str, entity_id: str, key: str) -> str | None:
        """Name of the count behind an indicator's numerator."""
        if key in NUMERATOR:
            return NUMERATOR[key]
        counts = (self.evaluation.counts or {}).get(kind, {}).get(entity_id, {}) \
            if self.evaluation is not None else {}
        return key if key in counts else None

    def drill(self, attr: str, row: int, col: int) -> None:
        if self.evaluation is None or col < 4 or self._worker is not None:
            return
        kind = next(k for a, k, _t in TABS if a == attr)
        entity = getattr(self.evaluation, attr)[row]
        key = self.tables[attr].item(row, col).data(Qt.ItemDataRole.UserRole)
        count = self.count_for(kind, entity.id, key)
        if count is None:
            self.cases_label.setText(self.tr("No case list for this figure"))
            return
        start, end = self.evaluation.start, self.evaluation.end
        label = f"{entity.name} · {entity.indicator(key).label_zh}"

        def show(numbers: list[str]) -> None:
            self.cases.clear()
            self.cases.addItems(numbers)
            self.cases_label.setText(f"{label}: {len(numbers):,}")

        self._run(lambda: self.service.drill_down(kind, entity.id, count, start, end), show)

    def _open_case(self, number: str) -> None:
        if self.window is not None:
            self.window.case_panel.show_case(number)
