"""Trend arithmetic and the Hefei sizing bands on hand-made numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from app.analytics.sizing import Band, SizingBands, check_sizing
from app.analytics.trends import build_trends, total


def test_trend_arithmetic_fills_days_and_cumulates_backlog() -> None:
    d1, d2, d3 = date(2026, 9, 1), date(2026, 9, 2), date(2026, 9, 3)
    reported = [(d1, "a", 5), (d3, "a", 2), (d2, "b", 4)]
    closures = [(d1, "a", 2, 1, 2, 10.0), (d2, "a", 3, 3, 3, 30.0), (d2, "b", 1, 0, 0, 2.0)]
    t = build_trends(d1, date(2026, 9, 4), reported, closures, [("a", 7)])
    a, b = t["a"], t["b"]
    assert list(a.days.astype(str)) == ["2026-09-01", "2026-09-02", "2026-09-03"]
    assert list(a.volume) == [5, 0, 2]
    assert list(a.backlog) == [7 + 5 - 2, 10 - 3, 7 + 2]
    assert list(b.backlog) == [0, 3, 3]
    np.testing.assert_allclose(a.on_time_rate[:2], [0.5, 1.0])
    assert np.isnan(a.on_time_rate[2]) and np.isnan(b.on_time_rate[1])  # nothing judged
    np.testing.assert_allclose(a.mean_hours[:2], [5.0, 10.0])
    assert a.window_rate() == (4, 5)
    s = total(t.values())
    assert list(s.volume) == [5, 4, 2] and list(s.backlog) == [10, 10, 12]


def test_empty_window_input_gives_no_series() -> None:
    assert build_trends(date(2026, 9, 1), date(2026, 9, 2), [], [], []) == {}


@dataclass
class U:
    code: str
    name: str
    households: int
    residents: int


def test_sizing_bands_on_a_constructed_community() -> None:
    # One community of four grids: 240 (too small), 250 and 300 (on the bounds: fine),
    # 420 (too big); 1,210 households in all, below the 2,000–4,000 community band.
    grids = [U("g1", "1号", 240, 700), U("g2", "2号", 250, 760), U("g3", "3号", 300, 900),
             U("g4", "4号", 420, 1200)]
    community = [U("c1", "样板社区", sum(g.households for g in grids), 3560)]
    street = [U("s1", "样板街道", 1210, 3560)]
    r = check_sizing({"grid": grids, "community": community, "street": street})
    by_code = {i.code: i for i in r.issues}
    assert set(by_code) == {"g1", "g4", "c1", "s1"}
    assert by_code["g1"].deviation == -10 and not by_code["g1"].above
    assert by_code["g4"].deviation == 120 and by_code["g4"].above
    assert abs(by_code["g4"].deviation_pct - 0.4) < 1e-9
    assert by_code["c1"].value == 1210 and by_code["c1"].deviation == 1210 - 2000
    assert by_code["s1"].measure == "residents" and by_code["s1"].deviation == 3560 - 60_000
    g = r.summary["grid"]
    assert (g.n, g.within, g.below, g.above) == (4, 2, 1, 1)
    # The tolerance is configurable: a strict "about 3,000" band of ±10 %.
    strict = check_sizing({"community": [U("c2", "x", 3200, 9000)]},
                          SizingBands(community=Band("households", 2700, 3300)))
    assert strict.issues == []
    wide = check_sizing({"community": [U("c2", "x", 3400, 9000)]},
                        SizingBands(community=Band("households", 2700, 3300)))
    assert wide.issues[0].deviation == 100
