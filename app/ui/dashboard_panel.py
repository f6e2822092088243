"""Trends dashboard dock (趋势) and ``install_dashboard``, which adds every analysis dock.

The panel computes off the GUI thread (``Worker``) and draws four pyqtgraph charts over one
date axis: volume (bars), on-time closure rate, mean handling time and backlog. Clicking a
day emits ``day_selected(date, street_code | None, major | None)``; ``install_dashboard``
connects it to the map and the queue: the case panel has no date filter, so the day's cases
are drawn on a ``trend_day`` point layer above the cases layer, and a street breakdown also
sets the queue's street filter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.map.layers.base import LayerStyle
from app.map.layers.point import PointLayer
from app.services.trends import Trends, TrendService
from app.ui.workers import Worker
from app.ui.widgets import scrollable

DAY_S = 86_400
WINDOWS = (30, 60, 90, 180)


def day_x(d: date | np.datetime64) -> float:
    """Epoch seconds (UTC) of a day's midnight: the x of the date axis."""
    if isinstance(d, np.datetime64):
        return float(d.astype("datetime64[s]").astype(np.int64))
    return datetime(d.year, d.month, d.day, tzinfo=timezone.utc).timestamp()


def _finite(a: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(a), a, np.nan)


class DashboardPanel(QWidget):
    """Daily trends of a window, overall or for one street / major class / type."""

    day_selected = Signal(object, object, object)  # date, street code | None, major | None
    computed = Signal()

    def __init__(self, service: TrendService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.trends: Trends | None = None
        self._worker: Worker | None = None
        self._pending = False

        self.window_box = QComboBox()
        self.window_box.setObjectName("trendWindow")
        for n in WINDOWS:
            self.window_box.addItem(self.tr("Last %1 days").replace("%1", str(n)), n)
        self.window_box.setCurrentIndex(WINDOWS.index(90))
        self.end_edit = QDateEdit()
        self.end_edit.setObjectName("trendEnd")
        self.end_edit.setCalendarPopup(True)
        self.end_edit.setDisplayFormat("yyyy-MM-dd")
        self.end_edit.setToolTip(self.tr("Last day of the window"))
        self.by_box = QComboBox()
        self.by_box.setObjectName("trendBreakdown")
        for key, label in (("all", self.tr("All cases")), ("major", self.tr("By major class")),
                           ("street", self.tr("By street")), ("type", self.tr("By type"))):
            self.by_box.addItem(label, key)
        self.key_box = QComboBox()
        self.key_box.setObjectName("trendKey")
        self.key_box.setMinimumWidth(140)
        self.key_box.setEnabled(False)
        self.refresh_button = QPushButton(self.tr("Compute"))
        self.refresh_button.setObjectName("trendCompute")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # indeterminate: a busy indicator
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.summary = QLabel()
        self.summary.setObjectName("trendSummary")

        top = QHBoxLayout()
        for w in (self.window_box, self.end_edit, self.by_box, self.key_box,
                  self.refresh_button, self.busy):
            top.addWidget(w)
        top.addWidget(self.summary, 1)

        self.plots = pg.GraphicsLayoutWidget()
        self.plots.setObjectName("trendPlots")
        self.plots.setBackground("w")
        self.plot_volume = self._plot(0, 0, self.tr("Volume (cases reported)"))
        self.plot_rate = self._plot(0, 1, self.tr("On-time closure rate (%)"))
        self.plot_hours = self._plot(1, 0, self.tr("Mean handling time (h)"))
        self.plot_backlog = self._plot(1, 1, self.tr("Backlog (open at end of day)"))
        self.plot_rate.setYRange(0, 100, padding=0.02)
        for p in (self.plot_rate, self.plot_hours, self.plot_backlog):
            p.setXLink(self.plot_volume)
        self.bars: pg.BarGraphItem | None = None
        self.marker_lines: list[pg.InfiniteLine] = []
        self.plots.scene().sigMouseClicked.connect(self._on_scene_clicked)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.plots, 1)

        self.refresh_button.clicked.connect(self.compute)
        self.window_box.currentIndexChanged.connect(lambda _i: self.compute())
        self.by_box.currentIndexChanged.connect(lambda _i: self.compute())
        self.key_box.currentIndexChanged.connect(lambda _i: self._draw())

    def _plot(self, row: int, col: int, title: str) -> pg.PlotItem:
        p = self.plots.addPlot(row=row, col=col, title=title,
                               axisItems={"bottom": pg.DateAxisItem(utcOffset=0)})
        p.showGrid(x=False, y=True, alpha=0.25)
        p.setMenuEnabled(False)
        p.getViewBox().setMouseEnabled(x=True, y=False)
        return p

    # -- computing ----------------------------------------------------------------------
    def window(self) -> tuple[date, date]:
        """``(start, end)`` of the chosen window, end exclusive."""
        if not self.end_edit.property("set"):
            last = self.service.last_day()
            self.end_edit.setDate(QDate(last.year, last.month, last.day))
            self.end_edit.setProperty("set", True)
        q = self.end_edit.date()
        end = date(q.year(), q.month(), q.day()) + timedelta(days=1)
        return end - timedelta(days=int(self.window_box.currentData())), end

    @property
    def breakdown(self) -> str:
        return str(self.by_box.currentData())

    @property
    def busy_now(self) -> bool:
        return self._worker is not None

    def compute(self) -> None:
        """Recompute in the background; a request while busy runs once the current ends."""
        if self._worker is not None:
            self._pending = True
            return
        start, end = self.window()
        by = self.breakdown
        self.busy.show()
        self.refresh_button.setEnabled(False)
        self.summary.setText(self.tr("Computing…"))
        self._worker = Worker(lambda: self.service.trends(start, end, by), parent=self)
        self._worker.done.connect(self._on_done)
        self._worker.failed.connect(self._on_failed)
        self._worker.start()

    def _finish(self) -> None:
        self._worker = None
        self.busy.hide()
        self.refresh_button.setEnabled(True)
        if self._pending:
            self._pending = False
            self.compute()

    def _on_done(self, trends: Trends) -> None:
        self.trends = trends
        self.key_box.blockSignals(True)
        self.key_box.clear()
        if trends.by != "all":
            self.key_box.addItem(self.tr("All"), "")
            for k in trends.keys:
                self.key_box.addItem(f"{trends.label(k)} ({trends.series[k].total_volume:,})", k)
        self.key_box.setEnabled(trends.by != "all")
        self.key_box.blockSignals(False)
        self._draw()
        self._finish()
        self.computed.emit()

    def _on_failed(self, message: str) -> None:
        self.summary.setText(self.tr("Trends failed: %1").replace("%1", message))
        self._finish()

    # -- drawing ------------------------------------------------------------------------
    @property
    def current_key(self) -> str:
        return str(self.key_box.currentData() or "")

    def current_series(self):  # type: ignore[no-untyped-def]
        t = self.trends
        if t is None:
            return None
        key = self.current_key
        return t.series[key] if key and key in t.series else t.overall

    def _draw(self) -> None:
        s = self.current_series()
        for p in (self.plot_volume, self.plot_rate, self.plot_hours, self.plot_backlog):
            p.clear()
        self.marker_lines = []
        if s is None or len(s.days) == 0:
            return
        x0 = np.array([day_x(d) for d in s.days])
        mid = x0 + DAY_S / 2
        self.bars = pg.BarGraphItem(x=mid, height=s.volume.astype(float), width=DAY_S * 0.8,
                                    brush="#2c7fb8", pen=None)
        self.plot_volume.addItem(self.bars)
        rate = _finite(s.on_time_rate * 100.0)
        self.plot_rate.plot(mid, rate, pen=pg.mkPen("#1a9850", width=2), symbol="o",
                            symbolSize=4, symbolBrush="#1a9850", connect="finite")
        self.plot_hours.plot(mid, _finite(s.mean_hours), pen=pg.mkPen("#d95f02", width=2),
                             connect="finite")
        self.plot_backlog.plot(mid, s.backlog.astype(float), pen=pg.mkPen("#7a4f9a", width=2),
                               fillLevel=0, brush=(122, 79, 154, 50))
        self.plot_volume.setXRange(x0[0], x0[-1] + DAY_S, padding=0.01)
        ot, judged = s.window_rate()
        t = self.trends
        assert t is not None
        rate_txt = f"{ot}/{judged} = {100.0 * ot / judged:.1f} %" if judged else "–"
        self.summary.setText(
            self.tr("%1 – %2: %3 cases, on time %4")
            .replace("%1", t.start.isoformat())
            .replace("%2", (t.end - timedelta(days=1)).isoformat())
            .replace("%3", f"{s.total_volume:,}").replace("%4", rate_txt))

    # -- picking a day ------------------------------------------------------------------
    def day_at(self, x: float) -> date | None:
        s = self.current_series()
        if s is None or len(s.days) == 0:
            return None
        i = math.floor((x - day_x(s.days[0])) / DAY_S)
        if not 0 <= i < len(s.days):
            return None
        return s.days[i].astype(object)

    def _on_scene_clicked(self, ev: Any) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        pos = ev.scenePos()
        for p in (self.plot_volume, self.plot_rate, self.plot_hours, self.plot_backlog):
            vb = p.getViewBox()
            if vb.sceneBoundingRect().contains(pos):
                d = self.day_at(vb.mapSceneToView(pos).x())
                if d is not None:
                    self.select_day(d)
                return

    def select_day(self, d: date) -> None:
        """Mark ``d`` on the charts and emit ``day_selected`` for the current breakdown."""
        x = day_x(d) + DAY_S / 2
        for line in self.marker_lines:
            line.scene() and line.getViewBox() and line.getViewBox().removeItem(line)
        self.marker_lines = []
        for p in (self.plot_volume, self.plot_rate, self.plot_hours, self.plot_backlog):
            line = pg.InfiniteLine(x, angle=90, pen=pg.mkPen("#ff2d20", width=1.5))
            p.addItem(line, ignoreBounds=True)
            self.marker_lines.append(line)
        key = self.current_key or None
        by = self.trends.by if self.trends is not None else "all"
        street = key if by == "street" else None
        major = key if by in ("major", "type") else None
        self.day_selected.emit(d, street, major)


# -- installing the analysis docks --------------------------------------------------------
TREND_DAY_LAYER = "trend_day"


@dataclass
class AnalysisDocks:
    dashboard: DashboardPanel
    docks: dict[str, QDockWidget] = field(default_factory=dict)
    actions: dict[str, QAction] = field(default_factory=dict)
    panels: dict[str, QWidget] = field(default_factory=dict)
    day_points: Any = None  # the last highlighted day's cases (re-added after a reload)
    window: Any = None

    def show(self, name: str) -> None:
        """Show a dock, putting it into the window the first time: a dock added and hidden
        before the window is shown leaves a stale tab behind and claims width."""
        dock = self.docks[name]
        w = self.window
        if w is not None and w.dockWidgetArea(dock) == Qt.DockWidgetArea.NoDockWidgetArea:
            w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            # A tab beside the command centre (or an analysis dock already in the window).
            placed = [d for d in self.docks.values() if d is not dock
                      and w.dockWidgetArea(d) != Qt.DockWidgetArea.NoDockWidgetArea]
            anchor = placed[0] if placed else getattr(w, "case_dock", None)
            if anchor is not None:
                w.tabifyDockWidget(anchor, dock)
        dock.show()
        dock.raise_()


def analysis_menu(window: QMainWindow) -> QMenu:
    """The "Analysis" menu: shared with other engineers' actions (object name analysisMenu)."""
    found = window.menuBar().findChild(QMenu, "analysisMenu")
    if found is not None:
        return found
    menu = QMenu(QCoreApplication.translate("AnalysisDocks", "Analysis"), window.menuBar())
    menu.setObjectName("analysisMenu")
    actions = window.menuBar().actions()
    # Before "Language" and "Help" (the last two menus), after "Cases".
    before = actions[-2] if len(actions) >= 2 else None
    if before is not None:
        window.menuBar().insertMenu(before, menu)
    else:
        window.menuBar().addMenu(menu)
    return menu


def _show_day(window: Any, docks: AnalysisDocks, d: date, street: str | None,
              major: str | None) -> None:
    pts = docks.dashboard.service.day_cases(d, street, major)
    docks.day_points = pts
    _put_day_layer(window, pts)
    if street is not None:
        combo = window.case_panel.street_filter
        i = combo.findData(street)
        if i >= 0:
            combo.setCurrentIndex(i)  # the panel's own handler sets the filter and refreshes
    msg = QCoreApplication.translate(
        "AnalysisDocks", "%1: %2 cases reported (highlighted on the map)") \
        .replace("%1", d.isoformat()).replace("%2", f"{len(pts.ids):,}")
    window.statusBar().showMessage(msg, 8000)
    if len(pts.ids):
        window.canvas.zoom_to((float(pts.x.min()), float(pts.y.min()),
                               float(pts.x.max()), float(pts.y.max())), margin=0.08)


def _put_day_layer(window: Any, pts: Any) -> None:
    if pts is None:
        return
    layers = window.layers
    if TREND_DAY_LAYER in layers:
        layers.remove(TREND_DAY_LAYER)
    title = QCoreApplication.translate("AnalysisDocks", "Cases of the chosen day")
    legend = QCoreApplication.translate("AnalysisDocks", "Reported that day")
    layer = PointLayer(TREND_DAY_LAYER, title, pts.x, pts.y,
                       np.zeros(len(pts.x), np.int64), [(230, 0, 230)], [legend], ids=pts.ids,
                       style=LayerStyle(point_size=12.0, pen_color="#ffffff"))
    names = layers.names
    layers.insert(names.index("cases") + 1 if "cases" in names else len(names), layer)
    window.canvas.flush()


def install_dashboard(window: Any) -> AnalysisDocks:
    """Add the trends, grid sizing and evaluation docks and the Analysis menu to ``window``
    (a ``MainWindow``); call once, after its docks and menus are built."""
    from app.services.sizing import SizingService
    from app.ui.sizing_panel import SizingPanel

    dashboard = DashboardPanel(TrendService(window.store))
    docks = AnalysisDocks(dashboard, window=window)
    sizing = SizingPanel(SizingService(window.store), window)
    panels: list[tuple[str, QWidget, str]] = [
        ("trends", dashboard, QCoreApplication.translate("AnalysisDocks", "Trends")),
        ("sizing", sizing, QCoreApplication.translate("AnalysisDocks", "Grid sizing")),
    ]
    try:
        from app.services.evaluation import EvaluationService
        from app.ui.evaluation_panel import EvaluationPanel
    except ImportError:  # the evaluation view is optional
        EvaluationPanel = None  # type: ignore[assignment]  # noqa: N806
    if EvaluationPanel is not None:
        panels.append(("evaluation",
                       EvaluationPanel(EvaluationService(window.store), window),
                       QCoreApplication.translate("AnalysisDocks", "Evaluation")))
    for name, widget, title in panels:
        dock = QDockWidget(title, window)
        dock.setObjectName(f"{name}Dock")
        dock.setWidget(scrollable(widget))
        dock.hide()  # put into the window when first opened (AnalysisDocks.show)
        docks.docks[name] = dock
        docks.panels[name] = widget

    menu = analysis_menu(window)
    entries = (
        ("trends", QCoreApplication.translate("AnalysisDocks", "Trends dashboard"), "Ctrl+Shift+T"),
        ("sizing", QCoreApplication.translate("AnalysisDocks", "Grid sizing check"), None),
        ("evaluation", QCoreApplication.translate("AnalysisDocks", "Evaluation"), "Ctrl+Shift+K"))
    for name, text, shortcut in entries:
        if name not in docks.docks:
            continue
        act = QAction(text, window)
        act.setObjectName(f"act{name.capitalize()}")
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
        act.triggered.connect(lambda _=False, n=name: _open(docks, n))
        menu.addAction(act)
        docks.actions[name] = act

    dashboard.day_selected.connect(lambda d, s, m: _show_day(window, docks, d, s, m))
    # A reload (import) rebuilds window.layers: put our layers back on the new list.
    window.loaded.connect(lambda: (_put_day_layer(window, docks.day_points),
                                   sizing.reapply_layers()))
    window._analysis_docks = docks  # keep the handlers' owner alive with the window
    return docks


def _open(docks: AnalysisDocks, name: str) -> None:
    docks.show(name)
    panel = docks.panels[name]
    start = getattr(panel, "start_if_idle", None)
    if name == "trends":
        if docks.dashboard.trends is None and not docks.dashboard.busy_now:
            docks.dashboard.compute()
    elif start is not None:
        start()
