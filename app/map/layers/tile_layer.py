"""Tile basemap layer: a raster ``TileSource`` under the vector layers; no Qt here."""

from __future__ import annotations

from typing import Any

import numpy as np

from app.gis import crs
from app.gis.tiles import TileSource
from app.map.layers.base import Bounds, Layer

# Beyond this longitude span the Gauss-Krüger zone (3° wide) bends too far for a useful
# box: such a basemap (a province, the world) does not widen the map's limits.
_MAX_BOUNDS_SPAN_DEG = 6.0


class TileLayer(Layer):
    """A basemap drawn from map tiles (MBTiles, PMTiles, a tile server).

    It has no features (identify passes through it). ``status`` is a short text for the
    layer panel, set by the renderer: why nothing is drawn (out of the source's zoom
    range, the server failing), or None when all is well; it fires ``events.status``.
    """

    _PROPS = (*Layer._PROPS, "status")

    def __init__(self, name: str, title: str | None, source: TileSource, **kwargs: Any) -> None:
        self.source = source
        self._status: str | None = None
        super().__init__(name, title if title is not None else source.name, **kwargs)

    @property
    def is_gcj02(self) -> bool:
        return self.source.is_gcj02

    @property
    def status(self) -> str | None:
        return self._status

    @status.setter
    def status(self, value: str | None) -> None:
        self._set("status", value or None)

    def bounds(self) -> Bounds | None:
        """The source's box in map metres, when it declares one of district-like size."""
        b = self.source.bounds
        if b is None or b[2] - b[0] > _MAX_BOUNDS_SPAN_DEG or max(abs(b[1]), abs(b[3])) > 80:
            return None
        lon = np.array([b[0], b[2], b[2], b[0], (b[0] + b[2]) / 2, (b[0] + b[2]) / 2])
        lat = np.array([b[1], b[1], b[3], b[3], b[1], b[3]])
        x, y = crs.to_projected(lon, lat)
        return (float(np.min(x)), float(np.min(y)), float(np.max(x)), float(np.max(y)))

    def close(self) -> None:
        """Release the source's file or connection (the layer was removed for good)."""
        self.source.close()

    def __repr__(self) -> str:
        return f"TileLayer({self.name!r}, {self.source!r})"
