"""Import a layer from a GIS file: choose the file, check the field mapping and the CRS, try
a dry run, import, and read the report.

The dialog only collects choices and shows results; the work is
:func:`app.services.importer.import_file`, run on a worker thread (``app.ui.workers``) with
a progress bar and a Cancel button. Reading the file's columns runs there too, so a large
CSV never freezes the window.

* **Mapping** — one row per column of the file with a combo: the canonical field it fills
  (guessed by :func:`app.gis.fieldmap.guess_mapping`: standard names and abbreviations,
  Chinese and legacy names) or “(ignore)”. Coordinate and WKT columns are shown but not
  mapped. Required fields without a column are named under the table.
* **CRS** — a file that declares its CRS is read in it (the combo can override it); a file
  that declares none (CSV, XLSX, a shapefile without ``.prj``) must get one: common CRSs or
  free text (EPSG code, Gauss-Krüger zone, GCJ-02, WKT…), resolved as typed.
* **Check (dry run)** validates everything and writes nothing; **Import** writes —
  everything or nothing unless “Accept valid features only” is ticked. A refused file
  leaves the store unchanged and the dialog says why.
* **Report** — accepted / rejected counts, warnings, a table of rejected features and
  “Save rejections as CSV…”.

Enter runs the default button (Check until a check passed, then Import); Esc cancels a
running task, or closes the dialog.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import DomainError
from app.gis import fieldmap, vector_io
from app.gis.crs_detect import crs_label, resolve_crs
from app.services import importer
from app.ui.workers import Worker

if TYPE_CHECKING:
    from app.services.importer import ImportReport
    from app.store.store import Store

_ERROR_STYLE = "color:#c62828"
_WARN_STYLE = "color:#a15c00"
_OK_STYLE = "color:#2e7d32"
_HINT_STYLE = "color:#666"


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    return text


def _tr(text: str) -> str:
    return QCoreApplication.translate("ImportExport", text)


LAYER_LABELS: dict[str, str] = {
    "streets": QT_TRANSLATE_NOOP("ImportExport", "Streets"),
    "communities": QT_TRANSLATE_NOOP("ImportExport", "Communities"),
    "grids": QT_TRANSLATE_NOOP("ImportExport", "Unit grids"),
    "parts": QT_TRANSLATE_NOOP("ImportExport", "Parts"),
    "cases": QT_TRANSLATE_NOOP("ImportExport", "Cases"),
}

# The CRSs offered in the combos (free text is accepted too): what Chinese city data use.
COMMON_CRS: tuple[tuple[str, str], ...] = (
    ("EPSG:4490", QT_TRANSLATE_NOOP("ImportExport", "CGCS2000 longitude/latitude")),
    ("EPSG:4326", QT_TRANSLATE_NOOP("ImportExport", "WGS-84 longitude/latitude (GPS)")),
    ("EPSG:4548", QT_TRANSLATE_NOOP("ImportExport", "CGCS2000 / 3-degree Gauss-Krüger CM 117E")),
    ("EPSG:4527", QT_TRANSLATE_NOOP("ImportExport",
                                    "CGCS2000 / 3-degree Gauss-Krüger zone 39 (zone in the x)")),
    ("EPSG:2436", QT_TRANSLATE_NOOP("ImportExport", "Beijing 1954 / 3-degree Gauss-Krüger CM 117E")),
    ("EPSG:2384", QT_TRANSLATE_NOOP("ImportExport", "Xian 1980 / 3-degree Gauss-Krüger CM 117E")),
    ("GCJ-02", QT_TRANSLATE_NOOP("ImportExport", "GCJ-02 (Chinese web maps, 火星坐标)")),
)


def layer_combo(layer: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName("layerCombo")
    for key, label in LAYER_LABELS.items():
        combo.addItem(_tr(label), key)
    combo.setCurrentIndex(max(0, combo.findData(layer)))
    return combo


class CrsChooser(QWidget):
    """An editable combo of common CRSs with the resolved name (or the error) under it.

    ``text()`` is what to hand to a service (an EPSG code, or what the user typed); ``""``
    when the first entry is the “as declared by the file” placeholder.
    """

    changed = Signal()  # the choice changed (valid or not)

    def __init__(self, parent: QWidget | None = None, *, file_entry: bool = False) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setObjectName("crsCombo")
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.lineEdit().setPlaceholderText(
            self.tr("EPSG code, zone, GCJ-02 or WKT"))
        self._file_entry = file_entry
        if file_entry:
            self.combo.addItem(self.tr("As declared by the file"), "")
        for code, label in COMMON_CRS:
            self.combo.addItem(f"{code} — {_tr(label)}", code)
        self.label = QLabel()
        self.label.setObjectName("crsLabel")
        self.label.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.combo)
        lay.addWidget(self.label)
        self.combo.currentIndexChanged.connect(self._on_changed)
        self.combo.editTextChanged.connect(self._on_changed)
        self._error: str | None = None

    def set_text(self, text: str) -> None:
        i = self.combo.findData(text)
        if i >= 0:
            self.combo.setCurrentIndex(i)
        else:
            self.combo.setEditText(text)
        self._on_changed()

    def text(self) -> str:
        """The CRS to use: the code of a listed entry or the typed text; "" = the file's."""
        typed = self.combo.currentText().strip()
        i = self.combo.currentIndex()
        if i >= 0 and self.combo.itemText(i) == self.combo.currentText():
            return str(self.combo.itemData(i))
        return typed

    @property
    def error(self) -> str | None:
        return self._error

    def _on_changed(self, *_: Any) -> None:
        text = self.text()
        if not text:
            self._error = None
            self.label.setText("")
        else:
            try:
                resolved = crs_label(resolve_crs(text))
            except DomainError as exc:
                self._error = str(exc)
                self.label.setStyleSheet(_ERROR_STYLE)
                self.label.setText(self._error)
            else:
                self._error = None
                self.label.setStyleSheet(_HINT_STYLE)
                self.label.setText(resolved)
        self.changed.emit()


class ImportDialog(QDialog):
    """Import one layer from a file into ``store`` (see the module docstring)."""

    imported = Signal(str)  # layer key, after features were written to the store

    def __init__(self, store: Store, parent: QWidget | None = None, *, layer: str = "parts",
                 path: str | Path | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle(self.tr("Import layer"))
        self.store = store
        self.info: vector_io.FileInfo | None = None
        self.report: ImportReport | None = None
        self._worker: Worker | None = None
        self._cancel = threading.Event()
        self._checked_ok = False  # a dry run passed with the current choices
        self._ran_accept_valid = False  # the option the last run used

        # -- source ----------------------------------------------------------------------------
        self.layer_combo = layer_combo(layer)
        self.layer_combo.currentIndexChanged.connect(self._on_layer_changed)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("pathEdit")
        self.path_edit.setPlaceholderText(
            self.tr("GeoPackage, GeoJSON, Shapefile, CSV or XLSX file"))
        self.path_edit.editingFinished.connect(
            lambda: self.set_path(self.path_edit.text()) if self.path_edit.text().strip()
            and self.path_edit.text().strip() != str(self._path or "") else None)
        self.browse_button = QPushButton(self.tr("Browse…"))
        self.browse_button.setObjectName("browseButton")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self._on_browse)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        self.file_label = QLabel()
        self.file_label.setObjectName("fileLabel")
        self.file_label.setWordWrap(True)
        self.crs = CrsChooser(file_entry=True)
        self.crs.changed.connect(self._on_choice_changed)
        self.crs_note = QLabel()
        self.crs_note.setObjectName("crsNote")
        self.crs_note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Layer:"), self.layer_combo)
        form.addRow(self.tr("File:"), file_row)
        form.addRow("", self.file_label)
        form.addRow(self.tr("Coordinates:"), self.crs)
        form.addRow("", self.crs_note)

        # -- mapping -----------------------------------------------------------------------
        self.mapping_table = QTableWidget(0, 2)
        self.mapping_table.setObjectName("mappingTable")
        self.mapping_table.setHorizontalHeaderLabels([self.tr("Column in the file"),
                                                      self.tr("CityGrid field")])
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.required_label = QLabel()
        self.required_label.setObjectName("requiredLabel")
        self.required_label.setWordWrap(True)
        map_box = QGroupBox(self.tr("Field mapping"))
        map_lay = QVBoxLayout(map_box)
        map_lay.addWidget(self.mapping_table, 1)
        map_lay.addWidget(self.required_label)

        # -- report --------------------------------------------------------------------------
        self.summary_label = QLabel(self.tr("Choose a file, then check it with a dry run."))
        self.summary_label.setObjectName("summaryLabel")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warnings_label = QLabel()
        self.warnings_label.setObjectName("warningsLabel")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setStyleSheet(_WARN_STYLE)
        self.warnings_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rejection_table = QTableWidget(0, 4)
        self.rejection_table.setObjectName("rejectionTable")
        self.rejection_table.setHorizontalHeaderLabels(
            [self.tr("Row"), self.tr("Feature"), self.tr("Rule"), self.tr("Problem")])
        self.rejection_table.verticalHeader().hide()
        self.rejection_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rejection_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rejection_table.setWordWrap(False)
        rh = self.rejection_table.horizontalHeader()
        for col in range(3):
            rh.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        rh.setStretchLastSection(True)
        # The full message of the selected rejection (the table cell shows its start).
        self.detail_label = QLabel()
        self.detail_label.setObjectName("rejectionDetail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rejection_table.currentCellChanged.connect(self._on_rejection_selected)
        self.save_button = QPushButton(self.tr("Save rejections as CSV…"))
        self.save_button.setObjectName("saveRejectionsButton")
        self.save_button.setAutoDefault(False)
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self._on_save_rejections)
        report_box = QGroupBox(self.tr("Report"))
        rep_lay = QVBoxLayout(report_box)
        rep_lay.addWidget(self.summary_label)
        rep_lay.addWidget(self.warnings_label)
        rep_lay.addWidget(self.rejection_table, 1)
        rep_lay.addWidget(self.detail_label)
        rep_lay.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight)

        middle = QHBoxLayout()
        middle.addWidget(map_box, 1)
        middle.addWidget(report_box, 1)

        # -- options, progress, buttons ------------------------------------------------------
        self.accept_valid_check = QCheckBox(self.tr("Accept valid features only (skip the "
                                                    "rejected ones)"))
        self.accept_valid_check.setObjectName("acceptValidCheck")
        self.repair_check = QCheckBox(self.tr("Repair invalid polygons"))
        self.repair_check.setObjectName("repairCheck")
        self.replace_check = QCheckBox(self.tr("Replace the whole layer"))
        self.replace_check.setObjectName("replaceCheck")
        self.replace_check.setToolTip(self.tr(
            "Unit grids and parts only: the file replaces every stored feature of the layer"))
        for box in (self.accept_valid_check, self.repair_check, self.replace_check):
            box.toggled.connect(self._on_choice_changed)
        options = QHBoxLayout()
        options.addWidget(self.accept_valid_check)
        options.addWidget(self.repair_check)
        options.addWidget(self.replace_check)
        options.addStretch(1)

        self.progress = QProgressBar()
        self.progress.setObjectName("progressBar")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.status_label = QLabel()
        self.status_label.setObjectName("statusLabel")
        self.check_button = QPushButton(self.tr("Check (dry run)"))
        self.check_button.setObjectName("checkButton")
        self.check_button.clicked.connect(lambda: self._run(dry_run=True))
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setObjectName("importButton")
        self.import_button.clicked.connect(lambda: self._run(dry_run=False))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self._on_cancel)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setObjectName("closeButton")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.check_button)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.close_button)

        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addLayout(middle, 1)
        lay.addLayout(options)
        lay.addWidget(self.status_label)
        lay.addLayout(bottom)

        self._path: Path | None = None
        self._set_running(False)
        self.resize(940, 680)
        if path is not None:
            self.set_path(path)

    # -- public ------------------------------------------------------------------------------
    @property
    def layer(self) -> str:
        return str(self.layer_combo.currentData())

    @property
    def running(self) -> bool:
        return self._worker is not None

    def set_path(self, path: str | Path) -> None:
        """Read the file's columns and CRS (on a worker thread) and guess the mapping."""
        if self.running:
            return
        self._path = Path(str(path).strip())
        self.path_edit.setText(str(self._path))
        self.info = None
        self.mapping_table.setRowCount(0)
        self._clear_report()
        self.file_label.setStyleSheet(_HINT_STYLE)
        self.file_label.setText(self.tr("Reading the file…"))
        p = self._path
        layer = self.layer
        self._start(Worker(lambda: vector_io.probe(p, prefer=layer), parent=self),
                    self._on_probed, self._on_probe_failed)

    def mapping(self) -> dict[str, str | None]:
        """The mapping as chosen in the table: {column: canonical key, or None = ignore}."""
        out: dict[str, str | None] = {}
        for row in range(self.mapping_table.rowCount()):
            combo = self.mapping_table.cellWidget(row, 1)
            if isinstance(combo, QComboBox) and combo.isEnabled():
                col = self.mapping_table.item(row, 0).text()
                out[col] = combo.currentData() or None
        return out

    def set_mapping(self, column: str, key: str | None) -> None:
        """Choose the field of ``column`` (None = ignore), as a click in its combo would."""
        combo = self._combo_of(column)
        combo.setCurrentIndex(combo.findData(key or ""))

    def cancel(self) -> None:
        """Stop the running task; nothing is written."""
        self._on_cancel()

    def stop(self, wait_ms: int = 60_000) -> bool:
        """Cancel a running task and wait for its thread to end (call before the main window
        closes: the thread must not outlive the dialog). True when nothing runs any more."""
        worker = self._worker
        if worker is None:
            return True
        self._cancel.set()
        return worker.wait(wait_ms)

    # -- file -----------------------------------------------------------------------------------
    def _on_browse(self) -> None:
        start = str(self._path.parent) if self._path else ""
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import layer"), start,
            self.tr("GIS files (%1);;All files (*)").replace(
                "%1", "*.gpkg *.geojson *.json *.shp *.csv *.xlsx"))
        if path:
            self.set_path(path)

    def _on_probed(self, info: object) -> None:
        assert isinstance(info, vector_io.FileInfo)
        self.info = info
        count = (self.tr("%1 features").replace("%1", f"{info.features:,}")
                 if info.features >= 0 else self.tr("features not counted"))
        self.file_label.setStyleSheet(_HINT_STYLE)
        self.file_label.setText(f"{info.driver} · {info.layer or info.path.stem} · {count}"
                                + ("\n" + "\n".join(info.warnings) if info.warnings else ""))
        if info.crs is None:
            self.crs.combo.setItemText(0, self.tr("(choose — the file declares none)"))
            if not self.crs.text():
                self.crs.set_text("")
        else:
            self.crs.combo.setItemText(0, self.tr("As declared by the file"))
            self.crs.set_text("")
        self._fill_mapping()

    def _on_probe_failed(self, message: str) -> None:
        self.info = None
        self.file_label.setStyleSheet(_ERROR_STYLE)
        self.file_label.setText(message)
        self._update_buttons()

    # -- mapping ---------------------------------------------------------------------------------
    def _on_layer_changed(self) -> None:
        self._checked_ok = False
        if self.info is not None:
            self._fill_mapping()
        self._update_buttons()

    def _fill_mapping(self) -> None:
        assert self.info is not None
        columns = [c for c in self.info.columns]
        guess = fieldmap.guess_mapping(self.layer, columns)
        coords = vector_io.find_coordinate_columns(columns) if self.info.is_table else None
        wkt = vector_io.find_wkt_column(columns) if self.info.is_table else None
        self.mapping_table.setRowCount(len(columns))
        for row, col in enumerate(columns):
            item = QTableWidgetItem(col)
            self.mapping_table.setItem(row, 0, item)
            combo = QComboBox()
            combo.setObjectName(f"mapping:{col}")
            if (coords and col in coords) or col == wkt:
                combo.addItem(self.tr("(coordinates)") if col != wkt else self.tr("(geometry)"),
                              "")
                combo.setEnabled(False)
            else:
                combo.addItem(self.tr("(ignore)"), "")
                for key in fieldmap.CANONICAL[self.layer]:
                    combo.addItem(fieldmap.describe_key(self.layer, key), key)
                combo.setCurrentIndex(max(0, combo.findData(guess.get(col, ""))))
                combo.currentIndexChanged.connect(self._on_choice_changed)
            self.mapping_table.setCellWidget(row, 1, combo)
        self._on_choice_changed()

    def _combo_of(self, column: str) -> QComboBox:
        for row in range(self.mapping_table.rowCount()):
            if self.mapping_table.item(row, 0).text() == column:
                combo = self.mapping_table.cellWidget(row, 1)
                assert isinstance(combo, QComboBox)
                return combo
        raise KeyError(column)

    def _mapping_problem(self) -> str | None:
        if self.info is None:
            return None
        chosen = [k for k in self.mapping().values() if k]
        doubled = sorted({k for k in chosen if chosen.count(k) > 1})
        if doubled:
            return self.tr("Each field takes one column: %1 is chosen more than once.").replace(
                "%1", ", ".join(doubled))
        missing = fieldmap.missing_required(
            self.layer, {c: k for c, k in self.mapping().items() if k})
        if missing:
            return self.tr("Required field without a column: %1").replace(
                "%1", ", ".join(fieldmap.describe_key(self.layer, k) for k in missing))
        return None

    def _show_crs_note(self) -> None:
        if self.info is None:
            self.crs_note.setText("")
        elif self.info.crs is not None:
            declared = crs_label(resolve_crs(self.info.crs))
            self.crs_note.setStyleSheet(_HINT_STYLE if not self.crs.text() else _WARN_STYLE)
            self.crs_note.setText(
                self.tr("Declared by the file: %1").replace("%1", declared) if not self.crs.text()
                else self.tr("The file declares %1; its coordinates will be read in the CRS "
                             "chosen above instead.").replace("%1", declared))
        elif not self.crs.text():
            self.crs_note.setStyleSheet(_WARN_STYLE)
            self.crs_note.setText(self.tr(
                "The file declares no coordinate system: choose the one its coordinates are "
                "in."))
        else:
            self.crs_note.setStyleSheet(_HINT_STYLE)
            self.crs_note.setText(self.tr("The file declares no coordinate system; its "
                                          "coordinates will be read in the CRS chosen above."))

    def _on_choice_changed(self, *_: Any) -> None:
        self._checked_ok = False
        self._show_crs_note()
        problem = self._mapping_problem()
        self.required_label.setStyleSheet(_ERROR_STYLE if problem else _HINT_STYLE)
        self.required_label.setText(problem or (self.tr(
            "Fields without a column are derived or left empty.") if self.info else ""))
        self.replace_check.setEnabled(self.layer in ("grids", "parts"))
        self._update_buttons()

    # -- running ---------------------------------------------------------------------------------
    def _ready(self) -> bool:
        if self.running or self.info is None or self._mapping_problem() is not None:
            return False
        if self.crs.error is not None:
            return False
        return not (self.info.crs is None and not self.crs.text())

    def _update_buttons(self) -> None:
        ready = self._ready()
        self.check_button.setEnabled(ready)
        self.import_button.setEnabled(ready)
        # Enter checks first; once a dry run passed with these choices it imports.
        self.import_button.setDefault(ready and self._checked_ok)
        self.check_button.setDefault(not (ready and self._checked_ok))

    def _set_running(self, running: bool) -> None:
        for w in (self.layer_combo, self.path_edit, self.browse_button, self.crs,
                  self.mapping_table, self.accept_valid_check, self.repair_check,
                  self.replace_check):
            w.setEnabled(not running)
        if not running:
            self.replace_check.setEnabled(self.layer in ("grids", "parts"))
        self.cancel_button.setEnabled(running)
        self.close_button.setEnabled(not running)
        self._update_buttons()

    def _start(self, worker: Worker, on_done: Any, on_failed: Any) -> None:
        self._cancel.clear()
        self._worker = worker

        def finish() -> None:
            self._worker = None
            worker.deleteLater()
            self._set_running(False)

        worker.done.connect(lambda result: (finish(), on_done(result)))
        worker.failed.connect(lambda message: (finish(), on_failed(message)))
        worker.progress.connect(self._on_progress)
        self._set_running(True)
        worker.start()

    def _run(self, *, dry_run: bool) -> None:
        if not self._ready() or self._path is None:
            return
        self._clear_report()
        path, layer = self._path, self.layer
        kwargs: dict[str, Any] = {
            "crs": self.crs.text() or None, "mapping": self.mapping(), "dry_run": dry_run,
            "accept_valid": self.accept_valid_check.isChecked(),
            "repair": self.repair_check.isChecked(),
            "mode": "replace" if self.replace_check.isChecked()
            and self.replace_check.isEnabled() else "append"}
        store, cancel = self.store, self._cancel
        self._ran_accept_valid = bool(kwargs["accept_valid"])

        def task(progress: Any) -> ImportReport:
            return importer.import_file(store, layer, path, progress=progress,
                                        cancel=cancel.is_set, **kwargs)

        self.progress.setValue(0)
        self.status_label.setStyleSheet(_HINT_STYLE)
        self.status_label.setText(self.tr("Checking…") if dry_run else self.tr("Importing…"))
        self._start(Worker(task, with_progress=True, parent=self), self._on_report,
                    self._on_refused)

    def _on_progress(self, fraction: float, label: str) -> None:
        self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if label:
            self.status_label.setText(label)

    def _on_cancel(self) -> None:
        if self.running:
            self._cancel.set()
            self.status_label.setText(self.tr("Cancelling…"))

    # -- report -----------------------------------------------------------------------------------
    def _clear_report(self) -> None:
        self.report = None
        self.summary_label.setStyleSheet("")
        self.summary_label.setText("")
        self.warnings_label.setText("")
        self.rejection_table.setRowCount(0)
        self.detail_label.setText("")
        self.save_button.setEnabled(False)
        self.status_label.setText("")
        self.progress.setValue(0)

    def _on_report(self, report: object) -> None:
        assert isinstance(report, importer.ImportReport)
        self.report = report
        self.progress.setValue(1000 if not report.cancelled else 0)
        n_bad = report.rejected_features
        counts = self.tr("%1 features: %2 accepted, %3 rejected.").replace(
            "%1", f"{report.total:,}").replace("%2", f"{report.accepted:,}").replace(
            "%3", f"{n_bad:,}")
        if report.cancelled:
            outcome, style = self.tr("Cancelled: nothing was written."), _WARN_STYLE
        elif report.dry_run:
            if not report.rejected or self._ran_accept_valid:
                outcome = self.tr("Dry run: nothing was written. The import would write %1 "
                                  "features.").replace("%1", f"{report.accepted:,}")
            else:
                outcome = self.tr("Dry run: nothing was written. As it is, the import would be "
                                  "refused: fix the rejected features, or tick “Accept valid "
                                  "features only”.")
            style = _OK_STYLE if not report.rejected else _WARN_STYLE
        elif report.written:
            outcome = self.tr("Imported: %1 features written.").replace(
                "%1", f"{report.accepted:,}")
            style = _OK_STYLE
        else:
            outcome = self.tr("Nothing was written: fix the rejected features, or tick "
                              "“Accept valid features only”. The store is unchanged.")
            style = _ERROR_STYLE
        self.summary_label.setStyleSheet(style)
        self.summary_label.setText(f"{counts} {outcome}\n{report.crs_label} · "
                                   f"{report.seconds:.1f} s")
        self.warnings_label.setText("\n".join(f"• {w}" for w in report.warnings[:20]))
        self.rejection_table.setRowCount(len(report.rejected))
        for row, r in enumerate(report.rejected):
            for col, text in enumerate((str(r.row), r.feature_id, r.rule, r.message)):
                item = QTableWidgetItem(text)
                item.setToolTip(r.message)
                self.rejection_table.setItem(row, col, item)
        self.save_button.setEnabled(bool(report.rejected))
        if report.rejected:
            self.rejection_table.setCurrentCell(0, 3)
        self.status_label.setText("")
        self._checked_ok = report.dry_run and not report.cancelled and (
            not report.rejected or self._ran_accept_valid)
        self._update_buttons()
        if report.written:
            self.imported.emit(report.layer)

    def _on_rejection_selected(self, row: int, *_: int) -> None:
        if self.report is None or not 0 <= row < len(self.report.rejected):
            self.detail_label.setText("")
            return
        r = self.report.rejected[row]
        self.detail_label.setText(self.tr("Row %1: %2").replace("%1", str(r.row))
                                  .replace("%2", r.message))

    def _on_refused(self, message: str) -> None:
        self.progress.setValue(0)
        self.summary_label.setStyleSheet(_ERROR_STYLE)
        self.summary_label.setText(self.tr("The file was refused: %1 The store is unchanged.")
                                   .replace("%1", message))
        self.status_label.setText("")

    def _on_save_rejections(self) -> None:
        if self.report is None or not self.report.rejected:
            return
        start = self._path.with_name(self._path.stem + "_rejected.csv") if self._path else ""
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save rejections as CSV"),
                                              str(start), self.tr("CSV files (*.csv)"))
        if not path:
            return
        try:
            self.report.to_csv(path)
        except OSError as exc:
            self.status_label.setStyleSheet(_ERROR_STYLE)
            self.status_label.setText(self.tr("Could not save %1: %2").replace(
                "%1", path).replace("%2", exc.strerror or str(exc)))
        else:
            self.status_label.setStyleSheet(_OK_STYLE)
            self.status_label.setText(self.tr("%1 rejections saved to %2").replace(
                "%1", f"{len(self.report.rejected):,}").replace("%2", path))

    # -- closing -----------------------------------------------------------------------------------
    def reject(self) -> None:
        """Esc / Close: stop a running task first (nothing is written); close when idle."""
        if self.running:
            self._on_cancel()
            return
        super().reject()

    def closeEvent(self, event: Any) -> None:
        if self.running:
            self._on_cancel()
            event.ignore()
            return
        super().closeEvent(event)
