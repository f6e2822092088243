"""Trends dashboard and grid sizing docks on the street demo."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest

from app.services.sizing import SizingService
from app.services.trends import TrendService
from app.ui.dashboard_panel import TREND_DAY_LAYER, day_x
from app.ui.main_window import MainWindow

pytestmark = pytest.mark.ui


@pytest.fixture
def window(seeded_window: MainWindow) -> MainWindow:
    return seeded_window


def test_dashboard_bars_click_and_sizing(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    docks = window.analysis  # installed by the window itself
    menu = window.menuBar().findChild(type(window.menuBar().actions()[0].menu()), "analysisMenu")
    assert menu is not None and docks.actions["trends"] in menu.actions()
    assert docks.actions["trends"].shortcut().toString() == "Ctrl+Shift+T"
    dash = docks.dashboard
    with qtbot.waitSignal(dash.computed, timeout=30_000):
        docks.actions["trends"].trigger()
        assert dash.busy.isVisible()  # the busy indicator shows while the worker runs
    assert not dash.busy.isVisible()

    # One bar per day of the window, as high as the day's reports.
    start, end = dash.window()
    expected = TrendService(window.store).trends(start, end).overall.volume
    heights = dash.bars.opts["height"]
    assert len(heights) == (end - start).days == len(expected)
    assert list(np.asarray(heights, int)) == list(expected)

    # Street breakdown, pick the street, then click a bar: the map and the queue follow.
    dash.by_box.setCurrentIndex(dash.by_box.findData("street"))
    qtbot.waitUntil(lambda: dash.trends is not None and dash.trends.by == "street"
                    and not dash.busy_now, timeout=30_000)
    dash.key_box.setCurrentIndex(1)
    street = dash.current_key
    day = end - timedelta(days=5)
    vb = dash.plot_volume.getViewBox()
    scene_pt = vb.mapViewToScene(QPointF(day_x(day) + 43_200, 1.0))
    view_pt = dash.plots.mapFromScene(scene_pt)
    with qtbot.waitSignal(dash.day_selected, timeout=5_000) as sig:
        QTest.mouseClick(dash.plots.viewport(), Qt.MouseButton.LeftButton, pos=view_pt)
    assert sig.args == [day, street, None]
    layer = window.layers[TREND_DAY_LAYER]
    names = window.layers.names
    assert names.index(TREND_DAY_LAYER) > names.index("cases")
    pts = TrendService(window.store).day_cases(day, street)
    assert layer.n_features == len(pts.ids) > 0
    assert window.case_panel.filters.get("street") == street

    # Sizing: the table lists exactly the demo's out-of-range grids.
    with qtbot.waitSignal(docks.panels["sizing"].computed, timeout=30_000):
        docks.actions["sizing"].trigger()
    panel = docks.panels["sizing"]
    panel.level_box.setCurrentIndex(panel.level_box.findData("grid"))
    report = SizingService(window.store).check()
    bad = {i.code for i in report.issues if i.level == "grid"}
    shown = {panel.table.item(r, 1).text() for r in range(panel.table.rowCount())}
    assert shown == bad and bad
    for g in list(bad)[:3]:
        hh = next(i.value for i in report.issues if i.code == g)
        assert not 250 <= hh <= 300
    names = window.layers.names
    assert names.index("sizing_above") > names.index("grids")
    before = window.canvas.view_bounds()
    panel.table.cellClicked.emit(0, 1)
    assert window.canvas.view_bounds() != before


def test_screenshot(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    docks = window.analysis  # installed by the window itself
    with qtbot.waitSignal(docks.dashboard.computed, timeout=30_000):
        docks.actions["trends"].trigger()
    docks.dashboard.select_day(docks.dashboard.window()[1] - timedelta(days=3))
    qtbot.wait(200)
    window.canvas.flush()
    out = Path("/tmp/cg/dashboard_shot.png")
    out.parent.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(out))


def test_evaluation_view_drills_to_cases(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    docks = window.analysis  # installed by the window itself
    panel = docks.panels["evaluation"]
    assert docks.actions["evaluation"].shortcut().toString() == "Ctrl+Shift+K"
    panel.start_edit.setDate(panel.start_edit.date().fromString("2026-10-01", "yyyy-MM-dd"))
    panel.end_edit.setDate(panel.end_edit.date().fromString("2026-10-31", "yyyy-MM-dd"))
    with qtbot.waitSignal(panel.computed, timeout=120_000):
        docks.actions["evaluation"].trigger()
    table = panel.tables["grids"]
    assert table.rowCount() > 0
    heads = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    col = heads.index("结案率")
    row = next(r for r in range(table.rowCount())
               if not table.item(r, col).text().startswith("0/"))
    text = table.item(row, col).text()
    assert " = " in text and text.endswith("%")
    num = int(text.split("/")[0])
    table.cellDoubleClicked.emit(row, col)
    qtbot.waitUntil(lambda: panel.cases.count() == num and panel._worker is None,
                    timeout=60_000)
    number = panel.cases.item(0).text()
    opened: list[str] = []
    real = window.case_panel.show_case
    window.case_panel.show_case = lambda n: (opened.append(n), real(n))[1]  # type: ignore[method-assign]
    panel.cases.itemDoubleClicked.emit(panel.cases.item(0))
    assert opened == [number]
