"""Camera view cones and camera points (Qt-free)."""

from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import dataclass

import numpy as np
import pytest
import shapely

from app.map.camera_layer import (
    LIVE,
    SNAPSHOT_ONLY,
    build_camera_layers,
    insert_camera_layers,
    view_polygons,
)
from app.map.layers import LayerList, PointLayer, PolygonLayer


@dataclass(frozen=True)
class Cam:
    """Stand-in with the attributes of ``app.services.video.Camera`` the layers read."""

    part_id: str
    x: float
    y: float
    heading_deg: float
    fov_deg: float
    range_m: float
    stream_url: str = ""


def _one(heading: float, fov: float = 60.0, rng: float = 100.0, x: float = 0.0,
         y: float = 0.0) -> shapely.Polygon:
    return view_polygons([x], [y], [heading], [fov], [rng])[0]


def test_camera_layer_does_not_import_qt() -> None:
    code = ("import sys, app.map.camera_layer; "
            "assert not [m for m in sys.modules if m.startswith(('PySide6', 'pyqtgraph'))]")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_heading_90_looks_east() -> None:
    cone = _one(90.0, fov=60.0, rng=100.0, x=500_000.0, y=4_400_000.0)
    c = cone.centroid
    assert c.x - 500_000.0 > 50.0  # well to the east of the camera
    assert abs(c.y - 4_400_000.0) < 1e-6  # symmetric about the east axis
    minx, _, maxx, _ = cone.bounds
    assert minx == pytest.approx(500_000.0)  # nothing west of the camera
    assert maxx == pytest.approx(500_100.0)  # reaches range_m due east
    assert cone.contains(shapely.Point(500_080.0, 4_400_000.0))
    assert not cone.contains(shapely.Point(499_920.0, 4_400_000.0))  # behind the camera


@pytest.mark.parametrize(("heading", "direction"),
                         [(0.0, (0, 1)), (90.0, (1, 0)), (180.0, (0, -1)), (270.0, (-1, 0))])
def test_heading_is_clockwise_from_north(heading: float, direction: tuple[int, int]) -> None:
    c = _one(heading).centroid
    assert np.sign(round(c.x, 6)) == direction[0]
    assert np.sign(round(c.y, 6)) == direction[1]


@pytest.mark.parametrize(("fov", "rng"), [(30.0, 50.0), (90.0, 120.0), (170.0, 40.0)])
def test_area_is_the_sector(fov: float, rng: float) -> None:
    cone = _one(37.0, fov=fov, rng=rng)
    assert cone.is_valid
    assert cone.area == pytest.approx(fov / 360.0 * math.pi * rng**2, rel=0.01)


def test_apex_is_the_camera_and_edges_bound_the_fov() -> None:
    cone = _one(0.0, fov=90.0, rng=100.0, x=10.0, y=20.0)
    assert cone.touches(shapely.Point(10.0, 20.0)) or cone.contains(shapely.Point(10.0, 20.0))
    # Just inside and just outside the right edge (bearing 45° -/+ 2°).
    inside = (10 + 50 * math.sin(math.radians(43)), 20 + 50 * math.cos(math.radians(43)))
    outside = (10 + 50 * math.sin(math.radians(47)), 20 + 50 * math.cos(math.radians(47)))
    assert cone.contains(shapely.Point(*inside))
    assert not cone.contains(shapely.Point(*outside))


def test_dome_camera_sees_all_round() -> None:
    disc = _one(0.0, fov=360.0, rng=30.0)
    assert disc.is_valid
    assert disc.area == pytest.approx(math.pi * 30.0**2, rel=0.02)
    assert all(disc.contains(shapely.Point(20 * math.sin(a), 20 * math.cos(a)))
               for a in np.linspace(0, 2 * math.pi, 9))


def test_many_cameras_vectorised() -> None:
    r = np.random.default_rng(3)
    n = 5_000
    fov = r.uniform(20, 120, n)
    rng = r.uniform(20, 200, n)
    polys = view_polygons(r.uniform(0, 1e4, n), r.uniform(0, 1e4, n), r.uniform(0, 360, n),
                          fov, rng)
    assert len(polys) == n
    assert shapely.is_valid(polys).all()
    np.testing.assert_allclose(shapely.area(polys), fov / 360 * np.pi * rng**2, rtol=0.01)


def test_length_mismatch_is_refused() -> None:
    with pytest.raises(ValueError, match="length"):
        view_polygons([0.0, 1.0], [0.0], [0.0], [60.0], [50.0])
    assert len(view_polygons([], [], [], [], [])) == 0


def test_layers_carry_camera_ids_and_live_category() -> None:
    cams = [Cam("CAM-A", 100.0, 100.0, 90.0, 60.0, 80.0, "rtsp://10.0.0.5/1"),
            Cam("CAM-B", 400.0, 100.0, 270.0, 60.0, 80.0)]
    views, points = build_camera_layers(
        cams, {"camera_views": "视域", "cameras": "摄像头"}, ["实时", "快照"])
    assert isinstance(views, PolygonLayer)
    assert isinstance(points, PointLayer)
    assert views.ids == ["CAM-A", "CAM-B"]
    # A click inside A's cone identifies camera A; highlighting by id works for the UI.
    assert views.feature_at(150.0, 100.0) == 0
    assert views.feature_at(350.0, 100.0) == 1
    assert views.feature_at(250.0, 300.0) is None
    assert views.highlight_id("CAM-B") == 1
    fill = views.style.fill_color or ""
    assert len(fill) == 9  # #rrggbbaa
    assert int(fill[-2:], 16) < 128  # semi-transparent
    assert list(points.category) == [LIVE, SNAPSHOT_ONLY]
    assert points.nearest(401.0, 99.0, 5.0) == 1
    assert points.index_of("CAM-A") == 0


def test_insert_puts_cones_under_parts_and_cases_and_replaces() -> None:
    layers = LayerList([PolygonLayer("grids", None, [shapely.box(0, 0, 1, 1)]),
                        PointLayer("parts", None, np.zeros(1), np.zeros(1)),
                        PointLayer("cases", None, np.zeros(1), np.zeros(1))])
    cams = [Cam("C1", 0.0, 0.0, 0.0, 90.0, 50.0)]
    insert_camera_layers(layers, *build_camera_layers(cams, {"camera_views": "v",
                                                            "cameras": "c"}, ["l", "s"]))
    assert layers.names == ["grids", "camera_views", "cameras", "parts", "cases"]
    insert_camera_layers(layers, *build_camera_layers(cams * 2, {"camera_views": "v",
                                                                "cameras": "c"}, ["l", "s"]))
    assert layers.names == ["grids", "camera_views", "cameras", "parts", "cases"]
    assert layers["camera_views"].n_features == 2
