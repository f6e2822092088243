"""Grid sizing check against the Hefei standards (合肥网格化管理规模标准): pure Python.

The Hefei report (``/work/shared/reference/README.md``) sizes a unit grid at 250–300
households, a community at about 3,000 households and a street at 60–80 thousand residents.
"About 3,000" is not a range, so the community band is a stated tolerance, 2,000–4,000 by
default; every band is a field of ``SizingBands`` and can be changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

LEVELS = ("grid", "community", "street")


class Unit(Protocol):
    code: str
    name: str
    households: int
    residents: int


@dataclass(frozen=True)
class Band:
    measure: str  # 'households' or 'residents'
    low: float
    high: float

    def deviation(self, value: float) -> float:
        """Signed distance to the band: negative below, positive above, 0 inside."""
        if value < self.low:
            return value - self.low
        if value > self.high:
            return value - self.high
        return 0.0


@dataclass(frozen=True)
class SizingBands:
    grid: Band = Band("households", 250, 300)
    community: Band = Band("households", 2_000, 4_000)  # "about 3,000" ± 1,000
    street: Band = Band("residents", 60_000, 80_000)

    def of(self, level: str) -> Band:
        return {"grid": self.grid, "community": self.community, "street": self.street}[level]


@dataclass(frozen=True)
class SizingIssue:
    level: str  # grid / community / street
    code: str
    name: str
    measure: str
    value: int
    low: float
    high: float
    deviation: float  # value − nearest bound (negative: too small)
    households: int
    residents: int

    @property
    def deviation_pct(self) -> float:
        """Deviation as a share of the bound it crosses."""
        bound = self.low if self.deviation < 0 else self.high
        return self.deviation / bound if bound else float("inf")

    @property
    def above(self) -> bool:
        return self.deviation > 0


@dataclass(frozen=True)
class LevelSummary:
    n: int
    within: int
    below: int
    above: int

    @property
    def share_within(self) -> float:
        return self.within / self.n if self.n else float("nan")


@dataclass(frozen=True)
class SizingReport:
    bands: SizingBands
    issues: list[SizingIssue]  # grids, then communities, then streets; worst first
    summary: dict[str, LevelSummary] = field(default_factory=dict)


def check_level(level: str, units: Iterable[Unit], band: Band) -> tuple[list[SizingIssue],
                                                                        LevelSummary]:
    issues = []
    n = 0
    for u in units:
        n += 1
        value = int(getattr(u, band.measure))
        dev = band.deviation(value)
        if dev:
            issues.append(SizingIssue(level, u.code, u.name, band.measure, value, band.low,
                                      band.high, dev, int(u.households), int(u.residents)))
    issues.sort(key=lambda i: (-abs(i.deviation_pct), i.code))
    below = sum(1 for i in issues if i.deviation < 0)
    return issues, LevelSummary(n, n - len(issues), below, len(issues) - below)


def check_sizing(units: dict[str, Iterable[Unit]],
                 bands: SizingBands | None = None) -> SizingReport:
    """Check ``{'grid': [...], 'community': [...], 'street': [...]}`` against the bands."""
    bands = bands or SizingBands()
    issues: list[SizingIssue] = []
    summary = {}
    for level in LEVELS:
        found, s = check_level(level, units.get(level, ()), bands.of(level))
        issues += found
        summary[level] = s
    return SizingReport(bands, issues, summary)
