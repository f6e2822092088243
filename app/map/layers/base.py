"""Layer base class, style and the ordered ``LayerList``; no Qt here."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from app.map.layers.events import EmitterGroup, Event

Bounds = tuple[float, float, float, float]  # (xmin, ymin, xmax, ymax) in map metres


@dataclass(frozen=True)
class LayerStyle:
    """How a layer is drawn. Colours are '#rrggbb' or '#rrggbbaa'; widths in screen pixels.

    Frozen so a style change is always a whole new value and fires ``events.style``.
    """

    pen_color: str = "#505050"
    fill_color: str | None = None
    line_width: float = 1.0
    point_size: float = 6.0
    label_color: str = "#202020"
    highlight_color: str = "#ff2d20"

    def with_(self, **changes: Any) -> LayerStyle:
        return replace(self, **changes)


class Layer:
    """Common state of every map layer; subclasses add data and spatial queries.

    Every settable property fires ``layer.events.<name>`` with ``value`` when it changes.
    ``max_view_width`` (metres) hides the layer when the view is wider, so detailed
    layers (unit grids) are not drawn at district zoom.
    """

    _PROPS = ("title", "visible", "opacity", "show_labels", "style", "highlight", "max_view_width")

    def __init__(
        self,
        name: str,
        title: str | None = None,
        *,
        visible: bool = True,
        opacity: float = 1.0,
        show_labels: bool = False,
        style: LayerStyle | None = None,
        max_view_width: float | None = None,
    ) -> None:
        self._name = name
        self.events = EmitterGroup(self, *self._PROPS, "data")
        self._title = title if title is not None else name
        self._visible = bool(visible)
        self._opacity = _clip01(opacity)
        self._show_labels = bool(show_labels)
        self._style = style or LayerStyle()
        self._highlight: int | None = None
        self._max_view_width = max_view_width

    # -- plumbing ---------------------------------------------------------------------
    def _set(self, attr: str, value: Any) -> None:
        old = getattr(self, "_" + attr)
        same = old is value or (not isinstance(value, np.ndarray) and old == value)
        if same:
            return
        setattr(self, "_" + attr, value)
        self.events[attr].emit(value=value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._name!r}, n={self.n_features})"

    # -- properties -------------------------------------------------------------------
    @property
    def name(self) -> str:
        """Stable key used by ``LayerList`` lookups; not shown to users."""
        return self._name

    @property
    def title(self) -> str:
        return self._title

    @title.setter
    def title(self, value: str) -> None:
        self._set("title", str(value))

    @property
    def visible(self) -> bool:
        return self._visible

    @visible.setter
    def visible(self, value: bool) -> None:
        self._set("visible", bool(value))

    @property
    def opacity(self) -> float:
        return self._opacity

    @opacity.setter
    def opacity(self, value: float) -> None:
        self._set("opacity", _clip01(value))

    @property
    def show_labels(self) -> bool:
        return self._show_labels

    @show_labels.setter
    def show_labels(self, value: bool) -> None:
        self._set("show_labels", bool(value))

    @property
    def style(self) -> LayerStyle:
        return self._style

    @style.setter
    def style(self, value: LayerStyle) -> None:
        self._set("style", value)

    @property
    def max_view_width(self) -> float | None:
        return self._max_view_width

    @max_view_width.setter
    def max_view_width(self, value: float | None) -> None:
        self._set("max_view_width", None if value is None else float(value))

    @property
    def highlight(self) -> int | None:
        """Index of the highlighted feature (identify/search result), or None."""
        return self._highlight

    @highlight.setter
    def highlight(self, value: int | None) -> None:
        if value is not None:
            value = int(value)
            if not 0 <= value < self.n_features:
                raise IndexError(f"{self._name}: feature {value} out of range")
        self._set("highlight", value)

    def highlight_id(self, feature_id: str) -> int | None:
        """Highlight the feature with this id; returns its index (None if unknown)."""
        idx = self.index_of(feature_id)
        self.highlight = idx
        return idx

    # -- data interface (overridden) --------------------------------------------------
    @property
    def n_features(self) -> int:
        return 0

    def bounds(self) -> Bounds | None:
        return None

    def index_of(self, feature_id: str) -> int | None:
        return None

    def feature_at(self, x: float, y: float, tolerance: float = 0.0) -> int | None:
        return None

    def visible_at(self, view_width: float) -> bool:
        """Whether the layer should be drawn when the view is ``view_width`` metres wide."""
        return self._visible and (self._max_view_width is None or view_width <= self._max_view_width)


def _clip01(v: float) -> float:
    return float(min(1.0, max(0.0, v)))


def union_bounds(bounds: list[Bounds | None]) -> Bounds | None:
    bs = [b for b in bounds if b is not None]
    if not bs:
        return None
    a = np.asarray(bs, dtype=float)
    return (float(a[:, 0].min()), float(a[:, 1].min()), float(a[:, 2].max()), float(a[:, 3].max()))


class LayerList:
    """Ordered layers, bottom (index 0, drawn first) to top.

    Events: ``inserted(value=layer, index)``, ``removed(value=layer, index)``,
    ``moved(value=layer, index, old_index)``, and ``changed`` after any of them.
    """

    def __init__(self, layers: list[Layer] | None = None) -> None:
        self.events = EmitterGroup(self, "inserted", "removed", "moved", "changed")
        self._layers: list[Layer] = []
        for layer in layers or []:
            self.append(layer)

    def __len__(self) -> int:
        return len(self._layers)

    def __iter__(self) -> Iterator[Layer]:
        return iter(list(self._layers))

    def __contains__(self, item: object) -> bool:
        if isinstance(item, str):
            return any(la.name == item for la in self._layers)
        return item in self._layers

    def __getitem__(self, key: int | str) -> Layer:
        if isinstance(key, str):
            return self._layers[self.index(key)]
        return self._layers[key]

    def get(self, name: str) -> Layer | None:
        return next((la for la in self._layers if la.name == name), None)

    def index(self, key: str | Layer) -> int:
        for i, la in enumerate(self._layers):
            if la is key or la.name == key:
                return i
        raise KeyError(f"no layer {key!r}")

    @property
    def names(self) -> list[str]:
        return [la.name for la in self._layers]

    def insert(self, index: int, layer: Layer) -> None:
        if layer.name in self:
            raise ValueError(f"duplicate layer name {layer.name!r}")
        index = max(0, min(len(self._layers), index if index >= 0 else len(self._layers) + index + 1))
        self._layers.insert(index, layer)
        self.events.inserted.emit(value=layer, index=index)
        self.events.changed.emit(value=None)

    def append(self, layer: Layer) -> None:
        self.insert(len(self._layers), layer)

    def remove(self, key: str | Layer) -> Layer:
        index = self.index(key)
        layer = self._layers.pop(index)
        self.events.removed.emit(value=layer, index=index)
        self.events.changed.emit(value=None)
        return layer

    def move(self, src: int | str, dst: int) -> None:
        """Move layer ``src`` (index or name) so it ends up at index ``dst``."""
        i = self.index(src) if isinstance(src, str) else src
        dst = max(0, min(len(self._layers) - 1, dst))
        if i == dst:
            return
        layer = self._layers.pop(i)
        self._layers.insert(dst, layer)
        self.events.moved.emit(value=layer, index=dst, old_index=i)
        self.events.changed.emit(value=None)

    def bounds(self) -> Bounds | None:
        return union_bounds([la.bounds() for la in self._layers])


__all__ = ["Bounds", "Event", "Layer", "LayerList", "LayerStyle", "union_bounds"]
