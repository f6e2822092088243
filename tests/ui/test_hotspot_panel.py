"""The managers' 热点分析 dock: Gi* on the map, its legend, the day replay, recurring problems,
and a window that keeps painting while the statistic runs."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from app.analytics.hotspots import HotspotClass
from app.map import hotspot_layers as hl
from app.map.render.choropleth_visual import ChoroplethVisual
from app.services.hotspots import HotspotService
from app.ui.hotspot_panel import HotspotPanel
from app.ui.main_window import MainWindow

pytestmark = pytest.mark.ui

SEED_LAST_DAY = date(2026, 11, 23)


@pytest.fixture
def window(seeded_window: MainWindow) -> MainWindow:
    return seeded_window


@pytest.fixture
def panel(qtbot, window: MainWindow) -> Iterator[HotspotPanel]:  # type: ignore[no-untyped-def]
    p = window.hotspot_panel  # installed by the window itself
    # The default window is looked up off the GUI thread: wait for it.
    qtbot.waitUntil(lambda: not p._end_worker.running, timeout=20_000)
    qtbot.wait(10)  # deliver the queued result
    yield p
    p.stop()


def _by_id(ids: tuple[str, ...] | list[str], values: np.ndarray) -> dict[str, float]:
    return dict(zip(ids, values.tolist(), strict=True))


def test_gi_star_layer_legend_replay_and_recurring(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, panel: HotspotPanel) -> None:
    # Installed as a tabbed right dock with a menu shortcut.
    assert isinstance(panel.dock, QDockWidget)
    assert window.tabifiedDockWidgets(panel.dock)
    assert panel.show_action.shortcut().toString() == "Ctrl+Shift+H"
    # Default window: the data's last 30 days (the seed ends in the past).
    start, end = panel.window_dates()
    assert end == SEED_LAST_DAY and (end - start).days == 29

    # Slow the statistic down so the computation certainly spans many timer ticks.
    real = panel.service.gi_star

    def slow_gi_star(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.6)
        return real(*args, **kwargs)

    panel.service.gi_star = slow_gi_star  # type: ignore[method-assign]
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    assert panel.measure_box.currentData() == "gi_star"
    with qtbot.waitSignal(panel.computed, timeout=60_000):
        qtbot.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)
        assert panel.busy and not panel.compute_button.isEnabled()
        assert panel.progress.isVisible()
    timer.stop()
    assert len(ticks) >= 10, "the GUI thread was blocked during the computation"
    assert not panel.busy and panel.compute_button.isEnabled()

    # The layer sits just above the grids, one Gi* class per grid as the service computes.
    layers = window.layers
    assert layers.index(hl.HOTSPOT_LAYER) == layers.index("grids") + 1
    layer = layers[hl.HOTSPOT_LAYER]
    assert isinstance(window.canvas.visual(hl.HOTSPOT_LAYER), ChoroplethVisual)
    expected = HotspotService(window.store).gi_star(start, end)
    assert layer.n_features == len(expected.ids) == layers["grids"].n_features
    shown = _by_id(layer.ids, np.array([hl.GI_ORDER[k].value for k in layer.classes]))
    assert shown == _by_id(expected.ids, expected.classes.astype(int))
    assert (expected.classes > 0).any(), "the seed should have hot spots"

    # The legend lists every class with its number of grids.
    legend = panel.legend_labels()
    for cls in HotspotClass:
        n = expected.count(cls)
        assert f"{cls.label_zh}  ({n})" in legend

    # The slider recolours with day k's counts from daily().
    daily = HotspotService(window.store).daily(start, end)
    window_classes = layer.classes.copy()
    k = int(np.argmax(daily.counts.sum(axis=1)))  # the busiest day
    panel.show_day(k)
    want = _by_id(daily.grid_ids, daily.counts[k].astype(float))
    assert _by_id(layer.ids, layer.values) == want
    assert np.array_equal(layer.classes, hl.classify(layer.values, panel._breaks))
    assert not np.array_equal(layer.classes, window_classes)
    assert panel.day_label.text() == f"{daily.days[k].item():%Y-%m-%d}"
    assert any(str(int(daily.counts[k].max())) in t for t in panel.legend_labels())
    # Play advances a day per tick; whole window again at 0.
    panel.show_day(None)
    panel.play_timer.setInterval(20)
    panel.play_button.click()
    qtbot.waitUntil(lambda: panel.slider.value() >= 3, timeout=5_000)
    panel.play_button.click()
    assert not panel.play_timer.isActive()
    panel.show_day(None)
    assert np.array_equal(layer.classes, window_classes)

    # Recurring problems: a row click centres the map on the spot.
    panel.min_count_spin.setValue(3)
    panel.within_spin.setValue(30)
    with qtbot.waitSignal(panel.recurring_found, timeout=30_000):
        qtbot.mouseClick(panel.find_button, Qt.MouseButton.LeftButton)
    assert panel.recurring_table.rowCount() == len(panel.problems) > 0
    row = min(2, len(panel.problems) - 1)
    p = panel.problems[row]
    table = panel.recurring_table
    rect = table.visualItemRect(table.item(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    x0, y0, x1, y1 = window.canvas.view_bounds()
    assert abs((x0 + x1) / 2 - p.x) < 1.0 and abs((y0 + y1) / 2 - p.y) < 1.0
    assert x1 - x0 < 2_000
    assert layers["grids"].highlight == layers["grids"].index_of(p.grid_id)


def test_count_levels_and_kde(  # type: ignore[no-untyped-def]
        qtbot, window: MainWindow, panel: HotspotPanel) -> None:
    panel.measure_box.setCurrentIndex(panel.measure_box.findData("count"))
    panel.level_box.setCurrentIndex(panel.level_box.findData("community"))
    panel.kde_check.setChecked(True)
    with qtbot.waitSignal(panel.computed, timeout=60_000):
        panel.compute_button.click()
    start, end = panel.window_dates()
    counts = HotspotService(window.store).counts(start, end, level="community")
    layer = window.layers[hl.HOTSPOT_LAYER]
    assert _by_id(layer.ids, layer.values) == _by_id(list(counts.ids), counts.counts.astype(float))
    assert layer.n_features == window.layers["communities"].n_features
    assert hl.KDE_LAYER in window.layers and window.layers[hl.KDE_LAYER].visible
    assert window.layers[hl.KDE_LAYER].n_features > 0
    assert not layer.visible  # the density view replaces the choropleth
    assert any("/km²" in t for t in panel.legend_labels())
    panel.kde_check.setChecked(False)
    assert not window.layers[hl.KDE_LAYER].visible and layer.visible
    # The Layers dock follows: the choropleth ticked, the density not.
    checks = window.layer_panel
    assert checks.item_for(hl.HOTSPOT_LAYER).checkState() == Qt.CheckState.Checked
    assert checks.item_for(hl.KDE_LAYER).checkState() == Qt.CheckState.Unchecked
    # The replay rolls the grids' days up to communities.
    daily = HotspotService(window.store).daily(start, end)
    panel.show_day(0)
    assert layer.values.sum() == daily.counts[0].sum()
