"""Evaluation formulas (考核评价, standards.md §5, CJ/T 292 model) over plain counts.

Pure functions: every input is a count per entity (see :mod:`app.store.evaluation_queries`
for how they are counted), every output an :class:`EntityResult` with its indicators, a
composite score 0–100 and a grade. docs/evaluation.md writes every formula down with the
corrections against the open implementation S2 flagged in standards.md §5:

* 漏报率 is a negative indicator: it enters as ``100 − rate`` (S2 adds the raw rate, so
  missing more problems scored *higher*);
* region weights sum to 100 % (S2: 70 %); 按期结案率 weighs 40 % – our decision;
* positive indicators (结案率, 按期结案率) are *not* inverted (S2 feeds ``100 − rate``);
* department 返工率 enters as ``100 − 返工率``;
* an accurate dispatch is one not corrected by 改派/回退 (S2 subtracts 返工, which is the
  department's fault, not the dispatcher's).

Zero denominators: a :class:`Rate` with ``den == 0`` has no value and its indicator is *not
applicable*; the composite is the weighted mean of the applicable indicators (their weights
rescaled to 100 %). With no applicable indicator the entity gets no score and no grade.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# Grade bands of any composite (standards.md §5.1, [V S2]); judged on the score rounded to
# two decimals, as it is shown.
GRADE_BANDS: tuple[tuple[float, str], ...] = ((90.0, "A"), (75.0, "B"), (60.0, "C"),
                                              (40.0, "D"))
NO_GRADE = "—"
MICRO_LOOP_GOAL = 0.80  # share solved at grid/community level (Haidian: "80%+ at the base")


@dataclass(frozen=True, slots=True)
class Rate:
    """num / den; ``value`` is None when ``den == 0`` (nothing to judge)."""

    num: int
    den: int

    def __post_init__(self) -> None:
        if self.num < 0 or self.den < 0:
            raise ValueError(f"A rate needs non-negative counts, not {self.num}/{self.den}")
        if self.num > self.den:
            raise ValueError(f"A rate's numerator {self.num} exceeds its denominator {self.den}")

    @property
    def value(self) -> float | None:
        return self.num / self.den if self.den else None

    @property
    def percent(self) -> float | None:
        v = self.value
        return None if v is None else 100.0 * v


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator of an entity: a rate or a count, its score 0–100 and its weight (%)."""

    key: str
    label_zh: str
    weight: float  # % of the composite; 0 = shown, not scored
    score: float | None  # None = not applicable
    rate: Rate | None = None
    count: int | None = None
    inverted: bool = False  # a negative indicator scored as 100 − rate


@dataclass(frozen=True, slots=True)
class EntityResult:
    kind: str
    id: str
    name: str
    indicators: tuple[Indicator, ...]
    score: float | None
    grade: str
    extra: Mapping[str, str] = field(default_factory=dict)  # e.g. role, street

    def indicator(self, key: str) -> Indicator:
        return next(i for i in self.indicators if i.key == key)


# -- scores and grades ------------------------------------------------------------------------
def rate_score(rate: Rate) -> float | None:
    """A positive rate as points: 100 × rate."""
    return rate.percent


def inverted_score(rate: Rate) -> float | None:
    """A negative rate (漏报率, 返工率) as points: 100 − 100 × rate."""
    p = rate.percent
    return None if p is None else 100.0 - p


def composite(parts: Iterable[tuple[float | None, float]]) -> float | None:
    """Weighted mean of (score, weight %) over the applicable scores, rounded to 2 decimals.

    Weights of the applicable parts are rescaled to 100 %; None when none applies.
    """
    applicable = [(s, w) for s, w in parts if s is not None and w > 0]
    total = sum(w for _, w in applicable)
    if not applicable or total <= 0:
        return None
    return round(sum(s * w for s, w in applicable) / total, 2)


def grade(score: float | None) -> str:
    """A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, E < 40; "—" without a score."""
    if score is None:
        return NO_GRADE
    s = round(score, 2)
    for floor, g in GRADE_BANDS:
        if s >= floor:
            return g
    return "E"


def volume_score(n: int) -> float:
    """受理数分值 (S2; also our 派遣数分值): ≥2001:100, ≥1201:90, ≥501:75, ≥301:60,
    ≥101:40, else 0 – counts per evaluation period."""
    for floor, pts in ((2001, 100.0), (1201, 90.0), (501, 75.0), (301, 60.0), (101, 40.0)):
        if n >= floor:
            return pts
    return 0.0


def department_volume_points(n: int) -> float:
    """立案数分值 of a department, 0–10 points (S2; fewer problems = better): ≤50:10,
    ≤100:9, ≤200:7.5, ≤500:6, ≤1000:4, else 0."""
    for ceil, pts in ((50, 10.0), (100, 9.0), (200, 7.5), (500, 6.0), (1000, 4.0)):
        if n <= ceil:
            return pts
    return 0.0


def is_first_class(region_class: str) -> bool:
    """一类区域 (dense, high standard); anything else is judged as 二类."""
    return region_class.strip().startswith(("一类", "1"))


def grid_filed_score(filed: int, region_class: str) -> float:
    """立案数分值 of one grid in the period (S2): 一类区域 0→100, <3→90, <5→75, <7→60,
    <9→40, else 0; 二类区域 0→100, <4→90, <6→75, <8→60, <10→40, else 0."""
    if filed <= 0:
        return 100.0
    steps = (3, 5, 7, 9) if is_first_class(region_class) else (4, 6, 8, 10)
    for ceil, pts in zip(steps, (90.0, 75.0, 60.0, 40.0), strict=True):
        if filed < ceil:
            return pts
    return 0.0


def _result(kind: str, id_: str, name: str, indicators: Sequence[Indicator],
            extra: Mapping[str, str] | None = None) -> EntityResult:
    score = composite((i.score, i.weight) for i in indicators)
    return EntityResult(kind, id_, name, tuple(indicators), score, grade(score),
                        dict(extra or {}))


def _rate(key: str, label: str, weight: float, rate: Rate, *,
          inverted: bool = False) -> Indicator:
    score = inverted_score(rate) if inverted else rate_score(rate)
    return Indicator(key, label, weight, score, rate=rate, inverted=inverted)


def _count(key: str, label: str, n: int, weight: float = 0.0,
           score: float | None = None) -> Indicator:
    return Indicator(key, label, weight, score, count=n)


# -- posts (岗位评价, §5.1) ----------------------------------------------------------------------
def evaluate_supervisor(login: str, name: str, c: Mapping[str, int], area_filed: int,
                        area_missed: int, extra: Mapping[str, str] | None = None
                        ) -> EntityResult:
    """监督员 (and grid workers): 有效上报率×40 % + (100 − 漏报率)×20 % + 按时核实率×20 %
    + 按时核查率×20 %.

    ``c``: reports, reports_decided, reports_valid, verifies, verifies_on_time, checks,
    checks_on_time. 漏报率 = public reports filed in the patrol area / cases filed there.
    """
    return _result("supervisor", login, name, [
        _count("reports", "上报数", c["reports"]),
        _rate("valid_rate", "有效上报率", 40, Rate(c["reports_valid"], c["reports_decided"])),
        _rate("missed_rate", "漏报率", 20, Rate(area_missed, area_filed), inverted=True),
        _rate("verify_on_time", "按时核实率", 20, Rate(c["verifies_on_time"], c["verifies"])),
        _rate("check_on_time", "按时核查率", 20, Rate(c["checks_on_time"], c["checks"])),
    ], extra)


def evaluate_operator(login: str, name: str, c: Mapping[str, int],
                      extra: Mapping[str, str] | None = None) -> EntityResult:
    """受理员: 受理数分值×25 % + 核实按时派发率×40 % + 核查按时派发率×35 %."""
    return _result("operator", login, name, [
        _count("accepted", "受理数", c["accepted"], 25, volume_score(c["accepted"])),
        _rate("verify_sent_on_time", "核实按时派发率", 40,
              Rate(c["verify_sent_on_time"], c["verify_sent"])),
        _rate("check_sent_on_time", "核查按时派发率", 35,
              Rate(c["check_sent_on_time"], c["check_sent"])),
    ], extra)


def evaluate_shift_leader(login: str, name: str, c: Mapping[str, int],
                          extra: Mapping[str, str] | None = None) -> EntityResult:
    """值班长: 按时立案率×25 % + 准确立案率×40 % + 按时结案率×35 %.

    准确立案率 = (立案数 − 错误立案数) / 立案数, 错误立案 = a filed case later voided or
    merged as a duplicate.
    """
    return _result("shift_leader", login, name, [
        _count("filed", "立案数", c["filed"]),
        _count("voided", "作废数", c["voided"]),
        _rate("file_on_time", "按时立案率", 25, Rate(c["filed_on_time"], c["filed"])),
        _rate("file_accurate", "准确立案率", 40, Rate(c["filed"] - c["filed_wrong"], c["filed"])),
        _rate("close_on_time", "按时结案率", 35, Rate(c["closed_on_time"], c["closed"])),
    ], extra)


def evaluate_dispatcher(login: str, name: str, c: Mapping[str, int],
                        extra: Mapping[str, str] | None = None) -> EntityResult:
    """派遣员: 派遣数分值×20 % + 按时派遣率×40 % + 准确派遣率×40 %.

    准确派遣率 = dispatches not corrected later (改派 or approved 回退) / dispatches.
    """
    return _result("dispatcher", login, name, [
        _count("dispatched", "派遣数", c["dispatched"], 20, volume_score(c["dispatched"])),
        _rate("dispatch_on_time", "按时派遣率", 40,
              Rate(c["first_dispatches_on_time"], c["first_dispatches"])),
        _rate("dispatch_accurate", "准确派遣率", 40,
              Rate(c["dispatched"] - c["dispatched_wrong"], c["dispatched"])),
    ], extra)


# -- departments (专业部门评价, §5.2) -------------------------------------------------------------
def evaluate_department(code: str, name: str, c: Mapping[str, int]) -> EntityResult:
    """专业部门: 立案数分值 (10 points) + 结案率×30 % + 按时处置率×30 % + (100 − 返工率)×30 %.

    ``c``: assigned, due_close, closed, handled, handled_on_time, overdue_open, reworked.
    应处置数 = handled + handling steps overdue and still open at the end of the period.
    """
    due = c["handled"] + c["overdue_open"]
    return _result("department", code, name, [
        _count("assigned", "派遣(立案)数", c["assigned"], 10,
               10.0 * department_volume_points(c["assigned"])),
        _rate("close_rate", "结案率", 30, Rate(c["closed"], c["due_close"])),
        _rate("handle_on_time", "按时处置率", 30, Rate(c["handled_on_time"], due)),
        _rate("rework_rate", "返工率", 30, Rate(c["reworked"], c["handled"]), inverted=True),
        _rate("handle_rate", "处置率", 0, Rate(c["handled"], due)),
        _count("overdue", "超期处置数", due - c["handled_on_time"]),
    ])


# -- regions (区域评价, §5.3) ---------------------------------------------------------------------
REGION_WEIGHTS = {"supervision_rate": 10.0, "filed_score": 20.0, "close_rate": 30.0,
                  "close_on_time": 40.0}  # 按期结案率 40 %: our decision (S2's sum is 70 %)


def evaluate_region(kind: str, id_: str, name: str, c: Mapping[str, int],
                    filed_score: float, extra: Mapping[str, str] | None = None
                    ) -> EntityResult:
    """Grid, community or street: 监督举报率×10 % + 立案数分值×20 % + 结案率×30 %
    + 按期结案率×40 %.

    ``c``: filed, filed_supervision, closed, closed_on_time (cases filed in the period);
    ``filed_score``: :func:`grid_filed_score` of a grid, the mean over its grids above.
    """
    w = REGION_WEIGHTS
    return _result(kind, id_, name, [
        _count("filed", "立案数", c["filed"], w["filed_score"], filed_score),
        _rate("supervision_rate", "监督举报率", w["supervision_rate"],
              Rate(c["filed_supervision"], c["filed"])),
        _rate("close_rate", "结案率", w["close_rate"], Rate(c["closed"], c["filed"])),
        _rate("close_on_time", "按期结案率", w["close_on_time"],
              Rate(c["closed_on_time"], c["filed"])),
    ], extra)


def roll_up(grid_counts: Mapping[str, Mapping[str, int]],
            grids: Iterable[tuple[str, str, str, str]]
            ) -> dict[str, dict[str, tuple[dict[str, int], float]]]:
    """Sum grid counts into communities, streets and the district.

    ``grids``: (grid id, community code, street code, region class) of *every* grid, so
    grids without cases count (立案数分值 100). Returns ``{kind: {id: (counts, filed_score)}}``
    for kind grid, community, street, district; the filed score of a region is the mean of
    its grids' scores.
    """
    out: dict[str, dict[str, tuple[dict[str, int], float]]] = {
        "grid": {}, "community": {}, "street": {}, "district": {}}
    sums: dict[tuple[str, str], dict[str, int]] = {}
    scores: dict[tuple[str, str], list[float]] = {}
    keys = None
    for counts in grid_counts.values():
        keys = list(counts)
        break
    for gid, community, street, region_class in grids:
        c = dict(grid_counts.get(gid, {}))
        if keys is not None:
            for k in keys:
                c.setdefault(k, 0)
        s = grid_filed_score(c.get("filed", 0), region_class)
        out["grid"][gid] = (c, s)
        for kind, key in (("community", community), ("street", street), ("district", "")):
            agg = sums.setdefault((kind, key), {})
            for k, v in c.items():
                agg[k] = agg.get(k, 0) + v
            scores.setdefault((kind, key), []).append(s)
    for (kind, key), agg in sums.items():
        sc = scores[(kind, key)]
        out[kind][key] = (agg, round(sum(sc) / len(sc), 2))
    return out


# -- loop levels (微循环 / 小循环 / 大循环) ------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LoopShares:
    """Where the cases closed in the period were solved."""

    id: str
    name: str
    community: Rate  # grid/community level: the micro loop
    street: Rate
    district: Rate
    goal: float = MICRO_LOOP_GOAL

    @property
    def micro_goal_met(self) -> bool | None:
        v = self.community.value
        return None if v is None else v >= self.goal


def loop_shares(id_: str, name: str, c: Mapping[str, int],
                goal: float = MICRO_LOOP_GOAL) -> LoopShares:
    """``c``: loop_closed, loop_community, loop_street, loop_district."""
    n = c["loop_closed"]
    return LoopShares(id_, name, Rate(c["loop_community"], n), Rate(c["loop_street"], n),
                      Rate(c["loop_district"], n), goal)
