"""Choosing, labelling and sanity-checking the coordinate reference system of imported data.

Data arriving at a city's urban-management office come in many systems: CGCS2000 longitude/
latitude (EPSG:4490, what the store keeps), WGS-84 from GPS, the 3-degree Gauss-Krüger
projection of CGCS2000 with or without the zone number in front of the easting, the legacy
Beijing 1954 and Xian 1980 grids, and GCJ-02 ("火星坐标") from Chinese web maps. This module

* turns what a user types (``"4548"``, ``"CGCS2000 zone 39"``, ``"火星坐标"``, a WKT…) into a
  :data:`CRSChoice` with :func:`resolve_crs`;
* converts to and from the store's CGCS2000 longitude/latitude (:func:`to_lonlat`,
  :func:`from_lonlat`, :func:`transform_geometries`), with GCJ-02 handled by
  :mod:`app.gis.gcj02` because PROJ has no GCJ-02 (OSGeo/PROJ#982);
* spots the usual mistakes before anything is written (:func:`check_coordinates`): swapped
  columns, metres declared as degrees and the reverse, a missing or extra Gauss-Krüger zone
  prefix, and features that land outside the district.

GCJ-02 is converted to WGS-84, which is taken as CGCS2000: the two differ by centimetres, far
below GCJ-02's own accuracy of about a metre.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final, Literal, TypeAlias

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from app.domain.errors import DomainError
from app.gis.crs import GEOGRAPHIC
from app.gis.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02

__all__ = [
    "GCJ02", "CRSChoice", "CoordinateProblem", "ProblemKind", "accuracy_note", "check_coordinates",
    "crs_label", "from_lonlat", "gauss_kruger_epsg", "is_geographic", "resolve_crs",
    "to_lonlat", "transform_geometries",
]


class PseudoCRS(enum.Enum):
    """Coordinate systems that PROJ does not know (markers, not :class:`pyproj.CRS`)."""

    GCJ02 = "GCJ-02"

    def __repr__(self) -> str:
        return f"<{self.value}>"


GCJ02: Final = PseudoCRS.GCJ02
"""Marker for GCJ-02 (国测局 / 火星坐标), the offset lon/lat of Chinese web maps."""

CRSChoice: TypeAlias = CRS | Literal[PseudoCRS.GCJ02]

FloatArray = NDArray[np.float64]

# --- Gauss-Krüger families -------------------------------------------------------------------
# First EPSG code of each series; codes run consecutively by zone / central meridian
# (checked against the EPSG database in tests/unit/test_crs_detect.py).
#   3-degree: zones 25..45, central meridian = 3 × zone (75°E..135°E)
#   6-degree: zones 13..23, central meridian = 6 × zone − 3 (75°E..135°E)


@dataclass(frozen=True)
class _Datum:
    geographic: int
    zone3: int
    cm3: int
    zone6: int
    cm6: int


_DATUMS: Final = {
    "CGCS2000": _Datum(4490, zone3=4513, cm3=4534, zone6=4491, cm6=4502),
    "Beijing 1954": _Datum(4214, zone3=2401, cm3=2422, zone6=21413, cm6=21453),
    "Xian 1980": _Datum(4610, zone3=2349, cm3=2370, zone6=2327, cm6=2338),
}

_DATUM_PATTERNS: Final = (
    ("CGCS2000", re.compile(r"cgcs\s?2000|china geodetic coordinate system 2000|2000\s?国家"
                            r"|国家\s?2000|中国\s?2000")),
    ("Beijing 1954", re.compile(r"beijing\s?(?:19)?54|北京\s?(?:19)?54|\bbj\s?54")),
    ("Xian 1980", re.compile(r"xi\s?'?\s?an\s?(?:19)?80|西安\s?(?:19)?80|\bxa\s?80")),
)


def gauss_kruger_epsg(datum: str = "CGCS2000", *, cm: int | None = None, zone: int | None = None,
                      width: int = 3) -> int:
    """EPSG code of a Gauss-Krüger CRS of CGCS2000, Beijing 1954 or Xian 1980.

    Give ``cm`` (central meridian, °E) for the series *without* the zone prefix in the easting,
    or ``zone`` for the series *with* it (easting = zone × 1 000 000 + 500 000 at the meridian).
    ``width`` is the zone width in degrees, 3 or 6. Raises :class:`DomainError` when the zone or
    meridian is not one of the Chinese Gauss-Krüger zones.
    """
    d = _DATUMS.get(datum)
    if d is None:
        raise DomainError(f"Unknown datum {datum!r}: use one of {', '.join(_DATUMS)}.")
    if width not in (3, 6):
        raise DomainError(f"Gauss-Krüger zones are 3 or 6 degrees wide, not {width}.")
    if (cm is None) == (zone is None):
        raise DomainError("Give exactly one of the central meridian and the zone number.")
    if width == 3:
        if zone is not None:
            if not 25 <= zone <= 45:
                raise DomainError(f"3-degree Gauss-Krüger zone {zone} is not a zone of China "
                                  "(zones 25 to 45, central meridians 75°E to 135°E).")
            return d.zone3 + zone - 25
        assert cm is not None
        if cm % 3 or not 75 <= cm <= 135:
            raise DomainError(f"{cm}°E is not a 3-degree Gauss-Krüger central meridian of China "
                              "(75°E to 135°E in steps of 3°).")
        return d.cm3 + (cm - 75) // 3
    if zone is not None:
        if not 13 <= zone <= 23:
            raise DomainError(f"6-degree Gauss-Krüger zone {zone} is not a zone of China "
                              "(zones 13 to 23, central meridians 75°E to 135°E).")
        return d.zone6 + zone - 13
    assert cm is not None
    if (cm - 75) % 6 or not 75 <= cm <= 135:
        raise DomainError(f"{cm}°E is not a 6-degree Gauss-Krüger central meridian of China "
                          "(75°E, 81°E, … 135°E).")
    return d.cm6 + (cm - 75) // 6


# --- resolve_crs ---------------------------------------------------------------------------

ACCEPTED_FORMS: Final = (
    "an EPSG code (\"4490\", \"EPSG:4548\"); "
    "a name: CGCS2000, WGS84, Beijing 1954, Xian 1980, GCJ-02 (火星坐标); "
    "a Gauss-Krüger zone such as \"CGCS2000 / 3-degree Gauss-Kruger CM 117E\", "
    "\"CGCS2000 CM 117E\", \"CGCS2000 zone 39\", \"Beijing 1954 3度带 39带\" or "
    "\"西安80 中央经线117\"; or a WKT / PROJ definition (\"+proj=tmerc …\")"
)

_GCJ_PATTERN: Final = re.compile(r"gcj\s?0?2|\bgcj\b|火星|国测局")
_BD09_PATTERN: Final = re.compile(r"bd\s?0?9|百度|baidu")
_EPSG_PATTERN: Final = re.compile(r"^(?:epsg\s*:{0,2}\s*)?(\d{4,6})$")
_ALIASES: Final = {
    "cgcs2000": 4490, "cgcs 2000": 4490, "china geodetic coordinate system 2000": 4490,
    "2000国家大地坐标系": 4490, "国家2000": 4490, "中国2000": 4490, "cgcs2000 经纬度": 4490,
    "wgs84": 4326, "wgs 84": 4326, "wgs1984": 4326, "wgs 1984": 4326, "gps": 4326,
    "web mercator": 3857, "pseudo mercator": 3857,
}
_WIDTH_PATTERN: Final = re.compile(r"(?<!\d)([36])\s?(?:degree|deg|°|度)(?:\s?带)?")
_ZONE_PATTERNS: Final = (re.compile(r"\bzone\s?(\d{1,2})(?!\d)"),
                         re.compile(r"第?\s?(\d{1,2})\s?(?:号)?带"))
_CM_PATTERNS: Final = (re.compile(r"\bcm\s?(\d{2,3})(?!\d)"),
                       re.compile(r"(?:中央经线|中央子午线|central meridian|lon_0\s?=?)\s?(\d{2,3})"),
                       re.compile(r"(?<!\d)(\d{2,3})\s?(?:°\s?e|度?\s?e\b|°)"))
_GEOGRAPHIC_WORDS: Final = re.compile(r"(?:\s|经纬度|坐标系|坐标|大地|geographic|lon\s?lat|2d)*")
_GK_MARKER: Final = re.compile(r"gauss|kruger|\bgk\b|高斯|度带|\bzone\b|\bcm\b|中央经线|中央子午线")


def _normalise(text: str) -> str:
    s = text.strip().lower().replace("ü", "u").replace("krueger", "kruger")
    s = re.sub(r"[\-_/(),:：，（）;|]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def _error(text: str, why: str = "") -> DomainError:
    shown = text if len(text) <= 60 else text[:57] + "…"
    reason = f" ({why})" if why else ""
    return DomainError(f"Unknown coordinate reference system {shown!r}{reason}: use {ACCEPTED_FORMS}.")


def _from_epsg(code: int, text: str) -> CRS:
    try:
        return CRS.from_epsg(code)
    except CRSError:
        raise _error(text, f"EPSG:{code} is not in the EPSG database") from None


def _parse_gauss_kruger(norm: str, text: str) -> CRS | None:
    """"<datum> [3|6-degree] (zone N | CM NNN)" → CRS; None when no datum is named."""
    datum = None
    rest = norm
    for key, pattern in _DATUM_PATTERNS:
        m = pattern.search(rest)
        if m:
            datum = key
            rest = rest[:m.start()] + " " + rest[m.end():]
            break
    if datum is None:
        return None
    width: int | None = None
    m = _WIDTH_PATTERN.search(rest)
    if m:
        width = int(m.group(1))
        rest = rest[:m.start()] + " " + rest[m.end():]
    zone = cm = None
    for pattern in _ZONE_PATTERNS:
        if m := pattern.search(rest):
            zone = int(m.group(1))
            break
    for pattern in _CM_PATTERNS:
        if m := pattern.search(rest):
            cm = int(m.group(1))
            break
    if zone is None and cm is None:
        numbers = [int(n) for n in re.findall(r"(?<!\d)(\d{2,3})(?!\d)", rest)]
        if len(numbers) == 1:  # "CGCS2000 117" or "CGCS2000 39": zones and meridians differ
            n = numbers[0]
            zone, cm = (n, None) if n <= 45 else (None, n)
        elif not numbers and _GEOGRAPHIC_WORDS.fullmatch(rest):
            return _from_epsg(_DATUMS[datum].geographic, text)  # "Xian 1980", "北京54"
        elif not numbers and _GK_MARKER.search(rest):
            raise _error(text, "name the Gauss-Krüger zone, e.g. \"zone 39\" or \"CM 117E\"")
        else:
            return None  # let PROJ try the full name
    if width is None:
        # zone numbers tell the width (6-degree 13–23, 3-degree 25–45); a bare meridian means
        # 3-degree, the usual choice for city data (the 6-degree CMs are also 3-degree CMs)
        width = 6 if zone is not None and zone <= 23 else 3
    if zone is not None and cm is not None:
        if cm != (3 * zone if width == 3 else 6 * zone - 3):
            raise _error(text, f"zone {zone} does not have central meridian {cm}°E")
        cm = None  # an explicit zone means the zone-prefixed series
    try:
        return _from_epsg(gauss_kruger_epsg(datum, cm=cm, zone=zone, width=width), text)
    except DomainError as exc:
        raise DomainError(f"{str(exc).rstrip('.')}, read from {text!r}.") from None


def resolve_crs(text: str | int | CRS | PseudoCRS) -> CRSChoice:
    """Turn what a user typed (or a file declared) into a :data:`CRSChoice`.

    Accepts EPSG codes (``4490``, ``"4490"``, ``"EPSG:4548"``), names (CGCS2000, WGS84, Beijing
    1954, Xian 1980, ``"GCJ-02"``/``"GCJ02"``/``"火星坐标"``), Gauss-Krüger zones of CGCS2000,
    Beijing 1954 and Xian 1980 written as the EPSG name (``"CGCS2000 / 3-degree Gauss-Kruger CM
    117E"``) or shorter (``"CGCS2000 zone 39"``, ``"北京54 3度带 39带"``, ``"西安80 中央经线117"``),
    and anything :meth:`pyproj.CRS.from_user_input` understands (WKT, ESRI .prj text, PROJ
    strings, a :class:`pyproj.CRS`). Compound and 3-D CRSs are reduced to their horizontal 2-D
    part. Raises :class:`DomainError` listing the accepted forms otherwise.
    """
    if isinstance(text, PseudoCRS):
        return text
    if isinstance(text, CRS):
        return _horizontal(text, text.name)
    if isinstance(text, int):
        return _horizontal(_from_epsg(text, str(text)), str(text))
    raw = str(text).strip()
    if not raw:
        raise DomainError(f"No coordinate reference system given: use {ACCEPTED_FORMS}.")
    norm = _normalise(raw)
    if m := _EPSG_PATTERN.match(norm):
        return _horizontal(_from_epsg(int(m.group(1)), raw), raw)
    if _GCJ_PATTERN.search(norm):
        return GCJ02
    if _BD09_PATTERN.search(norm):
        raise DomainError(f"{raw!r} is Baidu BD-09, which CityGrid cannot convert: export the data "
                          "from the source as WGS-84 or GCJ-02 (火星坐标) instead.")
    if norm in _ALIASES:
        return _from_epsg(_ALIASES[norm], raw)
    is_definition = raw.lstrip().startswith(("+", "{")) or "[" in raw
    if not is_definition:
        exact = _exact_epsg_name(raw)
        if exact is not None:
            return exact
        gk = _parse_gauss_kruger(norm, raw)
        if gk is not None:
            return gk
    try:
        crs = CRS.from_user_input(raw)
    except CRSError:
        raise _error(raw) from None
    return _horizontal(crs, raw)


def _exact_epsg_name(text: str) -> CRS | None:
    """The EPSG CRS whose official name is ``text`` (case, ü/u and spacing ignored), else None.

    EPSG names are precise ("CGCS2000 / Gauss-Kruger CM 117E" is the 6-degree series,
    EPSG:4509), so they win over the shorthand parser.
    """
    if "/" not in text:
        return None
    key = _normalise(text)
    try:
        crs = CRS.from_user_input(text.replace("ü", "u").replace("Ü", "U"))
    except CRSError:
        return None
    if _normalise(crs.name) != key or crs.to_epsg() is None:
        return None
    return crs


def _horizontal(crs: CRS, text: str) -> CRS:
    """The 2-D horizontal part of ``crs``; DomainError for geocentric / vertical / engineering."""
    if crs.is_compound and crs.sub_crs_list:
        crs = crs.sub_crs_list[0]
    if crs.is_geographic and len(crs.axis_info) == 3:
        crs = crs.to_2d()
    if crs.is_geocentric:
        raise _error(text, f"{crs.name} is geocentric (X, Y, Z), not a map CRS")
    if not (crs.is_geographic or crs.is_projected):
        raise _error(text, f"{crs.name} is not a horizontal geographic or projected CRS")
    return crs


# --- labels and accuracy -------------------------------------------------------------------

GCJ02_LABEL: Final = "GCJ-02 (火星坐标, Chinese web-map coordinates)"
_SHORT_NAMES: Final = {"China Geodetic Coordinate System 2000": "CGCS2000"}


def crs_label(choice: CRSChoice) -> str:
    """Short human-readable name, e.g. ``"CGCS2000 / 3-degree Gauss-Kruger CM 117E (EPSG:4548)"``."""
    if choice is GCJ02:
        return GCJ02_LABEL
    assert isinstance(choice, CRS)
    code = _epsg(choice)
    name = choice.name if choice.name and choice.name != "unknown" else "custom CRS"
    name = _SHORT_NAMES.get(name, name)
    if code is not None:
        return f"{name} (EPSG:{code})"
    srs = choice.srs.replace(" +type=crs", "")
    if srs.startswith("+") and name == "custom CRS":
        return f"custom CRS ({srs if len(srs) <= 70 else srs[:69] + '…'})"
    return f"{name} (custom definition)"


@lru_cache(maxsize=128)
def _epsg(crs: CRS) -> int | None:
    return crs.to_epsg()


def is_geographic(choice: CRSChoice) -> bool:
    """True when coordinates are longitude/latitude degrees (GCJ-02 included)."""
    return choice is GCJ02 or (isinstance(choice, CRS) and choice.is_geographic)


def accuracy_note(choice: CRSChoice) -> str | None:
    """A warning when conversion to CGCS2000 is only approximate, else None.

    PROJ carries no Beijing 1954 / Xian 1980 → CGCS2000 parameters for China, so it falls back
    to a "ballpark" conversion that ignores the datum shift (tens of metres up to ~100 m).
    """
    if choice is GCJ02:
        return None  # converted with the published formula, ~1 m
    assert isinstance(choice, CRS)
    if "ballpark" not in _to_geo(choice).description.lower():
        return None
    # Only a different ellipsoid (Krasovsky for Beijing 1954, IAG 1975 for Xian 1980) means a
    # real datum shift; WGS 84 and GRS 1980-based systems are within centimetres of CGCS2000.
    ellipsoid = choice.ellipsoid
    if ellipsoid is None or abs(ellipsoid.semi_major_metre - 6378137.0) < 1.0:
        return None
    geodetic = choice.geodetic_crs
    known = geodetic is not None and geodetic.name not in ("", "unknown")
    params = f"{geodetic.name} → CGCS2000" if known and geodetic is not None else "datum-shift"
    return (f"{crs_label(choice)} is converted to CGCS2000 without datum-shift parameters, so "
            f"positions may be off by tens of metres; for survey-grade accuracy convert the data "
            f"first with your city's official {params} parameters.")


# --- conversions ---------------------------------------------------------------------------

_GEOGRAPHIC_CRS: Final = CRS.from_user_input(GEOGRAPHIC)


@lru_cache(maxsize=64)
def _to_geo(crs: CRS) -> Transformer:
    return Transformer.from_crs(crs, _GEOGRAPHIC_CRS, always_xy=True)


@lru_cache(maxsize=64)
def _from_geo(crs: CRS) -> Transformer:
    return Transformer.from_crs(_GEOGRAPHIC_CRS, crs, always_xy=True)


def _arrays(x: ArrayLike, y: ArrayLike) -> tuple[FloatArray, FloatArray]:
    xa, ya = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.array(xa, dtype=float), np.array(ya, dtype=float)


def to_lonlat(x: ArrayLike, y: ArrayLike, choice: CRSChoice) -> tuple[FloatArray, FloatArray]:
    """Coordinates in ``choice`` → CGCS2000 lon/lat degrees (numpy arrays, same shape).

    GCJ-02 goes to WGS-84, taken as CGCS2000. Points PROJ cannot convert come back as inf/NaN.
    """
    xa, ya = _arrays(x, y)
    if choice is GCJ02:
        lon, lat = gcj02_to_wgs84(xa, ya)
        return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    assert isinstance(choice, CRS)
    lon, lat = _to_geo(choice).transform(xa, ya)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def from_lonlat(lon: ArrayLike, lat: ArrayLike, choice: CRSChoice) -> tuple[FloatArray, FloatArray]:
    """CGCS2000 lon/lat degrees → coordinates in ``choice`` (numpy arrays, same shape)."""
    lon_a, lat_a = _arrays(lon, lat)
    if choice is GCJ02:
        x, y = wgs84_to_gcj02(lon_a, lat_a)
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    assert isinstance(choice, CRS)
    x, y = _from_geo(choice).transform(lon_a, lat_a)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def transform_geometries(geoms: ArrayLike, choice: CRSChoice,
                         to_lonlat: bool = True) -> NDArray[np.object_]:
    """Reproject shapely geometries: ``choice`` → CGCS2000 lon/lat (``to_lonlat=True``) or back.

    Vectorised through :func:`shapely.transform`; None stays None. Results are 2-D.
    """
    arr = np.asarray(geoms, dtype=object)
    convert: Callable[[ArrayLike, ArrayLike, CRSChoice], tuple[FloatArray, FloatArray]] = (
        _to_lonlat_fn if to_lonlat else from_lonlat)

    def _f(coords: FloatArray) -> FloatArray:
        x, y = convert(coords[:, 0], coords[:, 1], choice)
        return np.column_stack([x, y])

    return np.asarray(shapely.transform(arr, _f), dtype=object)


_to_lonlat_fn = to_lonlat  # transform_geometries' parameter shadows the function name


# --- check_coordinates ---------------------------------------------------------------------

ProblemKind: TypeAlias = Literal["swapped", "projected_as_degrees", "degrees_as_projected",
                                 "outside_district", "zone_prefix"]


@dataclass(frozen=True)
class CoordinateProblem:
    """One kind of suspicious coordinates found by :func:`check_coordinates`.

    ``rows`` are 0-based positions in the arrays that were checked; ``message`` is one sentence
    for the user, citing at most five row numbers (1-based, or the caller's ``row_numbers``).
    """

    kind: ProblemKind
    message: str
    rows: list[int] = field(default_factory=list)


# Where Chinese data can be at all (a little wider than the land and sea territory).
_CHINA: Final = (73.0, 3.0, 136.0, 54.0)
_MAX_ROWS_SHOWN: Final = 5

Box: TypeAlias = tuple[float, float, float, float]
BoolArray: TypeAlias = NDArray[np.bool_]


def check_coordinates(x: ArrayLike, y: ArrayLike, choice: CRSChoice,
                      bounds_lonlat: Box | None, *, margin_deg: float = 0.02,
                      row_numbers: Sequence[int] | None = None) -> list[CoordinateProblem]:
    """Look for the usual CRS mistakes in one (x, y) per feature, before anything is written.

    ``x``/``y`` are in ``choice`` (e.g. each feature's first vertex or representative point).
    ``bounds_lonlat`` = (min lon, min lat, max lon, max lat) of the district in CGCS2000 degrees,
    or None to skip the district test; ``margin_deg`` widens it (0.02° ≈ 2 km). ``row_numbers``
    are the numbers cited in messages (default: position + 1); ``CoordinateProblem.rows`` are
    always 0-based positions. Each row is reported under one kind at most, tested in this order:
    swapped columns, metres declared as degrees / degrees declared as metres, Gauss-Krüger zone
    prefix, outside the district. Rows with NaN coordinates are ignored.
    """
    checker = _Checker(x, y, choice, bounds_lonlat, margin_deg, row_numbers)
    if checker.finite.any():
        if is_geographic(choice):
            checker.check_geographic()
        else:
            checker.check_projected()
        checker.check_district()
    return checker.problems


class _Checker:
    """State shared by the checks of :func:`check_coordinates` (one call, then discarded)."""

    def __init__(self, x: ArrayLike, y: ArrayLike, choice: CRSChoice, bounds: Box | None,
                 margin_deg: float, row_numbers: Sequence[int] | None) -> None:
        xa, ya = _arrays(x, y)
        self.x, self.y = xa.ravel(), ya.ravel()
        self.choice = choice
        self.label = crs_label(choice)
        self.bounds = bounds
        self.margin_deg = margin_deg
        self.row_numbers = row_numbers
        self.total = len(self.x)
        self.finite: BoolArray = np.isfinite(self.x) & np.isfinite(self.y)
        self.flagged: BoolArray = ~self.finite
        self.problems: list[CoordinateProblem] = []
        self.box: Box | None = None if bounds is None else (
            bounds[0] - margin_deg, bounds[1] - margin_deg,
            bounds[2] + margin_deg, bounds[3] + margin_deg)
        self.region: Box = self.box if self.box is not None else _plausible_region(choice)
        with np.errstate(invalid="ignore"):
            self.deg_range: BoolArray = self.finite & (np.abs(self.x) <= 180) & (
                np.abs(self.y) <= 90)

    # helpers ----------------------------------------------------------------------------
    def add(self, kind: ProblemKind, mask: BoolArray, message: Callable[[BoolArray], str]) -> None:
        mask = mask & ~self.flagged
        if mask.any():
            self.problems.append(CoordinateProblem(kind, message(mask),
                                                   np.flatnonzero(mask).tolist()))
            self.flagged = self.flagged | mask

    def inside(self, xs: FloatArray, ys: FloatArray, mask: BoolArray, box: Box) -> BoolArray:
        """Rows in ``mask`` whose (xs, ys), read in ``choice``, land inside ``box`` (lon/lat)."""
        with np.errstate(all="ignore"):
            lon, lat = to_lonlat(np.where(mask, xs, np.nan), np.where(mask, ys, np.nan),
                                 self.choice)
        return mask & _inside(lon, lat, box)

    def example(self, mask: BoolArray, degrees: bool) -> str:
        i = int(np.flatnonzero(mask)[0])
        return f"x≈{_fmt(float(self.x[i]), degrees)}, y≈{_fmt(float(self.y[i]), degrees)}"

    def rows(self, mask: BoolArray) -> str:
        idx = np.flatnonzero(mask)
        labels = self.row_numbers
        shown = [str(labels[i] if labels is not None else i + 1) for i in idx[:_MAX_ROWS_SHOWN]]
        more = ", …" if len(idx) > _MAX_ROWS_SHOWN else ""
        return f"{'row' if len(idx) == 1 else 'rows'} {', '.join(shown)}{more}"

    def count(self, mask: BoolArray, singular: str, plural: str) -> str:
        """"3 of 10 points look" / "1 of 10 points looks" / "All points look"."""
        n = int(mask.sum())
        if n == self.total:
            return f"All points {plural}" if n > 1 else f"The point {singular}"
        return f"{n} of {self.total} points {singular if n == 1 else plural}"

    # checks -----------------------------------------------------------------------------
    def check_geographic(self) -> None:
        x, y = self.x, self.y
        with np.errstate(invalid="ignore"):
            could_swap = self.finite & (np.abs(x) <= 90) & (np.abs(y) <= 180)
        swapped = (self.inside(y, x, could_swap, self.region)
                   & ~self.inside(x, y, self.deg_range, self.region))
        self.add("swapped", swapped, lambda m: (
            f"{self.count(m, 'looks', 'look')} like latitude, longitude instead of longitude, latitude "
            f"({self.example(m, True)}; {self.rows(m)}): swap the X and Y columns, or map the "
            f"latitude column to Y."))
        self.add("projected_as_degrees", self.finite & ~self.deg_range, lambda m: (
            f"{self.count(m, 'has', 'have')} values too large for degrees ({self.example(m, False)}; "
            f"{self.rows(m)}) although {self.label} is longitude/latitude: they look like "
            f"projected metres, so declare the projected CRS "
            f"({_projected_suggestion(x, m, self.bounds)}) instead."))

    def check_projected(self) -> None:
        x, y = self.x, self.y
        assert isinstance(self.choice, CRS)
        lands = self.inside(x, y, self.finite, self.region)
        # lon/lat (or lat/lon) declared as metres: all rows look like degrees, or those that
        # look like degrees and land outside the district
        with np.errstate(invalid="ignore"):
            degree_like = self.deg_range | (self.finite & (np.abs(x) <= 90) & (np.abs(y) <= 180))
        if bool(degree_like[self.finite].all()):
            as_degrees = degree_like
        elif self.box is not None:
            as_degrees = degree_like & ~lands
        else:
            as_degrees = np.zeros_like(self.finite)

        def degrees_message(m: BoolArray) -> str:
            lat_first = _inside(y[m], x[m], _CHINA) & ~_inside(x[m], y[m], _CHINA)
            swap = (", and swap the X and Y columns (they read latitude, longitude)"
                    if lat_first.mean() > 0.5 else "")
            return (f"{self.count(m, 'has', 'have')} degree-sized values "
                    f"({self.example(m, True)}; {self.rows(m)}) although {self.label} is "
                    f"projected in metres: they look like longitude/latitude, so declare "
                    f"EPSG:4490 (CGCS2000 longitude/latitude) instead{swap}.")

        self.add("degrees_as_projected", as_degrees, degrees_message)
        stray = self.finite & ~self.flagged & ~lands
        self.add("swapped", self.inside(y, x, stray, self.region), lambda m: (
            f"{self.count(m, 'looks', 'look')} like northing, easting instead of easting, northing "
            f"({self.example(m, False)}; {self.rows(m)}): swap the X and Y columns."))
        self.check_zone_prefix(self.finite & ~self.flagged & ~lands)

    def check_zone_prefix(self, stray: BoolArray) -> None:
        """Gauss-Krüger eastings with a zone prefix the CRS does not expect, or without one."""
        assert isinstance(self.choice, CRS)
        tm = _tm_params(self.choice)
        if tm is None or not stray.any():
            return
        lon0, x0 = tm
        x = self.x
        datum = _datum_key(self.choice) or "CGCS2000"
        with np.errstate(invalid="ignore"):
            value_zone = np.floor(x / 1e6)
            plain = stray & (x > 0) & (x < 1e6)
            prefixed = stray & (value_zone >= 13) & (value_zone <= 45) & (
                np.abs(np.mod(x, 1e6) - 5e5) < 4.5e5)
        if x0 >= 1e6:  # the CRS expects the zone number in front of the easting
            zone = int(x0 // 1e6)
            width = 6 if zone <= 23 else 3
            plain_code = _gk_code_or_none(datum, cm=round(lon0), width=width)
            self.add("zone_prefix", plain, lambda m: (
                f"{self.count(m, 'has', 'have')} eastings without the zone number "
                f"({self.example(m, False)}; {self.rows(m)}) but {self.label} expects it in "
                f"front (x≈{_fmt(zone * 1e6 + float(x[m][0]), False)}): declare "
                f"{_label_or(plain_code, 'the same zone without the zone number')} instead."))
            other = prefixed & (value_zone != zone)
        else:
            zone = None
            other = prefixed

        def other_zone_message(m: BoolArray) -> str:
            zones = sorted({int(z) for z in value_zone[m]})
            code = _gk_code_or_none(datum, zone=zones[0], width=6 if zones[0] <= 23 else 3)
            expected = (f"expects zone {zone}" if zone is not None
                        else "expects eastings without a zone number")
            return (f"{self.count(m, 'has', 'have')} eastings with zone number "
                    f"{', '.join(map(str, zones))} in front ({self.example(m, False)}; "
                    f"{self.rows(m)}) but {self.label} {expected}: declare "
                    f"{_label_or(code, 'the CRS of that zone')} instead.")

        self.add("zone_prefix", other, other_zone_message)

    def check_district(self) -> None:
        if self.box is None or self.bounds is None:
            return
        rest = self.finite & ~self.flagged
        b = self.bounds
        self.add("outside_district", rest & ~self.inside(self.x, self.y, rest, self.box),
                 lambda m: (
                     f"{self.count(m, 'lies', 'lie')} outside the district ({b[0]:.2f}–{b[2]:.2f}°E, "
                     f"{b[1]:.2f}–{b[3]:.2f}°N, plus {self.margin_deg * 111:.0f} km; "
                     f"{self.rows(m)}): check that {self.label} is the right CRS for this "
                     f"file, or remove the stray features."))


def _inside(lon: FloatArray, lat: FloatArray, box: Box) -> BoolArray:
    with np.errstate(invalid="ignore"):
        return (lon >= box[0]) & (lon <= box[2]) & (lat >= box[1]) & (lat <= box[3])


def _fmt(v: float, degrees: bool) -> str:
    """39.98 for degrees, "4 419 000" (grouped by thin spaces) for metres."""
    if degrees and abs(v) < 1000:
        return f"{v:.2f}"
    return f"{v:,.0f}".replace(",", " ")


def _plausible_region(choice: CRSChoice) -> Box:
    """Where points in ``choice`` can sensibly be when no district is given: CRS area ∩ China."""
    if not isinstance(choice, CRS) or choice.area_of_use is None:
        return _CHINA
    w, s, e, n = choice.area_of_use.bounds
    box = (max(w - 0.5, _CHINA[0]), max(s - 0.5, _CHINA[1]),
           min(e + 0.5, _CHINA[2]), min(n + 0.5, _CHINA[3]))
    return box if box[0] < box[2] and box[1] < box[3] else (w, s, e, n)


def _tm_params(crs: CRS) -> tuple[float, float] | None:
    """(central meridian, false easting) of a Transverse Mercator CRS, else None."""
    op = crs.coordinate_operation
    if not crs.is_projected or op is None or "transverse mercator" not in op.method_name.lower():
        return None
    params = {p.name.lower(): p.value for p in op.params}
    lon0 = params.get("longitude of natural origin")
    x0 = params.get("false easting")
    if lon0 is None or x0 is None:
        return None
    return float(lon0), float(x0)


def _datum_key(crs: CRS) -> str | None:
    """Which of the Chinese Gauss-Krüger families ``crs`` belongs to, by its datum's name."""
    name = (crs.geodetic_crs.name if crs.geodetic_crs is not None else crs.name).lower()
    if "2000" in name and ("cgcs" in name or "china" in name):
        return "CGCS2000"
    if "beijing" in name:
        return "Beijing 1954"
    if "xian" in name:
        return "Xian 1980"
    return None


def _label_or(code: int | None, fallback: str) -> str:
    return fallback if code is None else crs_label(CRS.from_epsg(code))


def _gk_code_or_none(datum: str, *, cm: int | None = None, zone: int | None = None,
                     width: int = 3) -> int | None:
    try:
        return gauss_kruger_epsg(datum, cm=cm, zone=zone, width=width)
    except DomainError:
        return None


def _projected_suggestion(x: FloatArray, mask: BoolArray, bounds: Box | None) -> str:
    """Best guess of the CGCS2000 Gauss-Krüger CRS of the metre values in rows ``mask``."""
    zones = np.floor(x[mask] / 1e6)
    zones = zones[(zones >= 13) & (zones <= 45)].astype(int)
    code = None
    if zones.size:  # eastings carry a zone number: take the most common one
        zone = int(np.bincount(zones).argmax())
        code = _gk_code_or_none("CGCS2000", zone=zone, width=3 if zone >= 25 else 6)
    elif bounds is not None:  # plain eastings: the 3-degree zone of the district
        code = _gk_code_or_none("CGCS2000", cm=round((bounds[0] + bounds[2]) / 6) * 3)
    if code is not None:
        return f"probably {crs_label(CRS.from_epsg(code))}"
    return "e.g. CGCS2000 / 3-degree Gauss-Kruger CM 117E (EPSG:4548) for Beijing"
