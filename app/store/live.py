"""Live case changes for every seat: PostgreSQL LISTEN/NOTIFY, or a watch on SQLite.

Every write of a case (:meth:`CaseRepository.create` / :meth:`~CaseRepository.apply`) sends a
``NOTIFY citygrid_case`` in its own transaction, so PostgreSQL delivers it to the listening
seats exactly when — and only if — the change commits. A :class:`ChangeFeed` holds one extra
connection per seat that does nothing but ``LISTEN``; it hands batches of
:class:`CaseChange` to a callback on its own thread (the UI re-posts them to the GUI
thread). Nobody polls the case table.

On SQLite (one workstation, maybe a few processes on one file) there is no NOTIFY: the feed
asks for case events newer than the last one it saw (a primary-key range read) four times
a second.

When the connection to the server breaks the feed reports it (``on_status(False, why)``),
reconnects with back-off and then reports one *bulk* change, because whatever happened while
it was away was not delivered: the seat reloads its queues and map once.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, text

from app.store.db import make_engine
from app.store.repositories import CHANGE_CHANNEL

log = logging.getLogger(__name__)

# A burst of changes (an import, a busy minute) is delivered as one batch: after the first
# notification the feed collects for this long before calling back.
BATCH_WINDOW_S = 0.05
# How often the listening connection is checked when nothing arrives (a silent network
# drop raises no error by itself), and the reconnect back-off.
HEARTBEAT_S = 5.0
RECONNECT_DELAYS_S = (0.5, 1.0, 2.0, 5.0)
SQLITE_POLL_S = 0.25
SQLITE_BATCH = 500  # more new events than this at once: treated as a bulk change


@dataclass(frozen=True, slots=True)
class CaseChange:
    """One committed change of a case, or ``bulk`` (reload everything)."""

    case_id: int | None = None
    number: str | None = None
    state: str | None = None
    version: int | None = None
    action: str | None = None
    by: str | None = None
    sent_at: float | None = None  # time.time() on the sending seat just before its commit
    bulk: bool = False

    @classmethod
    def from_payload(cls, payload: str) -> CaseChange:
        try:
            d = json.loads(payload)
        except ValueError:
            return cls(bulk=True)
        if not isinstance(d, dict) or d.get("bulk"):
            return cls(bulk=True)
        return cls(case_id=d.get("id"), number=d.get("n"), state=d.get("s"),
                   version=d.get("v"), action=d.get("a"), by=d.get("by"), sent_at=d.get("t"))


OnChanges = Callable[[list[CaseChange]], None]
OnStatus = Callable[[bool, str], None]


class ChangeFeed:
    """Deliver committed case changes of all seats to ``on_changes`` (see module doc)."""

    def __init__(self, url_or_engine: str | Engine) -> None:
        if isinstance(url_or_engine, Engine):
            self._url = url_or_engine.url.render_as_string(hide_password=False)
        else:
            self._url = url_or_engine
        self._engine: Engine | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._connected = False
        self._on_changes: OnChanges = lambda _c: None
        self._on_status: OnStatus | None = None
        self.received = 0  # changes delivered so far (for status displays and tests)

    @property
    def connected(self) -> bool:
        return self._connected

    def start(self, on_changes: OnChanges, on_status: OnStatus | None = None) -> ChangeFeed:
        self._on_changes, self._on_status = on_changes, on_status
        self._stop.clear()
        self._engine = _listener_engine(self._url)
        target = self._run_sqlite if self._engine.dialect.name == "sqlite" else self._run_pg
        self._thread = threading.Thread(target=target, name="citygrid-change-feed",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # -- delivery -----------------------------------------------------------------------
    def _deliver(self, changes: list[CaseChange]) -> None:
        if not changes:
            return
        self.received += len(changes)
        try:
            self._on_changes(changes)
        except Exception:  # noqa: BLE001 - a faulty receiver must not kill the feed
            log.exception("change feed receiver failed")

    def _status(self, up: bool, why: str) -> None:
        changed = up != self._connected
        self._connected = up
        if changed and self._on_status is not None:
            try:
                self._on_status(up, why)
            except Exception:  # noqa: BLE001
                log.exception("change feed status receiver failed")

    # -- PostgreSQL ---------------------------------------------------------------------
    def _run_pg(self) -> None:
        assert self._engine is not None
        failures = 0
        first = True
        while not self._stop.is_set():
            try:
                raw = self._engine.raw_connection()
            except Exception as exc:  # noqa: BLE001 - server away: report and retry
                self._status(False, _why(exc))
                self._stop.wait(RECONNECT_DELAYS_S[min(failures, len(RECONNECT_DELAYS_S) - 1)])
                failures += 1
                continue
            try:
                conn = raw.driver_connection
                conn.autocommit = True
                conn.execute(f"LISTEN {CHANGE_CHANNEL}")
                failures = 0
                self._status(True, "")
                if not first:  # changes made while we were away were not delivered
                    self._deliver([CaseChange(bulk=True)])
                first = False
                self._listen(conn)
            except Exception as exc:  # noqa: BLE001 - connection broke: reconnect
                if not self._stop.is_set():
                    self._status(False, _why(exc))
                    self._stop.wait(RECONNECT_DELAYS_S[0])
            finally:
                try:
                    raw.invalidate()  # never back to a pool: it was LISTENing
                except Exception:  # noqa: BLE001
                    pass

    def _listen(self, conn) -> None:  # type: ignore[no-untyped-def]
        idle_since = time.monotonic()
        while not self._stop.is_set():
            batch = [CaseChange.from_payload(n.payload)
                     for n in conn.notifies(timeout=0.5, stop_after=1)]
            if batch:
                deadline = time.monotonic() + BATCH_WINDOW_S
                while (left := deadline - time.monotonic()) > 0:
                    more = [CaseChange.from_payload(n.payload)
                            for n in conn.notifies(timeout=left, stop_after=200)]
                    if not more:
                        break
                    batch += more
                self._deliver(batch)
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > HEARTBEAT_S:
                conn.execute("SELECT 1")  # raises when the server went away silently
                idle_since = time.monotonic()

    # -- SQLite -------------------------------------------------------------------------
    def _run_sqlite(self) -> None:
        assert self._engine is not None
        last: int | None = None
        while not self._stop.is_set():
            try:
                with self._engine.connect() as c:
                    if last is None:
                        last = c.execute(text("SELECT coalesce(max(id), 0) FROM case_event")
                                         ).scalar_one()
                        self._status(True, "")
                    rows = c.execute(text(
                        "SELECT e.id, e.case_id, c.number, e.to_state, e.seq, e.action, "
                        "e.actor_login FROM case_event e JOIN case_ c ON c.id = e.case_id "
                        "WHERE e.id > :last ORDER BY e.id LIMIT :n"),
                        {"last": last, "n": SQLITE_BATCH + 1}).all()
                    if len(rows) > SQLITE_BATCH:
                        last = c.execute(text("SELECT coalesce(max(id), 0) FROM case_event")
                                         ).scalar_one()
                        self._deliver([CaseChange(bulk=True)])
                    elif rows:
                        last = rows[-1][0]
                        self._deliver([CaseChange(case_id=r[1], number=r[2], state=r[3],
                                                  version=r[4], action=r[5], by=r[6])
                                       for r in rows])
                    else:
                        top = c.execute(text("SELECT coalesce(max(id), 0) FROM case_event")
                                        ).scalar_one()
                        if top < last:  # the cases were replaced (seed, import)
                            last = top
                            self._deliver([CaseChange(bulk=True)])
            except Exception as exc:  # noqa: BLE001 - locked / file gone: say so, retry
                self._status(False, _why(exc))
            self._stop.wait(SQLITE_POLL_S)


def _listener_engine(url: str) -> Engine:
    """The seat's own URL and connect arguments (credentials, timeouts); the listening
    connection is taken out of its pool and invalidated when it breaks."""
    return make_engine(url)


def _why(exc: BaseException) -> str:
    text_ = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text_[0] if text_ else type(exc).__name__
