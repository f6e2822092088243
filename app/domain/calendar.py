"""Working calendar and time limits (时限) of the case loop (standards.md §4.4).

Every step of a case has a limit in working or calendar time (工作时, 工作日, 小时, 天). A
working calendar says when the clock runs: weekdays, office hours, public holidays and the
make-up workdays (调休上班) that China's holiday schedule adds on weekends. It is data, not
code: ``to_dict`` / ``from_dict`` give a JSON-compatible form, and ``data/calendar_2026.json``
ships the official 2026 schedule.

Datetimes are naive local (wall-clock) times of the office. Aware datetimes also work: the
arithmetic is done on their wall clock and the result keeps their ``tzinfo``.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal

from app.domain.errors import DomainError

if TYPE_CHECKING:
    from pathlib import Path

CALENDAR_FILE = "calendar_2026.json"
TIME_LIMITS_FILE = "time_limits.csv"

ZERO = timedelta(0)
# A calendar with no working time at all would make add_working_time loop forever; ten years
# without a working minute is certainly a configuration error.
_MAX_SCAN_DAYS = 3660

# Beijing government offices: 08:30–12:00 and 13:30–17:30 (summer hours vary by city; the
# calendar is data, so a city edits it rather than the code).
DEFAULT_HOURS: tuple[tuple[time, time], ...] = (
    (time(8, 30), time(12, 0)),
    (time(13, 30), time(17, 30)),
)
DEFAULT_WEEKDAYS: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday=0 … Friday=4


class LimitUnit(StrEnum):
    WORKING_HOURS = "working_hours"  # 工作时
    WORKING_DAYS = "working_days"  # 工作日
    CALENDAR_HOURS = "calendar_hours"  # 小时
    CALENDAR_DAYS = "calendar_days"  # 天

    @property
    def is_working(self) -> bool:
        return self in (LimitUnit.WORKING_HOURS, LimitUnit.WORKING_DAYS)

    @property
    def label_zh(self) -> str:
        return {"working_hours": "工作时", "working_days": "工作日",
                "calendar_hours": "小时", "calendar_days": "天"}[self.value]


UnitName = Literal["working_hours", "working_days", "calendar_hours", "calendar_days"]
Light = Literal["green", "yellow", "red"]

# Thresholds of the traffic light (standards.md §4.4, [V S2]): share of the limit used.
YELLOW_FROM = 0.8


def _parse_time(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise DomainError(f"Working hours: “{text}” is not a time of day like 08:30") from None


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"Calendar: “{text}” is not a date like 2026-10-01") from None


def _expand_dates(items: Iterable[Any], what: str) -> set[date]:
    """Dates from "2026-10-01", "2026-10-01/2026-10-07" or {"from": …, "to": …, "name": …}."""
    out: set[date] = set()
    for item in items:
        if isinstance(item, Mapping):
            if "from" not in item:
                raise DomainError(f"Calendar {what}: entry {dict(item)} needs a “from” date")
            first = _parse_date(str(item["from"]))
            last = _parse_date(str(item.get("to", item["from"])))
        elif isinstance(item, str):
            a, _, b = item.partition("/")
            first = _parse_date(a.strip())
            last = _parse_date(b.strip()) if b else first
        else:
            raise DomainError(f"Calendar {what}: {item!r} is neither a date nor a date range")
        if last < first:
            raise DomainError(f"Calendar {what}: range {first} – {last} ends before it starts")
        d = first
        while d <= last:
            out.add(d)
            d += timedelta(days=1)
    return out


def _compact_ranges(days: Iterable[date]) -> list[str]:
    """Sorted dates as "YYYY-MM-DD" or "first/last" for runs of consecutive days."""
    out: list[str] = []
    run: list[date] = []
    for d in sorted(days):
        if run and d - run[-1] == timedelta(days=1):
            run.append(d)
            continue
        if run:
            out.append(_range_text(run[0], run[-1]))
        run = [d]
    if run:
        out.append(_range_text(run[0], run[-1]))
    return out


def _range_text(first: date, last: date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()}/{last.isoformat()}"


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """When the time-limit clock runs.

    Parameters
    ----------
    weekdays
        Regular working weekdays, Monday = 0 (as ``date.weekday()``).
    hours
        Working intervals of a working day, sorted and not overlapping.
    holidays
        Dates off even if they fall on a regular weekday (法定节假日 and 调休 days off).
    workdays
        Make-up working days (调休上班), worked even on a weekend.
    """

    weekdays: frozenset[int] = DEFAULT_WEEKDAYS
    hours: tuple[tuple[time, time], ...] = DEFAULT_HOURS
    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    name: str = ""
    note: str = ""
    # Names of holiday ranges, kept only so that the JSON round trip loses nothing useful.
    holiday_names: Mapping[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not self.weekdays <= set(range(7)):
            raise DomainError(f"Calendar weekdays {sorted(self.weekdays)} must lie in 0–6")
        prev_end: time | None = None
        for start, end in self.hours:
            if end <= start:
                raise DomainError(f"Working hours {start:%H:%M}–{end:%H:%M} end before they start")
            if prev_end is not None and start < prev_end:
                raise DomainError(
                    f"Working hours {start:%H:%M}–{end:%H:%M} overlap or are out of order"
                )
            prev_end = end
        both = self.holidays & self.workdays
        if both:
            raise DomainError(
                "A date cannot be both a holiday and a make-up working day (调休上班): "
                + ", ".join(d.isoformat() for d in sorted(both))
            )

    # -- days and hours -------------------------------------------------------------------
    @property
    def day_length(self) -> timedelta:
        """Working time of one full working day (7.5 h with the default hours)."""
        return sum((_span(s, e) for s, e in self.hours), ZERO)

    def is_working_day(self, day: date) -> bool:
        # A make-up day wins over the weekday rule; a holiday wins over it the other way.
        if day in self.workdays:
            return True
        return day.weekday() in self.weekdays and day not in self.holidays

    def _intervals(self, day: date, tz: Any) -> list[tuple[datetime, datetime]]:
        if not self.is_working_day(day):
            return []
        return [(datetime.combine(day, s, tz), datetime.combine(day, e, tz))
                for s, e in self.hours]

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The moment when ``duration`` of working time has passed after ``start``.

        A limit that runs out exactly at the end of an interval ends there (17:30), not at the
        start of the next one. Zero duration returns ``start`` itself.
        """
        if duration < ZERO:
            raise DomainError(f"Cannot add a negative working time ({duration})")
        if duration == ZERO:
            return start
        if not self.hours or (not self.weekdays and not self.workdays):
            raise DomainError(f"Calendar “{self.name}” has no working time at all")
        remaining = duration
        day = start.date()
        for _ in range(_MAX_SCAN_DAYS):
            for s, e in self._intervals(day, start.tzinfo):
                seg_start = max(s, start)
                if seg_start >= e:
                    continue
                available = e - seg_start
                if remaining <= available:
                    return seg_start + remaining
                remaining -= available
            day += timedelta(days=1)
        raise DomainError(
            f"Calendar “{self.name}” has no working time within {_MAX_SCAN_DAYS} days of {start}"
        )

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time in [a, b]; negative when b is before a."""
        if b < a:
            return -self.working_time_between(b, a)
        total = ZERO
        day = a.date()
        while day <= b.date():
            for s, e in self._intervals(day, a.tzinfo):
                lo, hi = max(s, a), min(e, b)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total

    # -- data form ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form; weekdays are ISO numbers (Monday = 1) for human editors."""
        return {
            "name": self.name,
            "note": self.note,
            "weekdays": sorted(d + 1 for d in self.weekdays),
            "hours": [[f"{s:%H:%M}", f"{e:%H:%M}"] for s, e in self.hours],
            "holidays": _compact_ranges(self.holidays),
            "workdays": _compact_ranges(self.workdays),
            "holiday_names": dict(self.holiday_names),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WorkingCalendar:
        """Build from ``to_dict`` output or a hand-written file.

        ``holidays`` / ``workdays`` entries may be dates, "first/last" ranges, or objects
        ``{"name": "国庆节", "from": "2026-10-01", "to": "2026-10-07"}``. Missing keys take the
        Beijing office defaults.
        """
        weekdays_iso = data.get("weekdays")
        if weekdays_iso is None:
            weekdays = DEFAULT_WEEKDAYS
        else:
            bad = [d for d in weekdays_iso if not (isinstance(d, int) and 1 <= d <= 7)]
            if bad:
                raise DomainError(
                    f"Calendar weekdays {bad} are invalid: use ISO numbers, Monday = 1 … Sunday = 7"
                )
            weekdays = frozenset(int(d) - 1 for d in weekdays_iso)
        hours_raw = data.get("hours")
        hours = DEFAULT_HOURS if hours_raw is None else tuple(
            (_parse_time(str(s)), _parse_time(str(e))) for s, e in hours_raw
        )
        names: dict[str, str] = dict(data.get("holiday_names", {}))
        for item in data.get("holidays", ()):
            if isinstance(item, Mapping) and item.get("name"):
                key = _range_text(_parse_date(str(item["from"])),
                                  _parse_date(str(item.get("to", item["from"]))))
                names[key] = str(item["name"])
        return cls(
            weekdays=weekdays,
            hours=hours,
            holidays=frozenset(_expand_dates(data.get("holidays", ()), "holidays")),
            workdays=frozenset(_expand_dates(data.get("workdays", ()), "workdays")),
            name=str(data.get("name", "")),
            note=str(data.get("note", "")),
            holiday_names=names,
        )


def _span(s: time, e: time) -> timedelta:
    d = date(2000, 1, 3)
    return datetime.combine(d, e) - datetime.combine(d, s)


def load_calendar(path: Path | None = None) -> WorkingCalendar:
    """The calendar in ``path`` (default: the shipped ``data/calendar_2026.json``)."""
    if path is None:
        from app.paths import DATA_DIR  # lazy: keeps the domain free of start-up file I/O

        path = DATA_DIR / CALENDAR_FILE
    with open(path, encoding="utf-8") as fh:
        return WorkingCalendar.from_dict(json.load(fh))


# -- time limits ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TimeLimit:
    """A limit such as 4 工作时 or 15 工作日.

    Working days count as ``amount × day_length`` of working time, so 0.5 工作日 works and one
    working day from Friday 10:00 ends on Monday 10:00.
    """

    amount: float
    unit: LimitUnit | UnitName

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "unit", LimitUnit(self.unit))
        except ValueError:
            raise DomainError(
                f"Time-limit unit “{self.unit}” is unknown: use one of "
                + ", ".join(u.value for u in LimitUnit)
            ) from None
        if not (math.isfinite(self.amount) and self.amount > 0):
            raise DomainError(f"A time limit must be a positive amount, not {self.amount}")

    @property
    def label_zh(self) -> str:
        amount = int(self.amount) if float(self.amount).is_integer() else self.amount
        return f"{amount}{LimitUnit(self.unit).label_zh}"

    def duration(self, calendar: WorkingCalendar) -> timedelta:
        """Length in the limit's own time base (working time for working units)."""
        unit = LimitUnit(self.unit)
        if unit is LimitUnit.WORKING_DAYS:
            return calendar.day_length * self.amount
        if unit is LimitUnit.CALENDAR_DAYS:
            return timedelta(days=self.amount)
        return timedelta(hours=self.amount)


def elapsed(a: datetime, b: datetime, calendar: WorkingCalendar,
            unit: LimitUnit | UnitName) -> timedelta:
    """Time from a to b in the unit's time base (working time or wall-clock time)."""
    if LimitUnit(unit).is_working:
        return calendar.working_time_between(a, b)
    return b - a


def paused_time(intervals: Iterable[tuple[datetime, datetime]], calendar: WorkingCalendar,
                unit: LimitUnit | UnitName) -> timedelta:
    """Parked (挂账) time in the unit's time base: working time for working units.

    A case parked over a weekend loses no working hours, so only the working part of each
    parked interval moves a working-hours deadline.
    """
    return sum((elapsed(a, b, calendar, unit) for a, b in intervals), ZERO)


def deadline(start: datetime, limit: TimeLimit, calendar: WorkingCalendar,
             paused: timedelta = ZERO, *, extension_hours: float = 0.0) -> datetime:
    """When ``limit`` runs out for a step that started at ``start``.

    Parameters
    ----------
    paused
        Time excluded from the clock (parked, 挂账), in the limit's time base – see
        :func:`paused_time`. The deadline moves by it.
    extension_hours
        Granted extension (延期), in hours of the same time base: working hours for working
        limits, calendar hours otherwise.
    """
    if paused < ZERO:
        raise DomainError(f"Paused time cannot be negative ({paused})")
    if extension_hours < 0:
        raise DomainError(f"An extension cannot be negative ({extension_hours} h)")
    total = limit.duration(calendar) + paused + timedelta(hours=extension_hours)
    if LimitUnit(limit.unit).is_working:
        return calendar.add_working_time(start, total)
    return start + total


def remaining(deadline_at: datetime, now: datetime, calendar: WorkingCalendar,
              unit: LimitUnit | UnitName) -> timedelta:
    """Time left until the deadline in the unit's time base; negative when overdue."""
    return elapsed(now, deadline_at, calendar, unit)


def used_share(start: datetime, deadline_at: datetime, now: datetime,
               calendar: WorkingCalendar, unit: LimitUnit | UnitName,
               paused: timedelta = ZERO) -> float:
    """Share of the limit used at ``now`` (1.0 = exactly at the deadline).

    Paused time is taken out of both the elapsed time and the (moved) deadline, so parking
    neither ages a case nor makes it look fresher than it is.
    """
    total = elapsed(start, deadline_at, calendar, unit) - paused
    used = elapsed(start, now, calendar, unit) - paused
    if total <= ZERO:
        return math.inf if now > deadline_at else 0.0
    return max(used / total, 0.0)


def traffic_light(start: datetime, deadline_at: datetime, now: datetime,
                  calendar: WorkingCalendar, unit: LimitUnit | UnitName,
                  paused: timedelta = ZERO) -> Light:
    """green ≤ 80 % of the limit used, yellow 80–100 %, red overdue (standards.md §4.4)."""
    # Overdue is judged on the wall clock: a working-hours limit that ran out at 17:30 is
    # overdue at 18:00 although no working time has passed since.
    if now > deadline_at:
        return "red"
    share = used_share(start, deadline_at, now, calendar, unit, paused)
    if share > YELLOW_FROM:
        return "yellow"
    return "green"


# -- the limit table ----------------------------------------------------------------------------
STEPS: tuple[str, ...] = ("register", "verify", "file", "dispatch", "handle", "check", "close")
ANY_TYPE = "*"


@dataclass(frozen=True, slots=True)
class TimeLimitRule:
    type_code: str  # 5-digit type code, 2-digit major class, or "*"
    step: str
    limit: TimeLimit
    name: str = ""
    source: str = "default"


class TimeLimitTable:
    """Per type and step limits: exact type code, then its major class, then the "*" default."""

    def __init__(self, rules: Iterable[TimeLimitRule]) -> None:
        self._rules: dict[tuple[str, str], TimeLimitRule] = {}
        for rule in rules:
            if rule.step not in STEPS:
                raise DomainError(
                    f"Time limit for {rule.type_code}: step “{rule.step}” is unknown; "
                    f"steps are {', '.join(STEPS)}"
                )
            key = (rule.type_code, rule.step)
            if key in self._rules:
                raise DomainError(f"Time limit for {rule.type_code} / {rule.step} is given twice")
            self._rules[key] = rule

    def __len__(self) -> int:
        return len(self._rules)

    def rule_for(self, type_code: str, step: str) -> TimeLimitRule:
        for key in (type_code, type_code[:2], ANY_TYPE):
            rule = self._rules.get((key, step))
            if rule is not None:
                return rule
        raise DomainError(f"No time limit for type {type_code} at step “{step}”, and no default")

    def limit_for(self, type_code: str, step: str) -> TimeLimit:
        return self.rule_for(type_code, step).limit


def read_time_limits(rows: Sequence[Mapping[str, str]] | Iterable[Mapping[str, str]]
                     ) -> TimeLimitTable:
    rules = []
    for row in rows:
        try:
            amount = float(row["amount"])
        except ValueError:
            raise DomainError(
                f"Time limit for {row['type_code']} / {row['step']}: amount "
                f"“{row['amount']}” is not a number"
            ) from None
        rules.append(TimeLimitRule(
            type_code=row["type_code"].strip(), step=row["step"].strip(),
            limit=TimeLimit(amount, row["unit"].strip()),  # type: ignore[arg-type]
            name=row.get("name", "") or "", source=row.get("source", "") or "default",
        ))
    return TimeLimitTable(rules)


def load_time_limits(path: Path | None = None) -> TimeLimitTable:
    """The limit table in ``path`` (default: the shipped ``data/time_limits.csv``)."""
    if path is None:
        from app.paths import DATA_DIR

        path = DATA_DIR / TIME_LIMITS_FILE
    with open(path, encoding="utf-8", newline="") as fh:
        return read_time_limits(csv.DictReader(fh))
