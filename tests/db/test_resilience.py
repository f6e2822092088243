"""A seat whose server goes away: nothing typed is lost, nothing is applied twice.

The PostgreSQL tests put a small TCP proxy between the seat and the server and cut it, as a
network failure or a server restart would; the lost-reply test breaks the connection right
after the server committed, the one case a plain retry would apply twice.
"""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
from conftest import BACKENDS, writable_street_seed
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from app.domain.errors import ConnectionLostError
from app.domain.org import Role
from app.domain.workflow import Action, Actor
from app.services.cases import CaseService
from app.store.store import Store

pytestmark = pytest.mark.db

FS = Actor("fs0111", Role.FIELD_SUPERVISOR)
OP = Actor("op01", Role.OPERATOR)
NOW = datetime(2026, 11, 24, 10, 0)


@pytest.fixture(scope="module", params=BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    return writable_street_seed(request, tmp_path_factory, "res")


def _report(svc: CaseService, **kw: object):  # type: ignore[no-untyped-def]
    p = svc.store.admin.grids()[6].geometry.representative_point()
    return svc.report(FS, "matter", "06010", p.x, p.y, "暴露垃圾", "supervisor", **kw)  # type: ignore[arg-type]


def _lost_reply(real):  # type: ignore[no-untyped-def]
    """Wrap a store write: the first call commits, then the connection 'breaks'."""
    calls = {"n": 0}

    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        result = real(*args, **kwargs)
        if calls["n"] == 1:
            raise OperationalError("COMMIT", {}, Exception("server closed the connection "
                                                           "unexpectedly"),
                                   connection_invalidated=True)
        return result

    return wrapper, calls


def test_a_lost_reply_after_commit_is_not_applied_twice(url: str) -> None:
    store = Store.open(url)
    try:
        svc = CaseService(store, clock=lambda: NOW)
        svc.retry_delays = (0.05,)
        case = _report(svc)
        store.cases.apply, calls = _lost_reply(store.cases.apply)  # type: ignore[method-assign]
        got = svc.act(OP, case.number, "register")
        assert calls["n"] == 1  # the retry found the committed event and did not re-send
        assert got.state.value == "registered"
        actions = [e.action for e in svc.timeline(OP, case.number)]
        assert actions == [Action.REPORT, Action.REGISTER]

        # The same for intake: one report, one case number.
        store.cases.create, calls = _lost_reply(store.cases.create)  # type: ignore[method-assign]
        before = store.cases.count()
        new = _report(svc)
        assert calls["n"] == 1 and store.cases.count() == before + 1
        assert store.cases.get(new.number) is not None
    finally:
        store.close()


def test_resending_an_operation_id_returns_the_case_without_acting_again(url: str) -> None:
    store = Store.open(url)
    try:
        svc = CaseService(store, clock=lambda: NOW)
        case = _report(svc)
        op = str(uuid.uuid4())
        first = svc.act(OP, case.number, "register", op_id=op)
        again = svc.act(OP, case.number, "register", op_id=op)  # e.g. a resend after a timeout
        assert again.version == first.version
        assert [e.action for e in svc.timeline(OP, case.number)].count(Action.REGISTER) == 1
    finally:
        store.close()


# -- a real cut between seat and server -----------------------------------------------------
class CuttableProxy:
    """TCP proxy to PostgreSQL that can be cut (connections reset, new ones refused)."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()
        self.up = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.conns += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self) -> None:
        self.up = False
        with self.lock:
            for s in self.conns:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
            self.conns.clear()

    def restore(self) -> None:
        self.up = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.fixture
def proxied(url: str) -> Iterator[tuple[str, CuttableProxy]]:
    u = make_url(url)
    if u.get_backend_name() != "postgresql":
        pytest.skip("the server connection to cut exists on PostgreSQL only")
    proxy = CuttableProxy(u.host or "127.0.0.1", u.port or 5432)
    yield u.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False), proxy
    proxy.close()


def test_server_gone_keeps_the_operation_and_the_resend_applies_it_once(proxied) -> None:  # type: ignore[no-untyped-def]
    purl, proxy = proxied
    store = Store.open(purl)
    try:
        svc = CaseService(store, clock=lambda: NOW)
        svc.retry_delays = (0.1, 0.2)
        case = _report(svc)
        op = str(uuid.uuid4())
        proxy.cut()
        with pytest.raises(ConnectionLostError, match="never applied twice"):
            svc.act(OP, case.number, "register", op_id=op)
        proxy.restore()
        got = svc.act(OP, case.number, "register", op_id=op)  # the operator sends it again
        assert got.state.value == "registered"
        got2 = svc.act(OP, case.number, "register", op_id=op)  # and, impatient, once more
        assert got2.version == got.version
        timeline = svc.timeline(OP, case.number)
        assert [e.action for e in timeline] == [Action.REPORT, Action.REGISTER]
    finally:
        store.close()


def test_the_change_feed_shows_the_outage_and_comes_back(proxied) -> None:  # type: ignore[no-untyped-def]
    from test_live import Collector

    from app.store.live import ChangeFeed

    purl, proxy = proxied
    got = Collector()
    feed = ChangeFeed(purl).start(got.on_changes, got.on_status)
    try:
        assert got.wait_for(lambda: feed.connected, 5)
        proxy.cut()
        assert got.wait_for(lambda: not feed.connected, 10)
        proxy.restore()
        assert got.wait_for(lambda: feed.connected, 15)
        assert got.wait_for(lambda: any(c.bulk for _, c in got.changes), 5)
    finally:
        feed.stop()
