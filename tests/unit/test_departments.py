"""Departments, USCC check characters and type owners."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from app.domain.case import CaseKind
from app.domain.catalogue import load_catalogue
from app.domain.departments import (
    Dispatch,
    compose_uscc,
    is_valid_uscc,
    load_departments,
    load_type_owners,
    org_code_check_digit,
    street_departments,
    uscc_check_digit,
)
from app.domain.errors import DomainError
from app.domain.org import DepartmentKind
from app.paths import DATA_DIR, FACTS_DIR

KNOWN_VALID = "91350100M000100Y43"  # the example printed in many GB 32100 explanations


def test_uscc_check_digit_known_example() -> None:
    assert uscc_check_digit(KNOWN_VALID[:17]) == "3"
    assert org_code_check_digit(KNOWN_VALID[8:16]) == "4"  # GB 11714 part: M000100Y-4
    assert is_valid_uscc(KNOWN_VALID)


@pytest.mark.parametrize("code", [
    "91350100M000100Y44",  # wrong check character
    "91350100M000100Y4",  # 17 characters
    "91350100M000100I43",  # I is not in the alphabet
    "91350100m000100y43",  # lower case
    "",
])
def test_invalid_uscc(code: str) -> None:
    assert not is_valid_uscc(code)


def test_uscc_check_digit_rejects_bad_input() -> None:
    with pytest.raises(DomainError, match="17 characters"):
        uscc_check_digit("9135")


def test_compose_uscc_round_trip() -> None:
    code = compose_uscc("91350100", "M000100Y")
    assert code == KNOWN_VALID
    assert is_valid_uscc(compose_uscc("11110108", "00001234"))


def test_departments_are_valid_and_complete() -> None:
    deps = load_departments()
    assert len({d.code for d in deps}) == len(deps)
    assert all(is_valid_uscc(d.code) for d in deps)
    kinds = {k: [d for d in deps if d.kind is k] for k in DepartmentKind}
    assert 15 <= len(kinds[DepartmentKind.PROFESSIONAL]) + len(
        kinds[DepartmentKind.ENTERPRISE]) <= 40
    with (FACTS_DIR / "haidian_streets.csv").open(encoding="utf-8") as f:
        streets = {r["nbs_code"]: r["common_name"] for r in csv.DictReader(f)}
    by_street = street_departments(deps)
    assert set(by_street) == set(streets)
    assert by_street["110108011"].name == "中关村街道办事处"
    assert by_street["110108026"].name == "温泉镇人民政府"
    names = {d.name for d in deps}
    assert {"海淀区水务局", "北京市自来水集团有限责任公司"} <= names
    assert load_departments() is not load_departments()  # callers get their own list


def test_type_owners_cover_every_part_type() -> None:
    owners = load_type_owners()
    cat = load_catalogue()
    known = {d.code for d in load_departments()}
    for e in cat.parts():
        o = owners[e.code]
        assert o.dispatch is Dispatch.OWNER
        assert o.competent_code in known
        assert o.owner_code in known | {None} and o.maintainer_code in known | {None}
    matters = [e for e in cat.matters() if e.major_code >= "06"]
    assert all(owners[e.code].dispatch in (Dispatch.TERRITORIAL, Dispatch.COMPETENT)
               for e in matters)
    territorial = sum(owners[e.code].dispatch is Dispatch.TERRITORIAL for e in matters)
    assert territorial > len(matters) / 2  # 先属地、后属主 for most matters
    assert set(owners) == {e.code for e in cat.parts()} | {e.code for e in matters}
    assert all(cat.find(CaseKind.MATTER, c) for c in owners)


def test_type_owner_example() -> None:
    owners = load_type_owners()
    deps = {d.code: d.name for d in load_departments()}
    o = owners["01001"]
    assert deps[o.competent_code] == "海淀区水务局"
    assert deps[o.owner_code] == "北京市自来水集团有限责任公司"  # type: ignore[index]
    assert owners["09006"].dispatch is Dispatch.TERRITORIAL


def _copy(tmp: Path) -> Path:
    for name in ("departments.csv", "type_owners.csv"):
        shutil.copy(DATA_DIR / name, tmp / name)
    return tmp


def test_bad_department_code_names_file_and_line(tmp_path: Path) -> None:
    d = _copy(tmp_path) / "departments.csv"
    lines = d.read_text(encoding="utf-8").splitlines()
    code = lines[1].split(",")[0]
    bad = code[:17] + ("0" if code[17] != "0" else "1")
    lines[1] = lines[1].replace(code, bad)
    d.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DomainError, match="departments.csv line 2: .*not a valid unified"):
        load_departments(tmp_path)


def test_type_owner_must_name_known_department(tmp_path: Path) -> None:
    t = _copy(tmp_path) / "type_owners.csv"
    with t.open("a", encoding="utf-8") as f:
        f.write("99001," + compose_uscc("11110108", "99999999") + ",,,owner\n")
    with pytest.raises(DomainError, match=r"type_owners.csv line \d+: competent department"):
        load_type_owners(tmp_path)
