"""Importing layers on SQLite and PostgreSQL: real data, every format, field names, modes.

Real data come from ``../shared/data`` (skipped with a reason when absent): the 29 Haidian
streets start an EMPTY store (the import creates district 110108 from their union, so no
district row is needed first), then the Zhongguancun outline becomes a community, the
1-ha fishnet clipped to it becomes its unit grids, the OSM buildings become parts whose
grid is derived from their location, and the OSM roads are refused as parts (lines).

Writes to a seeded store go to a fresh copy of the street seed per test (``seeded``).
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from conftest import BACKENDS, _pg_schema_url, _seed_street
from fixtures_import import (
    frame,
    new_parts,
    parts_frame,
    shared_file,
    snapshot,
    square,
    stored_grids,
    write,
    write_table,
)

from app.domain.admin import number_grids
from app.domain.case import CaseState
from app.gis import crs
from app.gis.index import GridIndex
from app.services import queries
from app.services.importer import (
    ImportRefused,
    import_file,
    needs_crs,
    read_columns,
)
from app.store.store import Store

pytestmark = pytest.mark.db

ZGC_STREET = "110108011"  # 中关村街道 (2023 NBS code, as in haidian_streets_wgs84.geojson)
ZGC_COMMUNITY = "110108011001"


@pytest.fixture(params=BACKENDS)
def seeded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, writable copy of the street seed (SQLite: a file copy; PostgreSQL: a seed
    into a schema of its own)."""
    if request.param == "sqlite":
        src = Path(request.getfixturevalue("street_db_url").removeprefix("sqlite:///"))
        dst = tmp_path / "seed.sqlite"
        shutil.copy(src, dst)
        url = f"sqlite:///{dst}"
    else:
        url = _pg_schema_url(request.getfixturevalue("pg_database_url"),
                             f"imp_{uuid.uuid4().hex[:12]}")
        _seed_street(url)
    store = Store.open(url)
    yield store
    store.close()


@pytest.fixture
def empty(store_url: str) -> Iterator[Store]:
    store = Store.open(store_url)
    yield store
    store.close()


def _need(name: str) -> Path:
    p = shared_file(name)
    if not p.is_file():
        pytest.skip(f"../shared/data/{name} is absent (real reference data are not shipped)")
    return p


def _part_rows(store: Store, ids: list[str]) -> dict[str, dict[str, object]]:
    with store.engine.connect() as c:
        rows = c.exec_driver_sql(
            "SELECT part_id, type_code, major, name, dept_code, grid_id, status, "
            "initial_date, change_date, data_source, note, lon, lat, x, y, cell FROM part "
            "WHERE part_id IN ({})".format(", ".join(f"'{i}'" for i in ids))).all()
    keys = ("part_id", "type_code", "major", "name", "dept_code", "grid_id", "status",
            "initial_date", "change_date", "data_source", "note", "lon", "lat", "x", "y",
            "cell")
    return {r[0]: dict(zip(keys, r, strict=True)) for r in rows}


# -- real data: Haidian streets and Zhongguancun into an empty store ---------------------------


def test_real_haidian_streets_start_an_empty_store(empty: Store) -> None:
    path = _need("haidian_streets_wgs84.geojson")
    report = import_file(empty, "streets", path)
    assert report.written and not report.rejected, report.summary()
    assert report.total == report.accepted == 29
    assert "WGS 84" in report.crs_label
    assert any("district 110108 (海淀区" in w for w in report.warnings)
    # Two source features are geometry collections: their polygons are kept.
    assert sum("geometry collection" in w for w in report.warnings) == 2
    code, name, area = empty.admin.district()  # type: ignore[misc]
    assert (code, name) == ("110108", "海淀区")
    assert area == pytest.approx(430.8, abs=1.5)  # the published area of Haidian
    streets = {s.code: s for s in empty.admin.streets()}
    assert len(streets) == 29
    assert streets[ZGC_STREET].name == "中关村街道"
    assert streets["110108024"].kind == "镇"  # 东升镇
    # Geometry intact: the stored lon/lat polygons are the file's.
    src = pyogrio.read_dataframe(path)
    for code_, geom in zip(src["nbs_code"], src.geometry, strict=True):
        stored = streets[code_].geometry
        assert stored is not None
        sym = shapely.area(shapely.symmetric_difference(stored, geom))
        assert sym < 1e-10, code_
    assert streets[ZGC_STREET].area_km2 == pytest.approx(
        shapely.area(crs.project_geometries(np.array([streets[ZGC_STREET].geometry]),
                                            crs.GEOGRAPHIC, crs.PROJECTED)[0]) / 1e6)
    # The same file again: every street exists, nothing changes.
    before = snapshot(empty)
    again = import_file(empty, "streets", path)
    assert not again.written and again.rejected_features == 29
    assert {r.rule for r in again.rejected} == {"id.exists"}
    assert snapshot(empty) == before


def test_zhongguancun_community_grids_and_buildings(empty: Store, tmp_path: Path) -> None:
    streets = _need("haidian_streets_wgs84.geojson")
    outline = pyogrio.read_dataframe(_need("zhongguancun_outline_wgs84.geojson"))
    fishnet = pyogrio.read_dataframe(_need("zhongguancun_fishnet_1ha.geojson"))
    buildings = pyogrio.read_dataframe(_need("zhongguancun_buildings_osm.geojson"))
    roads = _need("zhongguancun_roads_osm.geojson")
    assert import_file(empty, "streets", streets).written

    # The street outline as one community (Chinese field names, GeoJSON).
    comm = frame([{"社区代码": ZGC_COMMUNITY, "社区名称": "中关村测试社区", "户数": 1200,
                   "人口": 3400}], outline.geometry, "EPSG:4326")
    rep = import_file(empty, "communities", write(comm, tmp_path / "comm.geojson"))
    assert rep.written, rep.summary()

    # Unit grids: the fishnet cells clipped to the community (in lon/lat, as the files are);
    # the slivers they leave along the boundary are merged into the cell they touch most.
    ring = outline.geometry.iloc[0]
    pieces: list[shapely.Geometry] = []
    seen = shapely.Polygon()
    for cell in fishnet.geometry:  # cut each cell by the ones before it: a partition
        p = shapely.difference(shapely.intersection(cell, ring), seen)
        seen = shapely.union(seen, p)
        if shapely.area(p) > 2e-7:  # ≈ 0.2 ha
            pieces.append(p)
    rest = shapely.difference(ring, shapely.union_all(pieces))
    for sliver in shapely.get_parts(rest):
        touch = shapely.length(shapely.intersection(np.array(pieces),
                                                    shapely.buffer(sliver, 1e-7)))
        k = int(np.argmax(touch))
        pieces[k] = shapely.union(pieces[k], sliver)
    polys = shapely.make_valid(np.array(pieces, dtype=object), method="structure")
    assert set(shapely.get_type_id(polys)) <= {3, 6} and shapely.is_valid(polys).all()
    cent = shapely.centroid(crs.project_geometries(polys, crs.GEOGRAPHIC, crs.PROJECTED))
    grid_ids = number_grids(ZGC_COMMUNITY, [(c.x, c.y) for c in cent], 120.0)
    ll = polys
    grids = frame([{"DYWGBSM": str(g), "DYWGMC": f"中关村{g.sequence}号网格", "QYLB": "一类区域"}
                   for g in grid_ids], ll)
    rep = import_file(empty, "grids", write(grids, tmp_path / "grids.gpkg"))
    assert rep.written, rep.summary()
    assert empty.admin.counts()["grids"] == len(polys) > 300

    # Buildings as parts (宣传栏 03008), no grid column: derived from the location; CSV with
    # WGS-84 lon/lat needs the CRS on the command line.
    pts = shapely.point_on_surface(buildings.geometry.to_numpy())
    recs = [{"GLBJBSM": f"11010803008{k + 1:06d}", "GLBJMC": "宣传栏", "lon": p.x,
             "lat": p.y} for k, p in enumerate(pts)]
    csv_path = write_table(recs, tmp_path / "buildings.csv")
    assert needs_crs(csv_path)
    with pytest.raises(ImportRefused, match="declares no coordinate reference system"):
        import_file(empty, "parts", csv_path)
    rep = import_file(empty, "parts", csv_path, crs="WGS84")
    inside = rep.accepted
    assert rep.accepted + rep.rejected_features == len(recs)
    # Some OSM buildings straddle the street's edge: strict mode wrote nothing …
    if rep.rejected:
        assert not rep.written
        assert {r.rule for r in rep.rejected} <= {"location.outside_district",
                                                  "location.no_grid"}
        rep = import_file(empty, "parts", csv_path, crs="WGS84", accept_valid=True)
    assert rep.written and empty.parts.count() == inside > 600
    integrity = queries.check_integrity(empty)
    assert integrity["all_parts_inside_their_grid"], integrity
    assert any("derived from their location" in w for w in rep.warnings)

    # The OSM roads are lines: not a parts layer.
    before = snapshot(empty)
    with pytest.raises(ImportRefused, match="holds LineString features, but layer parts takes "
                                            "points"):
        import_file(empty, "parts", roads)
    assert snapshot(empty) == before


def test_streets_repair_invalid_polygon_on_request(empty: Store, tmp_path: Path) -> None:
    lon, lat = 116.30, 39.98
    good = square(lon, lat, 300)
    x, y = crs.to_projected(lon + 0.01, lat)
    bow = crs.project_geometries(np.array([shapely.Polygon(
        [(x - 200, y - 200), (x + 200, y + 200), (x + 200, y - 200), (x - 200, y + 200)])]),
        crs.PROJECTED, crs.GEOGRAPHIC)[0]
    f = write(frame([{"JDDM": "110108011", "JDMC": "中关村街道"},
                     {"JDDM": "110108012", "JDMC": "海淀街道"}], [good, bow]),
              tmp_path / "streets.gpkg")
    strict = import_file(empty, "streets", f)
    assert not strict.written
    [rej] = strict.rejected
    assert (rej.row, rej.feature_id, rej.rule) == (2, "110108012", "geometry.invalid")
    assert "Self-intersection" in rej.message and "repair" in rej.message
    fixed = import_file(empty, "streets", f, repair=True)
    assert fixed.written and fixed.accepted == 2
    assert any("Row 2 (110108012): invalid polygon repaired (Self-intersection" in w
               for w in fixed.warnings)
    stored = {s.code: s.geometry for s in empty.admin.streets()}
    assert shapely.is_valid(stored["110108012"])


# -- parts into the seeded street --------------------------------------------------------------


@pytest.mark.parametrize("ext", [".gpkg", ".geojson", ".shp", ".csv", ".xlsx"])
def test_append_parts_from_every_format(seeded: Store, tmp_path: Path, ext: str) -> None:
    recs = new_parts(seeded, 12, type_code="01002")
    recs[0]["GLBJMC"] = "污水井盖（测试）"
    recs[1]["BGRQ"] = "20250101"
    recs[2]["BZ"] = "北侧人行道"
    for r in recs:
        r.setdefault("BGRQ", "")
        r.setdefault("BZ", "")
    path = tmp_path / f"parts{ext}"
    if ext in (".csv", ".xlsx"):
        write_table(recs, path)
        kwargs = {"crs": "EPSG:4490"}
    else:
        write(parts_frame(recs), path)
        kwargs = {}
    before = seeded.parts.count()
    report = import_file(seeded, "parts", path, **kwargs)
    assert report.written and report.accepted == 12 and not report.rejected, report.summary()
    assert seeded.parts.count() == before + 12
    rows = _part_rows(seeded, [r["GLBJBSM"] for r in recs])
    assert len(rows) == 12
    for r in recs:
        got = rows[r["GLBJBSM"]]
        assert got["type_code"] == "01002" and got["major"] == 1
        assert got["grid_id"] == r["SZDYWGBSM"] and got["status"] == "完好"
        assert str(got["initial_date"]) == "2024-06-30" and got["data_source"] == "实测"
        assert got["lon"] == pytest.approx(r["lon"], abs=1e-7)
        assert got["lat"] == pytest.approx(r["lat"], abs=1e-7)
        x, y = crs.to_projected(got["lon"], got["lat"])
        assert (got["x"], got["y"]) == (pytest.approx(x, abs=1e-3), pytest.approx(y, abs=1e-3))
        assert got["cell"] == int(x // 100)
        assert got["dept_code"]  # the competent department of 污水井盖
    assert rows[recs[0]["GLBJBSM"]]["name"] == "污水井盖（测试）"
    assert rows[recs[3]["GLBJBSM"]]["name"] is None  # blank: the catalogue name
    assert str(rows[recs[1]["GLBJBSM"]]["change_date"]) == "2025-01-01"
    assert rows[recs[2]["GLBJBSM"]]["note"] == "北侧人行道"
    part = seeded.parts.get(recs[0]["GLBJBSM"])
    assert part is not None and part.grid_id.value == recs[0]["SZDYWGBSM"]


def test_legacy_names_and_16_digit_ids(seeded: Store, tmp_path: Path) -> None:
    recs = new_parts(seeded, 5, type_code="01003")
    legacy = []
    for r in recs:
        legacy.append({"ObjID": r["GLBJBSM"][:8] + r["GLBJBSM"][9:],  # 6+2+2+6
                       "ObjName": "", "BGID": r["SZDYWGBSM"], "ObjState": "破损",
                       "ORDate": "2023/05/01", "DeptCode1": "11110108000051967C",
                       "DataSource": "普查", "PointX": r["lon"], "PointY": r["lat"]})
    assert all(len(r["ObjID"]) == 16 for r in legacy)
    path = write_table(legacy, tmp_path / "legacy.xlsx")
    report = import_file(seeded, "parts", path, crs="CGCS2000")
    assert report.written, report.summary()
    assert any("legacy 16-digit part ids" in w and "→" in w for w in report.warnings)
    assert any("普查" in w and "其他" in w for w in report.warnings)
    rows = _part_rows(seeded, [r["GLBJBSM"] for r in recs])
    assert set(rows) == {r["GLBJBSM"] for r in recs}
    for got in rows.values():
        assert got["status"] == "破损" and str(got["initial_date"]) == "2023-05-01"
        assert got["dept_code"] == "11110108000051967C" and got["data_source"] == "其他"


def test_grid_is_derived_from_the_location(seeded: Store, tmp_path: Path) -> None:
    recs = new_parts(seeded, 30)
    for r in recs:
        del r["SZDYWGBSM"]
    path = write(parts_frame(recs), tmp_path / "nogrid.geojson")
    report = import_file(seeded, "parts", path)
    assert report.written, report.summary()
    rows = _part_rows(seeded, [r["GLBJBSM"] for r in recs])
    layer = seeded.admin.layer("grid")
    index = GridIndex(crs.project_geometries(layer.geoms, crs.GEOGRAPHIC, crs.PROJECTED))
    for r in recs:
        x, y = crs.to_projected(r["lon"], r["lat"])
        assert rows[r["GLBJBSM"]]["grid_id"] == layer.ids[int(index.assign([x], [y])[0])]


def test_gbk_dbf_without_cpg_is_imported_with_its_chinese_text(seeded: Store,
                                                               tmp_path: Path) -> None:
    recs = new_parts(seeded, 4, type_code="01005")
    for k, r in enumerate(recs):
        r["GLBJMC"] = f"电力井盖{'甲乙丙丁'[k]}号"
        r["BZ"] = "海淀区中关村大街东侧"
    path = write(parts_frame(recs), tmp_path / "gbk.shp", encoding="GBK")
    cpg = path.with_suffix(".cpg")
    assert cpg.read_text().strip().upper() in ("GBK", "CP936", "936")
    cpg.unlink()
    assert read_columns(path)[:3] == ["GLBJBSM", "GLBJMC", "SZDYWGBSM"]
    report = import_file(seeded, "parts", path)
    assert report.written and not report.rejected, report.summary()
    assert any("gbk.dbf has no .cpg file" in w and "GB18030" in w for w in report.warnings)
    rows = _part_rows(seeded, [r["GLBJBSM"] for r in recs])
    assert sorted(str(v["name"]) for v in rows.values()) == [
        "电力井盖丁号", "电力井盖丙号", "电力井盖乙号", "电力井盖甲号"]
    assert {v["note"] for v in rows.values()} == {"海淀区中关村大街东侧"}


def test_strict_accept_valid_and_dry_run(seeded: Store, tmp_path: Path) -> None:
    recs = new_parts(seeded, 10)
    recs[3]["GLBJBSM"] = recs[3]["GLBJBSM"][:-1]  # 16 digits, legacy class 01/00 → unknown
    recs[7]["GLBJZT"] = "坏了"
    path = write(parts_frame(recs), tmp_path / "mixed.gpkg")
    before = snapshot(seeded)
    dry = import_file(seeded, "parts", path, dry_run=True)
    assert dry.dry_run and not dry.written and dry.accepted == 8
    assert snapshot(seeded) == before
    strict = import_file(seeded, "parts", path)
    assert not strict.written and strict.accepted == 8
    assert [r.row for r in strict.rejected] == [4, 8]
    assert "Nothing was written" in strict.summary()
    assert snapshot(seeded) == before
    csv_path = tmp_path / "rejected.csv"
    strict.to_csv(csv_path)
    table = pd.read_csv(csv_path, dtype=str, encoding="utf-8-sig")
    assert list(table.columns) == ["row", "feature_id", "rule", "message"]
    assert table["rule"].tolist() == ["type.unknown", "value.invalid"]
    assert "坏了" in table["message"][1] and "完好" in table["message"][1]
    ok = import_file(seeded, "parts", path, accept_valid=True)
    assert ok.written and ok.accepted == 8
    assert len(_part_rows(seeded, [r["GLBJBSM"] for r in recs])) == 8


def test_replace_grids_and_parts_with_exported_files(seeded: Store, tmp_path: Path) -> None:
    grids = stored_grids(seeded)
    gfile = write(frame([{"DYWGBSM": g.grid_id} for g in grids], [g.geom for g in grids]),
                  tmp_path / "grids.gpkg")
    before = {g.grid_id: g.geom for g in grids}
    rep = import_file(seeded, "grids", gfile, mode="replace")
    assert rep.written and rep.accepted == len(grids), rep.summary()
    after = {g.grid_id: g.geom for g in stored_grids(seeded)}
    assert set(after) == set(before)
    gid = next(iter(before))
    assert shapely.equals_exact(after[gid], before[gid], tolerance=1e-12)
    # Dropping a grid that parts refer to is refused, and changes nothing.
    snap = snapshot(seeded)
    with pytest.raises(ImportRefused, match="would leave parts or cases in 1 grid"):
        import_file(seeded, "grids", write(frame(
            [{"DYWGBSM": g.grid_id} for g in grids[1:]], [g.geom for g in grids[1:]]),
            tmp_path / "fewer.gpkg"), mode="replace")
    assert snapshot(seeded) == snap
    # Parts: replace the whole layer by 25 new ones.
    recs = new_parts(seeded, 25)
    rep = import_file(seeded, "parts", write(parts_frame(recs), tmp_path / "p.gpkg"),
                      mode="replace")
    assert rep.written and seeded.parts.count() == 25
    assert seeded.cameras.count() == 0
    assert any("camera set-ups" in w for w in rep.warnings)


def test_replace_is_only_for_grids_and_parts(seeded: Store, tmp_path: Path) -> None:
    with pytest.raises(ImportRefused, match="mode replace is only for grids and parts"):
        import_file(seeded, "streets", tmp_path / "x.gpkg", mode="replace")


def test_cases_from_csv(seeded: Store, tmp_path: Path) -> None:
    grids = stored_grids(seeded)
    recs = [
        {"案卷编号": "2026010100001", "案件类别": "部件", "类型代码": "01001",
         "上报时间": "2026-01-01 09:30", "问题描述": "井盖破损", "案卷状态": "已结案",
         "结案时间": "2026-01-02 10:00:00", "事发位置": "中关村大街1号",
         "经度": grids[0].inside[0], "纬度": grids[0].inside[1]},
        {"案卷编号": "2026010100002", "案件类别": "事件", "类型代码": "0406",
         "上报时间": "2026/01/01 11:00:00", "问题描述": "占道经营", "案卷状态": "待受理",
         "结案时间": "", "事发位置": "", "经度": grids[1].inside[0], "纬度": grids[1].inside[1]},
    ]
    path = write_table(recs, tmp_path / "cases.csv", encoding="gb18030")
    report = import_file(seeded, "cases", path, crs="EPSG:4490")
    assert report.written and not report.rejected, report.summary()
    assert any("GB18030" in w for w in report.warnings)
    c1 = seeded.cases.get("2026010100001")
    c2 = seeded.cases.get("2026010100002")
    assert c1 is not None and c2 is not None
    assert c1.state is CaseState.CLOSED and c1.closed_at is not None
    assert c1.grid_id.value == grids[0].grid_id and c1.address == "中关村大街1号"
    assert c2.type_code == "09006" and c2.kind.value == "matter"  # legacy 04-06 占道经营
    assert c2.state is CaseState.REPORTED and c2.step_started_at == c2.reported_at
    assert c1.id is not None
    [event] = seeded.cases.timeline(c1.id)
    assert event.to_state is CaseState.CLOSED and "cases.csv" in event.note


def test_columns_crs_and_progress(seeded: Store, tmp_path: Path) -> None:
    recs = new_parts(seeded, 3)
    gpkg = write(parts_frame(recs), tmp_path / "p.gpkg")
    assert read_columns(gpkg) == ["GLBJBSM", "GLBJMC", "SZDYWGBSM", "GLBJZT", "CSRQ", "SJLY"]
    assert not needs_crs(gpkg)
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        shp = write(parts_frame(recs, None), tmp_path / "noprj.shp")
    assert needs_crs(shp)
    seen: list[tuple[float, str]] = []
    report = import_file(seeded, "parts", gpkg, progress=lambda f, s: seen.append((f, s)))
    assert report.written
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    # A mapping overrides the guess: the standard name column ignored, another used.
    recs2 = new_parts(seeded, 2, first_serial=910_001)
    for r in recs2:
        r["编号"] = r.pop("GLBJBSM")
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"编号": "part_id"}, ensure_ascii=False), encoding="utf-8")
    from app.gis.fieldmap import load_mapping_file

    rep = import_file(seeded, "parts", write(parts_frame(recs2), tmp_path / "m.gpkg"),
                      mapping=load_mapping_file(mapping))
    assert rep.written and rep.accepted == 2


def test_multi_layer_geopackage(seeded: Store, tmp_path: Path) -> None:
    path = tmp_path / "several.gpkg"
    other = new_parts(seeded, 2, first_serial=920_001)
    mine = new_parts(seeded, 3, first_serial=930_001)
    write(parts_frame(other), path, layer="a_first")
    write(parts_frame(mine), path, layer="parts", append=False)
    report = import_file(seeded, "parts", path, dry_run=True)
    assert report.total == 3
    assert any("has 2 layers (a_first, parts); reading “parts”, named like the target layer"
               in w for w in report.warnings)
    report = import_file(seeded, "parts", path, source_layer="a_first", dry_run=True)
    assert report.total == 2 and not any("layers" in w for w in report.warnings)
    with pytest.raises(ImportRefused, match="has no layer “nope”; its layers are: a_first, "
                                            "parts"):
        import_file(seeded, "parts", path, source_layer="nope")


def test_cases_the_loop_cannot_work_are_rejected_and_parked_ones_can_resume(
        seeded: Store, tmp_path: Path) -> None:
    from app.domain.org import Role
    from app.domain.workflow import Actor
    from app.services.cases import CaseService

    grids = stored_grids(seeded)
    dept = "11110108MB64251060"
    base = {"案件类别": "事件", "类型代码": "06010", "上报时间": "2026-01-05 09:30",
            "问题描述": "暴露垃圾", "经度": grids[2].inside[0], "纬度": grids[2].inside[1]}
    recs = [dict(base, 案卷编号="2026010500002", 案卷状态="处置中", CZBMDM=""),
            dict(base, 案卷编号="2026010500003", 案卷状态="挂账", CZBMDM=dept)]
    path = write_table(recs, tmp_path / "states.csv")
    report = import_file(seeded, "cases", path, crs="EPSG:4490")
    assert not report.written
    why = {r.feature_id: r.message for r in report.rejected}
    assert "no handling department" in why["2026010500002"]
    assert "2026010500003" not in why
    report = import_file(seeded, "cases", path, crs="EPSG:4490", accept_valid=True)
    assert report.written and report.accepted == 1
    svc = CaseService(seeded)
    resumed = svc.act(Actor("dp01", Role.DISPATCHER), "2026010500003", "resume")
    assert resumed.state is CaseState.DISPATCHED and resumed.dept_code == dept
