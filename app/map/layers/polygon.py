"""Polygon layer: streets, communities, unit grids (单元网格)."""

from __future__ import annotations

import numpy as np
import shapely

from app.map.layers._geometry import GeometryLayer


class PolygonLayer(GeometryLayer):
    """Polygons/MultiPolygons with ids, optional labels and per-feature attributes.

    Parameters
    ----------
    name, title
        Lookup key and display title (Chinese), e.g. ``"grid"``, ``"单元网格"``.
    geoms
        Array of shapely polygons in map metres (EPSG:4548).
    ids, labels, attrs
        Feature ids, label texts and attribute columns, all in feature order.
    """

    _polygonal = True

    def feature_at(self, x: float, y: float, tolerance: float = 0.0) -> int | None:
        """Index of the polygon containing (x, y); the smallest one when they nest."""
        pt = shapely.Point(x, y)
        hits = self.tree.query(pt.buffer(tolerance) if tolerance > 0 else pt, predicate="intersects")
        if len(hits) == 0:
            return None
        if len(hits) == 1:
            return int(hits[0])
        return int(hits[np.argmin(shapely.area(self.geoms[hits]))])
