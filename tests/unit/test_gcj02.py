"""GCJ-02 ↔ WGS-84: published reference values, iterative inverse, vectorisation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy.typing import ArrayLike

from app.gis.gcj02 import gcj02_to_wgs84, in_china, wgs84_to_gcj02

# (wgs lon, wgs lat, gcj lon, gcj lat)
PUBLISHED = [
    # googollee/eviltransform, python/test.py (TESTS: wgsLat, wgsLng, gcjLat, gcjLng); MIT
    pytest.param(121.5272106, 31.1774276, 121.531541859215, 31.17530398364597, id="shanghai"),
    pytest.param(113.912316, 22.543847, 113.9171764808363, 22.540796131694766, id="shenzhen"),
    pytest.param(116.377817, 39.911954, 116.38404722455657, 39.91334545536069, id="beijing"),
    # wandergis/coordtransform README / test values, reused verbatim by hutool
    # (CoordinateUtilTest.wgs84ToGcj02Test) and coordtransform_rs (test_wgs84_to_gcj02)
    pytest.param(116.404, 39.915, 116.41024449916938, 39.91640428150164, id="coordtransform"),
]

# The one-step approximate inverse published by wandergis/coordtransform for GCJ (116.404, 39.915)
# (hutool gcj02ToWgs84Test, coordtransform_rs test_gcj02_wgs84). It is off by about a metre.
ONE_STEP_INVERSE = (116.39775550083061, 39.91359571849836)


def _metres(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> Any:
    """Local equirectangular distance in metres (fine for sub-kilometre differences)."""
    lat = np.radians((np.asarray(lat1) + np.asarray(lat2)) / 2)
    dx = np.radians(np.asarray(lon1) - np.asarray(lon2)) * 6378137.0 * np.cos(lat)
    dy = np.radians(np.asarray(lat1) - np.asarray(lat2)) * 6378137.0
    return np.hypot(dx, dy)


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), PUBLISHED)
def test_forward_matches_published_values(wlon: float, wlat: float, glon: float,
                                          glat: float) -> None:
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    # the published values were computed with the same formula: agreement to float precision
    assert lon == pytest.approx(glon, abs=1e-12)
    assert lat == pytest.approx(glat, abs=1e-12)


@pytest.mark.parametrize(("wlon", "wlat", "glon", "glat"), PUBLISHED)
def test_inverse_recovers_published_wgs84(wlon: float, wlat: float, glon: float,
                                          glat: float) -> None:
    lon, lat = gcj02_to_wgs84(glon, glat)
    assert _metres(lon, lat, wlon, wlat) < 0.001
    assert abs(lon - wlon) < 1e-9 and abs(lat - wlat) < 1e-9


def test_iterative_inverse_beats_the_one_step_approximation() -> None:
    lon, lat = gcj02_to_wgs84(116.404, 39.915)
    back = wgs84_to_gcj02(lon, lat)
    assert abs(back[0] - 116.404) < 1e-9 and abs(back[1] - 39.915) < 1e-9
    # the published one-step value misses by centimetres here; ours solves the same equation
    one_step_error = _metres(*wgs84_to_gcj02(*ONE_STEP_INVERSE), 116.404, 39.915)
    assert 0.01 < one_step_error < 1
    assert _metres(lon, lat, *ONE_STEP_INVERSE) == pytest.approx(one_step_error, rel=0.05)
    # … and by metres elsewhere in China (median ~0.7 m, up to ~5 m), where ours stays < 1 mm
    rng = np.random.default_rng(7)
    glon, glat = rng.uniform(73.7, 135.0, 5000), rng.uniform(18.0, 53.5, 5000)
    flon, flat = wgs84_to_gcj02(glon, glat)
    one_lon, one_lat = 2 * glon - flon, 2 * glat - flat  # g − (forward(g) − g)
    assert _metres(*wgs84_to_gcj02(one_lon, one_lat), glon, glat).max() > 1
    assert _metres(*wgs84_to_gcj02(*gcj02_to_wgs84(glon, glat)), glon, glat).max() < 0.001


def test_round_trip_over_a_grid_of_beijing_points() -> None:
    lon, lat = np.meshgrid(np.linspace(115.4, 117.6, 45), np.linspace(39.4, 41.1, 35))
    glon, glat = wgs84_to_gcj02(lon, lat)
    offset = _metres(glon, glat, lon, lat)
    assert offset.min() > 100 and offset.max() < 1000  # the obfuscation is hundreds of metres
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    assert wlon.shape == lon.shape
    assert _metres(wlon, wlat, lon, lat).max() < 0.01
    assert np.abs(wlon - lon).max() < 1e-9 and np.abs(wlat - lat).max() < 1e-9


def test_inverse_converges_all_over_china() -> None:
    rng = np.random.default_rng(4)
    glon = rng.uniform(73.7, 135.0, 20_000)
    glat = rng.uniform(18.0, 53.5, 20_000)
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    flon, flat = wgs84_to_gcj02(wlon, wlat)
    assert np.abs(flon - glon).max() < 1e-9
    assert np.abs(flat - glat).max() < 1e-9


@pytest.mark.parametrize(("lon", "lat"), [
    (-0.1276, 51.5072),   # London
    (139.6917, 35.6895),  # Tokyo: east of the 137.8347° E limit
    (151.2093, -33.8688),  # Sydney
    (-74.006, 40.7128),   # New York
    (72.0, 30.0),         # just west of the rectangle
    (100.0, 56.0),        # just north of it
])
def test_outside_china_unchanged(lon: float, lat: float) -> None:
    assert not in_china(lon, lat)
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)


def test_mixed_inside_and_outside_arrays() -> None:
    lon = np.array([116.4, -0.1276, 121.47])
    lat = np.array([39.9, 51.5072, 31.23])
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert glon[1] == lon[1] and glat[1] == lat[1]
    assert glon[0] != lon[0] and glon[2] != lon[2]
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    np.testing.assert_allclose(wlon, lon, atol=1e-9)
    np.testing.assert_allclose(wlat, lat, atol=1e-9)


def test_scalars_give_floats_and_arrays_keep_shape() -> None:
    lon, lat = wgs84_to_gcj02(116.4, 39.9)
    assert type(lon) is float and type(lat) is float
    lon, lat = gcj02_to_wgs84(116.4, 39.9)
    assert type(lon) is float and type(lat) is float
    np_lon, _ = wgs84_to_gcj02(np.float32(116.4), 39.9)  # numpy scalars count as scalars
    assert isinstance(np_lon, float)
    arr_lon, arr_lat = wgs84_to_gcj02([[116.4, 116.5]], [[39.9, 39.95]])
    assert arr_lon.shape == (1, 2) and arr_lat.shape == (1, 2)
    assert arr_lon[0, 0] == pytest.approx(wgs84_to_gcj02(116.4, 39.9)[0], abs=1e-12)
    # broadcasting a scalar latitude against an array of longitudes
    b_lon, b_lat = gcj02_to_wgs84(np.array([116.4, 116.5]), 39.9)
    assert b_lon.shape == (2,) and b_lat.shape == (2,)


def test_inputs_are_not_modified_and_nan_passes_through() -> None:
    lon = np.array([116.4, np.nan])
    lat = np.array([39.9, 39.9])
    saved = lon.copy(), lat.copy()
    glon, glat = wgs84_to_gcj02(lon, lat)
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    np.testing.assert_array_equal(lon, saved[0])
    np.testing.assert_array_equal(lat, saved[1])
    assert np.isnan(glon[1]) and np.isnan(wlon[1]) and wlat[1] == 39.9
    assert abs(wlon[0] - 116.4) < 1e-9


def test_empty_arrays() -> None:
    lon, lat = gcj02_to_wgs84(np.array([]), np.array([]))
    assert lon.shape == (0,) and lat.shape == (0,)
