"""Departments of the demo district and who answers for each part / matter type.

Codes are unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters =
registration authority (1) + organisation type (1) + administrative division (6)
+ organisation code (9, GB 11714 with its own check character) + check character (1).

``type_owners.csv`` gives, per type code, the competent department (主管部门) and the
optional owner (权属) and maintainer (养护) units, plus the dispatch rule: parts go to their
owner first (先属主、后属地), most matters to the street of the location first (先属地、后属主).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from app.domain.errors import DomainError
from app.domain.org import Department, DepartmentKind

# GB 32100-2015: 31 characters (digits and upper-case letters without I, O, S, V, Z).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))  # 1, 3, 9, 27, 19, 26, …
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")

# GB 11714-1997 organisation code: 8 body characters (digits / A–Z) + check character.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_BODY_RE = re.compile(r"^[0-9A-Z]{8}$")

DEPARTMENTS_FILE = "departments.csv"
TYPE_OWNERS_FILE = "type_owners.csv"


def uscc_check_digit(first17: str) -> str:
    """Check character (position 18) of a unified social credit code."""
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise DomainError(
            f"“{first17}” cannot take a USCC check character: it needs 17 characters from "
            f"{USCC_ALPHABET}"
        )
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True when ``code`` has the GB 32100 layout and a correct check character."""
    if not isinstance(code, str) or not _USCC_RE.match(code):
        return False
    return uscc_check_digit(code[:17]) == code[17]


def org_code_check_digit(body8: str) -> str:
    """Check character of a GB 11714 organisation code (positions 9–17 of a USCC)."""
    if not _ORG_BODY_RE.match(body8):
        raise DomainError(f"Organisation code body “{body8}” must have 8 digits or letters")
    total = sum(int(c, 36) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def compose_uscc(prefix8: str, org_body8: str) -> str:
    """Build a valid USCC from authority + type + division (8) and an organisation body (8)."""
    first17 = prefix8 + org_body8 + org_code_check_digit(org_body8)
    return first17 + uscc_check_digit(first17)


class Dispatch(StrEnum):
    """Whom a case of a type goes to first."""

    OWNER = "owner"  # 先属主: the competent/owner department of the part
    TERRITORIAL = "territorial"  # 先属地: the street (街道/镇) where it happens
    COMPETENT = "competent"  # a professional matter: straight to the competent department


@dataclass(frozen=True, slots=True)
class TypeOwner:
    """Departments answering for a part type (or a matter type of classes 06–10)."""

    type_code: str
    competent_code: str
    owner_code: str | None = None
    maintainer_code: str | None = None
    dispatch: Dispatch = Dispatch.OWNER


def _rows(path: Path, header: list[str]):  # type: ignore[no-untyped-def]
    if not path.is_file():
        raise DomainError(f"Data file {path} is missing")
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        got = next(reader, None)
        if got is None or [h.strip() for h in got[: len(header)]] != header:
            raise DomainError(f"{path.name}: the header must start with {','.join(header)}")
        for row in reader:
            if not row or not any(cell.strip() for cell in row):
                continue
            yield reader.line_num, [c.strip() for c in row] + [""] * (len(header) - len(row))


def _read_departments(path: Path) -> list[Department]:
    out: list[Department] = []
    seen: set[str] = set()
    for line, (code, name, kind, street_code, *_) in _rows(
            path, ["code", "name", "kind", "street_code"]):
        where = f"{path.name} line {line}"
        if not is_valid_uscc(code):
            raise DomainError(
                f"{where}: “{code}” of {name} is not a valid unified social credit code "
                "(GB 32100 layout or check character wrong)"
            )
        if code in seen:
            raise DomainError(f"{where}: department code {code} is listed twice")
        try:
            dk = DepartmentKind(kind)
        except ValueError:
            raise DomainError(
                f"{where}: department kind “{kind}” is unknown: use one of "
                f"{', '.join(k.value for k in DepartmentKind)}"
            ) from None
        if (dk is DepartmentKind.STREET) != bool(street_code):
            raise DomainError(f"{where}: street departments, and only they, have a street code")
        if street_code and not re.fullmatch(r"\d{9}", street_code):
            raise DomainError(f"{where}: street code “{street_code}” must have 9 digits")
        seen.add(code)
        out.append(Department(code, name, dk, street_code or None))
    return out


def _read_type_owners(path: Path, known: set[str]) -> dict[str, TypeOwner]:
    out: dict[str, TypeOwner] = {}
    for line, (type_code, competent, owner, maintainer, dispatch, *_) in _rows(
            path, ["type_code", "competent_code", "owner_code", "maintainer_code", "dispatch"]):
        where = f"{path.name} line {line}"
        if not re.fullmatch(r"\d{5}", type_code):
            raise DomainError(f"{where}: type code “{type_code}” must have 5 digits")
        if type_code in out:
            raise DomainError(f"{where}: type code {type_code} is listed twice")
        for what, code in (("competent", competent), ("owner", owner),
                           ("maintainer", maintainer)):
            if code and code not in known:
                raise DomainError(
                    f"{where}: {what} department {code} of type {type_code} is not in "
                    f"{DEPARTMENTS_FILE}"
                )
        if not competent:
            raise DomainError(f"{where}: type {type_code} has no competent department (主管部门)")
        try:
            d = Dispatch(dispatch or Dispatch.OWNER.value)
        except ValueError:
            raise DomainError(
                f"{where}: dispatch rule “{dispatch}” is unknown: use one of "
                f"{', '.join(x.value for x in Dispatch)}"
            ) from None
        out[type_code] = TypeOwner(type_code, competent, owner or None, maintainer or None, d)
    return out


@functools.cache
def _default_departments() -> tuple[Department, ...]:
    from app.paths import DATA_DIR

    return tuple(_read_departments(DATA_DIR / DEPARTMENTS_FILE))


@functools.cache
def _default_type_owners() -> dict[str, TypeOwner]:
    from app.paths import DATA_DIR

    known = {d.code for d in _default_departments()}
    return _read_type_owners(DATA_DIR / TYPE_OWNERS_FILE, known)


def load_departments(directory: Path | None = None) -> list[Department]:
    """All departments (professional, enterprises, streets); the default set is cached."""
    if directory is None:
        return list(_default_departments())
    return _read_departments(Path(directory) / DEPARTMENTS_FILE)


def load_type_owners(directory: Path | None = None) -> dict[str, TypeOwner]:
    """Type code → responsible departments; the default set is cached."""
    if directory is None:
        return dict(_default_type_owners())
    known = {d.code for d in _read_departments(Path(directory) / DEPARTMENTS_FILE)}
    return _read_type_owners(Path(directory) / TYPE_OWNERS_FILE, known)


def street_departments(departments: list[Department]) -> dict[str, Department]:
    """Street code → its territorial department."""
    return {d.street_code: d for d in departments
            if d.kind is DepartmentKind.STREET and d.street_code}
