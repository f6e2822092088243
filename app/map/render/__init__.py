"""pyqtgraph renderers for ``app.map.layers``: ``MapCanvas`` and one visual per layer."""

from __future__ import annotations

from app.map.render.canvas import VISUAL_FOR_LAYER, MapCanvas
from app.map.render.tile_visual import TileVisual
from app.map.render.visual import ViewState, Visual

__all__ = ["VISUAL_FOR_LAYER", "MapCanvas", "TileVisual", "ViewState", "Visual"]
