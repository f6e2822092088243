"""Video cameras on the map: their view cones (视域) and positions.

Qt-free, like ``district_layers``: turns the cameras ``VideoService.cameras()`` returns
into layer models. The cones are the circular sectors of ``app.domain.camera``, built for
all cameras at once with numpy and ``shapely.polygons`` (20,000 cameras take ~0.05 s), so a
district's cameras load as fast as one street's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

from app.domain.camera import view_sectors
from app.map.layers import LayerList, LayerStyle, PointLayer, PolygonLayer

if TYPE_CHECKING:
    from collections.abc import Sequence

# Arc segments of a cone; for a 90° cone the polygon's area is within 0.1 % of the sector.
VIEW_SEGMENTS = 24
# Cameras with a stream to watch live vs. those that only post snapshots.
CAMERA_PALETTE = [(0, 150, 136), (96, 125, 139)]
LIVE, SNAPSHOT_ONLY = 0, 1
VIEW_STYLE = LayerStyle(pen_color="#00897bb0", fill_color="#26a69a38", line_width=1.0,
                        highlight_color="#ff2d20")
CAMERA_STYLE = LayerStyle(point_size=9.0, pen_color="#ffffff")
# Cones are a street-scale detail: at district zoom they would be a green haze.
VIEW_MAX_WIDTH = 6_000.0


class CameraLike(Protocol):
    """What the layers read from ``app.domain.camera.Camera`` (read-only, as it is frozen)."""

    @property
    def part_id(self) -> str: ...
    @property
    def x(self) -> float: ...
    @property
    def y(self) -> float: ...
    @property
    def heading_deg(self) -> float: ...
    @property
    def fov_deg(self) -> float: ...
    @property
    def range_m(self) -> float: ...
    @property
    def stream_url(self) -> str: ...


def view_polygons(
    x: np.ndarray | Sequence[float],
    y: np.ndarray | Sequence[float],
    heading_deg: np.ndarray | Sequence[float],
    fov_deg: np.ndarray | Sequence[float],
    range_m: np.ndarray | Sequence[float],
    segments: int = VIEW_SEGMENTS,
) -> np.ndarray:
    """View cones as shapely polygons in map metres, one per camera.

    Parameters
    ----------
    x, y
        Camera positions (EPSG:4548 metres; y grows northwards).
    heading_deg
        Direction the camera looks, degrees clockwise from north (0 = up on the map,
        90 = east).
    fov_deg
        Horizontal field of view, degrees; 360 is a dome camera (a full disc).
    range_m
        How far the camera sees usefully, metres.
    segments
        Straight segments approximating each arc.

    Returns
    -------
    numpy.ndarray
        Object array of ``shapely.Polygon``: the apex at the camera, the arc at ``range_m``
        (a dome's disc keeps the apex as a vertex at its centre).
    """
    cx = np.asarray(x, dtype=np.float64)
    cy = np.asarray(y, dtype=np.float64)
    heading = np.asarray(heading_deg, dtype=np.float64)
    fov = np.clip(np.asarray(fov_deg, dtype=np.float64), 0.0, 360.0)
    rng = np.asarray(range_m, dtype=np.float64)
    n = len(cx)
    if not (len(cy) == len(heading) == len(fov) == len(rng) == n):
        raise ValueError("camera arrays differ in length")
    if n == 0:
        return np.empty(0, dtype=object)
    # One definition of the sector for the map and the service (``Camera.view_polygon``),
    # drawn with a finer arc: ``Camera.sees`` tests the exact sector, and the inscribed
    # polygon should miss as little of it as possible.
    return view_sectors(cx, cy, heading, fov, rng, steps=segments)


def _arrays(cameras: Sequence[CameraLike]) -> dict[str, np.ndarray]:
    return {
        "x": np.fromiter((c.x for c in cameras), np.float64, len(cameras)),
        "y": np.fromiter((c.y for c in cameras), np.float64, len(cameras)),
        "heading": np.fromiter((c.heading_deg for c in cameras), np.float64, len(cameras)),
        "fov": np.fromiter((c.fov_deg for c in cameras), np.float64, len(cameras)),
        "range": np.fromiter((c.range_m for c in cameras), np.float64, len(cameras)),
    }


def view_layer(cameras: Sequence[CameraLike], title: str) -> PolygonLayer:
    """Semi-transparent view cones, ids = camera part ids (for ``highlight_id``)."""
    a = _arrays(cameras)
    geoms = view_polygons(a["x"], a["y"], a["heading"], a["fov"], a["range"])
    return PolygonLayer(
        "camera_views", title, geoms, [c.part_id for c in cameras],
        attrs={"range_m": a["range"], "fov_deg": a["fov"]},
        style=VIEW_STYLE, max_view_width=VIEW_MAX_WIDTH)


def camera_point_layer(cameras: Sequence[CameraLike], title: str,
                       category_labels: Sequence[str]) -> PointLayer:
    """Cameras as points: category ``LIVE`` when a stream URL is configured.

    ``category_labels`` are the (translated) names of ``LIVE`` and ``SNAPSHOT_ONLY``.
    """
    a = _arrays(cameras)
    category = np.array([LIVE if c.stream_url else SNAPSHOT_ONLY for c in cameras], np.int32)
    return PointLayer(
        "cameras", title, a["x"], a["y"], category, CAMERA_PALETTE, list(category_labels),
        ids=[c.part_id for c in cameras], cell_size=500.0, style=CAMERA_STYLE)


def build_camera_layers(cameras: Sequence[CameraLike], titles: dict[str, str],
                        category_labels: Sequence[str]) -> tuple[PolygonLayer, PointLayer]:
    """The cone layer and the camera layer; ``titles`` keyed ``camera_views``, ``cameras``."""
    return (view_layer(cameras, titles["camera_views"]),
            camera_point_layer(cameras, titles["cameras"], category_labels))


def insert_camera_layers(layers: LayerList, views: PolygonLayer, points: PointLayer) -> None:
    """Cones above the polygons but under parts and cases; camera points just above them.

    Replaces camera layers already in the list (a reload after reseeding).
    """
    for name in (views.name, points.name):
        if name in layers:
            layers.remove(name)
    names = layers.names
    below = next((names.index(n) for n in ("parts", "cases") if n in names), len(names))
    layers.insert(below, views)
    layers.insert(below + 1, points)
