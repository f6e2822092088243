"""Everything the map draws, loaded from the store and projected to display metres."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.domain.camera import Camera
from app.gis import crs
from app.store.repositories import GeometryArrays, PointArrays
from app.store.store import Store

Progress = Callable[[float, str], None]


@dataclass
class MapData:
    streets: GeometryArrays
    communities: GeometryArrays
    grids: GeometryArrays
    roads: GeometryArrays
    blocks: GeometryArrays
    cases: PointArrays
    parts: PointArrays | None = None  # loaded separately: the biggest layer
    cameras: list[Camera] | None = None  # video cameras with their views


def _project(g: GeometryArrays) -> GeometryArrays:
    g.geoms = crs.project_geometries(g.geoms, crs.GEOGRAPHIC, crs.PROJECTED)
    return g


def load_vector_layers(store: Store, progress: Progress | None = None) -> MapData:
    """Admin polygons, basemap and open cases; parts come from ``load_parts``."""
    steps = [("street", "街道"), ("community", "社区"), ("grid", "单元网格")]
    polys = {}
    for i, (level, label) in enumerate(steps):
        if progress:
            progress(i / 6, label)
        polys[level] = _project(store.admin.layer(level))
    if progress:
        progress(3 / 6, "道路")
    roads = _project(store.admin.basemap("road"))
    if progress:
        progress(4 / 6, "建筑")
    blocks = _project(store.admin.basemap("block"))
    if progress:
        progress(5 / 6, "案件")
    cases = store.cases.point_arrays(open_only=True)
    return MapData(polys["street"], polys["community"], polys["grid"], roads, blocks, cases,
                   cameras=store.cameras.all())


def load_parts(store: Store) -> PointArrays:
    return store.parts.point_arrays()
