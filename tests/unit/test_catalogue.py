"""The GB/T 47678.5-2026 catalogue: counts, lookup, search, legacy mapping, validation."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from app.domain.case import CaseKind
from app.domain.catalogue import (
    Catalogue,
    CatalogueEntry,
    UnknownCodeError,
    load_catalogue,
)
from app.domain.errors import DomainError
from app.paths import CATALOGUE_DIR


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    return load_catalogue()


def test_counts_per_major_class(cat: Catalogue) -> None:
    assert len(cat.parts()) == 153
    assert len(cat.matters()) == 250
    assert len(cat) == 403
    assert Counter(e.major_code for e in cat.parts()) == {
        "01": 76, "02": 44, "03": 16, "04": 14, "05": 3}
    assert Counter(e.major_code for e in cat.matters()) == {
        "01": 76, "02": 44, "03": 16, "04": 14, "05": 3,
        "06": 51, "07": 7, "08": 16, "09": 21, "10": 2}


def test_major_names(cat: Catalogue) -> None:
    assert cat.majors(CaseKind.PART) == [
        ("01", "市政公用设施"), ("02", "交通设施"), ("03", "市容环卫设施"),
        ("04", "园林绿化设施"), ("05", "其他管理部件")]
    assert dict(cat.majors(CaseKind.MATTER))["06"] == "市容环境类"
    assert dict(cat.majors(CaseKind.MATTER))["10"] == "其他事项类"


def test_lookup(cat: Catalogue) -> None:
    e = cat.get(CaseKind.PART, "01001")
    assert e == CatalogueEntry(CaseKind.PART, "01001", "供水井盖", "01", "市政公用设施",
                               "GB/T 47678.5-2026 附录A 表A.1")
    m = cat.get(CaseKind.MATTER, "01001")
    assert m.name == "供水井盖异常" and m.standard_ref == "GB/T 47678.5-2026 附录C 表C.1"
    assert cat.get("matter", "09006").name == "占道经营"
    assert cat.get(CaseKind.PART, "01077").name == "综合杆"
    assert cat.get(CaseKind.PART, "05009").name == "文物古迹"
    assert cat.find(CaseKind.PART, "01016") is None  # a gap in the standard's table
    assert cat.find(CaseKind.PART, "06010") is None  # matter-only code
    assert (CaseKind.MATTER, "06010") in cat
    assert list(cat)[0].code == "01001"


def test_unknown_code_message(cat: Catalogue) -> None:
    with pytest.raises(UnknownCodeError, match=r"06010.*not in the GB/T 47678\.5-2026") as ei:
        cat.get(CaseKind.PART, "06010")
    assert "Part" in str(ei.value)
    assert isinstance(ei.value, DomainError)
    with pytest.raises(DomainError, match="kind"):
        cat.get("widget", "01001")


def test_search_chinese(cat: Catalogue) -> None:
    covers = cat.search("井盖", CaseKind.PART, limit=100)
    assert len(covers) == 20  # 01001–01023 without 01004 箅子, 01013, the 01016 gap
    assert all("井盖" in e.name for e in covers)
    assert cat.search("占道")[0].code == "09006"  # name prefix before substring
    assert [e.code for e in cat.search("06042")] == ["06042"]
    assert {e.code for e in cat.search("0900", CaseKind.MATTER)} == {
        "09001", "09002", "09003", "09004", "09005", "09006", "09008", "09009"}
    assert cat.search("垃圾 满溢")[0].code == "06042"  # every word must match
    assert cat.search("井盖", limit=3) and len(cat.search("井盖", limit=3)) == 3
    assert cat.search("sos")[0].code == "01066"  # case-insensitive
    assert cat.search("") == []


@pytest.mark.parametrize(("kind", "legacy", "code", "name"), [
    (CaseKind.PART, "0101", "01001", "供水井盖"),
    (CaseKind.PART, "01-13", "01013", "消防设施"),
    (CaseKind.PART, "0114", "01014", "园林井盖"),  # rule beyond the table
    (CaseKind.MATTER, "04-06", "09006", "占道经营"),
    (CaseKind.MATTER, "01-36", "06036", "乱堆杂物"),
    (CaseKind.MATTER, "0110", "06010", "暴露垃圾"),
    (CaseKind.MATTER, "03-11", "08011", "渣土运输车辆未安装密闭装置"),
    (CaseKind.MATTER, "02-02", "07002", "街头散发广告"),  # rule beyond the table
])
def test_from_legacy(cat: Catalogue, kind: CaseKind, legacy: str, code: str,
                     name: str) -> None:
    e = cat.from_legacy(kind, legacy)
    assert (e.kind, e.code, e.name) == (kind, code, name)


def test_from_legacy_without_equivalent(cat: Catalogue) -> None:
    with pytest.raises(UnknownCodeError, match="0606 公共设施损坏.*no equivalent"):
        cat.from_legacy(CaseKind.MATTER, "06-06")
    with pytest.raises(UnknownCodeError, match="classes 01–04"):
        cat.from_legacy(CaseKind.MATTER, "05-01")
    with pytest.raises(UnknownCodeError, match="maps to 09007"):
        cat.from_legacy(CaseKind.MATTER, "04-07")  # 09007 is a gap in 2026
    with pytest.raises(UnknownCodeError, match="invalid"):
        cat.from_legacy(CaseKind.PART, "101")


def test_legacy_table(cat: Catalogue) -> None:
    parts = cat.legacy_codes(CaseKind.PART)
    assert [x.legacy_code for x in parts] == [f"01{i:02d}" for i in range(1, 14)]
    assert all(x.code_2026 == "010" + x.legacy_code[2:] for x in parts)
    events = cat.legacy_codes(CaseKind.MATTER)
    assert len(events) == 15
    for x in events:
        if x.code_2026 is not None:
            assert x.code_2026 == f"{int(x.legacy_code[:2]) + 5:02d}0{x.legacy_code[2:]}"


def test_default_is_cached() -> None:
    assert load_catalogue() is load_catalogue()


def _write(tmp: Path, parts: str, matters: str | None = None) -> Path:
    (tmp / "gbt47678_5_2026_parts.csv").write_text(parts, encoding="utf-8")
    if matters is None:
        matters = (CATALOGUE_DIR / "gbt47678_5_2026_matters.csv").read_text(encoding="utf-8")
    (tmp / "gbt47678_5_2026_matters.csv").write_text(matters, encoding="utf-8")
    return tmp


HEADER = "code,name,major_code,major_name,standard_ref\n"


def test_load_custom_directory_without_legacy(tmp_path: Path) -> None:
    cat = load_catalogue(_write(tmp_path, HEADER + "01001,供水井盖,01,市政公用设施,X\n"))
    assert len(cat.parts()) == 1 and cat.legacy_codes() == []


@pytest.mark.parametrize(("row", "message"), [
    ("0101,供水井盖,01,市政公用设施,X", "line 3: code “0101” must have 5 digits"),
    ("01001,重复,01,市政公用设施,X", "line 3: part code 01001 is listed twice"),
    ("01002,污水井盖,02,市政公用设施,X", "line 3: major code “02” does not match"),
    ("01002,污水井盖,01,公用设施,X", "line 3: major class 01 is called"),
    ("01002,,01,市政公用设施,X", "line 3: name, major_name and standard_ref"),
])
def test_bad_rows_name_file_and_line(tmp_path: Path, row: str, message: str) -> None:
    _write(tmp_path, HEADER + "01001,供水井盖,01,市政公用设施,X\n" + row + "\n")
    with pytest.raises(DomainError, match="gbt47678_5_2026_parts.csv") as ei:
        load_catalogue(tmp_path)
    assert message in str(ei.value)


def test_bad_header_and_missing_file(tmp_path: Path) -> None:
    _write(tmp_path, "code,name\n01001,供水井盖\n")
    with pytest.raises(DomainError, match="lacks the column"):
        load_catalogue(tmp_path)
    with pytest.raises(DomainError, match="missing"):
        load_catalogue(tmp_path / "nowhere")


def test_legacy_row_must_point_into_the_catalogue(tmp_path: Path) -> None:
    _write(tmp_path, HEADER + "01001,供水井盖,01,市政公用设施,X\n")
    (tmp_path / "legacy_codes.csv").write_text(
        "kind,legacy_code,legacy_name,legacy_major_name,standard_ref,code_2026\n"
        "part,0102,污水井盖,公用设施,CJ/T 214-2007,01002\n", encoding="utf-8")
    with pytest.raises(DomainError, match="legacy_codes.csv line 2: .*01002"):
        load_catalogue(tmp_path)
