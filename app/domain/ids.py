"""Identifier rules of the Chinese grid-management standards.

* Unit grid id (单元网格标识码): 15 digits = 6 district (GB/T 2260) + 3 street/town
  + 3 community/village + 3 sequence (Beijing DB11; GB/T 47678.3 allows ``[0-9A-Z]``).
* Part id (管理部件标识码, GB/T 47678.5-2026): 17 digits = 6 district + 2 major class
  + 3 minor class + 6 serial.  Legacy CJ/T 214 / GB/T 30428.2 ids have 16 digits
  (6 + 2 + 2 + 6) and map to the 2026 layout by widening the minor class to 3 digits.
* Street code: 9 digits (district + 3), community code: 12 digits (street + 3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.domain.errors import InvalidIdError

_GRID_RE = re.compile(r"^[0-9A-Z]{15}$")
_PART_RE = re.compile(r"^\d{17}$")
_LEGACY_PART_RE = re.compile(r"^\d{16}$")
_DISTRICT_RE = re.compile(r"^\d{6}$")
_STREET_RE = re.compile(r"^\d{9}$")
_COMMUNITY_RE = re.compile(r"^\d{12}$")


def _check(pattern: re.Pattern[str], value: str, what: str, rule: str) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise InvalidIdError(f"{what} “{value}” is invalid: {rule}")
    return value


def validate_district_code(code: str) -> str:
    return _check(_DISTRICT_RE, code, "District code", "it must have 6 digits (GB/T 2260)")


def validate_street_code(code: str) -> str:
    return _check(_STREET_RE, code, "Street code", "it must have 9 digits (district 6 + street 3)")


def validate_community_code(code: str) -> str:
    return _check(
        _COMMUNITY_RE, code, "Community code",
        "it must have 12 digits (district 6 + street 3 + community 3)",
    )


@dataclass(frozen=True, slots=True)
class GridId:
    """A validated 15-character unit grid id with its hierarchy."""

    value: str

    def __post_init__(self) -> None:
        _check(
            _GRID_RE, self.value, "Unit grid id",
            "it must have 15 digits: district 6 + street 3 + community 3 + sequence 3",
        )
        if self.value[12:] == "000":
            raise InvalidIdError(
                f"Unit grid id “{self.value}” is invalid: the grid sequence starts at 001"
            )

    @classmethod
    def compose(cls, community_code: str, sequence: int) -> GridId:
        validate_community_code(community_code)
        if not 1 <= sequence <= 999:
            raise InvalidIdError(
                f"Grid sequence {sequence} is out of range 1–999 in community {community_code}"
            )
        return cls(f"{community_code}{sequence:03d}")

    @property
    def district_code(self) -> str:
        return self.value[:6]

    @property
    def street_code(self) -> str:
        return self.value[:9]

    @property
    def community_code(self) -> str:
        return self.value[:12]

    @property
    def sequence(self) -> int:
        return int(self.value[12:])

    def __str__(self) -> str:
        return self.value


def is_valid_grid_id(value: str) -> bool:
    try:
        GridId(value)
    except InvalidIdError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class PartId:
    """A validated 17-digit part id (GB/T 47678.5-2026)."""

    value: str

    def __post_init__(self) -> None:
        _check(
            _PART_RE, self.value, "Part id",
            "it must have 17 digits: district 6 + major class 2 + minor class 3 + serial 6",
        )
        if self.value[6:8] == "00" or self.value[8:11] == "000":
            raise InvalidIdError(
                f"Part id “{self.value}” is invalid: major and minor class cannot be zero"
            )

    @classmethod
    def compose(cls, district_code: str, type_code: str, serial: int) -> PartId:
        validate_district_code(district_code)
        if not re.fullmatch(r"\d{5}", type_code):
            raise InvalidIdError(f"Part type code “{type_code}” must have 5 digits (2 + 3)")
        if not 1 <= serial <= 999_999:
            raise InvalidIdError(f"Part serial {serial} is out of range 1–999999")
        return cls(f"{district_code}{type_code}{serial:06d}")

    @classmethod
    def from_legacy(cls, legacy: str) -> PartId:
        """Map a 16-digit CJ/T 214 / GB/T 30428.2 id (6+2+2+6) to the 17-digit layout.

        The minor class widens from 2 to 3 digits with a leading zero, which is how the
        2026 catalogue numbers the legacy minors (0101 上水井盖 → 01001 供水井盖).
        """
        _check(
            _LEGACY_PART_RE, legacy, "Legacy part id",
            "it must have 16 digits: district 6 + major 2 + minor 2 + serial 6",
        )
        return cls(f"{legacy[:8]}0{legacy[8:10]}{legacy[10:]}")

    @property
    def district_code(self) -> str:
        return self.value[:6]

    @property
    def type_code(self) -> str:
        return self.value[6:11]

    @property
    def major_code(self) -> str:
        return self.value[6:8]

    @property
    def serial(self) -> int:
        return int(self.value[11:])

    def __str__(self) -> str:
        return self.value
