"""The main window as an operator uses it: layers, search, identify, language."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from PySide6 import QtCore
from PySide6.QtCore import Qt

from app.gis import crs
from app.store.store import Store
from app.ui.app import ensure_app, install_language
from app.ui.main_window import MainWindow

pytestmark = pytest.mark.ui


@pytest.fixture
def store(street_db_url: str) -> Store:
    s = Store.open(street_db_url)
    yield s
    s.close()


@pytest.fixture
def window(qtbot, store: Store) -> MainWindow:  # type: ignore[no-untyped-def]
    ensure_app(offscreen=True)
    install_language("zh_CN")
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    win.load_sync()
    return win


def _click_map(qtbot, win: MainWindow, x: float, y: float) -> None:  # type: ignore[no-untyped-def]
    canvas = win.canvas
    px = canvas.mapFromScene(canvas.view.mapViewToScene(QtCore.QPointF(x, y)))
    with qtbot.waitSignal(canvas.clicked, timeout=2000):
        qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=px)


def test_layers_listed_top_first_in_chinese(window: MainWindow) -> None:
    titles = [window.layer_panel.list.item(i).text()
              for i in range(window.layer_panel.list.count())]
    assert titles == ["在办案件", "城市部件", "视频监控", "摄像头视域", "单元网格", "社区", "街道", "道路",
                      "建筑"]
    assert window.windowTitle() == "CityGrid 网格化城市管理指挥中心"
    assert len(window.layers["parts"].x) == window.store.parts.count()


def test_unchecking_a_layer_hides_it_on_the_map(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.apply_view("street:110108011")
    item = window.layer_panel.item_for("grids")
    assert window.canvas.visual("grids").shown
    item.setCheckState(Qt.CheckState.Unchecked)
    window.canvas.flush()
    assert window.layers["grids"].visible is False
    assert not window.canvas.visual("grids").shown
    item.setCheckState(Qt.CheckState.Checked)
    window.canvas.flush()
    assert window.canvas.visual("grids").shown


def test_opacity_slider_and_labels_apply_to_selected_layer(window: MainWindow) -> None:
    panel = window.layer_panel
    panel.list.setCurrentItem(panel.item_for("communities"))
    panel.opacity.setValue(35)
    assert window.layers["communities"].opacity == pytest.approx(0.35)
    panel.labels.setChecked(True)
    assert window.layers["communities"].show_labels is True


def test_search_grid_id_zooms_highlights_and_shows_attributes(window: MainWindow,
                                                              qtbot) -> None:  # type: ignore[no-untyped-def]
    grid_id = window.store.admin.grids()[5].grid_id.value
    qtbot.keyClicks(window.search_box, grid_id)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    bb = window.store.admin.bbox_of("grid", grid_id)
    x0, y0, x1, y1 = window.canvas.view_bounds()
    assert x0 <= bb[0] and bb[2] <= x1 and y0 <= bb[1] and bb[3] <= y1
    # Zoomed in on the grid: the view is a few grid-widths across, not the street.
    assert (x1 - x0) < 6 * max(bb[2] - bb[0], bb[3] - bb[1])
    grids = window.layers["grids"]
    assert grids.ids[grids.highlight] == grid_id
    assert window.attr_panel.value("grid_id") == grid_id
    # Chinese field names of the standard, and the hierarchy above the grid.
    names = [window.attr_panel.table.item(r, 0).text()
             for r in range(window.attr_panel.table.rowCount())]
    assert "单元网格标识码" in names
    assert "中关村街道" in window.attr_panel.hierarchy.text()


def test_search_part_id_and_case_number(window: MainWindow) -> None:
    part = window.store.parts.in_bbox(window.store.admin.bbox_of("street", "110108011"),
                                      limit=50)[7]
    window.search(part.part_id.value)
    assert window.attr_panel.value("part_id") == part.part_id.value
    assert window.attr_panel.value("dept") == part.dept_name
    parts = window.layers["parts"]
    assert parts.highlight is not None
    x, y = crs.to_projected(part.lon, part.lat)
    assert parts.x[parts.highlight] == pytest.approx(x, abs=0.01)

    case_rowid = int(window.layers["cases"].ids[0])
    case = window.store.cases.get_by_rowid(case_rowid)
    window.search(case.number)
    assert window.attr_panel.value("case_number") == case.number
    assert window.attr_panel.value("state") in {"草稿", "待受理", "核实中", "待立案", "待派遣",
                                                "处置中", "待核查", "核查中", "待结案", "挂账"}


def test_search_unknown_text_says_so(window: MainWindow) -> None:
    assert window.search("不存在的地方") == []
    assert "不存在的地方" in window.statusBar().currentMessage()


def test_click_on_map_identifies_grid_with_hierarchy(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    grid = window.store.admin.grids()[10]
    # Hide point layers so the click lands on the grid itself.
    window.layers["parts"].visible = False
    window.layers["cases"].visible = False
    window.apply_view(f"grid:{grid.grid_id.value}")
    poly = crs.project_geometries(np.array([grid.geometry]), crs.GEOGRAPHIC, crs.PROJECTED)[0]
    p = shapely.point_on_surface(poly)
    _click_map(qtbot, window, p.x, p.y)
    assert window.attr_panel.value("grid_id") == grid.grid_id.value
    assert window.attr_panel.info is not None
    assert [lvl for lvl, _ in window.attr_panel.info.hierarchy] == [
        "district", "street", "community", "grid"]


def test_click_on_a_part_identifies_it(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.layers["cases"].visible = False
    parts = window.layers["parts"]
    i = len(parts.x) // 2
    window.canvas.center_on(float(parts.x[i]), float(parts.y[i]), 300.0)
    window.canvas.flush()
    _click_map(qtbot, window, float(parts.x[i]), float(parts.y[i]))
    info = window.attr_panel.info
    assert info is not None and info.kind == "part"
    stored = window.store.parts.get_by_rowid(int(parts.ids[parts.highlight]))
    assert window.attr_panel.value("part_id") == stored.part_id.value


def test_status_bar_shows_lonlat_and_gauss_kruger(window: MainWindow) -> None:
    x, y = crs.to_projected(116.32, 39.98)
    window._on_cursor_moved(x, y)
    text = window.coord_label.text()
    assert "116.320000" in text and "39.980000" in text
    assert f"{x:,.1f}" in text and "高斯-克吕格" in text


def test_english_interface(qtbot, store: Store) -> None:  # type: ignore[no-untyped-def]
    ensure_app(offscreen=True)
    install_language("en")
    try:
        win = MainWindow(store)
        qtbot.addWidget(win)
        assert win.windowTitle() == "CityGrid — Grid Management Command Centre"
        win.load_sync()
        assert win.layer_panel.list.item(0).text() == "Open cases"
    finally:
        install_language("zh_CN")


def test_screenshot_command_writes_png(street_db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    root = Path(__file__).resolve().parents[2]
    r = subprocess.run([sys.executable, str(root / "main.py"), "screenshot", str(out),
                        "--db", street_db_url, "--size", "1000x700", "--view",
                        "street:110108011"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    from PySide6.QtGui import QImage

    img = QImage(str(out))
    assert (img.width(), img.height()) == (1000, 700)


def test_language_menu_rebuilds_window_in_english(qtbot, street_db_url: str,
                                                  monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The Language menu switches the running window (run_gui's rebuild)."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    import app.ui.app as ui_app

    QSettings().setValue("ui/language", "zh_CN")
    monkeypatch.setattr(QApplication, "exec", lambda self: 0)
    monkeypatch.setattr(ui_app, "ensure_app", lambda offscreen=False: QApplication.instance())
    # The demo accounts have passwords, so run_gui asks for a login: answer it as op01.
    logins: list[str] = []

    def login(store, auth, parent=None):  # type: ignore[no-untyped-def]
        logins.append("asked")
        return next(s for s in store.org.staff() if s.login == "op01")

    monkeypatch.setattr(ui_app, "ask_login", login)
    try:
        assert ui_app.run_gui(db=street_db_url, lang="zh_CN") == 0
        assert logins == ["asked"]
        wins = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)
                and w.isVisible()]
        assert len(wins) == 1 and wins[0].windowTitle() == "CityGrid 网格化城市管理指挥中心"
        with qtbot.waitSignal(wins[0].loaded, timeout=20_000):
            pass
        wins[0].lang_actions["en"].trigger()
        new = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)
               and w.isVisible()]
        assert len(new) == 1 and new[0].windowTitle() == "CityGrid — Grid Management Command Centre"
        with qtbot.waitSignal(new[0].loaded, timeout=20_000):
            pass
        assert new[0].layer_panel.list.item(0).text() == "Open cases"
        # The rebuilt window keeps the logged-in seat, locked to it.
        assert new[0].case_panel.actor.login == "op01" and not new[0].user_box.isEnabled()
        assert logins == ["asked"]  # switching the language does not ask again
        new[0].close()
    finally:
        install_language("zh_CN")
        QSettings().setValue("ui/language", "zh_CN")


def test_hotline_intake_takes_its_location_from_a_map_click(window: MainWindow,
                                                           qtbot, store: Store) -> None:  # type: ignore[no-untyped-def]
    window.act_intake.trigger()  # Ctrl+N
    dialog = window.intake
    assert dialog is not None and dialog.isVisible()
    grid = store.admin.grids()[5]
    p = grid.geometry.representative_point()
    x, y = (float(v) for v in crs.to_projected(p.x, p.y))
    qtbot.mouseClick(dialog.pick_button, Qt.MouseButton.LeftButton)
    assert window._pick is not None  # the next map click is the location, not identify
    window.canvas.center_on(x, y, 800.0)
    window.canvas.flush()
    _click_map(qtbot, window, x, y)
    assert window._pick is None
    assert dialog.location is not None and dialog.location.grid_id == str(grid.grid_id)


def test_video_dock_centres_the_camera_and_flags_inside_its_view(window: MainWindow,
                                                                 qtbot) -> None:  # type: ignore[no-untyped-def]
    import math

    panel = window.video_panel
    window.user_box.setCurrentIndex(window.user_box.findData("vs01"))  # a video supervisor seat

    def mid_view(c):  # type: ignore[no-untyped-def]
        h = math.radians(c.heading_deg)
        return c.x + c.range_m / 2 * math.sin(h), c.y + c.range_m / 2 * math.cos(h)

    def inside(c) -> bool:  # type: ignore[no-untyped-def]
        try:
            window.case_service.grid_at(*(float(v) for v in crs.to_geographic(*mid_view(c))))
        except Exception:  # noqa: BLE001 - looks out of the seeded street
            return False
        return True

    cam = next(c for c in window.video_service.cameras() if inside(c))
    panel.select_camera(cam.part_id)
    assert panel.pick_button.isEnabled()
    views = window.layers["camera_views"]
    assert views.highlight is not None and views.ids[views.highlight] == cam.part_id
    x0, y0, x1, y1 = window.canvas.view_bounds()
    assert x0 < cam.x < x1 and y0 < cam.y < y1
    x, y = mid_view(cam)
    qtbot.mouseClick(panel.pick_button, Qt.MouseButton.LeftButton)
    assert window._pick is not None
    window.canvas.flush()
    _click_map(qtbot, window, x, y)
    assert panel.flag_point is not None
    assert math.hypot(panel.flag_point[0] - x, panel.flag_point[1] - y) < 5.0


SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def test_osm_roads_and_buildings_drawn_as_vector_basemaps(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    roads = SHARED / "zhongguancun_roads_osm.geojson"
    buildings = SHARED / "zhongguancun_buildings_osm.geojson"
    if not roads.exists() or not buildings.exists():
        pytest.skip(f"reference data not found in {SHARED}")
    before = len(window.layers.names)
    for path in (roads, buildings):
        window.add_vector_basemap(str(path))
        qtbot.waitUntil(lambda b=before: len(window.layers.names) > b, timeout=20_000)
        before = len(window.layers.names)
    names = window.layers.names
    added = [n for n in names if n.startswith("vector_basemap_")]
    assert len(added) == 2
    # Above the generated roads, under the admin polygons, parts and cases.
    assert names.index("roads") < min(names.index(n) for n in added)
    assert max(names.index(n) for n in added) < names.index("streets")
    line = window.layers[added[0]]
    # The OSM roads of 中关村 land on the demo street (WGS-84 ≈ CGCS2000 on the map).
    x0, y0, x1, y1 = line.bounds()
    bb = window.store.admin.bbox_of("street", "110108011")
    assert bb is not None
    assert x0 < bb[2] and x1 > bb[0] and y0 < bb[3] and y1 > bb[1]
