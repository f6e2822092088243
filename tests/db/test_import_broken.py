"""Broken input, on SQLite and PostgreSQL: each kind gets a clear message (naming the file,
the feature and the rule) and leaves the database exactly as it was.

Every broken file is made here, at test time: by the geopandas/pyogrio writers, by cutting
a real file short, or by writing random bytes. Parts go against one street seed per
backend and module (``store``); the grid-tiling cases against a small hierarchy built in an
empty store (``tiny``): one street of 400 × 200 m split into two communities of 200 × 200 m.
(The GBK DBF without a .cpg is not broken: it must import, see test_import.py.)
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pytest
import shapely
from conftest import BACKENDS, _pg_schema_url, _seed_street
from fixtures_import import (
    frame,
    garbage,
    metres_box,
    new_parts,
    parts_frame,
    snapshot,
    stored_grids,
    truncate,
    write,
    write_table,
)

from app.gis import crs
from app.services.importer import ImportRefused, ImportReport, import_file
from app.store.store import Store

pytestmark = pytest.mark.db


@pytest.fixture(scope="module", params=BACKENDS)
def broken_url(request: pytest.FixtureRequest,
               tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('broken') / 'broken.sqlite'}"
    else:
        url = _pg_schema_url(request.getfixturevalue("pg_database_url"),
                             f"broken_{uuid.uuid4().hex[:12]}")
    _seed_street(url)
    return url


@pytest.fixture
def store(broken_url: str) -> Iterator[Store]:
    s = Store.open(broken_url)
    yield s
    s.close()


def refused(store: Store, layer: str, path: Path, pattern: str, **kwargs: Any) -> str:
    """Import must raise ImportRefused naming the file and matching ``pattern``."""
    before = snapshot(store)
    with pytest.raises(ImportRefused) as info:
        import_file(store, layer, path, **kwargs)
    message = str(info.value)
    assert str(path) in message, message
    assert re.search(pattern, message), message
    assert "\n" not in message  # one paragraph
    assert snapshot(store) == before
    return message


def rejected(store: Store, layer: str, path: Path, rule: str, pattern: str,
             rows: list[int] | None = None, **kwargs: Any) -> ImportReport:
    """Import must reject features for ``rule`` (messages matching ``pattern``), write
    nothing, and say so in a summary that names the file."""
    before = snapshot(store)
    report = import_file(store, layer, path, **kwargs)
    assert not report.written, report.summary()
    hits = [r for r in report.rejected if r.rule == rule]
    assert hits, report.summary()
    for r in hits:
        assert re.search(pattern, r.message), r.message
        assert r.feature_id, r
    if rows is not None:
        assert sorted({r.row for r in hits}) == rows
    summary = report.summary()
    assert path.name in summary and "Nothing was written" in summary and rule in summary
    assert snapshot(store) == before
    return report


def _parts_file(store: Store, tmp_path: Path, name: str, n: int = 5,
                change: Callable[[list[dict[str, Any]]], None] | None = None,
                crs_: str | None = "EPSG:4490") -> Path:
    recs = new_parts(store, n)
    if change:
        change(recs)
    return write(parts_frame(recs, crs_), tmp_path / name)


# -- files that cannot be read ----------------------------------------------------------------


def test_missing_file(store: Store, tmp_path: Path) -> None:
    refused(store, "parts", tmp_path / "nothere.gpkg", "does not exist")


def test_unsupported_extension(store: Store, tmp_path: Path) -> None:
    kml = tmp_path / "parts.kml"
    kml.write_text("<kml/>", encoding="utf-8")
    refused(store, "parts", kml, r"extension “\.kml” is not supported.*GeoPackage")


def test_empty_file(store: Store, tmp_path: Path) -> None:
    empty = tmp_path / "empty.geojson"
    empty.write_bytes(b"")
    refused(store, "parts", empty, r"the file is empty \(0 bytes\)")


def test_zero_features(store: Store, tmp_path: Path) -> None:
    gdf = parts_frame(new_parts(store, 1)).iloc[0:0]
    path = write(gdf, tmp_path / "none.gpkg")
    refused(store, "parts", path, r"holds no features \(0 rows\)")


def test_binary_garbage(store: Store, tmp_path: Path) -> None:
    refused(store, "parts", garbage(tmp_path / "noise.gpkg"),
            "does not recognise its content")
    refused(store, "parts", garbage(tmp_path / "noise.geojson", seed=5),
            "does not recognise its content")


@pytest.mark.parametrize("ext", [".gpkg", ".geojson", ".shp"])
def test_truncated_file(store: Store, tmp_path: Path, ext: str) -> None:
    full = _parts_file(store, tmp_path, f"full{ext}", n=400)
    cut = tmp_path / f"cut{ext}"
    if ext == ".shp":
        for side in (".shx", ".dbf", ".prj", ".cpg"):
            if full.with_suffix(side).exists():
                cut.with_suffix(side).write_bytes(full.with_suffix(side).read_bytes())
    truncate(full, cut, 0.5)
    refused(store, "parts", cut, "truncated")


def test_shapefile_without_shx(store: Store, tmp_path: Path) -> None:
    shp = _parts_file(store, tmp_path, "noshx.shp")
    shp.with_suffix(".shx").unlink()
    refused(store, "parts", shp, r"needs its \.shx file")


def test_missing_crs(store: Store, tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        shp = _parts_file(store, tmp_path, "noprj.shp", crs_=None)
    refused(store, "parts", shp, r"declares no coordinate reference system.*--crs")
    csv = write_table(new_parts(store, 3), tmp_path / "nocrs.csv")
    refused(store, "parts", csv, "declares no coordinate reference system")


def test_missing_required_column(store: Store, tmp_path: Path) -> None:
    def drop_id(recs: list[dict[str, Any]]) -> None:
        for r in recs:
            r["编号"] = r.pop("GLBJBSM")
    path = _parts_file(store, tmp_path, "noid.gpkg", change=drop_id)
    refused(store, "parts", path, r"no column for the required field part_id \(GLBJBSM "
                                  r"管理部件标识码\).*columns are: GLBJMC, SZDYWGBSM, .*编号")


def test_mapping_names_an_absent_column(store: Store, tmp_path: Path) -> None:
    path = _parts_file(store, tmp_path, "p.gpkg")
    refused(store, "parts", path, r"column\(s\) 编码 that the file does not have",
            mapping={"编码": "part_id"})


def test_wrong_geometry_type_for_the_layer(store: Store, tmp_path: Path) -> None:
    grids = stored_grids(store)[:3]
    polys = write(frame([{"GLBJBSM": f"11010801001{900101 + k:06d}"} for k in range(3)],
                        [g.geom for g in grids]), tmp_path / "polys.gpkg")
    refused(store, "parts", polys, "holds Polygon features, but layer parts takes points")
    pts = _parts_file(store, tmp_path, "points.gpkg")
    refused(store, "grids", pts, "holds Point features, but layer grids takes polygons")
    # Mixed types in one GeoJSON layer: the odd feature is rejected.
    recs = new_parts(store, 3)
    gdf = parts_frame(recs)
    gdf.loc[1, "geometry"] = shapely.LineString([(recs[1]["lon"], recs[1]["lat"]),
                                                 (recs[1]["lon"] + 1e-4, recs[1]["lat"])])
    rejected(store, "parts", write(gdf, tmp_path / "mixed.geojson"), "geometry.type",
             "LineString; layer parts takes points", rows=[2])


def test_ids_stored_as_floating_point(store: Store, tmp_path: Path) -> None:
    recs = new_parts(store, 3)
    for r in recs:
        r["GLBJBSM"] = float(r["GLBJBSM"])
    path = write(parts_frame(recs), tmp_path / "floats.gpkg")
    refused(store, "parts", path, "floating-point numbers, which cannot keep all their digits")


# -- coordinates that do not fit the CRS ------------------------------------------------------


def test_swapped_lon_lat(store: Store, tmp_path: Path) -> None:
    recs = new_parts(store, 6)
    for r in recs:
        r["lon"], r["lat"] = r["lat"], r["lon"]
    path = write_table(recs, tmp_path / "swapped.csv")
    refused(store, "parts", path, "look like latitude, longitude", crs="EPSG:4490")


def test_projected_coordinates_declared_as_degrees(store: Store, tmp_path: Path) -> None:
    recs = new_parts(store, 6)
    for r in recs:
        r["lon"], r["lat"] = crs.to_projected(r["lon"], r["lat"])
    path = write(parts_frame(recs, "EPSG:4490"), tmp_path / "metres.gpkg")
    refused(store, "parts", path, r"too large for degrees.*EPSG:4548")


def test_degrees_declared_as_projected(store: Store, tmp_path: Path) -> None:
    path = _parts_file(store, tmp_path, "degrees.gpkg", crs_="EPSG:4548")
    refused(store, "parts", path, r"look like longitude/latitude.*EPSG:4490")


def test_point_outside_the_district(store: Store, tmp_path: Path) -> None:
    def far(recs: list[dict[str, Any]]) -> None:
        recs[2]["lon"], recs[2]["lat"] = 116.62, 39.91  # Chaoyang, not Haidian
        recs[2]["SZDYWGBSM"] = None
    path = _parts_file(store, tmp_path, "far.gpkg", change=far)
    rejected(store, "parts", path, "location.outside_district", "outside the district",
             rows=[3])


def test_part_outside_its_declared_grid(store: Store, tmp_path: Path) -> None:
    grids = stored_grids(store)

    def wrong_grid(recs: list[dict[str, Any]]) -> None:
        recs[1]["SZDYWGBSM"] = grids[5].grid_id  # the point is inside grids[1]
    path = _parts_file(store, tmp_path, "wronggrid.gpkg", change=wrong_grid)
    rejected(store, "parts", path, "location.outside_grid",
             rf"m outside its declared grid {grids[5].grid_id}; it falls in grid "
             rf"{grids[1].grid_id}", rows=[2])


def test_declared_grid_not_in_the_store(store: Store, tmp_path: Path) -> None:
    def ghost(recs: list[dict[str, Any]]) -> None:
        recs[0]["SZDYWGBSM"] = "110108011999001"
    path = _parts_file(store, tmp_path, "ghost.gpkg", change=ghost)
    rejected(store, "parts", path, "hierarchy.grid", "110108011999001 .* is not in the store",
             rows=[1])


def test_coordinates_that_are_not_numbers(store: Store, tmp_path: Path) -> None:
    recs = new_parts(store, 4)
    recs[2]["lon"] = "东经116度"
    path = write_table(recs, tmp_path / "text.csv")
    rejected(store, "parts", path, "geometry.missing", "coordinates .* not numbers",
             rows=[3], crs="EPSG:4490")


# -- ids and codes ------------------------------------------------------------------------------


def test_wrong_id_length(store: Store, tmp_path: Path) -> None:
    def short(recs: list[dict[str, Any]]) -> None:
        recs[0]["GLBJBSM"] = recs[0]["GLBJBSM"][:15]
        recs[3]["GLBJBSM"] = recs[3]["GLBJBSM"] + "12"
    path = _parts_file(store, tmp_path, "short.gpkg", change=short)
    report = rejected(store, "parts", path, "id.format", "must have 17 digits", rows=[1, 4])
    assert report.accepted == 3


def test_duplicate_ids_in_the_file(store: Store, tmp_path: Path) -> None:
    def dup(recs: list[dict[str, Any]]) -> None:
        recs[4]["GLBJBSM"] = recs[1]["GLBJBSM"]
    path = _parts_file(store, tmp_path, "dup.gpkg", change=dup)
    rejected(store, "parts", path, "id.duplicate", r"appears 2 times in the file \(rows 2, 5\)",
             rows=[2, 5])


def test_id_already_in_the_store(store: Store, tmp_path: Path) -> None:
    existing = store.parts.get_by_rowid(1)
    assert existing is not None

    def taken(recs: list[dict[str, Any]]) -> None:
        recs[2]["GLBJBSM"] = existing.part_id.value
    path = _parts_file(store, tmp_path, "taken.gpkg", change=taken)
    rejected(store, "parts", path, "id.exists", "already in the store", rows=[3])


def test_unknown_type_code(store: Store, tmp_path: Path) -> None:
    def odd(recs: list[dict[str, Any]]) -> None:
        recs[0]["GLBJBSM"] = "11010801099" + recs[0]["GLBJBSM"][11:]  # 01099: no such type
        recs[1]["GLBJBSM"] = "1101080699" + recs[1]["GLBJBSM"][11:]  # legacy 0699
    path = _parts_file(store, tmp_path, "types.gpkg", change=odd)
    report = rejected(store, "parts", path, "type.unknown", "not in the|legacy", rows=[1, 2])
    assert "01099" in report.rejected[0].message
    assert "0699" in report.rejected[1].message


def test_unknown_or_ambiguous_case_types(store: Store, tmp_path: Path) -> None:
    g = stored_grids(store)[0]
    recs = [{"AJBH": f"20260101{k:05d}", "LXDM": code, "SBSJ": "2026-01-01 08:00",
             "lon": g.inside[0], "lat": g.inside[1]}
            for k, code in enumerate(["99001", "0406", "01001"], start=1)]
    path = write_table(recs, tmp_path / "cases.csv")
    report = rejected(store, "cases", path, "type.unknown", "not in the|ambiguous",
                      rows=[1, 2], crs="EPSG:4490")
    assert "ambiguous" in report.rejected[1].message and "09006" in report.rejected[1].message


def test_invalid_values(store: Store, tmp_path: Path) -> None:
    def values(recs: list[dict[str, Any]]) -> None:
        recs[0]["GLBJZT"] = "坏了"
        recs[1]["CSRQ"] = "去年"
        recs[2]["BGRQ"] = "2020-01-01"  # before CSRQ 2024-06-30
        recs[3]["GLBJMC"] = "名" * 31
    path = _parts_file(store, tmp_path, "values.gpkg", change=values)
    report = rejected(store, "parts", path, "value.invalid", ".", rows=[1, 2, 3, 4])
    messages = [r.message for r in report.rejected]
    assert "not one of 丢失, 完好, 废弃, 破损, 移除" in messages[0]
    assert "not a date" in messages[1]
    assert "before the initial date" in messages[2]
    assert "at most 30" in messages[3]


# -- grids: validity and tiling, in a small hierarchy --------------------------------------------

X0, Y0 = 441_000.0, 4_428_000.0  # EPSG:4548 metres, inside Haidian


@pytest.fixture
def tiny(store_url: str, tmp_path: Path) -> Iterator[Store]:
    """Street 110108011 (400 × 200 m), communities …001 (west half) and …002 (east half)."""
    s = Store.open(store_url)
    streets = write(frame([{"JDDM": "110108011", "JDMC": "中关村街道"}],
                          [metres_box(X0, Y0, X0 + 400, Y0 + 200)]), tmp_path / "s.gpkg")
    assert import_file(s, "streets", streets).written
    comms = write(frame([{"SQDM": "110108011001", "SQMC": "西社区"},
                         {"SQDM": "110108011002", "SQMC": "东社区"}],
                        [metres_box(X0, Y0, X0 + 200, Y0 + 200),
                         metres_box(X0 + 200, Y0, X0 + 400, Y0 + 200)]), tmp_path / "c.gpkg")
    assert import_file(s, "communities", comms).written
    yield s
    s.close()


def _grid_file(tmp_path: Path, name: str, boxes: dict[str, tuple[float, float, float, float]]
               ) -> Path:
    """Grids given as metre boxes relative to (X0, Y0)."""
    return write(frame([{"DYWGBSM": g} for g in boxes],
                       [metres_box(X0 + a, Y0 + b, X0 + c, Y0 + d) for a, b, c, d in
                        boxes.values()]), tmp_path / name)


WEST = {"110108011001001": (0, 100, 100, 200), "110108011001002": (100, 100, 200, 200),
        "110108011001003": (0, 0, 100, 100), "110108011001004": (100, 0, 200, 100)}


@pytest.mark.parametrize("ext", [".gpkg", ".csv"])
def test_grids_that_tile_are_accepted(tiny: Store, tmp_path: Path, ext: str) -> None:
    """The control case (CSV: polygons in a WKT column, as the exporter writes them)."""
    path = _grid_file(tmp_path, "ok.gpkg", WEST)
    kwargs: dict[str, Any] = {}
    if ext == ".csv":
        gdf = pyogrio.read_dataframe(path)
        path = write_table([{"DYWGBSM": g, "WKT": w} for g, w in
                            zip(gdf["DYWGBSM"], shapely.to_wkt(gdf.geometry.to_numpy()),
                                strict=True)], tmp_path / "ok.csv")
        kwargs["crs"] = "EPSG:4490"
    before = snapshot(tiny)
    report = import_file(tiny, "grids", path, dry_run=True, **kwargs)
    assert not report.rejected and report.accepted == 4, report.summary()
    assert snapshot(tiny) == before


def test_invalid_bow_tie_polygon(tiny: Store, tmp_path: Path) -> None:
    x, y = X0 + 100, Y0 + 100
    bow = crs.project_geometries(np.array([shapely.Polygon(
        [(x - 100, y - 100), (x + 100, y + 100), (x + 100, y - 100), (x - 100, y + 100)])]),
        crs.PROJECTED, crs.GEOGRAPHIC)[0]
    path = write(frame([{"DYWGBSM": "110108011001001"}], [bow]), tmp_path / "bow.gpkg")
    rejected(tiny, "grids", path, "geometry.invalid", r"invalid: Self-intersection\[.*repair",
             rows=[1])


def test_overlapping_grids(tiny: Store, tmp_path: Path) -> None:
    boxes = dict(WEST)
    boxes["110108011001001"] = (0, 100, 110, 200)  # 10 m into …002: 1,000 m²
    rejected(tiny, "grids", _grid_file(tmp_path, "overlap.gpkg", boxes), "tiling.overlap",
             r"overlaps grid 11010801100100[12] by 1,000\.0 m²", rows=[1, 2])


def test_gap_between_grids(tiny: Store, tmp_path: Path) -> None:
    boxes = dict(WEST)
    boxes["110108011001004"] = (100, 0, 190, 100)  # leaves a 10 × 100 m strip
    rejected(tiny, "grids", _grid_file(tmp_path, "gap.gpkg", boxes), "tiling.gap",
             r"community 110108011001 is not fully covered by its grids: 1,000 m² \(2\.50 %\)",
             rows=[1, 2, 3, 4])


def test_grid_in_two_communities(tiny: Store, tmp_path: Path) -> None:
    boxes = dict(WEST)
    boxes["110108011001004"] = (100, 0, 230, 100)  # 30 m into the east community
    rejected(tiny, "grids", _grid_file(tmp_path, "two.gpkg", boxes), "tiling.community",
             r"more than one community: 110108011001 \(10,000 m²\) and 110108011002 "
             r"\(3,000 m²\)", rows=[4])


def test_grid_in_the_wrong_community(tiny: Store, tmp_path: Path) -> None:
    boxes = dict(WEST)
    boxes["110108011001005"] = (250, 50, 300, 100)  # wholly in the east community
    rejected(tiny, "grids", _grid_file(tmp_path, "wrong.gpkg", boxes), "tiling.community",
             r"lies in community 110108011002, not in 110108011001", rows=[5])


def test_grid_of_an_unknown_community_and_bad_grid_ids(tiny: Store, tmp_path: Path) -> None:
    boxes = dict(WEST)
    boxes["110108011003001"] = boxes.pop("110108011001004")
    boxes["11010801100100"] = (250, 50, 300, 100)
    report = rejected(tiny, "grids", _grid_file(tmp_path, "unknown.gpkg", boxes),
                      "hierarchy.community", r"community 110108011003 .* import the "
                                             "communities first", rows=[4])
    assert [r.rule for r in report.rejected if r.row == 5] == ["id.format"]


# -- cancel ---------------------------------------------------------------------------------------


def test_cancel_midway_writes_nothing(store: Store, tmp_path: Path) -> None:
    path = _parts_file(store, tmp_path, "cancel.gpkg", n=300)
    before = snapshot(store)
    labels: list[str] = []

    def cancel() -> bool:
        # Stop once the write has begun: the first rows are in the transaction.
        return any(s.startswith("写入") for s in labels)

    report = import_file(store, "parts", path, progress=lambda f, s: labels.append(s),
                         cancel=cancel)
    assert report.cancelled and not report.written
    assert any(s.startswith("写入") for s in labels)  # the write had begun
    assert "Cancelled: nothing was written" in report.summary()
    assert snapshot(store) == before
