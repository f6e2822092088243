"""Import and export dialogs driven through their widgets on a copy of the street seed.

Files are made the way a user gets them: exported by CityGrid, then edited as a surveyor
would (renamed columns, a missing CRS, broken rows). The dialogs run the real importer and
exporter on their worker threads; the tests wait for the results as the window would.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog
from sqlalchemy import delete, func, select

from app.services import exporter
from app.services.exporter import export_layer
from app.store.orm import PartRow
from app.store.store import Store
from app.ui.app import ensure_app, install_language
from app.ui.export_dialog import ExportDialog
from app.ui.import_dialog import ImportDialog

pytestmark = pytest.mark.ui

N = 400  # parts taken out of the store and brought back by the import


@pytest.fixture(autouse=True)
def english() -> None:
    """The tests read the English source texts; other UI tests leave zh_CN installed."""
    ensure_app(offscreen=True)
    install_language("en")


@pytest.fixture
def store(street_db_url: str, tmp_path: Path) -> Store:
    db = tmp_path / "dialogs.sqlite"
    shutil.copy(Path(street_db_url.removeprefix("sqlite:///")), db)
    s = Store.open(f"sqlite:///{db}")
    yield s
    s.close()


def _parts(store: Store) -> int:
    with store.engine.connect() as c:
        return int(c.execute(select(func.count()).select_from(PartRow)).scalar_one())


@pytest.fixture
def survey_csv(store: Store, tmp_path: Path) -> Path:
    """N parts as a surveyor's CSV (lon/lat, no CRS, own column names), removed from the
    store so that importing them is accepted."""
    full = tmp_path / "all_parts.csv"
    export_layer(store, "parts", full)
    with full.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    header[header.index("GLBJBSM")] = "编号"  # not a recognised name: must be mapped
    header[header.index("BZ")] = "说明"  # neither
    ids = [r[0] for r in rows[1:N + 1]]
    for r in rows[1:N + 1]:
        r[header.index("说明")] = "调查补录，东侧"
    path = tmp_path / "survey.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows[:N + 1])
    with store.engine.begin() as c:
        c.execute(delete(PartRow).where(PartRow.part_id.in_(ids)))
    return path


def _dialog(qtbot, dlg):  # type: ignore[no-untyped-def]
    ensure_app(offscreen=True)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def _click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    assert button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _choose(combo: QComboBox, data: str) -> None:
    i = combo.findData(data)
    assert i >= 0, data
    combo.setCurrentIndex(i)


def _loaded(qtbot, dlg: ImportDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: dlg.info is not None and not dlg.running, timeout=20_000)


def _finished(qtbot, dlg: ImportDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not dlg.running, timeout=60_000)


# --- import ------------------------------------------------------------------------------------


def test_import_csv_asks_for_crs_and_mapping_then_imports(qtbot, store: Store,  # type: ignore[no-untyped-def]
                                                          survey_csv: Path) -> None:
    before = _parts(store)
    dlg = _dialog(qtbot, ImportDialog(store, layer="parts"))
    imported: list[str] = []
    dlg.imported.connect(imported.append)
    qtbot.keyClicks(dlg.path_edit, str(survey_csv))
    qtbot.keyClick(dlg.path_edit, Qt.Key.Key_Return)  # editing finished: the file is read
    _loaded(qtbot, dlg)
    assert dlg.file_label.text().startswith("CSV")
    # The CSV declares no CRS: the dialog asks, and nothing can run until it is answered.
    assert "declares no coordinate system" in dlg.crs_note.text()
    # The unknown id column is not guessed: the required part id is missing.
    assert "part_id" in dlg.required_label.text()
    assert not dlg.check_button.isEnabled() and not dlg.import_button.isEnabled()
    id_combo = dlg.mapping_table.cellWidget(0, 1)
    assert isinstance(id_combo, QComboBox) and id_combo.currentData() == ""
    _choose(id_combo, "part_id")
    _choose(dlg._combo_of("说明"), "note")
    assert dlg.required_label.text() == "Fields without a column are derived or left empty."
    assert not dlg.check_button.isEnabled()  # still no CRS
    # Coordinate columns are shown, not mappable.
    assert not dlg._combo_of("lon").isEnabled() and not dlg._combo_of("lat").isEnabled()
    dlg.crs.combo.setFocus()
    dlg.crs.combo.lineEdit().selectAll()
    qtbot.keyClicks(dlg.crs.combo.lineEdit(), "4490")
    assert dlg.crs.label.text() == "CGCS2000 (EPSG:4490)"
    assert "read in the CRS chosen above" in dlg.crs_note.text()
    assert dlg.mapping() == {**dlg.mapping(), "编号": "part_id", "说明": "note"}

    _click(qtbot, dlg.check_button)
    _finished(qtbot, dlg)
    assert dlg.report is not None and dlg.report.dry_run and not dlg.report.rejected
    assert f"{N} features: {N} accepted, 0 rejected" in dlg.summary_label.text()
    assert _parts(store) == before  # a dry run writes nothing
    assert dlg.import_button.isDefault()  # after a clean check, Enter imports

    qtbot.keyClick(dlg.path_edit, Qt.Key.Key_Return)
    _finished(qtbot, dlg)
    assert dlg.report is not None and dlg.report.written
    assert "Imported: 400 features written." in dlg.summary_label.text()
    assert _parts(store) == before + N and imported == ["parts"]
    with store.engine.connect() as c:
        notes = c.execute(select(PartRow.note).where(PartRow.note.is_not(None))).scalars().all()
    assert notes.count("调查补录，东侧") == N


def test_dry_run_reports_rejections_and_saves_them(qtbot, store: Store, survey_csv: Path,  # type: ignore[no-untyped-def]
                                                   tmp_path: Path, monkeypatch) -> None:
    with survey_csv.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    t = rows[0].index("BJLXDM")
    rows[3][t] = "99999"  # a type code that disagrees with the id
    rows[5][0] = rows[4][0]  # a duplicate id
    bad = tmp_path / "broken.csv"
    with bad.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    before = _parts(store)
    dlg = _dialog(qtbot, ImportDialog(store, layer="parts", path=bad))
    _loaded(qtbot, dlg)
    _choose(dlg._combo_of("编号"), "part_id")
    dlg.crs.set_text("EPSG:4490")
    assert dlg.check_button.isDefault()
    qtbot.keyClick(dlg.crs.combo, Qt.Key.Key_Return)  # Enter runs the dry run
    _finished(qtbot, dlg)
    report = dlg.report
    assert report is not None and report.dry_run and report.rejected
    assert dlg.rejection_table.rowCount() == len(report.rejected)
    rules = {dlg.rejection_table.item(r, 2).text() for r in range(dlg.rejection_table.rowCount())}
    assert rules == {"type.mismatch", "id.duplicate"}
    assert "would be refused" in dlg.summary_label.text()
    assert not dlg.import_button.isDefault()

    out = tmp_path / "rejections.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    _click(qtbot, dlg.save_button)
    with out.open(encoding="utf-8-sig", newline="") as f:
        saved = list(csv.DictReader(f))
    assert len(saved) == len(report.rejected)
    assert {r["rule"] for r in saved} == {r.rule for r in report.rejected}
    assert "saved to" in dlg.status_label.text()

    # Strict import: refused as a whole, the store unchanged.
    _click(qtbot, dlg.import_button)
    _finished(qtbot, dlg)
    assert dlg.report is not None and not dlg.report.written
    assert "The store is unchanged" in dlg.summary_label.text()
    assert _parts(store) == before
    # Accepting the valid features writes the others.
    _click(qtbot, dlg.accept_valid_check)
    _click(qtbot, dlg.import_button)
    _finished(qtbot, dlg)
    assert dlg.report is not None and dlg.report.written
    assert _parts(store) == before + dlg.report.accepted
    assert 0 < dlg.report.accepted < N


def test_cancel_and_esc_stop_an_import_and_nothing_is_written(qtbot, store: Store,  # type: ignore[no-untyped-def]
                                                             survey_csv: Path) -> None:
    before = _parts(store)
    dlg = _dialog(qtbot, ImportDialog(store, layer="parts", path=survey_csv))
    _loaded(qtbot, dlg)
    _choose(dlg._combo_of("编号"), "part_id")
    dlg.crs.set_text("EPSG:4490")
    _click(qtbot, dlg.import_button)
    assert dlg.running and dlg.cancel_button.isEnabled() and not dlg.close_button.isEnabled()
    _click(qtbot, dlg.cancel_button)
    _finished(qtbot, dlg)
    assert dlg.report is not None and dlg.report.cancelled and not dlg.report.written
    assert "Cancelled: nothing was written." in dlg.summary_label.text()
    assert _parts(store) == before
    # Esc while running cancels (the dialog stays open); Esc when idle closes it.
    _click(qtbot, dlg.import_button)
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert dlg.isVisible()
    _finished(qtbot, dlg)
    assert dlg.report is not None and dlg.report.cancelled and _parts(store) == before
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()


def test_refused_file_is_explained_and_store_unchanged(qtbot, store: Store,  # type: ignore[no-untyped-def]
                                                      tmp_path: Path) -> None:
    garbage = tmp_path / "parts.gpkg"
    garbage.write_bytes(b"\x00\x01not a geopackage" * 50)
    dlg = _dialog(qtbot, ImportDialog(store, layer="parts", path=garbage))
    qtbot.waitUntil(lambda: not dlg.running and bool(dlg.file_label.text())
                    and dlg.file_label.text() != "Reading the file…", timeout=20_000)
    assert "parts.gpkg" in dlg.file_label.text() and dlg.info is None
    assert not dlg.check_button.isEnabled() and not dlg.import_button.isEnabled()


def test_file_crs_is_used_and_can_be_overridden(qtbot, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "grids.gpkg"
    export_layer(store, "grids", path, crs="EPSG:4548")
    dlg = _dialog(qtbot, ImportDialog(store, layer="parts", path=path))
    _loaded(qtbot, dlg)
    assert "Declared by the file: CGCS2000 / 3-degree Gauss-Kruger CM 117E (EPSG:4548)" in \
        dlg.crs_note.text()
    # The layer changes: the mapping is guessed again for grids.
    _choose(dlg.layer_combo, "grids")
    assert dlg._combo_of("DYWGBSM").currentData() == "grid_id"
    assert dlg.replace_check.isEnabled()
    assert dlg.check_button.isEnabled()  # the file's CRS suffices
    dlg.crs.combo.lineEdit().selectAll()
    qtbot.keyClicks(dlg.crs.combo.lineEdit(), "no such crs")
    assert "Unknown coordinate reference system" in dlg.crs.label.text()
    assert not dlg.check_button.isEnabled()
    _choose(dlg.crs.combo, "EPSG:4527")
    assert "instead" in dlg.crs_note.text() and dlg.check_button.isEnabled()


# --- export ------------------------------------------------------------------------------------


def test_export_dialog_writes_the_file(qtbot, store: Store, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dlg = _dialog(qtbot, ExportDialog(store, layer="grids"))
    assert dlg.layer_combo.currentText() == f"Unit grids ({exporter.layer_count(store, 'grids'):,})"
    assert not dlg.export_button.isEnabled()  # no file yet
    path = tmp_path / "grids.csv"
    qtbot.keyClicks(dlg.path_edit, str(path))
    assert dlg.format_label.text() == "CSV — polygons as a WKT column"
    _choose(dlg.layer_combo, "parts")
    assert dlg.format_label.text() == "CSV — points as lon/lat columns"
    dlg.crs.combo.lineEdit().selectAll()
    qtbot.keyClicks(dlg.crs.combo.lineEdit(), "CGCS2000 zone 39")
    assert dlg.crs.label.text().endswith("(EPSG:4527)")
    assert dlg.format_label.text() == "CSV — points as x/y columns"
    done: list[tuple[str, int]] = []
    dlg.exported.connect(lambda p, n: done.append((p, n)))
    qtbot.keyClick(dlg.path_edit, Qt.Key.Key_Return)  # Enter exports
    qtbot.waitUntil(lambda: not dlg.running, timeout=60_000)
    n = exporter.layer_count(store, "parts")
    assert done == [(str(path), n)] and dlg.written == n
    assert f"Exported {n:,} features to {path}" in dlg.status_label.text()
    with path.open(encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f))
    assert header[0] == "GLBJBSM" and header[-2:] == ["x", "y"]


def test_export_dialog_explains_what_cannot_be_written(qtbot, store: Store,  # type: ignore[no-untyped-def]
                                                      tmp_path: Path, monkeypatch) -> None:
    dlg = _dialog(qtbot, ExportDialog(store, layer="parts"))
    qtbot.keyClicks(dlg.path_edit, str(tmp_path / "parts.kml"))
    assert "not a format CityGrid writes" in dlg.format_label.text()
    assert not dlg.export_button.isEnabled()
    dlg.path_edit.setText(str(tmp_path / "parts.geojson"))
    assert "always WGS-84" in dlg.format_label.text() and dlg.export_button.isEnabled()
    _choose(dlg.crs.combo, "EPSG:4548")
    assert "RFC 7946" in dlg.format_label.text() and not dlg.export_button.isEnabled()
    _choose(dlg.crs.combo, "EPSG:4490")
    monkeypatch.setattr(exporter, "XLSX_MAX_ROWS", 1000)
    dlg.path_edit.setText(str(tmp_path / "parts.xlsx"))
    assert "at most 1,000 rows" in dlg.format_label.text() and not dlg.export_button.isEnabled()
    # Browse: the chosen file name gets the filter's extension.
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "mine"), "Shapefile (*.shp)"))
    _click(qtbot, dlg.browse_button)
    assert dlg.path_edit.text() == str(tmp_path / "mine.shp")
    assert dlg.format_label.text().startswith("Shapefile — UTF-8")


def test_export_cancel_leaves_no_file(qtbot, store: Store, tmp_path: Path,  # type: ignore[no-untyped-def]
                                      monkeypatch) -> None:
    monkeypatch.setattr(exporter, "CHUNK", 2000)
    path = tmp_path / "parts.gpkg"
    dlg = _dialog(qtbot, ExportDialog(store, layer="parts", path=path))
    _click(qtbot, dlg.export_button)
    assert dlg.running and dlg.cancel_button.isEnabled()
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)  # Esc cancels a running export
    assert dlg.isVisible()
    qtbot.waitUntil(lambda: not dlg.running, timeout=60_000)
    assert dlg.status_label.text() == "Cancelled: no file was written."
    assert not path.exists() and not list(tmp_path.glob(".citygrid-export-*"))
    # stop(): what the main window calls on closing, so no thread outlives the dialog.
    _click(qtbot, dlg.export_button)
    assert dlg.stop()
    qtbot.waitUntil(lambda: not dlg.running, timeout=10_000)
    assert not path.exists() and not list(tmp_path.glob(".citygrid-export-*"))
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert not dlg.isVisible()


def test_dialogs_fit_a_small_window(qtbot, store: Store) -> None:  # type: ignore[no-untyped-def]
    for dlg in (ImportDialog(store), ExportDialog(store)):
        _dialog(qtbot, dlg)
        hint = dlg.minimumSizeHint()
        assert hint.width() <= 1000 and hint.height() <= 700, (type(dlg).__name__, hint)
        assert dlg.width() <= 1000 and dlg.height() <= 700
