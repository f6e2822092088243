"""Evaluation formulas (app.analytics.evaluation) on small hand-computed cases, including
the cases where the open implementation S2 goes wrong (standards.md §5)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from app.analytics import evaluation as ev
from app.analytics.evaluation import Rate, composite, grade


def _sup(valid: int, decided: int, verify: tuple[int, int], check: tuple[int, int],
         missed: int, filed: int) -> ev.EntityResult:
    c = {"reports": decided, "reports_decided": decided, "reports_valid": valid,
         "verifies_on_time": verify[0], "verifies": verify[1], "checks_on_time": check[0],
         "checks": check[1]}
    return ev.evaluate_supervisor("fs1", "甲", c, area_filed=filed, area_missed=missed)


# -- Rate ----------------------------------------------------------------------------------------
def test_rate_carries_numerator_and_denominator() -> None:
    r = Rate(3, 4)
    assert (r.num, r.den, r.value, r.percent) == (3, 4, 0.75, 75.0)


def test_rate_with_zero_denominator_has_no_value() -> None:
    r = Rate(0, 0)
    assert r.value is None and r.percent is None
    assert ev.rate_score(r) is None and ev.inverted_score(r) is None


def test_rate_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError, match="exceeds"):
        Rate(5, 4)
    with pytest.raises(ValueError, match="non-negative"):
        Rate(-1, 4)


# -- grades and composite ------------------------------------------------------------------------
@pytest.mark.parametrize(("score", "expected"), [
    (100, "A"), (90, "A"), (89.99, "B"), (75, "B"), (74.99, "C"), (60, "C"), (59.99, "D"),
    (40, "D"), (39.99, "E"), (0, "E"), (89.999, "A"), (None, "—")])
def test_grade_band_edges(score: float | None, expected: str) -> None:
    # 89.999 is shown as 90.00 and graded as shown.
    assert grade(score) == expected


def test_composite_rescales_weights_over_applicable_indicators() -> None:
    assert composite([(80.0, 40), (None, 20), (50.0, 40)]) == 65.0
    assert composite([(None, 40), (None, 60)]) is None
    assert composite([(100.0, 0), (None, 50)]) is None  # weight-0 indicators are not scored


# -- supervisor: 漏报率 is inverted -----------------------------------------------------------------
def test_supervisor_formula_by_hand() -> None:
    r = _sup(valid=9, decided=10, verify=(4, 5), check=(3, 4), missed=2, filed=10)
    # 90×0.4 + (100−20)×0.2 + 80×0.2 + 75×0.2 = 36 + 16 + 16 + 15
    assert r.score == 83.0 and r.grade == "B"
    missed = r.indicator("missed_rate")
    assert missed.rate == Rate(2, 10) and missed.inverted and missed.score == 80.0


def test_supervisor_missing_more_scores_lower_not_higher() -> None:
    # S2 adds the raw 漏报率: the supervisor who missed 80 % would score higher.
    good = _sup(10, 10, (5, 5), (5, 5), missed=1, filed=10)
    bad = _sup(10, 10, (5, 5), (5, 5), missed=8, filed=10)
    assert good.score == 98.0 and bad.score == 84.0
    assert bad.score < good.score


def test_supervisor_without_verifications_is_scored_on_the_rest() -> None:
    r = _sup(valid=10, decided=10, verify=(0, 0), check=(0, 0), missed=0, filed=0)
    assert r.indicator("verify_on_time").score is None
    assert r.score == 100.0  # only 有效上报率 applies
    none = _sup(0, 0, (0, 0), (0, 0), 0, 0)
    assert none.score is None and none.grade == "—"


# -- operator, shift leader, dispatcher -----------------------------------------------------------
@pytest.mark.parametrize(("n", "pts"), [(0, 0), (100, 0), (101, 40), (300, 40), (301, 60),
                                        (501, 75), (1200, 75), (1201, 90), (2000, 90),
                                        (2001, 100)])
def test_volume_score_tiers(n: int, pts: float) -> None:
    assert ev.volume_score(n) == pts


def test_operator_formula_by_hand() -> None:
    r = ev.evaluate_operator("op1", "乙", {"accepted": 600, "verify_sent": 10,
                                           "verify_sent_on_time": 9, "check_sent": 20,
                                           "check_sent_on_time": 20})
    # 75×0.25 + 90×0.40 + 100×0.35 = 18.75 + 36 + 35
    assert r.score == 89.75 and r.grade == "B"


def test_shift_leader_formula_by_hand() -> None:
    r = ev.evaluate_shift_leader("sl1", "丙", {"filed": 200, "filed_on_time": 190,
                                               "filed_wrong": 10, "voided": 7, "closed": 100,
                                               "closed_on_time": 80})
    # 95×0.25 + 95×0.40 + 80×0.35 = 23.75 + 38 + 28
    assert r.score == 89.75
    assert r.indicator("file_accurate").rate == Rate(190, 200)


def test_dispatcher_accuracy_counts_corrections_not_rework() -> None:
    r = ev.evaluate_dispatcher("dp1", "丁", {"dispatched": 520, "dispatched_wrong": 52,
                                             "first_dispatches": 500,
                                             "first_dispatches_on_time": 450})
    # 75×0.2 + 90×0.4 + 90×0.4 = 15 + 36 + 36
    assert r.score == 87.0
    assert r.indicator("dispatch_accurate").rate == Rate(468, 520)


# -- departments ------------------------------------------------------------------------------
@pytest.mark.parametrize(("n", "pts"), [(0, 10), (50, 10), (51, 9), (100, 9), (101, 7.5),
                                        (200, 7.5), (500, 6), (1000, 4), (1001, 0)])
def test_department_volume_points(n: int, pts: float) -> None:
    assert ev.department_volume_points(n) == pts


def _dept(**kw: int) -> ev.EntityResult:
    c = {"assigned": 80, "due_close": 80, "closed": 72, "handled": 75, "handled_on_time": 60,
         "overdue_open": 5, "reworked": 3}
    c.update(kw)
    return ev.evaluate_department("D1", "市政", c)


def test_department_formula_by_hand() -> None:
    r = _dept()
    # 9 points + 90×0.3 + (60/80 = 75)×0.3 + (100 − 4)×0.3 = 9 + 27 + 22.5 + 28.8
    assert r.score == 87.3
    assert r.indicator("handle_on_time").rate == Rate(60, 80)  # overdue open steps count
    assert r.indicator("rework_rate").score == 96.0
    assert r.indicator("overdue").count == 20


def test_department_rework_lowers_the_score() -> None:
    assert _dept(reworked=30).score < _dept(reworked=0).score


def test_department_that_never_handles_is_not_on_time() -> None:
    r = _dept(handled=0, handled_on_time=0, reworked=0, overdue_open=10)
    assert r.indicator("handle_on_time").rate == Rate(0, 10)
    assert r.indicator("handle_on_time").score == 0.0


# -- regions ----------------------------------------------------------------------------------
def test_region_weights_sum_to_100() -> None:
    assert sum(ev.REGION_WEIGHTS.values()) == 100.0
    r = ev.evaluate_region("grid", "g", "g", {"filed": 2, "filed_supervision": 1,
                                              "closed": 2, "closed_on_time": 2}, 90.0)
    assert sum(i.weight for i in r.indicators) == 100.0


def test_region_with_everything_closed_on_time_scores_high() -> None:
    # S2 feeds 100 − rate for 结案率/按期结案率: a perfect region would score low.
    r = ev.evaluate_region("grid", "g", "g", {"filed": 2, "filed_supervision": 2,
                                              "closed": 2, "closed_on_time": 2},
                           ev.grid_filed_score(2, "一类区域"))
    # 100×0.1 + 90×0.2 + 100×0.3 + 100×0.4
    assert r.score == 98.0 and r.grade == "A"
    worse = ev.evaluate_region("grid", "g", "g", {"filed": 2, "filed_supervision": 2,
                                                  "closed": 1, "closed_on_time": 0}, 90.0)
    assert worse.score == 43.0 and worse.score < r.score


@pytest.mark.parametrize(("filed", "cls", "pts"), [
    (0, "一类区域", 100), (1, "一类区域", 90), (2, "一类区域", 90), (3, "一类区域", 75),
    (5, "一类区域", 60), (7, "一类区域", 40), (8, "一类区域", 40), (9, "一类区域", 0),
    (3, "二类区域", 90), (4, "二类区域", 75), (6, "二类区域", 60), (8, "二类区域", 40),
    (9, "二类区域", 40), (10, "二类区域", 0)])
def test_grid_filed_score(filed: int, cls: str, pts: float) -> None:
    assert ev.grid_filed_score(filed, cls) == pts


def test_roll_up_sums_grids_and_averages_filed_scores() -> None:
    counts = {"g1": {"filed": 1, "closed": 1}, "g2": {"filed": 9, "closed": 5}}
    grids = [("g1", "c1", "s1", "一类区域"), ("g2", "c1", "s1", "一类区域"),
             ("g3", "c2", "s1", "二类区域")]
    out = ev.roll_up(counts, grids)
    assert out["grid"]["g3"] == ({"filed": 0, "closed": 0}, 100.0)
    assert out["community"]["c1"] == ({"filed": 10, "closed": 6}, 45.0)  # (90 + 0) / 2
    assert out["street"]["s1"] == ({"filed": 10, "closed": 6}, 63.33)
    assert out["district"][""][0] == {"filed": 10, "closed": 6}


# -- loop levels --------------------------------------------------------------------------------
def test_loop_shares_and_goal() -> None:
    lp = ev.loop_shares("", "全区", {"loop_closed": 10, "loop_community": 8, "loop_street": 1,
                                      "loop_district": 1})
    assert lp.community == Rate(8, 10) and lp.micro_goal_met is True
    assert ev.loop_shares("", "", {"loop_closed": 0, "loop_community": 0, "loop_street": 0,
                                   "loop_district": 0}).micro_goal_met is None


# -- the working clock of the SQL against the domain calendar -------------------------------------
def test_sql_working_clock_matches_the_calendar() -> None:
    from app.domain.calendar import load_calendar
    from app.store.evaluation_queries import _Clock, epoch

    cal = load_calendar()
    clock = _Clock.build(cal, date(2025, 9, 1), date(2026, 12, 31))
    t0 = datetime(2026, 9, 28, 16, 0)  # before the National Day holidays and make-up days
    for h in (0, 3, 17, 30, 75, 200, 300, 500, 700, 1000):
        for m in (0, 29):
            t1 = t0 + timedelta(hours=h, minutes=m)
            want = cal.working_time_between(t0, t1).total_seconds()
            assert clock.w(epoch(t1)) - clock.w(epoch(t0)) == want, t1
    day = datetime.combine(date(2026, 10, 9), time(12, 0))  # a make-up Saturday
    assert cal.is_working_day(day.date()) == (clock.w(epoch(day)) != clock.w(
        epoch(day.replace(hour=8))))
