"""The part and matter catalogue of GB/T 47678.5-2026 (附录A 表A.1, 附录C 表C.1).

Parts and matters share the 5-digit code space (2-digit major + 3-digit minor), so an entry
is identified by (kind, code). Legacy 4-digit codes (CJ/T 214 / GB/T 30428.2) map to the
2026 codes through ``legacy_codes.csv`` and two rules (standards.md §2.5, §3.2):

* parts: ``MMnn`` → ``MM0nn`` (0101 上水井盖 → 01001 供水井盖);
* events of the 2013 edition: ``MM-nn`` → ``(MM+5)0nn`` for majors 01–04
  (04-06 占道经营 → 09006 占道经营).
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from app.domain.case import CaseKind
from app.domain.errors import DomainError

PARTS_FILE = "gbt47678_5_2026_parts.csv"
MATTERS_FILE = "gbt47678_5_2026_matters.csv"
LEGACY_FILE = "legacy_codes.csv"

_CODE_RE = re.compile(r"^\d{5}$")
_LEGACY_RE = re.compile(r"^\d{4}$")
_KIND_ZH = {CaseKind.PART: "部件", CaseKind.MATTER: "事项"}


class UnknownCodeError(DomainError):
    """A type code that the catalogue does not hold."""


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    kind: CaseKind
    code: str
    name: str
    major_code: str
    major_name: str
    standard_ref: str

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True, slots=True)
class LegacyCode:
    """A legacy 4-digit code and the 2026 code it maps to (None: no equivalent)."""

    kind: CaseKind
    legacy_code: str
    legacy_name: str
    legacy_major_name: str
    standard_ref: str
    code_2026: str | None


def _kind(kind: CaseKind | str) -> CaseKind:
    try:
        return CaseKind(kind)
    except ValueError:
        raise DomainError(
            f"Catalogue kind “{kind}” is unknown: use “part” (部件) or “matter” (事项)"
        ) from None


def _normalise_legacy(code: str) -> str:
    """“01-01”, “01 01”, “01.01” and “0101” all become “0101”."""
    return re.sub(r"[\s\-._/]", "", str(code))


class Catalogue:
    """Lookup of part and matter types by kind and code."""

    def __init__(self, entries: Iterable[CatalogueEntry],
                 legacy: Iterable[LegacyCode] = ()) -> None:
        self._by_key: dict[tuple[CaseKind, str], CatalogueEntry] = {}
        for e in entries:
            key = (e.kind, e.code)
            if key in self._by_key:
                raise DomainError(f"Catalogue {e.kind.value} code {e.code} appears twice")
            self._by_key[key] = e
        self._entries = sorted(self._by_key.values(), key=lambda e: (e.kind != CaseKind.PART,
                                                                     e.code))
        self._legacy = {(x.kind, x.legacy_code): x for x in legacy}

    # -- lookup ---------------------------------------------------------------------------
    def find(self, kind: CaseKind | str, code: str) -> CatalogueEntry | None:
        return self._by_key.get((_kind(kind), str(code).strip()))

    def get(self, kind: CaseKind | str, code: str) -> CatalogueEntry:
        k = _kind(kind)
        entry = self.find(k, code)
        if entry is None:
            raise UnknownCodeError(
                f"{k.value.capitalize()} ({_KIND_ZH[k]}) code “{code}” is not in the "
                "GB/T 47678.5-2026 catalogue: a type code is a 2-digit major class and a "
                "3-digit minor class "
                "listed in 附录A (parts) or 附录C (matters)"
            )
        return entry

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, tuple) or len(key) != 2:
            return False
        kind, code = key
        try:
            return self.find(kind, code) is not None
        except DomainError:
            return False

    def parts(self) -> list[CatalogueEntry]:
        return [e for e in self._entries if e.kind is CaseKind.PART]

    def matters(self) -> list[CatalogueEntry]:
        return [e for e in self._entries if e.kind is CaseKind.MATTER]

    def entries(self, kind: CaseKind | str | None = None) -> list[CatalogueEntry]:
        if kind is None:
            return list(self._entries)
        k = _kind(kind)
        return [e for e in self._entries if e.kind is k]

    def majors(self, kind: CaseKind | str) -> list[tuple[str, str]]:
        """(major code, major name) of one kind, in code order."""
        seen: dict[str, str] = {}
        for e in self.entries(kind):
            seen.setdefault(e.major_code, e.major_name)
        return sorted(seen.items())

    def search(self, text: str, kind: CaseKind | str | None = None,
               limit: int = 50) -> list[CatalogueEntry]:
        """Entries whose code starts with, or whose name contains, every word of ``text``.

        Best matches first: exact code, code prefix, name prefix, then name substring.
        """
        words = str(text).split()
        if not words or limit <= 0:
            return []
        words_cf = [w.casefold() for w in words]
        scored: list[tuple[int, int, CatalogueEntry]] = []
        for i, e in enumerate(self.entries(kind)):
            name = e.name.casefold()
            rank = 0
            for w in words_cf:
                if e.code == w:
                    r = 0
                elif e.code.startswith(w):
                    r = 1
                elif name.startswith(w):
                    r = 2
                elif w in name:
                    r = 3
                else:
                    break
                rank = max(rank, r)
            else:
                scored.append((rank, i, e))
        scored.sort(key=lambda t: (t[0], t[1]))
        return [e for _, _, e in scored[:limit]]

    # -- legacy codes ---------------------------------------------------------------------
    def legacy_codes(self, kind: CaseKind | str | None = None) -> list[LegacyCode]:
        rows = sorted(self._legacy.values(), key=lambda x: (x.kind != CaseKind.PART,
                                                            x.legacy_code))
        return rows if kind is None else [x for x in rows if x.kind is _kind(kind)]

    def from_legacy(self, kind: CaseKind | str, legacy_code: str) -> CatalogueEntry:
        """The 2026 entry for a legacy code (“0101”, “01-01”)."""
        k = _kind(kind)
        code4 = _normalise_legacy(legacy_code)
        if not _LEGACY_RE.match(code4):
            raise UnknownCodeError(
                f"Legacy {k.value} code “{legacy_code}” is invalid: it is a 2-digit major and "
                "a 2-digit minor class, e.g. 0101 or 01-01"
            )
        row = self._legacy.get((k, code4))
        if row is not None:
            if row.code_2026 is None:
                raise UnknownCodeError(
                    f"Legacy {k.value} code {code4} {row.legacy_name} ({row.standard_ref}) has "
                    "no equivalent in GB/T 47678.5-2026: choose the 2026 type by hand"
                )
            return self.get(k, row.code_2026)
        major, minor = int(code4[:2]), code4[2:]
        if k is CaseKind.PART:
            target = f"{major:02d}0{minor}"
        elif 1 <= major <= 4:
            # GB/T 30428.2-2013 event classes 01–04 became matter classes 06–09.
            target = f"{major + 5:02d}0{minor}"
        else:
            raise UnknownCodeError(
                f"Legacy event code {code4}: only the 2013 event classes 01–04 map to "
                "GB/T 47678.5-2026 (as classes 06–09); class "
                f"{code4[:2]} has no rule"
            )
        entry = self.find(k, target)
        if entry is None:
            raise UnknownCodeError(
                f"Legacy {k.value} code {code4} maps to {target}, which is not in the "
                "GB/T 47678.5-2026 catalogue"
            )
        return entry

    # -- container protocol ---------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[CatalogueEntry]:
        return iter(self._entries)

    def __repr__(self) -> str:
        return f"Catalogue({len(self.parts())} parts, {len(self.matters())} matters)"


# -- loading ------------------------------------------------------------------------------
def _csv_rows(path: Path, header: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise DomainError(f"Catalogue file {path} is missing")
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [h for h in header if h not in (reader.fieldnames or [])]
        if missing:
            raise DomainError(f"{path.name}: the header lacks the column(s) {', '.join(missing)}")
        for row in reader:
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            yield reader.line_num, {h: (row.get(h) or "").strip() for h in header}


_ENTRY_COLUMNS = ["code", "name", "major_code", "major_name", "standard_ref"]


def _read_entries(path: Path, kind: CaseKind) -> list[CatalogueEntry]:
    out: list[CatalogueEntry] = []
    seen: set[str] = set()
    major_names: dict[str, str] = {}
    for line, r in _csv_rows(path, _ENTRY_COLUMNS):
        where = f"{path.name} line {line}"
        code = r["code"]
        if not _CODE_RE.match(code):
            raise DomainError(f"{where}: code “{code}” must have 5 digits (major 2 + minor 3)")
        if code in seen:
            raise DomainError(f"{where}: {kind.value} code {code} is listed twice")
        if r["major_code"] != code[:2]:
            raise DomainError(
                f"{where}: major code “{r['major_code']}” does not match code {code}: the "
                "major class is the first two digits"
            )
        if not r["name"] or not r["major_name"] or not r["standard_ref"]:
            raise DomainError(f"{where}: name, major_name and standard_ref are mandatory")
        known = major_names.setdefault(code[:2], r["major_name"])
        if known != r["major_name"]:
            raise DomainError(
                f"{where}: major class {code[:2]} is called “{r['major_name']}” here but "
                f"“{known}” above"
            )
        seen.add(code)
        out.append(CatalogueEntry(kind, code, r["name"], r["major_code"], r["major_name"],
                                  r["standard_ref"]))
    return out


_LEGACY_COLUMNS = ["kind", "legacy_code", "legacy_name", "legacy_major_name", "standard_ref",
                   "code_2026"]


def _read_legacy(path: Path, cat: Catalogue) -> list[LegacyCode]:
    out: list[LegacyCode] = []
    seen: set[tuple[CaseKind, str]] = set()
    for line, r in _csv_rows(path, _LEGACY_COLUMNS):
        where = f"{path.name} line {line}"
        try:
            kind = CaseKind(r["kind"])
        except ValueError:
            raise DomainError(f"{where}: kind “{r['kind']}” must be part or matter") from None
        code4 = _normalise_legacy(r["legacy_code"])
        if not _LEGACY_RE.match(code4):
            raise DomainError(f"{where}: legacy code “{r['legacy_code']}” must have 4 digits")
        if (kind, code4) in seen:
            raise DomainError(f"{where}: legacy {kind.value} code {code4} is listed twice")
        target = r["code_2026"] or None
        if target is not None and cat.find(kind, target) is None:
            raise DomainError(
                f"{where}: legacy {kind.value} code {code4} maps to {target}, which is not in "
                "the catalogue"
            )
        seen.add((kind, code4))
        out.append(LegacyCode(kind, code4, r["legacy_name"], r["legacy_major_name"],
                              r["standard_ref"], target))
    return out


def _load(directory: Path) -> Catalogue:
    entries = _read_entries(directory / PARTS_FILE, CaseKind.PART)
    entries += _read_entries(directory / MATTERS_FILE, CaseKind.MATTER)
    cat = Catalogue(entries)
    legacy_path = directory / LEGACY_FILE
    if legacy_path.is_file():  # the legacy table is optional for a city's own catalogue
        cat = Catalogue(entries, _read_legacy(legacy_path, cat))
    return cat


@functools.cache
def _default_catalogue() -> Catalogue:
    from app.paths import CATALOGUE_DIR

    return _load(CATALOGUE_DIR)


def load_catalogue(directory: Path | None = None) -> Catalogue:
    """Load and validate the catalogue; the shipped one (``directory=None``) is cached."""
    if directory is None:
        return _default_catalogue()
    return _load(Path(directory))
