"""Run slow work (seeding, loading 1.4 M parts) off the GUI thread.

Modelled on Orange's ConcurrentWidgetMixin: the task is a plain function that takes a
``progress(fraction, message)`` callback; results and errors come back as queued signals,
so the widgets are only ever touched from the GUI thread.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal


class _Runner(QObject):
    progress = Signal(float, str)  # fraction 0–1, message
    done = Signal(object)  # the task's return value
    failed = Signal(str)  # a readable error message (traceback on stderr)

    def __init__(self, fn: Callable[..., Any], with_progress: bool) -> None:
        super().__init__()
        self._fn = fn
        self._with_progress = with_progress

    def run(self) -> None:
        try:
            result = self._fn(self.progress.emit) if self._with_progress else self._fn()
        except Exception as exc:  # noqa: BLE001 - reported to the user, not swallowed
            traceback.print_exc()
            self.failed.emit(str(exc) or exc.__class__.__name__)
        else:
            self.done.emit(result)
        finally:
            # End the thread's event loop from inside, so a waiting GUI thread (window
            # closing) is not blocked until the queued result reaches it.
            QThread.currentThread().quit()


class Worker(QObject):
    """Start ``fn`` on a new thread; connect to ``progress``, ``done`` and ``failed``."""

    progress = Signal(float, str)
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, fn: Callable[..., Any], *, with_progress: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._runner = _Runner(fn, with_progress)
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.run)
        self._runner.progress.connect(self.progress)
        self._runner.done.connect(self._finish_ok)
        self._runner.failed.connect(self._finish_err)

    def start(self) -> Worker:
        self._thread.start()
        return self

    def _stop(self) -> None:
        self._thread.quit()
        self._thread.wait()

    def _finish_ok(self, result: object) -> None:
        self._stop()
        self.done.emit(result)

    def _finish_err(self, message: str) -> None:
        self._stop()
        self.failed.emit(message)

    def wait(self, ms: int = 60_000) -> bool:
        return self._thread.wait(ms)

    @property
    def running(self) -> bool:
        return self._thread.isRunning()
