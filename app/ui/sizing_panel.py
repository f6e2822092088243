"""Grid sizing check dock (网格规模核查): out-of-range grids, communities and streets.

A table (level, code, name, measure, value, standard range, deviation) and two map layers
above the grids: ``sizing_above`` (red, too big) and ``sizing_below`` (orange, too small).
Clicking a row zooms the map to that unit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.analytics.sizing import LEVELS, SizingReport
from app.map.layers.base import LayerStyle
from app.map.layers.polygon import PolygonLayer
from app.services.sizing import SizingService
from app.ui.workers import Worker

LEVEL_LAYER = {"grid": "grids", "community": "communities", "street": "streets"}
ABOVE, BELOW = "sizing_above", "sizing_below"
RED, ORANGE = "#d7301f", "#fd8d3c"


class SizingPanel(QWidget):
    computed = Signal()

    def __init__(self, service: SizingService, window: Any | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.window = window
        self.report: SizingReport | None = None
        self._worker: Worker | None = None

        self.level_box = QComboBox()
        self.level_box.setObjectName("sizingLevel")
        self.level_box.addItem(self.tr("All levels"), "")
        for lvl, label in zip(LEVELS, (self.tr("Grids"), self.tr("Communities"),
                                       self.tr("Streets")), strict=True):
            self.level_box.addItem(label, lvl)
        self.run_button = QPushButton(self.tr("Check"))
        self.run_button.setObjectName("sizingCheck")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumWidth(100)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.summary = QLabel()
        self.summary.setObjectName("sizingSummary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 7)
        self.table.setObjectName("sizingTable")
        self.table.setHorizontalHeaderLabels([
            self.tr("Level"), self.tr("Code"), self.tr("Name"), self.tr("Measure"),
            self.tr("Value"), self.tr("Standard range"), self.tr("Deviation")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.cellClicked.connect(lambda row, _c: self.zoom_to_row(row))

        top = QHBoxLayout()
        top.addWidget(self.level_box)
        top.addWidget(self.run_button)
        top.addWidget(self.busy)
        top.addWidget(self.summary, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        self.run_button.clicked.connect(self.compute)
        self.level_box.currentIndexChanged.connect(lambda _i: self._fill())

    def start_if_idle(self) -> None:
        if self.report is None and self._worker is None:
            self.compute()

    def compute(self) -> None:
        if self._worker is not None:
            return
        self.busy.show()
        self.run_button.setEnabled(False)
        self._worker = Worker(self.service.check, parent=self)
        self._worker.done.connect(self._on_done)
        self._worker.failed.connect(self._on_failed)
        self._worker.start()

    def _on_failed(self, message: str) -> None:
        self._worker = None
        self.busy.hide()
        self.run_button.setEnabled(True)
        self.summary.setText(self.tr("Sizing check failed: %1").replace("%1", message))

    def _on_done(self, report: SizingReport) -> None:
        self._worker = None
        self.busy.hide()
        self.run_button.setEnabled(True)
        self.report = report
        parts = []
        for lvl, label in zip(LEVELS, (self.tr("grids"), self.tr("communities"),
                                       self.tr("streets")), strict=True):
            s = report.summary[lvl]
            band = report.bands.of(lvl)
            parts.append(self.tr("%1: %2 of %3 within %4–%5")
                         .replace("%1", label).replace("%2", f"{s.within:,}")
                         .replace("%3", f"{s.n:,}").replace("%4", f"{band.low:,.0f}")
                         .replace("%5", f"{band.high:,.0f}"))
        self.summary.setText("; ".join(parts))
        self._fill()
        self.reapply_layers()
        self.computed.emit()

    def rows(self) -> list[Any]:
        if self.report is None:
            return []
        lvl = self.level_box.currentData()
        return [i for i in self.report.issues if not lvl or i.level == lvl]

    def _fill(self) -> None:
        rows = self.rows()
        level_text = {"grid": self.tr("Grid"), "community": self.tr("Community"),
                      "street": self.tr("Street")}
        measure_text = {"households": self.tr("Households"), "residents": self.tr("Residents")}
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(rows))
        for r, i in enumerate(rows):
            colour = QColor(RED if i.above else ORANGE)
            colour.setAlpha(60)
            cells = [level_text[i.level], i.code, i.name, measure_text[i.measure],
                     f"{i.value:,}", f"{i.low:,.0f}–{i.high:,.0f}",
                     f"{i.deviation:+,.0f} ({100 * i.deviation_pct:+.0f} %)"]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c in (4, 6):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if c == 6:
                    item.setBackground(QBrush(colour))
                item.setData(Qt.ItemDataRole.UserRole, (i.level, i.code))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    # -- map --------------------------------------------------------------------------
    def _geoms(self, issues: list[Any]) -> tuple[list[Any], list[str]]:
        geoms, ids = [], []
        layers = self.window.layers
        for i in issues:
            src = layers.get(LEVEL_LAYER[i.level])
            if src is None:
                continue
            k = src.index_of(i.code)
            if k is not None:
                geoms.append(src.geoms[k])
                ids.append(i.code)
        return geoms, ids

    def reapply_layers(self) -> None:
        """(Re)build the highlight layers above the grids layer."""
        if self.window is None or self.report is None:
            return
        layers = self.window.layers
        for name in (ABOVE, BELOW):
            if name in layers:
                layers.remove(name)
        # Streets and communities are drawn as outlines only, so they do not hide the grids.
        for name, above, colour, title in ((BELOW, False, ORANGE, self.tr("Below standard")),
                                           (ABOVE, True, RED, self.tr("Above standard"))):
            issues = [i for i in self.report.issues if i.above == above]
            geoms, ids = self._geoms(issues)
            layer = PolygonLayer(name, title, np.array(geoms, dtype=object), ids,
                                 style=LayerStyle(pen_color=colour, fill_color=colour + "30",
                                                  line_width=1.6))
            names = layers.names
            at = names.index("grids") + 1 if "grids" in names else len(names)
            layers.insert(at, layer)
        self.window.canvas.flush()

    def zoom_to_row(self, row: int) -> None:
        item = self.table.item(row, 0)
        if item is None or self.window is None:
            return
        level, code = item.data(Qt.ItemDataRole.UserRole)
        src = self.window.layers.get(LEVEL_LAYER[level])
        if src is None:
            return
        k = src.index_of(code)
        if k is None:
            return
        x0, y0, x1, y1 = (float(v) for v in src.feature_bounds[k])
        self.window.canvas.zoom_to((x0, y0, x1, y1), margin=0.3 if level == "grid" else 0.08)
        src.highlight = k
        self.window.canvas.flush()
