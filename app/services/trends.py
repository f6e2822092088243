"""Trends dashboard use case: daily volume, on-time closure, handling time and backlog.

Two grouped statements per window (``app.store.trend_queries``) and numpy arithmetic
(``app.analytics.trends``). Windows are dates with the end EXCLUSIVE, as in evaluation:
``trends(date(2026, 9, 1), date(2026, 10, 1))`` is September.

Example::

    t = TrendService(store).trends(date(2026, 9, 1), date(2026, 10, 1), by="street")
    t.series[t.keys[0]].volume
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.analytics.trends import DailyTrend, build_trends, total
from app.store import trend_queries as q
from app.store.store import Store

BREAKDOWNS = ("all", "major", "street", "type")


@dataclass(frozen=True)
class Trends:
    start: date
    end: date  # exclusive
    by: str
    overall: DailyTrend
    series: dict[str, DailyTrend]  # by key ('' only when by == 'all')
    labels: dict[str, str]  # key -> display name

    @property
    def keys(self) -> list[str]:
        """Keys by window volume, largest first."""
        return sorted(self.series, key=lambda k: (-self.series[k].total_volume, k))

    def label(self, key: str) -> str:
        return self.labels.get(key) or key


def _dt(d: date) -> datetime:
    return datetime.combine(d, time())


class TrendService:
    def __init__(self, store: Store) -> None:
        self.store = store

    def last_day(self) -> date:
        """The latest day with a report (today when there are no cases)."""
        return q.last_report_day(self.store.engine) or date.today()

    def default_window(self, days: int = 90) -> tuple[date, date]:
        end = self.last_day() + timedelta(days=1)
        return end - timedelta(days=days), end

    def trends(self, start: date, end: date, by: str = "all") -> Trends:
        if by not in BREAKDOWNS:
            raise ValueError(f"unknown breakdown {by!r}: one of {', '.join(BREAKDOWNS)}")
        if end <= start:
            raise ValueError(f"empty window {start} – {end} (the end date is exclusive)")
        e = self.store.engine
        flows, base = q.flow_rows(e, _dt(start), _dt(end), by)
        closures = q.closure_rows(e, _dt(start), _dt(end), by)
        series = build_trends(start, end, flows, closures, base)
        if by == "all":
            overall = series.get("") or build_trends(start, end, [], [], [("", 0)])[""]
            series = {"": overall}
        else:
            overall = total(series.values()) if series else \
                build_trends(start, end, [], [], [("", 0)])[""]
        labels = q.key_labels(e, by) if by != "all" else {}
        return Trends(start, end, by, overall, series, labels)

    def day_cases(self, day: date, street: str | None = None,
                  major: str | None = None) -> q.DayPoints:
        """Cases reported on ``day`` (ids, numbers, map x/y) for highlighting."""
        return q.day_points(self.store.engine, day, street, major)
