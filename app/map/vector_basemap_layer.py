"""A user's vector file as a basemap layer (Qt-free): one layer model per file."""

from __future__ import annotations

import numpy as np
import shapely

from app.map.layers import Layer, LayerList, LayerStyle, LineLayer, PointLayer, PolygonLayer

STYLES = {
    "polygon": LayerStyle(pen_color="#9e9e9e", fill_color="#bdbdbd55", line_width=0.8,
                          label_color="#616161"),
    "line": LayerStyle(pen_color="#8d6e63", line_width=1.5, label_color="#5d4037"),
    "point": LayerStyle(point_size=5.0, pen_color="#ffffff"),
}


def vector_basemap_layer(name: str, title: str, kind: str, geoms: np.ndarray,
                         labels: list[str] | None = None) -> Layer:
    ids = [str(i) for i in range(len(geoms))]
    if kind == "polygon":
        return PolygonLayer(name, title, geoms, ids, labels=labels, style=STYLES[kind])
    if kind == "line":
        return LineLayer(name, title, geoms, None, ids, labels=labels,
                         class_widths=(1.5,), class_max_view_width=(None,),
                         style=STYLES[kind])
    pts = shapely.get_coordinates(shapely.centroid(geoms))
    return PointLayer(name, title, pts[:, 0], pts[:, 1], None, [(121, 85, 72)], None,
                      ids=ids, style=STYLES[kind])


def insert_basemap(layers: LayerList, layer: Layer) -> None:
    """Above the generated blocks and roads, under the admin polygons, parts and cases."""
    names = layers.names
    at = names.index("roads") + 1 if "roads" in names else 0
    layers.insert(at, layer)
