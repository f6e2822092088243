"""热点分析 dock: hot and cold spots, rates, KDE, a day-by-day replay and recurring problems.

The panel is a thin controller over ``HotspotService``: every query and statistic runs in
a ``Worker`` (the first Gi* of a district builds the contiguity weights, ~1 s), results
come back as plain arrays and become ``ChoroplethLayer``s placed just above the grids. The
replay fetches the whole window's daily counts once; a slider tick only recolours.

``install_hotspot_panel(window)`` is the one entry point the main window calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QDate, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDockWidget,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QProgressBar,
    QPushButton,
    QSlider,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import app.map.render.choropleth_visual  # noqa: F401 - registers the ChoroplethLayer visual
from app.analytics import hotspots as hs
from app.domain.case import CaseKind, CaseSource
from app.domain.catalogue import load_catalogue
from app.map import hotspot_layers as hl
from app.map.layers.choropleth import ChoroplethLayer
from app.services.hotspots import HotspotService, RecurringProblem
from app.ui import texts
from app.ui.workers import Worker
from app.ui.widgets import scrollable

if TYPE_CHECKING:
    from app.map.layers import PolygonLayer

MEASURES = ("count", "per_km2", "per_1000", "gi_star", "moran")
LEVEL_LAYERS = {"grid": "grids", "community": "communities", "street": "streets"}
DEFAULT_DAYS = 30
PLAY_MS = 700  # one day per tick
ZOOM_WIDTH = 800.0  # metres shown around a recurring problem


@dataclass
class HotspotResult:
    """What a Compute brings back from the worker (arrays only, no Qt, no layers)."""

    start: date
    end: date
    level: str
    measure: str
    ids: tuple[str, ...]
    values: np.ndarray
    classes: np.ndarray | None = None  # Gi* / Moran class values, else None
    days: np.ndarray = field(default_factory=lambda: np.zeros(0, "datetime64[D]"))
    daily: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # (days, areas)
    kde: hs.DensityRaster | None = None


def compute(svc: HotspotService, start: date, end: date, level: str, measure: str,
            filters: dict[str, str | None], with_kde: bool,
            progress: Callable[[float, str], None]) -> HotspotResult:
    """The whole Compute, for a worker thread: statistic, daily series and optional KDE."""
    progress(0.05, "counts")
    grids = svc.grids()
    if measure in ("gi_star", "moran"):
        level = "grid"  # the weights are grid contiguity
        progress(0.15, "weights")
        svc.weights()
        progress(0.5, "statistic")
        stat = (svc.gi_star(start, end, **filters) if measure == "gi_star"
                else svc.local_moran(start, end, permutations=199, **filters))
        ids, values, classes = tuple(stat.ids), stat.values, stat.classes
    else:
        c = svc.counts(start, end, level=level, **filters)
        values = {"count": c.counts.astype(np.float64), "per_km2": c.per_km2,
                  "per_1000": c.per_1000_residents}[measure]
        ids, classes = tuple(str(i) for i in c.ids), None
    progress(0.7, "daily")
    d = svc.daily(start, end, **filters)
    daily = d.counts
    if level != "grid":  # add the grids up to their community / street, per day
        parent = grids.community_codes if level == "community" else grids.street_codes
        daily = np.stack([hs.roll_up(row, parent, np.asarray(ids, dtype=object))
                          for row in d.counts]) if len(d.counts) else np.zeros((0, len(ids)))
    kde = None
    if with_kde:
        progress(0.85, "kde")
        kde = svc.kde(start, end, **filters)
    progress(1.0, "done")
    return HotspotResult(start, end, level, measure, ids, np.asarray(values, np.float64),
                         classes, d.days, np.asarray(daily), kde)


def _swatch(colour: str) -> QIcon:
    pm = QPixmap(16, 12)
    c = QColor(colour[:7])
    if len(colour) == 9:  # #rrggbbaa: show over white, as on the map
        a = int(colour[7:], 16) / 255
        c = QColor(*(round(255 - (255 - v) * a) for v in (c.red(), c.green(), c.blue())))
    pm.fill(c)
    return QIcon(pm)


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class HotspotPanel(QWidget):
    """The 热点分析 dock's widget. Public for tests: ``compute_button``, ``slider``,
    ``legend``, ``recurring_table``, ``layer`` and ``result``."""

    computed = Signal(object)  # HotspotResult, after its layers are on the map
    recurring_found = Signal(int)  # number of recurring problems listed
    failed = Signal(str)

    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.service = HotspotService(window.store)  # type: ignore[attr-defined]
        self.result: HotspotResult | None = None
        self.layer: ChoroplethLayer | None = None
        self.kde: ChoroplethLayer | None = None
        self.problems: list[RecurringProblem] = []
        self.worker: Worker | None = None
        self._rec_worker: Worker | None = None
        self._breaks: list[float] = []
        self._build()
        end = date.today()
        self.set_window(end - timedelta(days=DEFAULT_DAYS - 1), end)
        self._find_data_end()
        window.loaded.connect(self._reattach)  # type: ignore[attr-defined]

    # -- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.start_edit = QDateEdit(calendarPopup=True)
        self.end_edit = QDateEdit(calendarPopup=True)
        for e in (self.start_edit, self.end_edit):
            e.setDisplayFormat("yyyy-MM-dd")
        dates = QHBoxLayout()
        dates.addWidget(self.start_edit)
        dates.addWidget(QLabel("–"))
        dates.addWidget(self.end_edit)
        form.addRow(self.tr("Window"), dates)

        self.major_box = QComboBox()
        self.major_box.addItem(self.tr("All classes"), None)
        cat = load_catalogue()
        for kind, kind_text in ((CaseKind.PART, self.tr("Part")),
                                (CaseKind.MATTER, self.tr("Matter"))):
            for code, name in cat.majors(kind):
                self.major_box.addItem(f"{kind_text} {code} {name}", (kind.value, code))
        form.addRow(self.tr("Major class"), self.major_box)
        self.type_edit = QLineEdit()
        self.type_edit.setPlaceholderText(self.tr("Type code, e.g. 06010"))
        form.addRow(self.tr("Type code"), self.type_edit)
        self.source_box = QComboBox()
        self.source_box.addItem(self.tr("All sources"), None)
        for s in CaseSource:
            self.source_box.addItem(texts.value_text("source", s.value), s.value)
        form.addRow(self.tr("Source"), self.source_box)
        self.level_box = QComboBox()
        for key, text in (("grid", self.tr("Unit grid")), ("community", self.tr("Community")),
                          ("street", self.tr("Street"))):
            self.level_box.addItem(text, key)
        form.addRow(self.tr("Level"), self.level_box)
        self.measure_box = QComboBox()
        for key, text in (("count", self.tr("Case count")), ("per_km2", self.tr("Per km²")),
                          ("per_1000", self.tr("Per 1,000 residents")),
                          ("gi_star", self.tr("Gi* hot/cold spots")),
                          ("moran", self.tr("Local Moran clusters"))):
            self.measure_box.addItem(text, key)
        self.measure_box.setCurrentIndex(MEASURES.index("gi_star"))
        self.measure_box.currentIndexChanged.connect(self._on_measure_changed)
        form.addRow(self.tr("Measure"), self.measure_box)
        self.kde_check = QCheckBox(self.tr("Kernel density (KDE)"))
        self.kde_check.toggled.connect(self._on_kde_toggled)
        form.addRow("", self.kde_check)
        lay.addLayout(form)

        row = QHBoxLayout()
        self.compute_button = QPushButton(self.tr("Compute"))
        self.compute_button.clicked.connect(self.start_compute)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(10)
        self.progress.hide()
        row.addWidget(self.compute_button)
        row.addWidget(self.progress, 1)
        lay.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        lay.addWidget(self.status)

        self.legend = QListWidget()
        self.legend.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.legend.setMaximumHeight(150)
        lay.addWidget(self.legend)

        replay = QGroupBox(self.tr("Day by day"))
        rl = QHBoxLayout(replay)
        self.play_button = QPushButton(self.tr("Play"))
        self.play_button.setCheckable(True)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.valueChanged.connect(self._on_slider)
        self.day_label = QLabel()
        self.day_label.setMinimumWidth(80)
        rl.addWidget(self.play_button)
        rl.addWidget(self.slider, 1)
        rl.addWidget(self.day_label)
        replay.setEnabled(False)
        self.replay_box = replay
        lay.addWidget(replay)
        self.play_timer = QTimer(self)
        self.play_timer.setInterval(PLAY_MS)
        self.play_timer.timeout.connect(self._on_play_tick)

        rec = QGroupBox(self.tr("Recurring problems"))
        rv = QVBoxLayout(rec)
        rh = QHBoxLayout()
        self.min_count_spin = QSpinBox()
        self.min_count_spin.setRange(2, 99)
        self.min_count_spin.setValue(3)
        self.within_spin = QSpinBox()
        self.within_spin.setRange(1, 365)
        self.within_spin.setValue(30)
        self.find_button = QPushButton(self.tr("Find"))
        self.find_button.clicked.connect(self.start_recurring)
        # Suffixes, not label fragments, so each language orders its own words.
        self.min_count_spin.setSuffix(self.tr(" times"))
        self.within_spin.setSuffix(self.tr(" days"))
        rh.addWidget(QLabel(self.tr("At least")))
        rh.addWidget(self.min_count_spin)
        rh.addWidget(QLabel(self.tr("within")))
        rh.addWidget(self.within_spin)
        rh.addStretch(1)
        rh.addWidget(self.find_button)
        rv.addLayout(rh)
        self.recurring_table = QTableWidget(0, 4)
        self.recurring_table.setHorizontalHeaderLabels(
            [self.tr("Type"), self.tr("Grid"), self.tr("Times"), self.tr("Last")])
        self.recurring_table.verticalHeader().hide()
        self.recurring_table.verticalHeader().setDefaultSectionSize(22)
        self.recurring_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.recurring_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.recurring_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.recurring_table.horizontalHeader().setStretchLastSection(True)
        self.recurring_table.cellClicked.connect(self._on_recurring_clicked)
        rv.addWidget(self.recurring_table)
        lay.addWidget(rec, 1)

    # -- inputs ---------------------------------------------------------------------------
    def set_window(self, start: date, end: date) -> None:
        self.start_edit.setDate(_qdate(start))
        self.end_edit.setDate(_qdate(end))

    def window_dates(self) -> tuple[date, date]:
        return _pydate(self.start_edit.date()), _pydate(self.end_edit.date())

    def filters(self) -> dict[str, str | None]:
        major = self.major_box.currentData()
        return {"kind": major[0] if major else None, "major": major[1] if major else None,
                "type_code": self.type_edit.text().strip() or None,
                "source": self.source_box.currentData()}

    def _on_measure_changed(self, _i: int = 0) -> None:
        stat = self.measure_box.currentData() in ("gi_star", "moran")
        if stat:
            self.level_box.setCurrentIndex(0)
        self.level_box.setEnabled(not stat)

    def _find_data_end(self) -> None:
        """Default window: the last 30 days that have cases (the seed may end in the past)."""
        today = date.today()
        svc = HotspotService(self.service.store)  # own instance: no shared cache across threads

        def last_day() -> date | None:
            d = svc.daily(today - timedelta(days=89), today)
            busy = np.flatnonzero(d.counts.sum(axis=1)) if d.counts.size else []
            return None if len(busy) == 0 else d.days[busy[-1]].item()

        w = Worker(last_day, parent=self)
        w.done.connect(self._on_data_end)
        w.failed.connect(lambda _m: None)  # keep today's window
        self._end_worker = w.start()

    def _on_data_end(self, end: date | None) -> None:
        if end is not None and self.result is None:
            self.set_window(end - timedelta(days=DEFAULT_DAYS - 1), end)

    # -- compute --------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.worker is not None

    def start_compute(self) -> None:
        if self.busy:
            return
        start, end = self.window_dates()
        if end < start:
            self.status.setText(self.tr("The window ends before it starts."))
            return
        level, measure = self.level_box.currentData(), self.measure_box.currentData()
        args = (self.service, start, end, level, measure, self.filters(),
                self.kde_check.isChecked())
        self._stop_play()
        self.compute_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText(self.tr("Computing…"))
        w = Worker(lambda progress: compute(*args, progress), with_progress=True, parent=self)
        w.progress.connect(lambda f, _m: self.progress.setValue(round(100 * f)))
        w.done.connect(self._on_computed)
        w.failed.connect(self._on_failed)
        self.worker = w.start()

    def _end_job(self) -> None:
        self.worker = None
        self.compute_button.setEnabled(True)
        self.progress.hide()

    def _on_failed(self, message: str) -> None:
        self._end_job()
        self.status.setText(self.tr("Hotspot analysis failed: %1").replace("%1", message))
        self.failed.emit(message)

    def _on_computed(self, r: HotspotResult) -> None:
        self._end_job()
        self.result = r
        src = self._source_layer(r.level)
        if src is None:
            self.status.setText(self.tr("The map has no layer for this level yet."))
            return
        idx = np.array([src.index_of(i) if src.index_of(i) is not None else -1 for i in r.ids])
        keep = idx >= 0
        geoms, ids = src.geoms[idx[keep]], [i for i, k in zip(r.ids, keep, strict=True) if k]
        self._keep = keep
        classes, colours, labels = self._colouring(r.measure, r.values[keep],
                                                   None if r.classes is None else r.classes[keep])
        title = self.tr("Hotspots") + f" {r.start:%m-%d}–{r.end:%m-%d}"
        self.layer = hl.choropleth(hl.HOTSPOT_LAYER, title, geoms, ids, classes, colours,
                                   labels, r.values[keep])
        self._window_colouring = (classes, colours, labels, r.values[keep])
        if self.kde is not None and self.kde.name in self._layers():
            self._layers().remove(self.kde.name)  # an earlier window's density
        self.kde = None
        if r.kde is not None:
            self.kde = hl.kde_layer(r.kde, self.tr("Kernel density"))
            # Visibility before insertion: the layer panel reads it when the list changes.
            self.kde.visible = self.kde_check.isChecked()
            self.layer.visible = not self.kde.visible
        hl.insert_above(self._layers(), self.layer)
        if self.kde is not None:
            hl.insert_above(self._layers(), self.kde)
        elif self.kde_check.isChecked():
            self._on_kde_toggled(True)  # checked while computing: fetch the density now
        # Replay: one break set for the whole window so a colour means the same every day.
        self._breaks = hl.class_breaks(r.daily[:, keep]) if r.daily.size else []
        n = len(r.days)
        self.slider.blockSignals(True)
        self.slider.setRange(0, n)
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        self.day_label.setText(self.tr("Whole window"))
        self.replay_box.setEnabled(n > 0)
        self._show_legend()
        hot = cold = 0
        if r.classes is not None and r.measure == "gi_star":
            hot, cold = int((r.classes > 0).sum()), int((r.classes < 0).sum())
            self.status.setText(self.tr("%1 hot and %2 cold grids")
                                .replace("%1", str(hot)).replace("%2", str(cold)))
        else:
            self.status.setText(self.tr("%1 areas, %2 cases")
                                .replace("%1", str(len(ids)))
                                .replace("%2", f"{int(r.daily.sum()):,}"))
        self.window_.canvas.flush()  # type: ignore[attr-defined]
        self.computed.emit(r)

    def _colouring(self, measure: str, values: np.ndarray,
                   classes: np.ndarray | None) -> tuple[np.ndarray, list[str], list[str]]:
        if measure == "gi_star" and classes is not None:
            colours, labels = hl.gi_palette()
            return hl.gi_classes(classes), colours, labels
        if measure == "moran" and classes is not None:
            colours, labels = hl.moran_palette()
            return hl.moran_classes(classes), colours, labels
        breaks = hl.class_breaks(values)
        integer = measure == "count"
        return hl.classify(values, breaks), list(hl.RAMP), hl.ramp_labels(breaks, integer)

    def _layers(self) -> Any:
        return self.window_.layers  # type: ignore[attr-defined]

    def _source_layer(self, level: str) -> PolygonLayer | None:
        return self._layers().get(LEVEL_LAYERS[level])

    def _show_legend(self) -> None:
        self.legend.clear()
        shown = self.kde if self.kde is not None and self.kde.visible else self.layer
        if shown is None:
            return
        for colour, label, n in shown.legend():
            if not label:
                continue
            QListWidgetItem(_swatch(colour), f"{label}  ({n})", self.legend)

    def legend_labels(self) -> list[str]:
        return [self.legend.item(i).text() for i in range(self.legend.count())]

    def _on_kde_toggled(self, on: bool) -> None:
        """The KDE is a view of its own: it replaces the choropleth while checked (both at
        once bury each other's colours)."""
        if self.kde is not None:
            self.kde.visible = on
            if self.layer is not None:
                self.layer.visible = not on
            self._show_legend()
            panel = getattr(self.window_, "layer_panel", None)
            if panel is not None:
                panel.sync_checks()  # the Layers dock shows which of the two is on
        elif on and self.result is not None and not self.busy:
            self.start_compute()  # the KDE was not computed with this result yet

    def _reattach(self) -> None:
        """The window rebuilt its layer list (an import): put our layers back on it."""
        for layer in (self.layer, self.kde):
            if layer is not None and layer.name not in self._layers():
                hl.insert_above(self._layers(), layer)

    # -- replay ---------------------------------------------------------------------------
    def show_day(self, k: int | None) -> None:
        """Colour the map with day ``k``'s counts (0 = the window's first day), or the
        whole window's result with ``None``."""
        self.slider.setValue(0 if k is None else k + 1)

    def _on_slider(self, value: int) -> None:
        r, layer = self.result, self.layer
        if r is None or layer is None:
            return
        if value > 0 and self.kde_check.isChecked():
            self.kde_check.setChecked(False)  # the replay is a choropleth view
        if value == 0:
            classes, colours, labels, values = self._window_colouring
            layer.set_classes(classes, colours, labels, values)
            self.day_label.setText(self.tr("Whole window"))
        else:
            counts = r.daily[value - 1, self._keep].astype(np.float64)
            layer.set_classes(hl.classify(counts, self._breaks), hl.RAMP,
                              hl.ramp_labels(self._breaks), counts)
            day = r.days[value - 1].item()
            self.day_label.setText(f"{day:%Y-%m-%d}")
        self._show_legend()

    def _on_play_toggled(self, on: bool) -> None:
        if on:
            if self.slider.value() >= self.slider.maximum():
                self.slider.setValue(0)
            self.play_button.setText(self.tr("Pause"))
            self.play_timer.start()
        else:
            self.play_button.setText(self.tr("Play"))
            self.play_timer.stop()

    def _on_play_tick(self) -> None:
        if self.slider.value() >= self.slider.maximum():
            self._stop_play()
            return
        self.slider.setValue(self.slider.value() + 1)

    def _stop_play(self) -> None:
        self.play_button.setChecked(False)

    # -- recurring problems ---------------------------------------------------------------
    def start_recurring(self) -> None:
        if self._rec_worker is not None:
            return
        start, end = self.window_dates()
        svc, filters = self.service, self.filters()
        n, m = self.min_count_spin.value(), self.within_spin.value()
        self.find_button.setEnabled(False)
        w = Worker(lambda: svc.recurring(start, end, min_count=n, within_days=m, **filters),
                   parent=self)
        w.done.connect(self._on_recurring)
        w.failed.connect(self._on_recurring_failed)
        self._rec_worker = w.start()

    def _on_recurring_failed(self, message: str) -> None:
        self._rec_worker = None
        self.find_button.setEnabled(True)
        self.status.setText(self.tr("Hotspot analysis failed: %1").replace("%1", message))

    def _on_recurring(self, problems: list[RecurringProblem]) -> None:
        self._rec_worker = None
        self.find_button.setEnabled(True)
        self.problems = problems
        t = self.recurring_table
        t.setRowCount(len(problems))
        for i, p in enumerate(problems):
            cells = (p.type_code, (p.grid_id or "")[-6:], str(p.count), f"{p.last:%m-%d}")
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 1:
                    item.setToolTip(p.grid_id or "")
                t.setItem(i, j, item)
        self.recurring_found.emit(len(problems))

    def _on_recurring_clicked(self, row: int, _col: int = 0) -> None:
        if not 0 <= row < len(self.problems):
            return
        p = self.problems[row]
        if np.isfinite(p.x) and np.isfinite(p.y):
            self.window_.canvas.center_on(p.x, p.y, width=ZOOM_WIDTH)  # type: ignore[attr-defined]
        grids = self._layers().get("grids")
        if grids is not None and p.grid_id:
            grids.highlight_id(p.grid_id)

    # -- teardown -------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop the replay and wait for running workers (window closing)."""
        self.play_timer.stop()
        for w in (self.worker, self._rec_worker, getattr(self, "_end_worker", None)):
            if w is not None:
                w.wait(10_000)


class _CloseWatcher(QObject):
    """Stops the panel's replay and workers when the main window closes (a thread still
    running when its ``QThread`` is deleted aborts the process)."""

    def __init__(self, panel: HotspotPanel, parent: QObject) -> None:
        super().__init__(parent)
        self._panel = panel

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt name
        if event.type() == QEvent.Type.Close:
            self._panel.stop()
        return False


def _tr(text: str) -> str:
    return QCoreApplication.translate("HotspotPanel", text)


def install_hotspot_panel(window: QMainWindow) -> HotspotPanel:
    """Add the 热点分析 dock (tabified with a right dock) and 分析 → 热点分析… (Ctrl+Shift+H)."""
    panel = HotspotPanel(window)
    dock = QDockWidget(_tr("Hotspots"), window)
    dock.setObjectName("hotspotDock")
    dock.setWidget(scrollable(panel))  # the dock may be narrower / shorter than the form
    dock.setMinimumWidth(220)
    right = [d for d in window.findChildren(QDockWidget)
             if d is not dock and window.dockWidgetArea(d) == Qt.DockWidgetArea.RightDockWidgetArea
             and not d.isFloating()]
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    if right:
        window.tabifyDockWidget(right[-1], dock)
    menu = next((a.menu() for a in window.menuBar().actions()
                 if isinstance(a.menu(), QMenu) and a.menu().objectName() == "analysisMenu"),
                None)
    if menu is None:
        menu = window.menuBar().addMenu(_tr("&Analysis"))
        menu.setObjectName("analysisMenu")
    action = menu.addAction(_tr("Hotspot analysis…"))
    action.setShortcut(QKeySequence("Ctrl+Shift+H"))

    def show() -> None:
        dock.show()
        dock.raise_()

    action.triggered.connect(show)
    closing = _CloseWatcher(panel, window)
    window.installEventFilter(closing)
    panel.dock = dock  # type: ignore[attr-defined]
    panel.show_action = action  # type: ignore[attr-defined]
    return panel
