"""Qt-free layer models drawn by ``app.map.render``; they carry plain-Python events."""

from __future__ import annotations

from app.map.layers.base import Bounds, Layer, LayerList, LayerStyle, union_bounds
from app.map.layers.events import EmitterGroup, Event, EventEmitter
from app.map.layers.line import LineLayer
from app.map.layers.point import PointLayer, PointSubset
from app.map.layers.polygon import PolygonLayer
from app.map.layers.tile_layer import TileLayer

__all__ = [
    "Bounds", "EmitterGroup", "Event", "EventEmitter", "Layer", "LayerList", "LayerStyle",
    "LineLayer", "PointLayer", "PointSubset", "PolygonLayer", "TileLayer", "union_bounds",
]
