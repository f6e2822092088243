"""Domain rules: identifiers, grid numbering, parts, cases, departments and staff.

Every rejection must tell the user which rule was broken, so each test checks a key
phrase of the message as well as the exception type.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from app.domain.admin import UnitGrid, number_grids
from app.domain.case import (
    CLOSED_STATES,
    Case,
    CaseKind,
    CaseSource,
    CaseState,
    format_case_number,
)
from app.domain.errors import DomainError, InvalidIdError
from app.domain.ids import (
    GridId,
    PartId,
    is_valid_grid_id,
    validate_community_code,
    validate_street_code,
)
from app.domain.org import Department, DepartmentKind, Role, Staff
from app.domain.part import CityPart, PartStatus

COMMUNITY = "110108011001"
GRID = GridId("110108011001007")
DEPT_CODE = "11110108000051967C"

# --- identifiers -----------------------------------------------------------------------


def test_grid_id_carries_its_hierarchy() -> None:
    assert GRID.district_code == "110108"
    assert GRID.street_code == "110108011"
    assert GRID.community_code == COMMUNITY
    assert GRID.sequence == 7
    assert str(GRID) == "110108011001007"
    assert GridId.compose(COMMUNITY, 12).value == "110108011001012"


def test_grid_id_allows_upper_case_letters_of_the_national_layout() -> None:
    assert is_valid_grid_id("11010801100A001")


@pytest.mark.parametrize(("value", "phrase"), [
    ("11010801100100", "15 digits"),  # 14 characters
    ("1101080110010071", "15 digits"),  # 16 characters
    ("11010801100a001", "15 digits"),  # lower-case letter
    ("1101080110 1001", "15 digits"),
    ("110108011001000", "sequence starts at 001"),
])
def test_grid_id_rejects_bad_layouts(value: str, phrase: str) -> None:
    with pytest.raises(InvalidIdError, match=phrase):
        GridId(value)
    assert not is_valid_grid_id(value)


@pytest.mark.parametrize("sequence", [0, 1000])
def test_grid_sequence_range(sequence: int) -> None:
    with pytest.raises(InvalidIdError, match="out of range 1–999"):
        GridId.compose(COMMUNITY, sequence)


def test_street_and_community_codes_need_their_lengths() -> None:
    with pytest.raises(InvalidIdError, match="9 digits"):
        validate_street_code("11010801")
    with pytest.raises(InvalidIdError, match="12 digits"):
        validate_community_code("11010801100A")


def test_part_id_layout_and_hierarchy() -> None:
    pid = PartId("11010801001000042")
    assert (pid.district_code, pid.major_code, pid.type_code, pid.serial) == (
        "110108", "01", "01001", 42)
    assert PartId.compose("110108", "04002", 7).value == "11010804002000007"


@pytest.mark.parametrize(("value", "phrase"), [
    ("1101080100100004", "17 digits"),  # 16 digits is the legacy layout, not a 2026 id
    ("110108010010000420", "17 digits"),
    ("1101080100100004A", "17 digits"),
    ("11010800001000042", "cannot be zero"),  # major class 00
    ("11010801000000042", "cannot be zero"),  # minor class 000
])
def test_part_id_rejects_bad_layouts(value: str, phrase: str) -> None:
    with pytest.raises(InvalidIdError, match=phrase):
        PartId(value)


def test_legacy_16_digit_part_id_widens_the_minor_class() -> None:
    # CJ/T 214: 110108 01 01 000042 (上水井盖) → 2026: 110108 01 001 000042 (供水井盖).
    pid = PartId.from_legacy("1101080101000042")
    assert pid.value == "11010801001000042"
    assert pid.type_code == "01001"
    assert pid.serial == 42


@pytest.mark.parametrize("legacy", ["11010801010000420", "110108010100004", "110108010A000042"])
def test_legacy_part_id_needs_16_digits(legacy: str) -> None:
    with pytest.raises(InvalidIdError, match="16 digits"):
        PartId.from_legacy(legacy)


# --- unit grids ------------------------------------------------------------------------


def test_number_grids_west_to_east_then_north_to_south() -> None:
    # Two rows about 110 m apart; the input order is scrambled.
    centroids = [
        (300.0, 95.0),  # south row, east
        (100.0, 210.0),  # north row, west
        (100.0, 90.0),  # south row, west
        (300.0, 205.0),  # north row, east
        (200.0, 200.0),  # north row, middle (a little lower, same band)
    ]
    ids = number_grids(COMMUNITY, centroids, row_height=100.0)
    assert [g.sequence for g in ids] == [5, 1, 4, 3, 2]
    assert all(g.community_code == COMMUNITY for g in ids)


def test_number_grids_limits_a_community_to_999_grids() -> None:
    with pytest.raises(DomainError, match="at most 999"):
        number_grids(COMMUNITY, [(float(i), 0.0) for i in range(1000)], row_height=10.0)
    assert number_grids(COMMUNITY, [], row_height=10.0) == []


def test_unit_grid_must_lie_in_the_community_of_its_id() -> None:
    UnitGrid(grid_id=GRID, community_code=COMMUNITY)
    with pytest.raises(DomainError, match="does not belong to community"):
        UnitGrid(grid_id=GRID, community_code="110108011002")


def test_unit_grid_region_class_is_checked() -> None:
    with pytest.raises(DomainError, match="Region class"):
        UnitGrid(grid_id=GRID, community_code=COMMUNITY, region_class="三类区域")


# --- city parts ------------------------------------------------------------------------


def _part(**kw: object) -> CityPart:
    fields: dict[str, object] = dict(
        part_id=PartId("11010801001000042"), name="供水井盖", dept_code=DEPT_CODE,
        dept_name="海淀区城市管理委员会", grid_id=GRID, status=PartStatus.INTACT,
        initial_date=date(2020, 5, 1), lon=116.31, lat=39.98)
    fields.update(kw)
    return CityPart(**fields)  # type: ignore[arg-type]


def test_city_part_with_mandatory_fields() -> None:
    p = _part(change_date=date(2021, 1, 1), status=PartStatus.DAMAGED)
    assert (p.type_code, p.major_code) == ("01001", "01")


@pytest.mark.parametrize(("kw", "phrase"), [
    ({"name": ""}, "name \\(GLBJMC\\) is mandatory"),
    ({"name": "井" * 31}, "at most 30 characters"),
    ({"dept_code": ""}, "competent department"),
    ({"dept_name": ""}, "competent department"),
    ({"change_date": date(2020, 4, 30)}, "before the initial date"),
    ({"grid_id": GridId("110109011001001")}, "is in district 110109"),
])
def test_city_part_rules(kw: dict[str, object], phrase: str) -> None:
    with pytest.raises(DomainError, match=phrase):
        _part(**kw)


# --- cases -----------------------------------------------------------------------------


def _case(**kw: object) -> Case:
    fields: dict[str, object] = dict(
        number="2026112300042", kind=CaseKind.PART, type_code="01001", lon=116.31, lat=39.98,
        grid_id=GRID, source=CaseSource.FIELD_SUPERVISOR,
        reported_at=datetime(2026, 11, 23, 8, 30), description="井盖破损")
    fields.update(kw)
    return Case(**fields)  # type: ignore[arg-type]


def test_case_number_is_date_plus_daily_sequence() -> None:
    assert format_case_number(datetime(2026, 11, 23, 8, 0), 42) == "2026112300042"
    with pytest.raises(DomainError, match="out of range 1–99999"):
        format_case_number(datetime(2026, 11, 23), 100_000)
    c = _case()
    assert c.state is CaseState.REPORTED
    assert c.major_code == "01"


@pytest.mark.parametrize("number", ["202611230004", "20261123000421", "2026112300A42", ""])
def test_case_number_format_is_enforced(number: str) -> None:
    with pytest.raises(DomainError, match="8-digit report date followed by a 5-digit"):
        _case(number=number)


def test_case_type_code_and_close_time() -> None:
    with pytest.raises(DomainError, match="must have 5 digits"):
        _case(type_code="0101")
    with pytest.raises(DomainError, match="closed before it was reported"):
        _case(closed_at=datetime(2026, 11, 22))


def test_case_states_are_grouped_into_open_and_closed() -> None:
    assert {s for s in CaseState if s.is_closed} == {CaseState.CLOSED, CaseState.VOID}
    assert CLOSED_STATES == {CaseState.CLOSED, CaseState.VOID}
    for s in CaseState:
        assert s.is_open != s.is_closed
        assert s.label_zh  # every state has a Chinese label
    assert CaseState.PARKED.is_open  # parked (挂账) cases still count as open
    assert CaseState.DISPATCHED.is_open


# --- departments and staff -------------------------------------------------------------


def test_department_code_is_a_unified_social_credit_code() -> None:
    d = Department(DEPT_CODE, "海淀区城市管理委员会")
    assert d.kind is DepartmentKind.PROFESSIONAL


@pytest.mark.parametrize("code", [
    "11110108000051967",  # 17 characters
    "11110108000051967c",  # lower case
    "1111010800005196OC",  # O is not in the alphabet
    "1111010800005196IC",  # nor is I
])
def test_department_code_pattern(code: str) -> None:
    with pytest.raises(DomainError, match="unified social credit code"):
        Department(code, "某部门")


def test_department_staff_need_a_department() -> None:
    s = Staff("dept051967", "王伟", Role.DEPARTMENT, department_code=DEPT_CODE)
    assert s.role.label_zh == "专业部门"
    Staff("op01", "李娜", Role.OPERATOR)  # centre staff have no department
    with pytest.raises(DomainError, match="department role but no department"):
        Staff("dept1", "张强", Role.DEPARTMENT)
