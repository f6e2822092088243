"""Likely-duplicate rules (重复案件判定): per type, how near and how soon a second report of
the same type counts as the same problem. Kept as data (``data/duplicate_rules.csv``): a
5-digit type code, a 2-digit major class or ``*``; the most specific row wins."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from app.domain.errors import DomainError

DUPLICATE_RULES_FILE = "duplicate_rules.csv"


@dataclass(frozen=True, slots=True)
class DuplicateRule:
    type_code: str
    radius_m: float
    window_hours: float
    why: str = ""


class DuplicateRules:
    def __init__(self, rules: Iterable[DuplicateRule]) -> None:
        self._rules = {r.type_code: r for r in rules}
        if "*" not in self._rules:
            raise DomainError("The duplicate rules need a default row with type_code '*'")

    def rule_for(self, type_code: str) -> DuplicateRule:
        return (self._rules.get(type_code) or self._rules.get(type_code[:2])
                or self._rules["*"])


def read_duplicate_rules(rows: Iterable[Mapping[str, str]]) -> DuplicateRules:
    out = []
    for i, row in enumerate(rows, start=2):
        code = (row.get("type_code") or "").strip()
        try:
            radius, window = float(row["radius_m"]), float(row["window_hours"])
        except (KeyError, TypeError, ValueError) as exc:
            raise DomainError(f"{DUPLICATE_RULES_FILE} line {i}: radius_m and window_hours "
                              "must be numbers") from exc
        if code != "*" and not (code.isdigit() and len(code) in (2, 5)):
            raise DomainError(f"{DUPLICATE_RULES_FILE} line {i}: type_code “{code}” must be "
                              "a 5-digit type, a 2-digit major class or *")
        if radius <= 0 or window <= 0:
            raise DomainError(f"{DUPLICATE_RULES_FILE} line {i}: radius and window must be "
                              "positive")
        out.append(DuplicateRule(code, radius, window, (row.get("why") or "").strip()))
    return DuplicateRules(out)


def load_duplicate_rules(path: Path | None = None) -> DuplicateRules:
    if path is None:
        from app.paths import DATA_DIR

        path = DATA_DIR / DUPLICATE_RULES_FILE
    with open(path, encoding="utf-8", newline="") as fh:
        return read_duplicate_rules(csv.DictReader(fh))
