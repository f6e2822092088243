"""The CityGrid main window: map in the centre, layer and attribute docks, search."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QToolBar,
    QWidget,
)

from app.domain.camera import Camera
from app.domain.errors import DomainError
from app.domain.case import Case, CaseState
from app.domain.org import Role, Staff
from app.domain.workflow import Action, Actor
from app.gis import crs
from app.map.camera_layer import build_camera_layers, insert_camera_layers
from app.map.vector_basemap_layer import insert_basemap, vector_basemap_layer
from app.map.district_layers import (
    build_layers,
    case_layer_data,
    index_of_rowid,
    insert_parts,
    patch_case_layer,
)
from app.map.layers import LayerList, PointLayer, TileLayer
from app.map.render import MapCanvas
from app.services import map_data, queries, vector_basemap
from app.services.cases import CaseService
from app.services.map_data import MapData
from app.services.video import VideoService
from app.store.live import CaseChange, ChangeFeed
from app.store.repositories import PointArrays
from app.store.store import Store
from app.ui import texts
from app.ui.attribute_panel import AttributePanel
from app.ui.case_panel import CasePanel
from app.ui.dashboard_panel import install_dashboard
from app.ui.export_dialog import ExportDialog
from app.ui.hotspot_panel import install_hotspot_panel
from app.ui.import_dialog import ImportDialog
from app.ui.intake_dialog import IntakeDialog
from app.ui.layer_panel import LayerPanel
from app.ui.video_panel import VideoPanel
from app.ui.workers import Worker


def _action_name(action: str | None) -> str:
    try:
        return texts.action_text(Action(action))
    except ValueError:
        return action or ""


class _FeedBridge(QObject):
    """Carries the change feed's callbacks (its own thread) to the GUI thread: signals of
    an object living in the GUI thread are queued there."""

    changes = Signal(object)  # list[CaseChange]
    status = Signal(bool, str)


# Live updates arriving within this many ms are applied together (one queue/map refresh).
LIVE_COALESCE_MS = 120


class MainWindow(QMainWindow):
    loaded = Signal()  # vector layers are on the map (interactive)
    parts_loaded = Signal()  # the 1.4 M parts layer has arrived
    language_requested = Signal(str)  # 'zh_CN' | 'en'

    live_applied = Signal(int)  # n changes from the feed applied to queues, map and detail
    switch_user_requested = Signal()  # File → Switch user: the app shows the login again

    def __init__(self, store: Store, parent: QWidget | None = None, live: bool = True) -> None:
        super().__init__(parent)
        self.store = store
        self.data: MapData | None = None
        self.layers = LayerList()
        self._workers: list[Worker] = []
        self.t_created = time.perf_counter()
        self.t_interactive: float | None = None
        # run_gui rebuilds the window on language_requested; elsewhere it needs a restart.
        self.live_language_switch = False
        self.setWindowTitle(self.tr("CityGrid — Grid Management Command Centre"))
        self.resize(1500, 950)

        self.canvas = MapCanvas()
        self.canvas.setObjectName("mapCanvas")
        self.setCentralWidget(self.canvas)
        self.canvas.cursor_moved.connect(self._on_cursor_moved)
        self.canvas.clicked.connect(self._on_map_clicked)
        # A one-shot "click a point on the map" request (intake location, video flag).
        self._pick: Callable[[float, float], None] | None = None
        self.intake: IntakeDialog | None = None
        # Import/export dialogs run workers: stopped before the window closes.
        self._file_dialogs: list[ImportDialog | ExportDialog] = []
        self.canvas.view_changed.connect(self._on_view_changed)

        self.layer_panel = LayerPanel()
        self.layer_panel.zoom_to_layer.connect(self.canvas.zoom_to_layer)
        self.layer_dock = self._dock(self.tr("Layers"), self.layer_panel, "layerDock",
                                     Qt.DockWidgetArea.LeftDockWidgetArea)
        self.attr_panel = AttributePanel()
        self.attr_dock = self._dock(self.tr("Attributes"), self.attr_panel, "attrDock",
                                    Qt.DockWidgetArea.RightDockWidgetArea)

        self._build_toolbar()
        self._build_case_panel()
        self._build_video_panel()
        self._build_menus()
        self._build_status_bar()
        # Managers' analysis docks (hidden until chosen in the Analysis menu): trends,
        # grid sizing and evaluation first (they create the menu), then hotspots.
        self.analysis = install_dashboard(self)
        self.hotspot_panel = install_hotspot_panel(self)
        self.attr_dock.raise_()  # attributes stay the front tab on the right
        self._feed: ChangeFeed | None = None
        self._closed = False
        self._pending_changes: list[CaseChange] = []
        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_COALESCE_MS)
        self._live_timer.timeout.connect(self._apply_changes)
        if live:
            self.start_live()

    # -- construction ---------------------------------------------------------------------
    def _dock(self, title: str, widget: QWidget, name: str,
              area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setMinimumWidth(220)
        self.addDockWidget(area, dock)
        return dock

    def _build_toolbar(self) -> None:
        tb = QToolBar(self.tr("Map"), self)
        tb.setObjectName("mapToolbar")
        tb.setMovable(False)
        self.addToolBar(tb)
        self.act_full = QAction(self.tr("Full extent"), self)
        self.act_full.setShortcut(QKeySequence(Qt.Key.Key_Home))
        self.act_full.setToolTip(self.tr("Show the whole district (Home)"))
        self.act_full.triggered.connect(self.zoom_full)
        self.act_zoom_in = QAction(self.tr("Zoom in"), self)
        self.act_zoom_in.setShortcut(QKeySequence.StandardKey.ZoomIn)
        self.act_zoom_in.triggered.connect(lambda: self._zoom_by(0.5))
        self.act_zoom_out = QAction(self.tr("Zoom out"), self)
        self.act_zoom_out.setShortcut(QKeySequence.StandardKey.ZoomOut)
        self.act_zoom_out.triggered.connect(lambda: self._zoom_by(2.0))
        for a in (self.act_full, self.act_zoom_in, self.act_zoom_out):
            tb.addAction(a)
        tb.addSeparator()
        self.search_box = QLineEdit()
        self.search_box.setObjectName("searchBox")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setPlaceholderText(
            self.tr("Search: grid id, part id, case number, street or community (Ctrl+F)"))
        self.search_box.setMinimumWidth(280)
        self.search_box.returnPressed.connect(lambda: self.search(self.search_box.text()))
        tb.addWidget(QLabel(" " + self.tr("Search") + " "))
        tb.addWidget(self.search_box)
        self.act_find = QAction(self.tr("Find"), self)
        self.act_find.setShortcut(QKeySequence.StandardKey.Find)
        self.act_find.triggered.connect(self._focus_search)
        self.addAction(self.act_find)

    def _build_case_panel(self) -> None:
        """The command-centre dock: queues, case detail and actions for the current seat."""
        self.case_service = CaseService(self.store)
        self.staff = {s.login: s for s in self.store.org.staff()}
        self.user_box = QComboBox()
        self.user_box.setObjectName("userBox")
        # The roster has long entries; size the box by a short width and let it elide.
        self.user_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.user_box.setMinimumContentsLength(16)
        for login, s in sorted(self.staff.items(), key=lambda kv: (kv[1].role.value, kv[0])):
            self.user_box.addItem(f"{s.name} ({login}, {texts.role_text(s.role)})", login)
        default = "op01" if "op01" in self.staff else (next(iter(self.staff), None))
        if default:
            self.user_box.setCurrentIndex(self.user_box.findData(default))
        self.case_panel = CasePanel(self.case_service, self._actor_for(default))
        self.case_panel.case_selected.connect(self._on_case_selected)
        self.case_panel.case_changed.connect(self._reload_cases)
        self.case_panel.connection_lost.connect(lambda why: self.set_connection_state(False, why))
        self.user_box.currentIndexChanged.connect(self._on_seat_user)
        tb = self.findChild(QToolBar, "mapToolbar")
        tb.addSeparator()
        tb.addWidget(QLabel(" " + self.tr("Seat user") + " "))
        tb.addWidget(self.user_box)
        self.act_intake = QAction(self.tr("Hotline report…"), self)
        self.act_intake.setObjectName("actIntake")
        self.act_intake.setShortcut(QKeySequence("Ctrl+N"))
        self.act_intake.setToolTip(self.tr("Take a hotline call: a new report (Ctrl+N)"))
        self.act_intake.triggered.connect(self.open_intake)
        tb.insertAction(tb.actions()[0], self.act_intake)
        self.case_dock = self._dock(self.tr("Command centre"), self.case_panel, "caseDock",
                                    Qt.DockWidgetArea.BottomDockWidgetArea)
        # The map keeps the full height beside the layer dock; the queues sit under the map.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.resizeDocks([self.case_dock], [330], Qt.Orientation.Vertical)

    def _build_video_panel(self) -> None:
        """Video supervision: cameras, their latest frame, flagging inside a camera's view."""
        self.video_service = VideoService(self.case_service)
        self.video_panel = VideoPanel(self.video_service, self.case_service,
                                      self.case_panel.actor)
        self.video_panel.camera_selected.connect(self._on_camera_selected)
        self.video_panel.pick_requested.connect(lambda: self.start_pick(
            self.video_panel.set_flag_point,
            self.tr("Click the problem inside the camera's view (Esc cancels)")))
        self.video_panel.flagged.connect(self._on_case_reported)
        self.video_dock = self._dock(self.tr("Video supervision"), self.video_panel,
                                     "videoDock", Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.attr_dock, self.video_dock)
        self.attr_dock.raise_()

    def set_logged_in(self, staff: Staff) -> None:
        """The seat belongs to the account that logged in: its queues and rights, and no
        switching to another login except by logging in again (File → Switch user)."""
        if staff.login not in self.staff:  # an account added after the window was built
            self.staff[staff.login] = staff
            self.user_box.addItem(
                f"{staff.name} ({staff.login}, {texts.role_text(staff.role)})", staff.login)
        self.user_box.setCurrentIndex(self.user_box.findData(staff.login))
        self.user_box.setEnabled(False)
        self.user_box.setToolTip(self.tr("Logged in as %1; File → Switch user to change")
                                 .replace("%1", staff.login))
        self.act_switch_user.setVisible(True)
        self._on_seat_user()

    def _on_seat_user(self, _index: int = 0) -> None:
        actor = self._actor_for(self.user_box.currentData())
        self.case_panel.set_actor(actor)
        self.video_panel.set_actor(actor)
        if self.intake is not None:
            self.intake.set_actor(actor)

    def open_intake(self) -> IntakeDialog:
        """The hotline intake form (non-modal: the operator can click the map meanwhile)."""
        if self.intake is None:
            self.intake = IntakeDialog(self.case_service, self.case_panel.actor, self)
            self.intake.pick_requested.connect(lambda: self.start_pick(
                self.intake.set_location if self.intake else (lambda _x, _y: None),
                self.tr("Click the problem's location on the map (Esc cancels)")))
            self.intake.reported.connect(self._on_case_reported)
            # Closing the form while it waits for a map click ends the pick.
            self.intake.finished.connect(lambda _r: self.cancel_pick())
        self.intake.show()
        self.intake.raise_()
        self.intake.activateWindow()
        return self.intake

    def open_import(self) -> QDialog:
        """Import a layer from a GIS file; the map reloads after a successful import."""
        dialog = ImportDialog(self.store, self)
        dialog.imported.connect(self._on_imported)
        self._track(dialog)
        dialog.show()
        return dialog

    def _track(self, dialog: ImportDialog | ExportDialog) -> None:
        self._file_dialogs.append(dialog)
        dialog.finished.connect(lambda _r, d=dialog: self._file_dialogs.remove(d)
                                if d in self._file_dialogs else None)

    def _on_imported(self, layer: str) -> None:
        """New features are in the store: reload the map (keeping basemaps and the view)
        and the queues."""
        self.load_async()
        if layer == "cases":
            self.case_panel.refresh()

    def open_export(self) -> QDialog:
        dialog = ExportDialog(self.store, self)
        dialog.exported.connect(lambda path, n: self.statusBar().showMessage(
            self.tr("%1 features written to %2").replace("%1", f"{n:,}").replace("%2", path),
            8000))
        self._track(dialog)
        dialog.show()
        return dialog

    def add_vector_basemap(self, path: str | None = None, crs: str | None = None) -> None:
        """Draw a GeoPackage / GeoJSON / Shapefile / CSV / XLSX file under the admin layers
        (nothing is written to the database). Asks for the CRS when the file has none."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, self.tr("Vector file as basemap"), "",
                self.tr("GIS files (*.gpkg *.geojson *.json *.shp *.csv *.xlsx);;"
                        "All files (*)"))
            if not path:
                return
        try:
            if crs is None and vector_basemap.needs_crs(path):
                crs, ok = QInputDialog.getItem(
                    self, self.tr("Coordinate system"),
                    self.tr("The file declares no coordinate system. Its coordinates are in:"),
                    ["EPSG:4490 CGCS2000", "EPSG:4548 CGCS2000 / GK CM 117E",
                     "EPSG:4326 WGS84", "GCJ-02"], 0, True)
                if not ok:
                    return
                crs = crs.split(" ")[0]
        except DomainError as exc:
            QMessageBox.warning(self, self.tr("Basemap"), str(exc))
            return
        w = Worker(lambda: vector_basemap.load_vector_basemap(path, crs), parent=self)
        w.done.connect(self._show_vector_basemap)
        w.failed.connect(lambda msg: QMessageBox.warning(self, self.tr("Basemap"), msg))
        self._workers.append(w.start())

    def _show_vector_basemap(self, vb: object) -> None:
        assert isinstance(vb, vector_basemap.VectorBasemap)
        self._basemap_seq = getattr(self, "_basemap_seq", 0) + 1
        layer = vector_basemap_layer(f"vector_basemap_{self._basemap_seq}", vb.title, vb.kind,
                                     vb.geoms, vb.labels)
        insert_basemap(self.layers, layer)
        self.canvas.flush()
        msg = self.tr("Basemap %1: %2 features (%3)").replace("%1", vb.title).replace(
            "%2", f"{len(vb.geoms):,}").replace("%3", vb.crs_label)
        self.statusBar().showMessage("  ".join([msg, *vb.warnings]), 10000)

    def start_pick(self, target: Callable[[float, float], None], prompt: str) -> None:
        """Send the next map click to ``target`` instead of identifying (Esc cancels)."""
        self._pick = target
        self.canvas.setCursor(Qt.CursorShape.CrossCursor)
        self.statusBar().showMessage(prompt)

    def cancel_pick(self) -> None:
        if self._pick is not None:
            self._pick = None
            self.canvas.unsetCursor()
            self.statusBar().clearMessage()

    def _on_map_clicked(self, x: float, y: float) -> None:
        if self._pick is not None:
            target = self._pick
            self.cancel_pick()
            target(x, y)
            return
        self.identify_at(x, y)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self._pick is not None:
            self.cancel_pick()
            return
        super().keyPressEvent(event)

    def _on_case_reported(self, case: object) -> None:
        """A report from the intake form or the video panel: show it in the queue and map."""
        self._reload_cases()
        if isinstance(case, Case):
            self.case_panel.refresh(keep=case.number)

    def _on_camera_selected(self, cam: object) -> None:
        if not isinstance(cam, Camera):
            return
        for layer in self.layers:
            layer.highlight = None
        if "camera_views" in self.layers:
            self.layers["camera_views"].highlight_id(cam.part_id)
        self.canvas.center_on(cam.x, cam.y, max(cam.range_m * 5.0, 400.0))
        self.canvas.flush()

    def _actor_for(self, login: str | None) -> Actor:
        s = self.staff.get(login or "")
        if s is None:
            return Actor("guest", Role.MANAGER)
        return Actor(s.login, s.role, s.department_code)

    def _on_case_selected(self, case: object) -> None:
        if case is None or "cases" not in self.layers:
            return
        layer = self.layers["cases"]
        assert isinstance(layer, PointLayer)
        for other in self.layers:
            other.highlight = None
        idx = index_of_rowid(layer, case.id) if case.id is not None else None
        if idx is not None:
            layer.highlight = idx
            x, y = float(layer.x[idx]), float(layer.y[idx])
            x0, _, x1, _ = self.canvas.view_bounds()
            self.canvas.center_on(x, y, min(x1 - x0, 1500.0))
        if "grids" in self.layers:
            self.layers["grids"].highlight_id(case.grid_id.value)
        self.canvas.flush()

    def _reload_cases(self) -> None:
        """A case changed state: redraw the open cases layer from the store."""
        if "cases" not in self.layers:
            return
        cases = self.store.cases.point_arrays(open_only=True)
        cat, size = case_layer_data(cases)
        layer = self.layers["cases"]
        layer.highlight = None
        layer.set_data(cases.x, cases.y, cat, size=size, ids=cases.rowid)
        self.canvas.flush()

    def _build_menus(self) -> None:
        mb = self.menuBar()
        m_file = mb.addMenu(self.tr("&File"))
        self.act_import = QAction(self.tr("&Import layer…"), self)
        self.act_import.setObjectName("actImport")
        self.act_import.setShortcut(QKeySequence("Ctrl+I"))
        self.act_import.triggered.connect(self.open_import)
        self.act_export = QAction(self.tr("&Export layer…"), self)
        self.act_export.setObjectName("actExport")
        self.act_export.setShortcut(QKeySequence("Ctrl+Shift+X"))
        self.act_export.triggered.connect(self.open_export)
        self.act_basemap = QAction(self.tr("Add &basemap…"), self)
        self.act_basemap.triggered.connect(self.layer_panel.open_basemap_dialog)
        self.act_vector_basemap = QAction(self.tr("Add &vector file as basemap…"), self)
        self.act_vector_basemap.triggered.connect(lambda: self.add_vector_basemap())
        for a in (self.act_import, self.act_export, self.act_basemap,
                  self.act_vector_basemap):
            m_file.addAction(a)
        m_file.addSeparator()
        self.act_switch_user = QAction(self.tr("Switch &user…"), self)
        self.act_switch_user.setObjectName("actSwitchUser")
        self.act_switch_user.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.act_switch_user.triggered.connect(self.switch_user_requested.emit)
        self.act_switch_user.setVisible(False)  # shown once the seat was logged in
        m_file.addAction(self.act_switch_user)
        act_quit = QAction(self.tr("E&xit"), self)
        act_quit.setShortcut(QKeySequence.StandardKey.Quit)
        act_quit.triggered.connect(self.close)
        m_file.addAction(act_quit)
        m_view = mb.addMenu(self.tr("&View"))
        for a in (self.act_full, self.act_zoom_in, self.act_zoom_out):
            m_view.addAction(a)
        m_view.addSeparator()
        m_view.addAction(self.layer_dock.toggleViewAction())
        m_view.addAction(self.attr_dock.toggleViewAction())
        m_view.addAction(self.case_dock.toggleViewAction())
        m_view.addAction(self.video_dock.toggleViewAction())
        m_cases = mb.addMenu(self.tr("&Cases"))
        m_cases.addAction(self.act_intake)
        m_lang = mb.addMenu(self.tr("&Language"))
        group = QActionGroup(self)
        self.lang_actions: dict[str, QAction] = {}
        current = QSettings().value("ui/language", "zh_CN")
        for code, label in (("zh_CN", "中文（简体）"), ("en", "English")):
            a = QAction(label, self, checkable=True)
            a.setChecked(code == current)
            a.triggered.connect(lambda _=False, c=code: self.request_language(c))
            group.addAction(a)
            m_lang.addAction(a)
            self.lang_actions[code] = a
        m_help = mb.addMenu(self.tr("&Help"))
        act_about = QAction(self.tr("About CityGrid"), self)
        act_about.triggered.connect(self._about)
        m_help.addAction(act_about)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.coord_label = QLabel("")
        self.coord_label.setObjectName("coordLabel")
        self.coord_label.setMinimumWidth(420)
        self.scale_label = QLabel("")
        self.scale_label.setObjectName("scaleLabel")
        self.load_bar = QProgressBar()
        self.load_bar.setObjectName("loadBar")
        self.load_bar.setMaximumWidth(200)
        self.load_bar.setRange(0, 0)
        self.load_bar.setFormat(self.tr("Loading parts…"))
        self.load_bar.setTextVisible(True)
        self.load_bar.hide()
        self.db_label = QLabel(self._db_text())
        self.db_label.setObjectName("dbLabel")
        self.conn_label = QLabel("")
        self.conn_label.setObjectName("connLabel")
        sb.addWidget(self.coord_label)
        sb.addWidget(self.scale_label)
        sb.addPermanentWidget(self.load_bar)
        sb.addPermanentWidget(self.conn_label)
        sb.addPermanentWidget(self.db_label)

    def _db_text(self) -> str:
        backend = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(self.store.backend,
                                                                      self.store.backend)
        return self.tr("Database: %1").replace("%1", backend)

    # -- loading --------------------------------------------------------------------------
    def _titles(self) -> dict[str, str]:
        return {k: texts.tr(v) for k, v in texts.LAYERS.items()}

    def _state_labels(self) -> list[str]:
        return [texts.tr(texts.STATES[s]) for s in CaseState]

    def _part_labels(self) -> list[str]:
        return [texts.tr(t) for t in texts.PART_MAJORS]

    def _show_vector(self, data: MapData) -> None:
        # A reload (after an import) keeps the user's basemaps and the view.
        kept = [lyr for lyr in self.layers
                if isinstance(lyr, TileLayer) or lyr.name.startswith("vector_basemap_")]
        view = self.canvas.view_bounds() if self.data is not None else None
        self.data = data
        self.layers = build_layers(data, self._titles(), self._state_labels(),
                                   self._part_labels())
        if data.cameras:
            views, points = build_camera_layers(data.cameras, self._titles(),
                                                [texts.tr(t) for t in texts.CAMERA_KINDS])
            insert_camera_layers(self.layers, views, points)
        for lyr in kept:
            if isinstance(lyr, TileLayer):
                self.layers.insert(0, lyr)  # tiles at the bottom
            else:
                insert_basemap(self.layers, lyr)
        self.canvas.set_layers(self.layers)
        self.layer_panel.set_layers(self.layers)
        if view is None:
            self.zoom_full()
        else:
            self.canvas.zoom_to(view, margin=0.0)
        self.t_interactive = time.perf_counter()
        self.loaded.emit()

    def _show_parts(self, parts: PointArrays) -> None:
        if self.data is not None:
            self.data.parts = parts
        insert_parts(self.layers, parts, self._titles()["parts"], self._part_labels())
        self.load_bar.hide()
        self.statusBar().showMessage(
            self.tr("%1 parts loaded").replace("%1", f"{len(parts.x):,}"), 4000)
        self.parts_loaded.emit()

    def load_sync(self) -> None:
        """Load everything on the calling thread (screenshots, tests, benchmarks)."""
        self._show_vector(map_data.load_vector_layers(self.store))
        self._show_parts(map_data.load_parts(self.store))
        self.canvas.flush()

    def load_async(self) -> None:
        """Vector layers first (map interactive), then the parts layer in the background."""
        w = Worker(lambda: map_data.load_vector_layers(self.store), parent=self)
        w.done.connect(self._on_vector_ready)
        w.failed.connect(self._on_load_failed)
        self._workers.append(w.start())

    def _on_vector_ready(self, data: MapData) -> None:
        self._show_vector(data)
        self.load_bar.show()
        w = Worker(lambda: map_data.load_parts(self.store), parent=self)
        w.done.connect(self._show_parts)
        w.failed.connect(self._on_load_failed)
        self._workers.append(w.start())

    def _on_load_failed(self, message: str) -> None:
        self.load_bar.hide()
        QMessageBox.critical(self, self.tr("CityGrid"),
                             self.tr("The map data could not be loaded:") + "\n" + message)

    # -- navigation -----------------------------------------------------------------------
    def zoom_full(self) -> None:
        if "streets" in self.layers:
            self.canvas.zoom_to_layer("streets", margin=0.02)

    def _zoom_by(self, factor: float) -> None:
        x0, y0, x1, y1 = self.canvas.view_bounds()
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        self.canvas.center_on(cx, cy, (x1 - x0) * factor)

    def _focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def apply_view(self, view: str) -> bool:
        """'district', 'street:<code>', 'grid:<id>', 'case:<number>' or 'camera:<part id>'
        (screenshot --view)."""
        if view == "district":
            self.zoom_full()
        elif view.startswith("camera:"):
            if self.store.cameras.get(view[7:]) is None:
                return False
            self.video_dock.show()
            self.video_dock.raise_()
            self.video_panel.select_camera(view[7:])  # centres the map on its view
        elif view.startswith("case:"):
            number = view[5:]
            xy = self.store.cases.xy(number)
            if xy is None:
                return False
            self.canvas.center_on(xy[0], xy[1], 1200.0)
            self.attr_panel.show_info(self._identify_point("case", number))
            self._highlight_point("case", number)
            self.case_panel.select_number(number)
        else:
            kind, _, key = view.partition(":")
            if kind not in ("street", "community", "grid") or not key:
                return False
            bb = self.store.admin.bbox_of(kind, key)
            if bb is None:
                return False
            self.canvas.zoom_to(bb, margin=0.05 if kind == "street" else 0.6)
            self._highlight(kind, key)
            if kind == "grid":
                self.attr_panel.show_info(queries.identify_grid(self.store, key))
        self.canvas.flush()
        return True

    # -- search and identify ----------------------------------------------------------------
    def search(self, text: str) -> list[queries.SearchHit]:
        hits = queries.search(self.store, text)
        if not hits:
            self.statusBar().showMessage(self.tr("Nothing found for “%1”").replace("%1", text),
                                         5000)
        elif len(hits) == 1:
            self.go_to(hits[0])
        else:
            menu = QMenu(self)
            menu.setObjectName("searchResults")
            for h in hits:
                a = menu.addAction(f"{texts.field_label(h.kind)}  {h.label}")
                a.triggered.connect(lambda _=False, hit=h: self.go_to(hit))
            self._search_menu = menu
            menu.popup(self.search_box.mapToGlobal(self.search_box.rect().bottomLeft()))
        return hits

    def go_to(self, hit: queries.SearchHit) -> None:
        margin = 0.05 if hit.kind in ("street", "community") else 0.8
        self.canvas.zoom_to(hit.bbox, margin=margin)
        self._highlight(hit.kind, hit.key)
        info = None
        if hit.kind == "grid":
            info = queries.identify_grid(self.store, hit.key)
        elif hit.kind in ("part", "case"):
            info = self._identify_point(hit.kind, hit.key)
        if info is not None:
            self.attr_panel.show_info(info)
        self.canvas.flush()

    def _identify_point(self, kind: str, key: str) -> queries.FeatureInfo | None:
        if kind == "part":
            rowid = self.store.parts.rowid_of(key)
            return queries.identify_part(self.store, rowid) if rowid is not None else None
        case = self.store.cases.get(key)
        return queries.identify_case(self.store, case.id) if case and case.id else None

    def _highlight(self, kind: str, key: str) -> None:
        for layer in self.layers:
            layer.highlight = None
        name = {"street": "streets", "community": "communities", "grid": "grids"}.get(kind)
        if name and name in self.layers:
            self.layers[name].highlight_id(key)
        elif kind in ("part", "case"):
            self._highlight_point(kind, key)

    def _highlight_point(self, kind: str, key: str) -> None:
        layer_name = "parts" if kind == "part" else "cases"
        if layer_name not in self.layers:
            return
        layer = self.layers[layer_name]
        assert isinstance(layer, PointLayer)
        if kind == "part":
            rowid = self.store.parts.rowid_of(key)
        else:
            c = self.store.cases.get(key)
            rowid = c.id if c else None
        if rowid is not None:
            layer.highlight = index_of_rowid(layer, rowid)

    def identify_at(self, x: float, y: float) -> queries.FeatureInfo | None:
        """Identify the top feature under a click: case, part, then grid, community, street."""
        hits = dict(self.canvas.identify(x, y))
        info = None
        for name in ("cases", "parts", "grids", "communities", "streets"):
            if name not in hits:
                continue
            layer = self.layers[name]
            idx = hits[name]
            for other in self.layers:
                other.highlight = None
            layer.highlight = idx
            key = layer.ids[idx]
            if name == "cases":
                info = queries.identify_case(self.store, int(key))
                if info is not None:
                    self.case_panel.select_number(info.key)
            elif name == "parts":
                info = queries.identify_part(self.store, int(key))
            elif name == "grids":
                info = queries.identify_grid(self.store, str(key))
            else:
                info = self._admin_info(name, str(key))
            break
        self.attr_panel.show_info(info)
        return info

    def _admin_info(self, name: str, code: str) -> queries.FeatureInfo:
        streets, comms = self.store.admin.names()
        kind = "street" if name == "streets" else "community"
        label = (streets if kind == "street" else comms).get(code, code)
        hierarchy = [("street", f"{code[:9]} {streets.get(code[:9], '')}")]
        fields = [("name", label), (kind, code)]
        return queries.FeatureInfo(kind, code, label, fields, hierarchy)

    # -- status bar -----------------------------------------------------------------------
    def _on_cursor_moved(self, x: float, y: float) -> None:
        lon, lat = crs.to_geographic(x, y)
        self.coord_label.setText(
            self.tr("Lon/lat (CGCS2000) %1, %2   Gauss-Krüger CM117E X %3 m, Y %4 m")
            .replace("%1", f"{lon:.6f}").replace("%2", f"{lat:.6f}")
            .replace("%3", f"{x:,.1f}").replace("%4", f"{y:,.1f}"))

    def _on_view_changed(self, bounds: tuple[float, float, float, float]) -> None:
        width_m = bounds[2] - bounds[0]
        px = max(self.canvas.width(), 1)
        # 96 dpi screen: one pixel is 0.2646 mm.
        denom = width_m / (px * 0.0002646)
        self.scale_label.setText(f"1:{denom:,.0f}")

    # -- language -------------------------------------------------------------------------
    def request_language(self, code: str) -> None:
        QSettings().setValue("ui/language", code)
        self.language_requested.emit(code)
        if not self.live_language_switch:
            QMessageBox.information(self, "CityGrid",
                                    self.tr("The language changes when CityGrid restarts."))

    def _about(self) -> None:
        QMessageBox.about(self, self.tr("About CityGrid"), self.tr(
            "CityGrid — a desktop GIS command centre for grid-based urban management: "
            "unit grids, city parts and cases on one map."))

    # -- live updates from the other seats ----------------------------------------------
    def start_live(self) -> None:
        """Listen for case changes of every seat (PostgreSQL NOTIFY; a watch on SQLite)."""
        if self._feed is not None:
            return
        self._bridge = _FeedBridge(self)
        self._bridge.changes.connect(self._on_feed_changes)
        self._bridge.status.connect(self.set_connection_state)
        bridge = self._bridge
        self._feed = ChangeFeed(self.store.engine).start(
            lambda changes: bridge.changes.emit(changes),
            lambda up, why: bridge.status.emit(up, why))

    def stop_live(self) -> None:
        if self._feed is not None:
            self._feed.stop()
            self._feed = None

    def set_connection_state(self, up: bool, why: str = "") -> None:
        """Show whether the seat reaches the server (red while it reconnects)."""
        if up:
            self.conn_label.setText("<span style='color:#2e7d32'>●</span> " + self.tr("Online"))
            self.conn_label.setToolTip(self.tr("Changes of other seats arrive live"))
        else:
            self.conn_label.setText("<span style='color:#c62828'>●</span> "
                                    + self.tr("Connection lost — reconnecting…"))
            self.conn_label.setToolTip(why)
            self.statusBar().showMessage(
                self.tr("The database server cannot be reached: what you type is kept; "
                        "send it again when the connection is back"), 10000)

    def _on_feed_changes(self, changes: list[CaseChange]) -> None:
        if self._closed:
            return
        self._pending_changes.extend(changes)
        if not self._live_timer.isActive():
            self._live_timer.start()

    def _apply_changes(self) -> None:
        """Bring queues, counts, map symbols and the open case detail up to date."""
        changes, self._pending_changes = self._pending_changes, []
        if not changes or self._closed:
            return
        shown = self.case_panel.shown_case()
        if any(c.bulk for c in changes):
            self._reload_cases()
        elif "cases" in self.layers:
            ids = {c.case_id for c in changes if c.case_id is not None}
            layer = self.layers["cases"]
            assert isinstance(layer, PointLayer)
            highlighted = (int(layer.ids[layer.highlight]) if layer.highlight is not None
                           and layer.ids is not None else None)
            patch_case_layer(layer, self.store.cases.point_arrays(ids=ids))
            layer.highlight = (index_of_rowid(layer, highlighted) if highlighted is not None
                               else None)
            self.canvas.flush()
        self.case_panel.refresh_live(changes)
        others = [c for c in changes if not c.bulk and c.by != self.case_panel.actor.login
                  and shown is not None and c.number == shown.number]
        if others:
            c = others[-1]
            self.statusBar().showMessage(
                self.tr("Case %1 was just changed by %2: %3").replace("%1", c.number or "")
                .replace("%2", c.by or "?").replace("%3", _action_name(c.action)),
                10000)
        self.live_applied.emit(len(changes))

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        self.stop_live()
        self._live_timer.stop()
        self._pending_changes.clear()
        self._closed = True
        for d in self._file_dialogs:
            d.stop()
        for w in self._workers:
            w.wait(10_000)
        self.canvas.close()
        super().closeEvent(event)

