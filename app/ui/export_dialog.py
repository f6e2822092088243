"""Export a layer to a GIS file: layer, file (the format follows its extension), CRS.

The export itself is :func:`app.services.exporter.export_layer` on a worker thread, with a
progress bar and Cancel; a cancelled or failed export leaves no file (and an older file of
that name as it was). What the chosen format does with the layer is said before anything
runs: GeoJSON is always WGS-84 (RFC 7946), CSV and Excel get coordinate or WKT columns,
Excel holds at most 1,048,575 rows. Enter exports, Esc cancels a running export or closes.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import DomainError
from app.services import exporter
from app.ui.import_dialog import (
    _ERROR_STYLE,
    _HINT_STYLE,
    _OK_STYLE,
    _WARN_STYLE,
    LAYER_LABELS,
    CrsChooser,
    _tr,
    layer_combo,
)
from app.ui.workers import Worker

if TYPE_CHECKING:
    from app.store.store import Store

_FILTERS = (
    ("GeoPackage (*.gpkg)", ".gpkg"),
    ("GeoJSON (*.geojson)", ".geojson"),
    ("Shapefile (*.shp)", ".shp"),
    ("CSV (*.csv)", ".csv"),
    ("Excel (*.xlsx)", ".xlsx"),
)


class ExportDialog(QDialog):
    """Export one layer of ``store`` to a file (see the module docstring)."""

    exported = Signal(str, int)  # path, number of features written

    def __init__(self, store: Store, parent: QWidget | None = None, *, layer: str = "parts",
                 path: str | Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export layer"))
        self.store = store
        self.written: int | None = None
        self._worker: Worker | None = None
        self._cancel = threading.Event()
        self._counts: dict[str, int] = {}

        self.layer_combo = layer_combo(layer)
        for i in range(self.layer_combo.count()):
            key = str(self.layer_combo.itemData(i))
            self._counts[key] = exporter.layer_count(store, key)
            self.layer_combo.setItemText(
                i, f"{_tr(LAYER_LABELS[key])} ({self._counts[key]:,})")
        self.layer_combo.currentIndexChanged.connect(self._validate)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("pathEdit")
        self.path_edit.setPlaceholderText(self.tr("File name: .gpkg, .geojson, .shp, .csv or "
                                                  ".xlsx"))
        self.path_edit.textChanged.connect(self._validate)
        self.browse_button = QPushButton(self.tr("Browse…"))
        self.browse_button.setObjectName("browseButton")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self._on_browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        self.format_label = QLabel()
        self.format_label.setObjectName("formatLabel")
        self.format_label.setWordWrap(True)
        self.crs = CrsChooser()
        self.crs.set_text("EPSG:4490")
        self.crs.changed.connect(self._validate)

        form = QFormLayout()
        form.addRow(self.tr("Layer:"), self.layer_combo)
        form.addRow(self.tr("File:"), file_row)
        form.addRow(self.tr("Format:"), self.format_label)
        form.addRow(self.tr("Coordinates:"), self.crs)

        self.progress = QProgressBar()
        self.progress.setObjectName("progressBar")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.status_label = QLabel()
        self.status_label.setObjectName("statusLabel")
        self.status_label.setWordWrap(True)
        self.export_button = QPushButton(self.tr("Export"))
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setObjectName("closeButton")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.close_button)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.progress)
        lay.addWidget(self.status_label)
        lay.addStretch(1)
        lay.addLayout(buttons)

        if path is not None:
            self.path_edit.setText(str(path))
        self._set_running(False)
        self.resize(620, 280)

    # -- public ------------------------------------------------------------------------------
    @property
    def layer(self) -> str:
        return str(self.layer_combo.currentData())

    @property
    def running(self) -> bool:
        return self._worker is not None

    def start(self) -> None:
        """Export with the current choices (the Export button, or Enter)."""
        if self.running or self._problem() is not None:
            return
        path, layer, crs = Path(self.path_edit.text().strip()), self.layer, self.crs.text()
        store, cancel = self.store, self._cancel
        self._cancel.clear()
        self.written = None
        t0 = time.perf_counter()

        def task(progress: Any) -> int:
            return exporter.export_layer(store, layer, path, crs=crs, progress=progress,
                                         cancel=cancel.is_set)

        worker = Worker(task, with_progress=True, parent=self)
        self._worker = worker

        def finish() -> None:
            self._worker = None
            worker.deleteLater()
            self._set_running(False)

        worker.progress.connect(self._on_progress)
        worker.done.connect(lambda n: (finish(), self._on_done(path, int(n),  # type: ignore[arg-type]
                                                               time.perf_counter() - t0)))
        worker.failed.connect(lambda message: (finish(), self._on_failed(message)))
        self.progress.setValue(0)
        self.status_label.setStyleSheet(_HINT_STYLE)
        self.status_label.setText(self.tr("Exporting…"))
        self._set_running(True)
        worker.start()

    def cancel(self) -> None:
        """Stop the running export; no file is left behind."""
        if self.running:
            self._cancel.set()
            self.status_label.setText(self.tr("Cancelling…"))

    def stop(self, wait_ms: int = 60_000) -> bool:
        """Cancel a running task and wait for its thread to end (call before the main window
        closes: the thread must not outlive the dialog). True when nothing runs any more."""
        worker = self._worker
        if worker is None:
            return True
        self._cancel.set()
        return worker.wait(wait_ms)

    # -- choices --------------------------------------------------------------------------------
    def _on_browse(self) -> None:
        current = self.path_edit.text().strip()
        suffix = Path(current).suffix.lower() if current else ".gpkg"
        filters = [f for f, _ in _FILTERS]  # format names: the same in every language
        chosen = next((f for f, (_, ext) in zip(filters, _FILTERS, strict=True)
                       if ext == suffix), filters[0])
        start = current or str(Path.home() / f"{self.layer}.gpkg")
        path, selected = QFileDialog.getSaveFileName(self, self.tr("Export layer"), start,
                                                     ";;".join(filters), chosen)
        if not path:
            return
        if not Path(path).suffix and selected in filters:
            path += _FILTERS[filters.index(selected)][1]
        self.path_edit.setText(path)

    def _problem(self) -> str | None:
        """Why the export cannot start as chosen, or None."""
        text = self.path_edit.text().strip()
        if not text:
            return self.tr("Choose the file to write.")
        if self.crs.error is not None:
            return self.crs.error
        if not self.crs.text():
            return self.tr("Choose the coordinate system of the file.")
        try:
            exporter.check_target(text, self.crs.text())
        except DomainError as exc:
            return str(exc)
        if Path(text).suffix.lower() == ".xlsx" and \
                self._counts.get(self.layer, 0) > exporter.XLSX_MAX_ROWS:
            return self.tr("An Excel sheet holds at most %1 rows; this layer has %2. Export "
                           "to GeoPackage or CSV.").replace(
                "%1", f"{exporter.XLSX_MAX_ROWS:,}").replace(
                "%2", f"{self._counts[self.layer]:,}")
        return None

    def _validate(self, *_: Any) -> None:
        text = self.path_edit.text().strip()
        problem = self._problem()
        if not text:
            self.format_label.setStyleSheet(_HINT_STYLE)
            self.format_label.setText(self.tr("The format follows the file's extension."))
        elif problem is not None:
            self.format_label.setStyleSheet(_ERROR_STYLE)
            self.format_label.setText(problem)
        else:
            self.format_label.setStyleSheet(_HINT_STYLE)
            self.format_label.setText(self._format_note(text))
        self.export_button.setEnabled(problem is None and not self.running)

    def _format_note(self, text: str) -> str:
        suffix = Path(text).suffix.lower()
        name = exporter.FORMAT_NAMES.get(exporter.FORMATS.get(suffix, ""), "")
        if suffix in (".csv", ".xlsx"):
            cols = exporter.coordinate_columns(self.layer, self.crs.text() or "EPSG:4490")
            how = (self.tr("polygons as a WKT column") if cols == ("WKT",) else
                   self.tr("points as %1 columns").replace("%1", "/".join(cols)))
            return f"{name} — {how}"
        if suffix in (".geojson", ".json"):
            return f"{name} — " + self.tr("always WGS-84 longitude/latitude (RFC 7946)")
        if suffix == ".shp":
            return f"{name} — " + self.tr("UTF-8 (.cpg), standard field names of ≤ 10 "
                                          "characters")
        return name

    # -- running ----------------------------------------------------------------------------------
    def _set_running(self, running: bool) -> None:
        for w in (self.layer_combo, self.path_edit, self.browse_button, self.crs):
            w.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.close_button.setEnabled(not running)
        self._validate()

    def _on_progress(self, fraction: float, label: str) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if label and not self._cancel.is_set():
            self.status_label.setText(label)

    def _on_done(self, path: Path, n: int, seconds: float) -> None:
        self.written = n
        self.progress.setValue(1000)
        self.status_label.setStyleSheet(_OK_STYLE)
        self.status_label.setText(self.tr("Exported %1 features to %2 in %3 s.").replace(
            "%1", f"{n:,}").replace("%2", str(path)).replace("%3", f"{seconds:.1f}"))
        self.exported.emit(str(path), n)

    def _on_failed(self, message: str) -> None:
        self.progress.setValue(0)
        cancelled = self._cancel.is_set()
        self.status_label.setStyleSheet(_WARN_STYLE if cancelled else _ERROR_STYLE)
        self.status_label.setText(self.tr("Cancelled: no file was written.") if cancelled
                                  else message)

    # -- closing -----------------------------------------------------------------------------------
    def reject(self) -> None:
        """Esc / Close: cancel a running export first; close when idle."""
        if self.running:
            self.cancel()
            return
        super().reject()

    def closeEvent(self, event: Any) -> None:
        if self.running:
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)
