"""Field mapping: canonical keys, standard/legacy/Chinese names, mapping files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.domain.errors import DomainError
from app.gis import fieldmap
from app.gis.fieldmap import (
    CANONICAL,
    EXPORT_NAMES,
    LAYERS,
    REQUIRED,
    guess_mapping,
    load_mapping_file,
    missing_required,
    resolve_mapping,
)

# GB/T 47678.5-2026 表2 abbreviations (standards.md §2.2) and the key each must map to.
STANDARD_PART_FIELDS = {
    "GLBJBSM": "part_id", "GLBJMC": "name", "ZGBMDM": "dept_code", "ZGBMMC": "dept_name",
    "QSDWDM": "owner_code", "QSDWMC": "owner_name", "YHDWDM": "maintainer_code",
    "YHDWMC": "maintainer_name", "SZDYWGBSM": "grid_id", "GLBJZT": "status",
    "CSRQ": "initial_date", "BGRQ": "change_date", "SJLY": "data_source", "BZ": "note",
    "SZJDDM": "street_code", "SZJDMC": "street_name", "SZSQDM": "community_code",
    "SZSQMC": "community_name",
}


def test_every_layer_has_keys_export_names_and_required_keys() -> None:
    assert LAYERS == ("streets", "communities", "grids", "parts", "cases")
    for layer in LAYERS:
        assert set(EXPORT_NAMES[layer]) == set(CANONICAL[layer]), layer
        assert set(REQUIRED[layer]) <= set(CANONICAL[layer])
        names = list(EXPORT_NAMES[layer].values())
        assert len(set(names)) == len(names), f"{layer}: an export name is used twice"
        # Shapefile DBF field names have at most 10 characters.
        assert all(len(n) <= 10 for n in names), layer


def test_standard_part_abbreviations_are_the_export_names() -> None:
    for abbr, key in STANDARD_PART_FIELDS.items():
        assert EXPORT_NAMES["parts"][key] == abbr


@pytest.mark.parametrize("layer", LAYERS)
def test_export_names_map_back_to_their_keys(layer: str) -> None:
    names = EXPORT_NAMES[layer]
    assert guess_mapping(layer, list(names.values())) == {v: k for k, v in names.items()}


def test_standard_names_are_recognised_case_insensitively() -> None:
    cols = [c.lower() for c in STANDARD_PART_FIELDS]
    m = guess_mapping("parts", cols)
    assert m == {c.lower(): k for c, k in STANDARD_PART_FIELDS.items()}


def test_chinese_standard_names() -> None:
    cols = ["管理部件标识码", "管理部件名称", "主管部门代码", "主管部门名称", "所在单元网格标识码",
            "管理部件状态", "初始日期", "变更日期", "数据来源", "备注", "经度", "纬度"]
    assert guess_mapping("parts", cols) == {
        "管理部件标识码": "part_id", "管理部件名称": "name", "主管部门代码": "dept_code",
        "主管部门名称": "dept_name", "所在单元网格标识码": "grid_id", "管理部件状态": "status",
        "初始日期": "initial_date", "变更日期": "change_date", "数据来源": "data_source",
        "备注": "note"}


def test_legacy_cjt214_names() -> None:
    cols = ["ObjID", "ObjName", "DeptCode1", "DeptName1", "DeptCode2", "DeptName2",
            "DeptCode3", "DeptName3", "BGID", "ObjState", "ORDate", "CHDate", "DataSource",
            "Note", "PointX", "PointY", "LocateDSC", "IMGURL"]
    m = guess_mapping("parts", cols)
    assert m == {"ObjID": "part_id", "ObjName": "name", "DeptCode1": "dept_code",
                 "DeptName1": "dept_name", "DeptCode2": "owner_code",
                 "DeptName2": "owner_name", "DeptCode3": "maintainer_code",
                 "DeptName3": "maintainer_name", "BGID": "grid_id", "ObjState": "status",
                 "ORDate": "initial_date", "CHDate": "change_date",
                 "DataSource": "data_source", "Note": "note"}
    # Coordinates and unknown columns are never mapped to a field.
    assert not {"PointX", "PointY", "LocateDSC", "IMGURL"} & set(m)


def test_streets_communities_grids_plain_names() -> None:
    # The real Haidian street file: name, nbs_code, nbs_name, area_km2 (and id, site).
    assert guess_mapping("streets", ["id", "name", "site", "nbs_code", "nbs_name",
                                     "area_km2"]) == {
        "name": "name", "nbs_code": "code", "area_km2": "area_km2"}
    assert guess_mapping("communities", ["社区代码", "社区名称", "街道代码", "户数", "人口"]) == {
        "社区代码": "code", "社区名称": "name", "街道代码": "street_code",
        "户数": "households", "人口": "residents"}
    assert guess_mapping("grids", ["Grid_ID", "Community Code", "Name", "Households",
                                   "Residents", "Area"]) == {
        "Grid_ID": "grid_id", "Community Code": "community_code", "Name": "name",
        "Households": "households", "Residents": "residents", "Area": "area_m2"}
    assert guess_mapping("grids", ["BGID"]) == {"BGID": "grid_id"}


def test_cases_names() -> None:
    m = guess_mapping("cases", ["案卷编号", "类型代码", "上报时间", "问题描述", "案卷状态", "lon",
                                "lat"])
    assert m == {"案卷编号": "number", "类型代码": "type_code", "上报时间": "reported_at",
                 "问题描述": "description", "案卷状态": "state"}


def test_a_key_takes_the_best_column_and_a_column_one_key() -> None:
    # Both the standard abbreviation and a loose name: the abbreviation wins.
    m = guess_mapping("parts", ["标识码", "GLBJBSM"])
    assert m == {"GLBJBSM": "part_id"}
    # "状态" is a status for parts, "state" for cases.
    assert guess_mapping("parts", ["状态"]) == {"状态": "status"}
    assert guess_mapping("cases", ["状态"]) == {"状态": "state"}


def test_overrides_replace_the_guess_and_can_ignore_a_column() -> None:
    cols = ["ObjID", "Remark", "BGID", "BZ"]
    m = resolve_mapping("parts", cols, {"Remark": "note", "BZ": None, "BGID": ""})
    assert m == {"ObjID": "part_id", "Remark": "note"}


def test_overrides_are_checked_against_the_file_and_the_layer() -> None:
    with pytest.raises(DomainError, match=r"column\(s\) Nope .*its columns are: ObjID, BGID"):
        resolve_mapping("parts", ["ObjID", "BGID"], {"Nope": "note"})
    with pytest.raises(DomainError, match=r"field\(s\) colour .*its fields are: part_id"):
        resolve_mapping("parts", ["ObjID", "BGID"], {"BGID": "colour"})
    with pytest.raises(DomainError, match="both “a” and “b” to note"):
        resolve_mapping("parts", ["a", "b"], {"a": "note", "b": "note"})
    with pytest.raises(DomainError, match="Unknown layer “roads”"):
        guess_mapping("roads", ["x"])


def test_missing_required_keys() -> None:
    assert missing_required("parts", {"ObjName": "name"}) == ["part_id"]
    assert missing_required("cases", {"AJBH": "number"}) == ["type_code", "reported_at"]
    assert missing_required("grids", {"BGID": "grid_id"}) == []
    assert fieldmap.describe_key("parts", "part_id") == "part_id (GLBJBSM 管理部件标识码)"


def test_mapping_file_json_and_csv(tmp_path: Path) -> None:
    j = tmp_path / "map.json"
    j.write_text(json.dumps({"编号": "part_id", "说明": "note", "废弃列": None},
                            ensure_ascii=False), encoding="utf-8")
    assert load_mapping_file(j) == {"编号": "part_id", "说明": "note", "废弃列": None}
    c = tmp_path / "map.csv"
    c.write_text("source,key\n编号,part_id\n说明,note\n废弃列,\n", encoding="utf-8-sig")
    assert load_mapping_file(c) == {"编号": "part_id", "说明": "note", "废弃列": None}


def test_mapping_file_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(DomainError, match="does not exist"):
        load_mapping_file(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{\"a\": ", encoding="utf-8")
    with pytest.raises(DomainError, match=r"bad\.json is not valid JSON \(line 1"):
        load_mapping_file(bad)
    lst = tmp_path / "list.json"
    lst.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(DomainError, match="must hold one JSON object"):
        load_mapping_file(lst)
    csv3 = tmp_path / "three.csv"
    csv3.write_text("a,b,c\n", encoding="utf-8")
    with pytest.raises(DomainError, match=r"three\.csv line 1: expected two columns"):
        load_mapping_file(csv3)
