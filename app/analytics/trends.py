"""Daily trend arithmetic for the dashboard: pure numpy, no SQL, no Qt.

Inputs are the grouped rows of ``app.store.trend_queries`` (per day and key); outputs are one
``DailyTrend`` per key with every day of the window present (days with no cases are zeros,
not gaps), so charts and sums never need to align dates themselves.

Definitions (per day ``d`` of ``[start, end)``):

* volume: cases reported on ``d``;
* on-time closure rate: of the cases closed on ``d`` that had a deadline, the share closed
  on or before it – numerator ``on_time`` and denominator ``judged`` are both kept, the rate
  is NaN when nothing was judged;
* mean handling time: mean hours from report to closure of the cases closed on ``d``;
* backlog: cases open at the end of ``d`` = open at ``start`` + reported − closed, cumulated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np


@dataclass(frozen=True)
class DailyTrend:
    key: str  # '' overall, else a street code, "<kind>:<major>" or "<kind>:<type>"
    days: np.ndarray  # datetime64[D]
    volume: np.ndarray  # int64
    closed: np.ndarray  # int64
    on_time: np.ndarray  # int64, numerator of the on-time rate
    judged: np.ndarray  # int64, denominator (closed cases with a deadline)
    hours_sum: np.ndarray  # float64, summed handling hours of the closed cases
    backlog: np.ndarray  # int64, open at the end of the day

    @property
    def on_time_rate(self) -> np.ndarray:
        """Share 0–1 per day; NaN where nothing was judged."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.judged > 0, self.on_time / np.maximum(self.judged, 1), np.nan)

    @property
    def mean_hours(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.closed > 0, self.hours_sum / np.maximum(self.closed, 1), np.nan)

    @property
    def total_volume(self) -> int:
        return int(self.volume.sum())

    def window_rate(self) -> tuple[int, int]:
        """``(on_time, judged)`` of the whole window."""
        return int(self.on_time.sum()), int(self.judged.sum())


def day_range(start: date, end: date) -> np.ndarray:
    """Every day of ``[start, end)`` as datetime64[D]."""
    return np.arange(np.datetime64(start, "D"), np.datetime64(end, "D"), dtype="datetime64[D]")


def build_trends(start: date, end: date,
                 reported: Iterable[tuple[date, str, int]],
                 closures: Iterable[tuple[date, str, int, int, int, float]],
                 open_at_start: Iterable[tuple[str, int]]) -> dict[str, DailyTrend]:
    """One ``DailyTrend`` per key seen in any input, sorted by key."""
    days = day_range(start, end)
    n = len(days)
    first = days[0] if n else np.datetime64(start, "D")
    reported, closures, base = list(reported), list(closures), dict(open_at_start)
    keys = sorted({r[1] for r in reported} | {c[1] for c in closures} | set(base))
    col = {k: i for i, k in enumerate(keys)}
    m = len(keys)
    vol = np.zeros((m, n), np.int64)
    closed = np.zeros((m, n), np.int64)
    on_time = np.zeros((m, n), np.int64)
    judged = np.zeros((m, n), np.int64)
    hours = np.zeros((m, n), np.float64)

    def day_index(d: date) -> int:
        return int((np.datetime64(d, "D") - first).astype(np.int64))

    for d, k, cnt in reported:
        i = day_index(d)
        if 0 <= i < n:
            vol[col[k], i] += cnt
    for d, k, cnt, ot, jd, h in closures:
        i = day_index(d)
        if 0 <= i < n:
            j = col[k]
            closed[j, i] += cnt
            on_time[j, i] += ot
            judged[j, i] += jd
            hours[j, i] += h
    start_open = np.array([base.get(k, 0) for k in keys], np.int64).reshape(m, 1)
    backlog = start_open + np.cumsum(vol - closed, axis=1)
    return {k: DailyTrend(k, days, vol[j], closed[j], on_time[j], judged[j], hours[j],
                          backlog[j]) for k, j in col.items()}


def total(trends: Iterable[DailyTrend], key: str = "") -> DailyTrend:
    """Sum of several trends over the same days (e.g. every street = the district)."""
    items = list(trends)
    if not items:
        raise ValueError("nothing to add up")
    days = items[0].days

    def add(name: str) -> np.ndarray:
        return np.sum([getattr(t, name) for t in items], axis=0)

    return DailyTrend(key, days, add("volume"), add("closed"), add("on_time"), add("judged"),
                      add("hours_sum"), add("backlog"))
