"""Plain-Python events for layer models (after napari's ``EmitterGroup``).

Models must stay testable without a ``QApplication``, so they do not use Qt signals;
the renderers in ``app.map.render`` connect to these emitters instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Callback = Callable[["Event"], Any]


class Event:
    """What a callback receives: ``type`` (emitter name), ``source`` and keyword payload."""

    def __init__(self, type: str, source: object = None, **kwargs: Any) -> None:
        self.type = type
        self.source = source
        self.value: Any = None
        for key, val in kwargs.items():
            setattr(self, key, val)

    def __repr__(self) -> str:
        extra = {k: v for k, v in vars(self).items() if k not in ("type", "source")}
        return f"Event({self.type!r}, {extra})"


class EventEmitter:
    """A named list of callbacks; ``emit(**payload)`` calls each with an ``Event``."""

    def __init__(self, type: str, source: object = None) -> None:
        self.type = type
        self.source = source
        self._callbacks: list[Callback] = []
        self._blocked = 0
        self._group_forward: Callback | None = None  # set by EmitterGroup; runs last

    def connect(self, callback: Callback) -> Callback:
        """Add ``callback`` (once); returns it so this works as a decorator."""
        if callback not in self._callbacks:
            self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callback | None = None) -> None:
        """Remove ``callback``, or every callback when None. Unknown callbacks are ignored."""
        if callback is None:
            self._callbacks.clear()
        elif callback in self._callbacks:
            self._callbacks.remove(callback)

    @property
    def callbacks(self) -> tuple[Callback, ...]:
        return tuple(self._callbacks)

    def emit(self, **kwargs: Any) -> Event:
        event = Event(self.type, self.source, **kwargs)
        if self._blocked:
            return event
        # Iterate over a copy: a callback may disconnect itself.
        for cb in list(self._callbacks):
            cb(event)
        if self._group_forward is not None:
            self._group_forward(event)
        return event

    def blocker(self) -> _Blocker:
        """Context manager that silences this emitter (e.g. during a batch update)."""
        return _Blocker(self)


class _Blocker:
    def __init__(self, emitter: EventEmitter) -> None:
        self.emitter = emitter

    def __enter__(self) -> None:
        self.emitter._blocked += 1

    def __exit__(self, *exc: object) -> None:
        self.emitter._blocked -= 1


class EmitterGroup:
    """Attribute access to several emitters: ``group.visible.connect(cb)``.

    Connecting to the group itself (``group.connect(cb)``) receives every event, which
    is how ``LayerList`` forwards ``changed`` from its layers.
    """

    def __init__(self, source: object = None, *names: str) -> None:
        self.source = source
        self._emitters: dict[str, EventEmitter] = {}
        self._all = EventEmitter("all", source)
        self.add(*names)

    def add(self, *names: str) -> None:
        for name in names:
            if name in self._emitters:
                continue
            em = EventEmitter(name, self.source)
            em._group_forward = self._forward
            self._emitters[name] = em
            setattr(self, name, em)

    def _forward(self, event: Event) -> None:
        for cb in list(self._all._callbacks):
            cb(event)

    def __getitem__(self, name: str) -> EventEmitter:
        return self._emitters[name]

    def __contains__(self, name: object) -> bool:
        return name in self._emitters

    def __iter__(self) -> Iterator[str]:
        return iter(self._emitters)

    @property
    def emitters(self) -> dict[str, EventEmitter]:
        return dict(self._emitters)

    def connect(self, callback: Callback) -> Callback:
        return self._all.connect(callback)

    def disconnect(self, callback: Callback | None = None) -> None:
        self._all.disconnect(callback)

    def __getattr__(self, name: str) -> EventEmitter:
        # Only reached for unknown names; gives a clear error (and keeps mypy happy).
        raise AttributeError(f"no event named {name!r}")
