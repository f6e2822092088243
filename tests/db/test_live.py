"""Live updates between seats: the change feed, and a second seat's window following a change
made on the first within a second (PostgreSQL LISTEN/NOTIFY; the event watch on SQLite)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime

import pytest
from conftest import BACKENDS, _pg_connect, writable_street_seed

from app.domain.org import Role
from app.domain.workflow import Actor
from app.services.cases import CaseService
from app.store.live import CaseChange, ChangeFeed
from app.store.store import Store

pytestmark = pytest.mark.db

FS = Actor("fs0111", Role.FIELD_SUPERVISOR)
OP = Actor("op01", Role.OPERATOR)
NOW = datetime(2026, 11, 24, 10, 0)


@pytest.fixture(scope="module", params=BACKENDS)
def live_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    return writable_street_seed(request, tmp_path_factory, "live")


@pytest.fixture
def seat_a(live_url: str) -> Iterator[CaseService]:
    """The first seat: its own store (engine, connections) and service."""
    store = Store.open(live_url)
    yield CaseService(store, clock=lambda: NOW)
    store.close()


def _report(svc: CaseService) -> object:
    p = svc.store.admin.grids()[4].geometry.representative_point()
    return svc.report(FS, "matter", "06010", p.x, p.y, "暴露垃圾", "supervisor")


class Collector:
    def __init__(self) -> None:
        self.changes: list[tuple[float, CaseChange]] = []
        self.status: list[tuple[bool, str]] = []
        self.lock = threading.Condition()

    def on_changes(self, changes: list[CaseChange]) -> None:
        with self.lock:
            self.changes += [(time.time(), c) for c in changes]
            self.lock.notify_all()

    def on_status(self, up: bool, why: str) -> None:
        with self.lock:
            self.status.append((up, why))
            self.lock.notify_all()

    def wait_for(self, pred, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
        end = time.time() + timeout
        with self.lock:
            while not pred():
                left = end - time.time()
                if left <= 0:
                    return False
                self.lock.wait(left)
        return True


def test_feed_delivers_other_seats_changes_within_a_second(live_url: str,
                                                           seat_a: CaseService) -> None:
    got = Collector()
    feed = ChangeFeed(live_url).start(got.on_changes, got.on_status)
    try:
        assert got.wait_for(lambda: feed.connected)
        case = _report(seat_a)
        t_report = time.time()
        assert got.wait_for(lambda: any(c.number == case.number for _, c in got.changes), 1.0)
        seat_a.act(OP, case.number, "register")
        t_register = time.time()
        assert got.wait_for(lambda: any(c.number == case.number and c.action == "register"
                                        for _, c in got.changes), 1.0)
        mine = [(t, c) for t, c in got.changes if c.number == case.number]
        assert [(c.state, c.version, c.by) for _, c in mine] == [
            ("reported", 1, FS.login), ("registered", 2, OP.login)]
        assert mine[0][0] - t_report < 1.0 and mine[1][0] - t_register < 1.0
        if seat_a.store.backend == "postgresql":
            # The payload carries the sender's commit time: the seat-to-seat delay.
            assert all(c.sent_at is not None and 0 <= t - c.sent_at < 1.0 for t, c in mine)
    finally:
        feed.stop()


def test_feed_reconnects_after_the_server_drops_it_and_asks_for_a_reload(
        live_url: str, seat_a: CaseService) -> None:
    if seat_a.store.backend != "postgresql":
        pytest.skip("a server connection to drop exists on PostgreSQL only")
    got = Collector()
    feed = ChangeFeed(live_url).start(got.on_changes, got.on_status)
    try:
        assert got.wait_for(lambda: feed.connected)
        with _pg_connect(live_url.split("?")[0], autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE query LIKE 'LISTEN citygrid_case%' AND pid <> pg_backend_pid()")
        assert got.wait_for(lambda: (False, ) in [(s[0],) for s in got.status], 10)
        assert got.wait_for(lambda: got.status[-1][0] is True, 10)
        # What happened while it was away was not delivered: one bulk reload instead.
        assert got.wait_for(lambda: any(c.bulk for _, c in got.changes), 5)
        case = _report(seat_a)
        assert got.wait_for(lambda: any(c.number == case.number for _, c in got.changes), 1.0)
    finally:
        feed.stop()


# -- the second seat's window -----------------------------------------------------------------
@pytest.fixture
def seat_b(qtbot, live_url: str):  # type: ignore[no-untyped-def]
    from app.ui.app import ensure_app, install_language
    from app.ui.main_window import MainWindow

    ensure_app(offscreen=True)
    install_language("en")
    store = Store.open(live_url)
    win = MainWindow(store)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    win.load_sync()
    win.user_box.setCurrentIndex(win.user_box.findData(OP.login))
    qtbot.waitUntil(lambda: win._feed is not None and win._feed.connected, timeout=5000)
    yield win
    win.close()
    store.close()


def _tab_count(win, key: str) -> int:  # type: ignore[no-untyped-def]
    panel = win.case_panel
    i = [k for k, _ in panel.queues].index(key)
    return int(panel.tabs.tabText(i).rsplit(" ", 1)[-1])


@pytest.mark.ui
def test_second_seat_queue_map_and_detail_follow_the_first_within_a_second(
        qtbot, seat_b, seat_a: CaseService) -> None:  # type: ignore[no-untyped-def]
    win = seat_b
    panel = win.case_panel
    assert panel.open_queue("to_register")
    before = _tab_count(win, "to_register")
    layer = win.layers["cases"]

    case = _report(seat_a)  # seat A takes a report in
    t0 = time.perf_counter()
    qtbot.waitUntil(lambda: _tab_count(win, "to_register") == before + 1, timeout=1000)
    assert time.perf_counter() - t0 < 1.0
    # The new case is in B's list and on B's map, without B doing anything.
    qtbot.waitUntil(lambda: case.number in [c.number for c in panel.model.cases], timeout=1000)
    assert case.id in set(int(i) for i in layer.ids)

    # B opens the case; A registers it: B's detail shows the new state and who did it.
    assert panel.select_number(case.number)
    assert "action_register" in [b.objectName() for b in panel.action_buttons.values()]
    seat_a.act(OP.__class__("op02", Role.OPERATOR), case.number, "register")
    t1 = time.perf_counter()
    qtbot.waitUntil(lambda: panel.shown_case() is not None
                    and panel.shown_case().state.value == "registered", timeout=1000)
    assert time.perf_counter() - t1 < 1.0
    assert _tab_count(win, "to_register") == before
    assert "action_register" not in [b.objectName() for b in panel.action_buttons.values()]
    assert "op02" in panel.detail.toPlainText()
    qtbot.waitUntil(lambda: "op02" in win.statusBar().currentMessage(), timeout=1000)
