"""Working calendar, time limits, deadlines and the traffic light."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

import pytest

from app.domain.calendar import (
    STEPS,
    LimitUnit,
    TimeLimit,
    WorkingCalendar,
    deadline,
    load_calendar,
    load_time_limits,
    paused_time,
    remaining,
    traffic_light,
)
from app.domain.errors import DomainError

CAL = WorkingCalendar()  # Beijing office default: Mon–Fri, 08:30–12:00, 13:30–17:30
H4 = TimeLimit(4, "working_hours")


@pytest.fixture(scope="module")
def cal2026() -> WorkingCalendar:
    return load_calendar()


def test_default_day_is_seven_and_a_half_hours() -> None:
    assert CAL.day_length == timedelta(hours=7, minutes=30)


def test_four_working_hours_across_a_weekend() -> None:
    # Friday 16:00–17:30 gives 1.5 h; the remaining 2.5 h run from Monday 08:30 → 11:00.
    start = datetime(2026, 3, 6, 16, 0)
    assert deadline(start, H4, CAL) == datetime(2026, 3, 9, 11, 0)
    assert CAL.working_time_between(start, datetime(2026, 3, 9, 11, 0)) == timedelta(hours=4)


def test_lunch_break_and_evening_are_skipped() -> None:
    assert CAL.add_working_time(datetime(2026, 3, 2, 11, 0), timedelta(hours=2)) == \
        datetime(2026, 3, 2, 14, 30)
    # Started outside hours: the clock starts at the next opening.
    assert CAL.add_working_time(datetime(2026, 3, 2, 20, 0), timedelta(hours=1)) == \
        datetime(2026, 3, 3, 9, 30)
    # Ending exactly at closing time stays on that day.
    assert CAL.add_working_time(datetime(2026, 3, 2, 16, 30), timedelta(hours=1)) == \
        datetime(2026, 3, 2, 17, 30)
    assert CAL.add_working_time(datetime(2026, 3, 7, 10, 0), timedelta(0)) == \
        datetime(2026, 3, 7, 10, 0)


def test_working_days_keep_the_clock_time() -> None:
    start = datetime(2026, 3, 6, 10, 0)  # Friday
    assert deadline(start, TimeLimit(1, "working_days"), CAL) == datetime(2026, 3, 9, 10, 0)
    assert deadline(start, TimeLimit(5, "working_days"), CAL) == datetime(2026, 3, 13, 10, 0)


def test_calendar_units_ignore_the_office_hours() -> None:
    start = datetime(2026, 3, 6, 16, 0)
    assert deadline(start, TimeLimit(4, "calendar_hours"), CAL) == datetime(2026, 3, 6, 20, 0)
    assert deadline(start, TimeLimit(2, "calendar_days"), CAL) == datetime(2026, 3, 8, 16, 0)
    assert deadline(start, TimeLimit(2, "calendar_days"), CAL, timedelta(hours=5)) == \
        datetime(2026, 3, 8, 21, 0)


def test_day_before_national_day_skips_the_holiday(cal2026: WorkingCalendar) -> None:
    start = datetime(2026, 9, 30, 16, 0)  # Wednesday before 国庆 (Oct 1–7)
    assert deadline(start, H4, cal2026) == datetime(2026, 10, 8, 11, 0)
    # Without the holidays the same limit would end on Thursday Oct 1.
    assert deadline(start, H4, CAL) == datetime(2026, 10, 1, 11, 0)
    assert cal2026.working_time_between(datetime(2026, 10, 1), datetime(2026, 10, 8)) == \
        timedelta(0)


def test_make_up_working_days_are_counted(cal2026: WorkingCalendar) -> None:
    # Friday Oct 9 16:00 → Saturday Oct 10 is a make-up workday (调休上班).
    assert deadline(datetime(2026, 10, 9, 16, 0), H4, cal2026) == datetime(2026, 10, 10, 11, 0)
    # Sunday Sep 20 too: from Friday Sep 18 16:00 the limit ends on that Sunday.
    assert deadline(datetime(2026, 9, 18, 16, 0), H4, cal2026) == datetime(2026, 9, 20, 11, 0)
    assert cal2026.is_working_day(date(2026, 2, 14))  # Saturday before 春节
    assert not cal2026.is_working_day(date(2026, 2, 16))  # Monday in 春节


def test_shipped_2026_calendar(cal2026: WorkingCalendar) -> None:
    assert len(cal2026.holidays) == 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert cal2026.workdays == {date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28),
                                date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10)}
    assert cal2026.hours == ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))
    assert cal2026.holiday_names["2026-10-01/2026-10-07"] == "国庆节"
    assert "国务院办公厅" in cal2026.note


def test_round_trip_through_json(cal2026: WorkingCalendar) -> None:
    data = json.loads(json.dumps(cal2026.to_dict(), ensure_ascii=False))
    assert "2026-10-01/2026-10-07" in data["holidays"]
    assert data["weekdays"] == [1, 2, 3, 4, 5]
    again = WorkingCalendar.from_dict(data)
    assert again == cal2026
    assert again.holiday_names == cal2026.holiday_names


def test_from_dict_accepts_plain_dates_and_defaults() -> None:
    cal = WorkingCalendar.from_dict({"holidays": ["2026-03-09"], "hours": [["09:00", "17:00"]],
                                     "weekdays": [1, 2, 3, 4, 5, 6]})
    assert cal.is_working_day(date(2026, 3, 7))  # Saturday is a weekday here
    assert not cal.is_working_day(date(2026, 3, 9))
    assert cal.day_length == timedelta(hours=8)
    assert WorkingCalendar.from_dict({}) == WorkingCalendar()


@pytest.mark.parametrize(("data", "match"), [
    ({"weekdays": [0]}, "ISO numbers"),
    ({"hours": [["12:00", "08:00"]]}, "end before"),
    ({"hours": [["08:00", "12:00"], ["11:00", "13:00"]]}, "overlap"),
    ({"holidays": ["2026-10-01"], "workdays": ["2026-10-01"]}, "both a holiday"),
    ({"holidays": ["2026-13-01"]}, "not a date"),
    ({"holidays": ["2026-10-07/2026-10-01"]}, "ends before"),
])
def test_bad_calendar_data_is_refused(data: dict[str, object], match: str) -> None:
    with pytest.raises(DomainError, match=match):
        WorkingCalendar.from_dict(data)


def test_time_limit_validation() -> None:
    with pytest.raises(DomainError, match="unit"):
        TimeLimit(4, "fortnights")  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="positive"):
        TimeLimit(0, "working_hours")
    assert TimeLimit(4, "working_hours").label_zh == "4工作时"
    assert TimeLimit(0.5, LimitUnit.WORKING_DAYS).label_zh == "0.5工作日"


def test_paused_time_moves_the_deadline_by_working_time() -> None:
    start = datetime(2026, 3, 2, 9, 0)  # Monday
    # Parked Friday 17:00 → Monday 09:00: only 1 working hour is lost (17:00–17:30, 08:30–09:00).
    parks = [(datetime(2026, 3, 6, 17, 0), datetime(2026, 3, 9, 9, 0))]
    paused = paused_time(parks, CAL, "working_hours")
    assert paused == timedelta(hours=1)
    assert deadline(start, H4, CAL, paused) == datetime(2026, 3, 2, 15, 30)  # 4 h + 1 h
    assert paused_time(parks, CAL, "calendar_hours") == timedelta(days=2, hours=16)


# -- traffic light ------------------------------------------------------------------------
START = datetime(2026, 3, 6, 16, 0)  # Friday
LIMIT = TimeLimit(10, "working_hours")


def _now_at(share: float) -> datetime:
    return CAL.add_working_time(START, LIMIT.duration(CAL) * share)


def test_traffic_light_thresholds() -> None:
    due = deadline(START, LIMIT, CAL)
    unit = LIMIT.unit
    assert traffic_light(START, due, _now_at(0.79), CAL, unit) == "green"
    assert traffic_light(START, due, _now_at(0.80), CAL, unit) == "green"
    assert traffic_light(START, due, _now_at(0.81), CAL, unit) == "yellow"
    assert traffic_light(START, due, due, CAL, unit) == "yellow"
    assert traffic_light(START, due, _now_at(1.01), CAL, unit) == "red"
    # Past the deadline on the wall clock is overdue even if no working time has passed.
    assert traffic_light(START, due, due + timedelta(minutes=1), CAL, unit) == "red"


def test_traffic_light_excludes_paused_time() -> None:
    # 10 calendar hours with 5 h parked: at 12 h elapsed only 7 h (70 %) count.
    start = datetime(2026, 3, 2, 8, 0)
    limit = TimeLimit(10, "calendar_hours")
    paused = timedelta(hours=5)
    due = deadline(start, limit, CAL, paused)
    now = start + timedelta(hours=12)
    assert traffic_light(start, due, now, CAL, limit.unit, paused) == "green"
    assert traffic_light(start, due, start + timedelta(hours=13, minutes=30), CAL,
                         limit.unit, paused) == "yellow"


def test_remaining() -> None:
    due = deadline(START, H4, CAL)  # Monday 11:00
    assert remaining(due, datetime(2026, 3, 7, 12, 0), CAL, "working_hours") == \
        timedelta(hours=2, minutes=30)
    assert remaining(due, datetime(2026, 3, 9, 14, 0), CAL, "working_hours") == \
        -timedelta(hours=1, minutes=30)
    assert remaining(due, datetime(2026, 3, 9, 10, 0), CAL, "calendar_hours") == \
        timedelta(hours=1)


# -- the limit table --------------------------------------------------------------------------
def test_shipped_time_limits() -> None:
    table = load_time_limits()
    assert table.limit_for("06010", "handle") == TimeLimit(4, "working_hours")
    assert table.limit_for("06001", "handle") == TimeLimit(15, "working_days")
    assert "济源" in table.rule_for("06001", "handle").source
    # A type without its own row falls back to its major class, then to "*".
    assert table.limit_for("09006", "handle") == TimeLimit(4, "working_hours")
    assert table.rule_for("09006", "handle").source == "default"
    assert table.limit_for("06010", "register") == TimeLimit(0.5, "working_hours")
    for step in STEPS:
        table.limit_for("99999", step)
    with pytest.raises(DomainError, match="step"):
        table.limit_for("06010", "evaluate")
