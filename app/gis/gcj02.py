"""GCJ-02 (国测局坐标, "火星坐标") ↔ WGS-84 conversion.

GCJ-02 is the obfuscated latitude/longitude used by Chinese commercial web maps (AutoNavi/高德,
Tencent, Google China road map). It is WGS-84 plus a non-linear, location-dependent offset of a
few hundred metres. It is not a datum: PROJ has no definition for it and declined to add one
(OSGeo/PROJ#982, closed "wontfix"), so pyproj cannot convert it.

Algorithm
---------
The forward transform (WGS-84 → GCJ-02) is the well-known published formula that has circulated
since ~2010 (eviltransform and PRCoords trace it to anonymous code on on4wp7.codeplex.com; the
PRCoords notes explain it) and is reproduced by many open-source
projects, e.g. googollee/eviltransform (MIT), wandergis/coordtransform (MIT) and
Artoria2e5/PRCoords (CC0): polynomial-plus-sine offsets in metres (:func:`_offset_m`), turned
into degrees on the Krasovsky 1940 ellipsoid (a = 6378245 m, e² = 0.00669342162296594323).
Points outside the rectangle of the original code (72.004–137.8347°E, 0.8293–55.8271°N) are
left unchanged. This module is a fresh numpy implementation of that formula; its output equals
the reference values published with eviltransform and coordtransform to the last digit
(tests/unit/test_gcj02.py). Some later ports use a = 6378137 instead; they differ by < 1 cm.
The offset is centred on (105°E, 35°N).

The inverse has no closed form. :func:`gcj02_to_wgs84` solves ``forward(w) = g`` by fixed-point
iteration ``w ← w − (forward(w) − g)``, starting at ``w = g``. The offset field varies slowly
(its Jacobian is below ~0.01), so each step gains about two orders of magnitude: 4–5 steps reach
the 1e-10° (~0.01 mm) tolerance. The popular one-step inverse (``g − offset(g)``, e.g.
coordtransform's ``gcj02towgs84``) misses by ~0.7 m typically and up to ~5 m; it is not used.

Accuracy: round-tripping WGS-84 → GCJ-02 → WGS-84 here is exact to < 1e-9° (~0.1 mm). GCJ-02
data themselves are not that good: the official implementation reportedly adds pseudo-random
noise to this formula (PRCoords notes), so expect about a metre.

Legal note: publishing WGS-84 ↔ GCJ-02 converters is sensitive in China. This module is here so
that data digitised on GCJ-02 web maps can be brought into the CGCS2000 store (and GCJ-02 tiles
placed over it); it is not exposed as a general conversion service.
"""

from __future__ import annotations

from typing import overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["KRASOVSKY_A", "KRASOVSKY_EE", "gcj02_to_wgs84", "in_china", "wgs84_to_gcj02"]

KRASOVSKY_A = 6378245.0  # semi-major axis of the Krasovsky 1940 ellipsoid, metres
KRASOVSKY_EE = 0.00669342162296594323  # its first eccentricity squared

# Rectangle in which the offset applies (from the original leaked code, as in eviltransform).
_MIN_LON, _MAX_LON = 72.004, 137.8347
_MIN_LAT, _MAX_LAT = 0.8293, 55.8271

_TOLERANCE_DEG = 1e-10  # inverse stops when |forward(w) - g| < this, in degrees (~0.01 mm)
_MAX_ITERATIONS = 30

FloatArray = NDArray[np.float64]


def in_china(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """True where the GCJ-02 offset applies (inside the published bounding rectangle)."""
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    return (lon_a >= _MIN_LON) & (lon_a <= _MAX_LON) & (lat_a >= _MIN_LAT) & (lat_a <= _MAX_LAT)


def _offset_m(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    """The published offset polynomials, in metres; x = lon − 105, y = lat − 35 (degrees)."""
    pi = np.pi
    common = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    d_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y
             + 0.2 * np.sqrt(np.abs(x)) + common
             + (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
             + (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0)
    d_lon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y
             + 0.1 * np.sqrt(np.abs(x)) + common
             + (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
             + (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0)
    return d_lon, d_lat


def _delta_deg(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """GCJ-02 minus WGS-84 at a WGS-84 position, in degrees (no China test)."""
    d_lon_m, d_lat_m = _offset_m(lon - 105.0, lat - 35.0)
    rad_lat = np.radians(lat)
    magic = 1.0 - KRASOVSKY_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat_m * 180.0) / ((KRASOVSKY_A * (1.0 - KRASOVSKY_EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon_m * 180.0) / (KRASOVSKY_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return d_lon, d_lat


def _as_float(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]:
    lon_a, lat_a = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return lon_a, lat_a


Pair = tuple[float, float] | tuple[FloatArray, FloatArray]


def _result(lon: FloatArray, lat: FloatArray, scalar: bool) -> Pair:
    return (float(lon), float(lat)) if scalar else (lon, lat)


@overload
def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]: ...


def wgs84_to_gcj02(lon, lat):  # type: ignore[no-untyped-def]
    """WGS-84 (≈ CGCS2000) lon/lat → GCJ-02 lon/lat, in degrees.

    Accepts scalars (returns two floats) or array-likes (returns two float arrays of the
    broadcast shape). Points outside China, and NaN, are returned unchanged.
    """
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    lon_a, lat_a = _as_float(lon, lat)
    inside = in_china(lon_a, lat_a)
    d_lon, d_lat = _delta_deg(lon_a, lat_a)
    out_lon = np.where(inside, lon_a + d_lon, lon_a)
    out_lat = np.where(inside, lat_a + d_lat, lat_a)
    return _result(out_lon, out_lat, scalar)


@overload
def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]: ...
@overload
def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[FloatArray, FloatArray]: ...


def gcj02_to_wgs84(lon, lat):  # type: ignore[no-untyped-def]
    """GCJ-02 lon/lat → WGS-84 (≈ CGCS2000) lon/lat, in degrees, by iteration (see module doc).

    Scalars in, floats out; arrays in, arrays out. Points whose GCJ-02 position lies outside
    China are returned unchanged (a point within ~1 km of the rectangle's edge can therefore
    differ from the forward transform; the rectangle is far outside any Chinese city).
    """
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    b_lon, b_lat = _as_float(lon, lat)
    g_lon, g_lat = b_lon.ravel(), b_lat.ravel()  # 1-D views; the results are new arrays
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    active = in_china(g_lon, g_lat)  # False for NaN
    for _ in range(_MAX_ITERATIONS):
        if not active.any():
            break
        a_lon, a_lat = w_lon[active], w_lat[active]
        d_lon, d_lat = _delta_deg(a_lon, a_lat)
        r_lon = a_lon + d_lon - g_lon[active]  # residual forward(w) − g
        r_lat = a_lat + d_lat - g_lat[active]
        w_lon[active] = a_lon - r_lon
        w_lat[active] = a_lat - r_lat
        active[active] = (np.abs(r_lon) >= _TOLERANCE_DEG) | (np.abs(r_lat) >= _TOLERANCE_DEG)
    return _result(w_lon.reshape(b_lon.shape), w_lat.reshape(b_lat.shape), scalar)
