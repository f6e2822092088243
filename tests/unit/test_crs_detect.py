"""CRS resolution, labels, conversions and the coordinate sanity checks of app.gis.crs_detect."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import CRS, Transformer

from app.domain.errors import DomainError
from app.gis.crs_detect import (
    GCJ02,
    CoordinateProblem,
    accuracy_note,
    check_coordinates,
    crs_label,
    from_lonlat,
    gauss_kruger_epsg,
    is_geographic,
    resolve_crs,
    to_lonlat,
    transform_geometries,
)
from app.gis.gcj02 import gcj02_to_wgs84, wgs84_to_gcj02

# --- resolve_crs ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "epsg"), [
    ("EPSG:4490", 4490), ("4490", 4490), (4490, 4490), ("epsg:4548", 4548), (" EPSG 4548 ", 4548),
    ("urn:ogc:def:crs:EPSG::4548", 4548),
    ("CGCS2000", 4490), ("cgcs 2000", 4490), ("2000国家大地坐标系", 4490),
    ("WGS84", 4326), ("WGS 84", 4326), ("wgs-84", 4326), ("EPSG:4326", 4326),
    ("Beijing 1954", 4214), ("北京54", 4214), ("Xian 1980", 4610), ("西安80", 4610),
    ("西安80 经纬度", 4610), ("Xian 1980 geographic", 4610),
    # CGCS2000 3-degree Gauss-Krüger, without and with the zone prefix
    ("EPSG:4548", 4548), ("CGCS2000 / 3-degree Gauss-Kruger CM 117E", 4548),
    ("CGCS2000 / 3-degree Gauss-Krüger CM 117E", 4548), ("cgcs2000 / 3-degree gauss-kruger cm 117e", 4548),
    ("CGCS2000 CM 117E", 4548), ("CGCS2000 CM 117", 4548), ("CGCS2000 117", 4548),
    ("CGCS2000 3度带 中央经线117", 4548), ("CGCS2000 3° 117°E", 4548),
    ("CGCS2000 / 3-degree Gauss-Kruger zone 39", 4527), ("CGCS2000 zone 39", 4527),
    ("CGCS2000 39", 4527), ("2000国家大地坐标系 3度带 39带", 4527),
    ("CGCS2000 zone 25", 4513), ("CGCS2000 zone 45", 4533), ("CGCS2000 CM 75E", 4534),
    ("CGCS2000 CM 135E", 4554),
    # 6-degree zones: EPSG names without "3-degree" are the 6-degree series
    ("CGCS2000 / Gauss-Kruger CM 117E", 4509), ("CGCS2000 zone 20", 4498),
    ("CGCS2000 6度带 20带", 4498),
    # legacy datums
    ("EPSG:2436", 2436), ("Beijing 1954 / 3-degree Gauss-Kruger CM 117E", 2436),
    ("Beijing 1954 CM 117E", 2436), ("北京54 3度带 39带", 2415), ("BJ54 zone 39", 2415),
    ("EPSG:2384", 2384), (2384, 2384), ("Xian 1980 / 3-degree Gauss-Kruger CM 117E", 2384),
    ("西安80 中央经线117", 2384), ("Xian 1980 CM 120E", 2385), ("西安1980 3度带 40带", 2364),
])
def test_resolve_crs_accepted_forms(text: str | int, epsg: int) -> None:
    crs = resolve_crs(text)
    assert isinstance(crs, CRS)
    assert crs.to_epsg() == epsg


@pytest.mark.parametrize("text", ["GCJ-02", "GCJ02", "gcj02", "gcj-02", "GCJ 02", "GCJ",
                                  "火星坐标", "火星坐标系", "国测局坐标系", "GCJ-02 (火星坐标)"])
def test_resolve_crs_gcj02(text: str) -> None:
    assert resolve_crs(text) is GCJ02
    assert resolve_crs(GCJ02) is GCJ02


def test_resolve_crs_definitions() -> None:
    proj = resolve_crs("+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 "
                       "+units=m +no_defs")
    assert isinstance(proj, CRS) and proj.is_projected
    assert _tm(proj)["Longitude of natural origin"] == 117
    wkt = resolve_crs(CRS.from_epsg(4548).to_wkt())
    assert isinstance(wkt, CRS) and wkt.to_epsg() == 4548
    esri_prj = CRS.from_epsg(4548).to_wkt("WKT1_ESRI")  # what a shapefile's .prj holds
    prj = resolve_crs(esri_prj)
    assert isinstance(prj, CRS) and prj.is_projected
    x, _ = from_lonlat(117.0, 40.0, prj)
    assert float(x[()]) == pytest.approx(500_000, abs=1e-6)
    same = resolve_crs(CRS.from_epsg(4527))
    assert isinstance(same, CRS) and same.to_epsg() == 4527


def test_resolve_crs_reduces_to_horizontal_2d() -> None:
    compound = resolve_crs("EPSG:4548+5773")  # CGCS2000 GK CM 117E + EGM96 height
    assert isinstance(compound, CRS) and compound.to_epsg() == 4548
    geographic_3d = resolve_crs("EPSG:4480")  # CGCS2000 geographic 3D
    assert isinstance(geographic_3d, CRS)
    assert geographic_3d.is_geographic and len(geographic_3d.axis_info) == 2


@pytest.mark.parametrize(("text", "expected"), [
    ("foo", "Unknown coordinate reference system 'foo'"),
    ("", "No coordinate reference system given"),
    ("   ", "No coordinate reference system given"),
    ("EPSG:99999", "EPSG:99999 is not in the EPSG database"),
    ("EPSG:4479", "geocentric"),
    ("EPSG:5773", "not a horizontal"),  # EGM96 height: vertical only
    ("CGCS2000 zone 50", "zone 50 is not a zone of China"),
    ("CGCS2000 CM 118E", "118°E is not a 3-degree Gauss-Krüger central meridian"),
    ("CGCS2000 zone 39 CM 114E", "zone 39 does not have central meridian 114°E"),
    ("CGCS2000 / 3-degree Gauss-Kruger", "name the Gauss-Krüger zone"),
    ("BD-09", "Baidu BD-09"),
    ("百度坐标", "Baidu BD-09"),
])
def test_resolve_crs_errors_are_clear(text: str, expected: str) -> None:
    with pytest.raises(DomainError) as err:
        resolve_crs(text)
    message = str(err.value)
    assert expected in message
    if "Baidu" not in expected and "not a zone" not in expected and "°E is not" not in expected:
        # the message lists the accepted forms
        assert "EPSG code" in message and "GCJ-02" in message and "+proj=tmerc" in message


def _tm(crs: CRS) -> dict[str, float]:
    """Transverse Mercator parameters by EPSG name (no lossy PROJ-string export)."""
    assert crs.coordinate_operation is not None
    return {p.name: float(p.value) for p in crs.coordinate_operation.params}


def test_gauss_kruger_tables_match_the_epsg_database() -> None:
    """Every code from gauss_kruger_epsg names the right datum, zone and meridian."""
    names = {"CGCS2000": "CGCS2000", "Beijing 1954": "Beijing 1954", "Xian 1980": "Xian 1980"}
    for datum, prefix in names.items():
        for zone in range(25, 46):
            crs = CRS.from_epsg(gauss_kruger_epsg(datum, zone=zone))
            assert crs.name == f"{prefix} / 3-degree Gauss-Kruger zone {zone}"
            assert _tm(crs)["False easting"] == zone * 1_000_000 + 500_000
            assert _tm(crs)["Longitude of natural origin"] == 3 * zone
        for cm in range(75, 136, 3):
            crs = CRS.from_epsg(gauss_kruger_epsg(datum, cm=cm))
            assert crs.name == f"{prefix} / 3-degree Gauss-Kruger CM {cm}E"
            assert _tm(crs)["False easting"] == 500_000
        for zone in range(13, 24):
            crs = CRS.from_epsg(gauss_kruger_epsg(datum, zone=zone, width=6))
            assert crs.name == f"{prefix} / Gauss-Kruger zone {zone}"
            assert _tm(crs)["Longitude of natural origin"] == 6 * zone - 3
        for cm in range(75, 136, 6):
            crs = CRS.from_epsg(gauss_kruger_epsg(datum, cm=cm, width=6))
            assert crs.name == f"{prefix} / Gauss-Kruger CM {cm}E"
    # the codes the project documents (standards.md §6, peers.md §C)
    assert gauss_kruger_epsg(cm=117) == 4548
    assert gauss_kruger_epsg(zone=39) == 4527
    assert gauss_kruger_epsg("Beijing 1954", cm=117) == 2436
    assert gauss_kruger_epsg("Xian 1980", cm=120) == 2385


def test_gauss_kruger_epsg_rejects_bad_arguments() -> None:
    with pytest.raises(DomainError, match="exactly one of the central meridian and the zone"):
        gauss_kruger_epsg(cm=117, zone=39)
    with pytest.raises(DomainError, match="Unknown datum"):
        gauss_kruger_epsg("Tokyo", cm=117)
    with pytest.raises(DomainError, match="3 or 6 degrees"):
        gauss_kruger_epsg(cm=117, width=4)
    with pytest.raises(DomainError, match="not a 6-degree"):
        gauss_kruger_epsg(cm=114, width=6)


# --- labels --------------------------------------------------------------------------------


def test_crs_label() -> None:
    assert crs_label(resolve_crs("4548")) == "CGCS2000 / 3-degree Gauss-Kruger CM 117E (EPSG:4548)"
    assert crs_label(resolve_crs("4490")) == "CGCS2000 (EPSG:4490)"
    assert crs_label(resolve_crs("WGS84")) == "WGS 84 (EPSG:4326)"
    assert "GCJ-02" in crs_label(GCJ02) and "火星坐标" in crs_label(GCJ02)
    custom = crs_label(resolve_crs("+proj=tmerc +lon_0=116.35 +x_0=50000 +ellps=GRS80"))
    assert custom.startswith("custom CRS (+proj=tmerc +lon_0=116.35")


def test_accuracy_note_only_for_real_datum_shifts() -> None:
    for text in ("4490", "4548", "4527", "WGS84", "GCJ-02",
                 "+proj=tmerc +lon_0=116.35 +x_0=50000 +ellps=GRS80"):
        assert accuracy_note(resolve_crs(text)) is None, text
    note = accuracy_note(resolve_crs("EPSG:2436"))
    assert note is not None and "Beijing 1954" in note and "tens of metres" in note
    note = accuracy_note(resolve_crs("Xian 1980 CM 117E"))
    assert note is not None and "Xian 1980" in note


def test_is_geographic() -> None:
    assert is_geographic(GCJ02)
    assert is_geographic(resolve_crs("4490")) and is_geographic(resolve_crs("4326"))
    assert not is_geographic(resolve_crs("4548"))


# --- conversions ---------------------------------------------------------------------------

LON = np.array([116.31, 116.40, 116.50, 116.20])
LAT = np.array([39.98, 39.90, 40.00, 39.70])


def test_to_and_from_lonlat_match_pyproj() -> None:
    crs = resolve_crs("EPSG:4548")
    assert isinstance(crs, CRS)
    x, y = from_lonlat(LON, LAT, crs)
    ref = Transformer.from_crs(4490, 4548, always_xy=True).transform(LON, LAT)
    np.testing.assert_allclose(x, ref[0], atol=1e-6)
    np.testing.assert_allclose(y, ref[1], atol=1e-6)
    assert 400_000 < x.min() < x.max() < 600_000 and 4_390_000 < y.min() < y.max() < 4_440_000
    lon, lat = to_lonlat(x, y, crs)
    np.testing.assert_allclose(lon, LON, atol=1e-9)
    np.testing.assert_allclose(lat, LAT, atol=1e-9)
    # the central meridian maps to the false easting
    x0, _ = from_lonlat(117.0, 40.0, crs)
    assert float(x0[()]) == pytest.approx(500_000, abs=1e-6)
    x39, _ = from_lonlat(117.0, 40.0, resolve_crs("4527"))
    assert float(x39[()]) == pytest.approx(39_500_000, abs=1e-6)


def test_to_lonlat_accepts_lists_and_scalars() -> None:
    lon, lat = to_lonlat([441_000.0], [4_427_000.0], resolve_crs("4548"))
    assert lon.shape == (1,) and 116 < lon[0] < 117 and 39 < lat[0] < 41
    lon, lat = to_lonlat(116.4, 39.9, resolve_crs("4490"))
    assert float(lon) == pytest.approx(116.4) and float(lat) == pytest.approx(39.9)


def test_gcj02_conversions_use_the_iterative_inverse() -> None:
    glon, glat = from_lonlat(LON, LAT, GCJ02)
    np.testing.assert_array_equal(glon, wgs84_to_gcj02(LON, LAT)[0])
    lon, lat = to_lonlat(glon, glat, GCJ02)
    np.testing.assert_array_equal(lon, gcj02_to_wgs84(glon, glat)[0])
    np.testing.assert_allclose(lon, LON, atol=1e-9)
    np.testing.assert_allclose(lat, LAT, atol=1e-9)


def test_transform_geometries_round_trip() -> None:
    crs = resolve_crs("4548")
    x, y = from_lonlat(LON, LAT, crs)
    poly = shapely.Polygon(np.column_stack([x[:3], y[:3]]))
    geoms = np.array([shapely.Point(x[0], y[0]), poly, None], dtype=object)
    out = transform_geometries(geoms, crs)
    assert out[2] is None
    assert out[0].x == pytest.approx(LON[0], abs=1e-9) and out[0].y == pytest.approx(LAT[0])
    ring = shapely.get_coordinates(out[1])
    np.testing.assert_allclose(ring[:3, 0], LON[:3], atol=1e-9)
    back = transform_geometries(out, crs, to_lonlat=False)
    assert shapely.equals_exact(back[1], poly, tolerance=1e-6)
    # GCJ-02 too, and plain lists are accepted
    g = transform_geometries([shapely.Point(116.4, 39.9)], GCJ02, to_lonlat=False)
    assert g[0].x == pytest.approx(wgs84_to_gcj02(116.4, 39.9)[0], abs=1e-12)
    w = transform_geometries(g, GCJ02)
    assert w[0].x == pytest.approx(116.4, abs=1e-9) and w[0].y == pytest.approx(39.9, abs=1e-9)


# --- check_coordinates ---------------------------------------------------------------------

DISTRICT = (116.0, 39.6, 116.8, 40.2)  # (min lon, min lat, max lon, max lat)


def _kinds(problems: list[CoordinateProblem]) -> list[str]:
    return [p.kind for p in problems]


@pytest.mark.parametrize("text", ["4490", "4326", "GCJ-02", "4548", "4527", "2436", "2384",
                                  "+proj=tmerc +lon_0=116.35 +x_0=50000 +y_0=-4400000 +ellps=GRS80"])
@pytest.mark.parametrize("bounds", [DISTRICT, None])
def test_correct_data_raises_no_problem(text: str,
                                        bounds: tuple[float, float, float, float] | None) -> None:
    choice = resolve_crs(text)
    x, y = from_lonlat(LON, LAT, choice)
    assert check_coordinates(x, y, choice, bounds) == []


def test_swapped_lon_lat() -> None:
    for bounds in (DISTRICT, None):
        problems = check_coordinates(LAT, LON, resolve_crs("4490"), bounds)
        assert _kinds(problems) == ["swapped"]
        p = problems[0]
        assert p.rows == [0, 1, 2, 3]
        assert p.message.startswith("All points look like latitude, longitude")
        assert "x≈39.98, y≈116.31" in p.message and "swap the X and Y columns" in p.message


def test_swapped_only_some_rows() -> None:
    x = np.array([LON[0], LAT[1], LON[2]])
    y = np.array([LAT[0], LON[1], LAT[2]])
    problems = check_coordinates(x, y, GCJ02, DISTRICT)
    assert _kinds(problems) == ["swapped"] and problems[0].rows == [1]
    assert problems[0].message.startswith("1 of 3 points looks like latitude, longitude")
    assert "row 2)" in problems[0].message


def test_projected_numbers_declared_as_degrees() -> None:
    x, y = from_lonlat(LON, LAT, resolve_crs("4548"))
    problems = check_coordinates(x, y, resolve_crs("4490"), DISTRICT)
    assert _kinds(problems) == ["projected_as_degrees"]
    msg = problems[0].message
    assert "too large for degrees" in msg and "x≈441 061, y≈4 427 536" in msg
    assert "EPSG:4548" in msg  # the Gauss-Krüger zone of the district is suggested
    x39, y39 = from_lonlat(LON, LAT, resolve_crs("4527"))
    problems = check_coordinates(x39, y39, resolve_crs("WGS84"), None)
    assert _kinds(problems) == ["projected_as_degrees"]
    assert "EPSG:4527" in problems[0].message  # zone 39 read from the easting


def test_degrees_declared_as_projected() -> None:
    problems = check_coordinates(LON, LAT, resolve_crs("4548"), DISTRICT)
    assert _kinds(problems) == ["degrees_as_projected"]
    msg = problems[0].message
    assert "x≈116.31, y≈39.98" in msg and "declare EPSG:4490" in msg and "swap" not in msg
    problems = check_coordinates(LAT, LON, resolve_crs("4548"), None)
    assert _kinds(problems) == ["degrees_as_projected"]
    assert "swap the X and Y columns" in problems[0].message


def test_a_few_degree_rows_among_projected_rows() -> None:
    crs = resolve_crs("4548")
    x, y = from_lonlat(LON, LAT, crs)
    x[3], y[3] = LON[3], LAT[3]
    problems = check_coordinates(x, y, crs, DISTRICT)
    assert _kinds(problems) == ["degrees_as_projected"] and problems[0].rows == [3]
    # without a district a lone small value could be a legitimate local coordinate: not flagged
    assert "degrees_as_projected" not in _kinds(check_coordinates(x, y, crs, None))


def test_swapped_northing_easting() -> None:
    crs = resolve_crs("4548")
    x, y = from_lonlat(LON, LAT, crs)
    for bounds in (DISTRICT, None):
        problems = check_coordinates(y, x, crs, bounds)
        assert _kinds(problems) == ["swapped"]
        assert "northing, easting" in problems[0].message


def test_zone_prefix_present_but_not_declared() -> None:
    x39, y39 = from_lonlat(LON, LAT, resolve_crs("4527"))
    for bounds in (DISTRICT, None):
        problems = check_coordinates(x39, y39, resolve_crs("4548"), bounds)
        assert _kinds(problems) == ["zone_prefix"]
        msg = problems[0].message
        assert "zone number 39 in front" in msg and "x≈39 441 061" in msg
        assert "declare CGCS2000 / 3-degree Gauss-Kruger zone 39 (EPSG:4527)" in msg


def test_zone_prefix_declared_but_missing() -> None:
    x, y = from_lonlat(LON, LAT, resolve_crs("4548"))
    problems = check_coordinates(x, y, resolve_crs("CGCS2000 zone 39"), DISTRICT)
    assert _kinds(problems) == ["zone_prefix"]
    msg = problems[0].message
    assert "without the zone number" in msg and "x≈39 441 061" in msg and "EPSG:4548" in msg


def test_zone_prefix_of_another_zone() -> None:
    x39, y39 = from_lonlat(LON, LAT, resolve_crs("4527"))
    problems = check_coordinates(x39 - 1_000_000, y39, resolve_crs("4527"), DISTRICT)
    assert _kinds(problems) == ["zone_prefix"]
    assert "zone number 38" in problems[0].message and "EPSG:4526" in problems[0].message


def test_zone_prefix_keeps_the_legacy_datum() -> None:
    x, y = from_lonlat(LON, LAT, resolve_crs("2436"))  # Beijing 1954, CM 117E
    problems = check_coordinates(x + 39_000_000, y, resolve_crs("2436"), DISTRICT)
    assert _kinds(problems) == ["zone_prefix"]
    assert "Beijing 1954 / 3-degree Gauss-Kruger zone 39 (EPSG:2415)" in problems[0].message


def test_points_outside_the_district() -> None:
    lon = np.r_[LON, 121.47, 116.4, 113.26, 116.45, 104.06, 126.6, 87.6]
    lat = np.r_[LAT, 31.23, 39.9, 23.13, 39.95, 30.67, 45.75, 43.8]
    problems = check_coordinates(lon, lat, resolve_crs("4490"), DISTRICT)
    assert _kinds(problems) == ["outside_district"]
    p = problems[0]
    assert p.rows == [4, 6, 8, 9, 10]
    assert p.message.startswith("5 of 11 points lie outside the district")
    assert "116.00–116.80°E, 39.60–40.20°N" in p.message and "rows 5, 7, 9, 10, 11)" in p.message
    # a point just outside the bounds but within the margin is accepted
    assert check_coordinates([116.81], [40.0], resolve_crs("4490"), DISTRICT) == []
    assert _kinds(check_coordinates([116.9], [40.0], resolve_crs("4490"), DISTRICT,
                                    margin_deg=0.05)) == ["outside_district"]


def test_wrong_central_meridian_lands_outside_the_district() -> None:
    x, y = from_lonlat(LON, LAT, resolve_crs("4548"))
    problems = check_coordinates(x, y, resolve_crs("4547"), DISTRICT)  # CM 114E instead of 117E
    assert _kinds(problems) == ["outside_district"]
    assert "CGCS2000 / 3-degree Gauss-Kruger CM 114E (EPSG:4547)" in problems[0].message


def test_messages_cite_at_most_five_rows_and_caller_row_numbers() -> None:
    lat, lon = np.full(8, 39.9), np.full(8, 116.4)
    problems = check_coordinates(lat, lon, resolve_crs("4490"), DISTRICT)
    assert problems[0].rows == list(range(8))
    assert "rows 1, 2, 3, 4, 5, …)" in problems[0].message
    labelled = check_coordinates(lat[:2], lon[:2], resolve_crs("4490"), DISTRICT,
                                 row_numbers=[101, 205])
    assert labelled[0].rows == [0, 1] and "rows 101, 205)" in labelled[0].message


def test_each_row_is_reported_once_and_nan_rows_are_ignored() -> None:
    crs = resolve_crs("4490")
    x39, y39 = from_lonlat(LON[:1], LAT[:1], resolve_crs("4527"))
    x = np.array([LON[0], LAT[1], x39[0], 121.47, np.nan])
    y = np.array([LAT[0], LON[1], y39[0], 31.23, 39.9])
    problems = check_coordinates(x, y, crs, DISTRICT)
    assert _kinds(problems) == ["swapped", "projected_as_degrees", "outside_district"]
    assert [p.rows for p in problems] == [[1], [2], [3]]
    assert check_coordinates([np.nan], [np.nan], crs, DISTRICT) == []
    assert check_coordinates([], [], crs, DISTRICT) == []
