"""SQL behind the evaluation (考核评价): per-entity counts for a period, and the cases behind
any count (drill-down). The formulas live in :mod:`app.analytics.evaluation`; this module only
counts. docs/evaluation.md defines every count; the definitions below are the executable form.

One statement does the work on both backends (SQLite ≥ 3.35 and PostgreSQL ≥ 12): it takes
the events before ``end`` of every case that can have an event in ``[start, end)``, walks each
case timeline once with window functions (where did the current step start, how long was it
parked, how many hours of extension were granted, which department held the case, what came
next) and judges every step-ending event *on time* against the step deadline of
``data/time_limits.csv`` on the working calendar — the same deadline the case service sets
(:func:`app.domain.workflow.step_deadline`): start + limit + approved extensions + parked time,
in working time for working units. Working time is computed in SQL from a small calendar
table (one row per day: working seconds before that day, working-day flag) built from the
:class:`~app.domain.calendar.WorkingCalendar`, so nothing is loaded row by row. Everything
only sees events before ``end``: evaluating a past month gives the same numbers tomorrow.

Counts come back as ``{(entity_kind, entity_id): {count_name: n}}``; ``cases_behind`` lists the
case numbers of one count with the same predicate, so a drill-down always matches its count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, bindparam, text

from app.domain.calendar import STEPS, LimitUnit
from app.domain.case import CaseSource
from app.domain.workflow import STEP_OF_STATE, TRANSITIONS, Action

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from app.domain.calendar import TimeLimitTable, WorkingCalendar

# Kinds of evaluated entities and the key each is counted by.
POST_KINDS = ("supervisor", "operator", "shift_leader", "dispatcher")
REGION_KINDS = ("grid", "community", "street", "district")
ENTITY_KINDS = (*POST_KINDS, "department", *REGION_KINDS)

# Roles evaluated under each post. Grid workers patrol, report, verify and check like field
# supervisors, so they are evaluated with them (the roster tells the role apart).
POST_ROLES: dict[str, tuple[str, ...]] = {
    "supervisor": ("field_supervisor", "grid_worker"),
    "operator": ("operator",),
    "shift_leader": ("shift_leader",),
    "dispatcher": ("dispatcher",),
}

# Sources of the supervision team (found by the centre's own people) and of the public
# (the supervision team missed it: 漏报). Leader instructions count as neither.
SUPERVISION_SOURCES = (CaseSource.FIELD_SUPERVISOR.value, CaseSource.VIDEO.value,
                       CaseSource.GRID_WORKER.value)
PUBLIC_SOURCES = (CaseSource.PUBLIC.value, CaseSource.HOTLINE.value, CaseSource.MEDIA.value)

# The calendar table reaches this far back before the period: a step that started earlier
# (a case parked or stuck for over a year) is judged late without computing its deadline.
CALENDAR_LOOKBACK_DAYS = 400
_DAY = 86_400
_CODE_RE = re.compile(r"^[0-9A-Za-z*]{1,10}$")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def _restart_actions() -> tuple[str, ...]:
    """Actions after which the step clock starts afresh, as app.domain.workflow.apply does:
    re-dispatch, return, rework, or a change of the time-limit step. A dissatisfied callback
    (回访) also restarts it; that depends on its target and is tested apart."""
    forced = {Action.DISPATCH, Action.REDISPATCH, Action.APPROVE_RETURN, Action.CHECK_FAIL}
    out = set()
    for (state, action), (target, _roles) in TRANSITIONS.items():
        to = target if target is not None else state
        if action in forced or STEP_OF_STATE.get(state) != STEP_OF_STATE.get(to):
            out.add(action.value)
    return tuple(sorted(out))


RESTART_ACTIONS = _restart_actions()


@dataclass(frozen=True, slots=True)
class Count:
    """One count: rows of ``source`` matching ``pred`` (SQL over the source's columns)."""

    name: str
    source: str
    pred: str
    distinct: bool = False  # count distinct cases rather than rows


_REPORT = "action = 'report'"
_DISP = "action IN ('dispatch', 'redispatch')"
_CHECK = "action IN ('check_pass', 'check_fail')"

# The counts of each entity kind. Sources (CTEs of the statement):
#   j   – events in [start, end) with ``ok`` (on time), ``dept`` (department holding the case
#         at the event), ``valid``/``invalid``/``closed`` (case outcome before end),
#         ``reworked`` (the next check failed), ``corrected`` (the dispatch was corrected);
#   coh – the cohort: cases filed (立案) in [start, end), with ``closed`` (before end), ``late``
#         (handling steps finished late) and ``dept_end`` (department at end);
#   od  – handling steps still open at end and already past their deadline (超期未处置).
COUNTS: dict[str, tuple[Count, ...]] = {
    "supervisor": (
        Count("reports", "j", _REPORT),
        Count("reports_decided", "j", f"{_REPORT} AND (valid = 1 OR invalid = 1)"),
        Count("reports_valid", "j", f"{_REPORT} AND valid = 1"),
        Count("verifies", "j", "action = 'verify'"),
        Count("verifies_on_time", "j", "action = 'verify' AND ok = 1"),
        Count("checks", "j", _CHECK),
        Count("checks_on_time", "j", f"{_CHECK} AND ok = 1"),
    ),
    "operator": (
        Count("accepted", "j", "action IN ('register', 'send_verify', 'merge')"),
        Count("verify_sent", "j", "action = 'send_verify'"),
        Count("verify_sent_on_time", "j", "action = 'send_verify' AND ok = 1"),
        Count("check_sent", "j", "action = 'send_check'"),
        Count("check_sent_on_time", "j", "action = 'send_check' AND ok = 1"),
    ),
    "shift_leader": (
        Count("filed", "j", "action = 'file'"),
        Count("filed_on_time", "j", "action = 'file' AND ok = 1"),
        Count("filed_wrong", "j", "action = 'file' AND invalid = 1"),
        Count("voided", "j", "action = 'void'"),
        Count("closed", "j", "action = 'close'"),
        Count("closed_on_time", "j", "action = 'close' AND ok = 1"),
    ),
    "dispatcher": (
        Count("dispatched", "j", _DISP),
        Count("dispatched_wrong", "j", f"{_DISP} AND corrected = 1"),
        Count("first_dispatches", "j", "action = 'dispatch'"),
        Count("first_dispatches_on_time", "j", "action = 'dispatch' AND ok = 1"),
    ),
    "department": (
        Count("assigned", "j", _DISP, distinct=True),
        Count("handled", "j", "action = 'handle'"),
        Count("handled_on_time", "j", "action = 'handle' AND ok = 1"),
        Count("reworked", "j", "action = 'handle' AND reworked = 1"),
        Count("overdue_open", "od", "1 = 1"),
        Count("due_close", "coh", "1 = 1"),
        Count("closed", "coh", "closed = 1"),
    ),
    "grid": (
        Count("filed", "coh", "1 = 1"),
        Count("filed_supervision", "coh", f"source IN {_in(SUPERVISION_SOURCES)}"),
        Count("filed_public", "coh", f"source IN {_in(PUBLIC_SOURCES)}"),
        Count("closed", "coh", "closed = 1"),
        Count("closed_on_time", "coh", "closed = 1 AND late = 0"),
        Count("loop_closed", "j", "action IN ('close', 'self_handle')"),
        Count("loop_community", "j", "action IN ('close', 'self_handle') "
                                     "AND level = 'community'"),
        Count("loop_street", "j", "action IN ('close', 'self_handle') AND level = 'street'"),
        Count("loop_district", "j", "action IN ('close', 'self_handle') "
                                    "AND level = 'district'"),
    ),
}
# Region kinds above the grid are sums of their grids (every case lies in one grid).
for _k in ("community", "street", "district"):
    COUNTS[_k] = COUNTS["grid"]
del _k

# The key column of each (kind, source).
_KEY: dict[str, dict[str, str]] = {
    **{k: {"j": "actor_login"} for k in POST_KINDS},
    "department": {"j": "dept", "od": "dept", "coh": "dept_end"},
    "grid": {"j": "grid_id", "coh": "grid_id"},
}
# Rows that belong to an entity of the kind at all (beside the key).
_KIND_WHERE: dict[str, str] = {
    **{k: f"role IN {_in(r)}" for k, r in POST_ROLES.items()},
    "department": "dept <> ''",
    "grid": "1 = 1",
}


def count_names(kind: str) -> tuple[str, ...]:
    return tuple(c.name for c in COUNTS[kind])


# -- the working clock in SQL ---------------------------------------------------------------
def _secs(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


_EPOCH_DAY0 = date(1970, 1, 1)  # a Thursday: weekday (Monday = 0) of epoch day d is (d + 3) % 7


@dataclass(frozen=True, slots=True)
class _Clock:
    """Working seconds W(t) since 1970 as closed-form SQL arithmetic (no table to join).

    W(t) = (regular working days before t's day + holiday/make-up corrections) × day length
    + working seconds of t's own day before t. The corrections cover the special dates of the
    calendar between ``first`` and ``last``; differences of W between two times in that range
    are exact working time, as :meth:`WorkingCalendar.working_time_between` gives it.
    """

    weekdays: tuple[int, ...]
    hours: tuple[tuple[int, int], ...]  # working intervals of a day, seconds of day
    on: tuple[int, ...]  # make-up working days off the weekday rule (epoch days)
    off: tuple[int, ...]  # holidays on regular weekdays (epoch days)

    @classmethod
    def build(cls, calendar: WorkingCalendar, first: date, last: date) -> _Clock:
        hours = tuple((_secs(s), _secs(e)) for s, e in calendar.hours)
        special = {d for d in (*calendar.holidays, *calendar.workdays) if first <= d <= last}
        on, off = [], []
        for d in sorted(special):
            regular = d.weekday() in calendar.weekdays
            working = calendar.is_working_day(d)
            if working and not regular:
                on.append((d - _EPOCH_DAY0).days)
            elif regular and not working:
                off.append((d - _EPOCH_DAY0).days)
        return cls(tuple(sorted(calendar.weekdays)), hours, tuple(on), tuple(off))

    @property
    def day_length(self) -> int:
        return sum(e - s for s, e in self.hours)

    def _corrections(self) -> list[tuple[int, int]]:
        """(special day, running correction after it): +1 per make-up day, −1 per holiday."""
        marks = sorted([(x, 1) for x in self.on] + [(x, -1) for x in self.off])
        out, run = [], 0
        for x, delta in marks:
            run += delta
            out.append((x, run))
        return out

    @staticmethod
    def _tree(d: str, marks: list[tuple[int, int]], base: int) -> str:
        """Correction for day ``d`` as a balanced CASE tree (a few comparisons, not one per
        special day): the running correction of the last special day before ``d``."""
        if not marks:
            return str(base)
        mid = len(marks) // 2
        x, run = marks[mid]
        left = _Clock._tree(d, marks[:mid], base)
        right = _Clock._tree(d, marks[mid + 1:], run)
        return f"(CASE WHEN {d} > {x} THEN {right} ELSE {left} END)"

    def w_sql(self, t: str) -> str:
        """SQL for W of the epoch-second expression ``t`` (integer arithmetic only)."""
        d = f"(({t}) / {_DAY})"
        sod = f"(({t}) % {_DAY})"
        regular = " + ".join(f"(({d} - {(wd - 3) % 7} + 6) / 7)" for wd in self.weekdays) or "0"
        corr = self._tree(d, self._corrections(), 0)
        inside = " + ".join(f"(CASE WHEN {sod} <= {s} THEN 0 WHEN {sod} >= {e} THEN {e - s} "
                            f"ELSE {sod} - {s} END)" for s, e in self.hours) or "0"
        return (f"(({regular} + {corr}) * {self.day_length} "
                f"+ (CASE WHEN {self._working_day_sql(d)} THEN {inside} ELSE 0 END))")

    def _working_day_sql(self, d: str) -> str:
        wk = "(CASE"
        if self.on:
            wk += f" WHEN {d} IN ({', '.join(map(str, self.on))}) THEN 1"
        if self.off:
            wk += f" WHEN {d} IN ({', '.join(map(str, self.off))}) THEN 0"
        wd_in = ", ".join(str(w) for w in self.weekdays) or "-1"
        return wk + f" WHEN ({d} + 3) % 7 IN ({wd_in}) THEN 1 ELSE 0 END) = 1"

    def in_work_sql(self, t: str) -> str:
        """Whether epoch second ``t`` can be a deadline: inside a working interval or at its
        end, not at its start (W there equals W at the previous interval's end, which is the
        deadline if any)."""
        d = f"(({t}) / {_DAY})"
        sod = f"(({t}) % {_DAY})"
        inside = " OR ".join(f"({sod} > {s} AND {sod} <= {e})" for s, e in self.hours) \
            or "1 = 0"
        return f"({self._working_day_sql(d)} AND ({inside}))"

    def w(self, t: int) -> int:
        """W(t) in Python, the same arithmetic as :meth:`w_sql` (for the end of the period)."""
        d, sod = t // _DAY, t % _DAY
        regular = sum((d - (wd - 3) % 7 + 6) // 7 for wd in self.weekdays)
        corr = sum(1 for x in self.on if d > x) - sum(1 for x in self.off if d > x)
        if d in self.on:
            wk = 1
        elif d in self.off:
            wk = 0
        else:
            wk = int((d + 3) % 7 in self.weekdays)
        inside = sum(min(max(sod - s, 0), e - s) for s, e in self.hours)
        return (regular + corr) * self.day_length + wk * inside


def epoch(dt: datetime) -> int:
    """Seconds since 1970-01-01 of a naive wall-clock time (as the SQL reads stored times)."""
    return int((dt.replace(tzinfo=None) - datetime(1970, 1, 1)).total_seconds() // 1)


@dataclass(frozen=True, slots=True)
class _Limits:
    """Step limits of every type code as SQL: a type → limit-class CASE tree (a few string
    comparisons per row, no join) and the limit of a step per class."""

    codes: tuple[tuple[str, int], ...]  # (type code, class), sorted by code
    classes: tuple[tuple[tuple[float, int], ...], ...]  # per class: (seconds, working) per step

    @classmethod
    def build(cls, limits: TimeLimitTable, calendar: WorkingCalendar,
              type_codes: list[str]) -> _Limits:
        classes: dict[tuple[tuple[float, int], ...], int] = {}
        codes = []
        for code in sorted(set(type_codes)):
            if not _CODE_RE.match(code):
                continue
            row = []
            for step in STEPS:
                lim = limits.limit_for(code, step)
                row.append((lim.duration(calendar).total_seconds(),
                            int(LimitUnit(lim.unit).is_working)))
            codes.append((code, classes.setdefault(tuple(row), len(classes))))
        return cls(tuple(codes), tuple(classes))

    def class_sql(self, col: str) -> str:
        def tree(items: tuple[tuple[str, int], ...]) -> str:
            if len(items) == 1:
                return f"(CASE WHEN {col} = '{items[0][0]}' THEN {items[0][1]} END)"
            mid = len(items) // 2
            return (f"(CASE WHEN {col} <= '{items[mid - 1][0]}' THEN {tree(items[:mid])} "
                    f"ELSE {tree(items[mid:])} END)")
        return tree(self.codes) if self.codes else "NULL"

    def limit_sql(self, state: str, cls_col: str, what: str) -> str:
        """Seconds (``what`` = 'l') or working flag ('w') of the step of ``state``."""
        i = 0 if what == "l" else 1
        whens = []
        for st, step in STEP_OF_STATE.items():
            k = STEPS.index(step)
            per = " ".join(f"WHEN {c} THEN {row[k][i]:.0f}"
                           for c, row in enumerate(self.classes))
            whens.append(f"WHEN '{st.value}' THEN (CASE {cls_col} {per} END)" if per
                         else f"WHEN '{st.value}' THEN NULL")
        return f"(CASE {state} {' '.join(whens)} END)"


def _step_case(state_col: str) -> str:
    whens = " ".join(f"WHEN '{s.value}' THEN '{step}'" for s, step in STEP_OF_STATE.items())
    return f"(CASE {state_col} {whens} ELSE '-' END)"


class _Dialect:
    def __init__(self, name: str) -> None:
        self.pg = name == "postgresql"

    def epoch(self, col: str) -> str:
        if self.pg:
            return f"CAST(FLOOR(EXTRACT(EPOCH FROM {col})) AS BIGINT)"
        return f"CAST(strftime('%s', {col}) AS INTEGER)"

    def json_text(self, col: str, key: str) -> str:
        if self.pg:
            return f"(CAST({col} AS json) ->> '{key}')"
        return f"json_extract({col}, '$.{key}')"

    def json_num(self, col: str, key: str) -> str:
        if self.pg:
            return f"CAST(CAST({col} AS json) ->> '{key}' AS double precision)"
        return f"CAST(json_extract({col}, '$.{key}') AS REAL)"


def _base_sql(d: _Dialect, clock: _Clock, limits: _Limits, rel_where: str) -> str:
    """The CTE chain (lim, rel, w, wf, j, hl, coh, od) of the statement.

    One window pass walks each case timeline (step start, department); the rare or
    per-case facts (parked time, extensions, what came next, the case outcome) are indexed
    look-ups on ``case_event (case_id, seq)`` made only for the events that need them.
    """
    ep = d.epoch("e.at")
    xp = d.epoch("x.at")
    restart = (f"(e.action IN {_in(RESTART_ACTIONS)} "
               f"OR (e.action = 'callback' AND e.to_state = 'dispatched'))")
    # Department holding the case: the last dispatch-like event, encoded so that MAX over
    # the timeline picks the latest one (fixed-width seq prefix, then the code).
    def dept_key(a: str) -> str:
        return (f"(CASE WHEN {a}.action IN ('dispatch', 'redispatch') THEN "
                f"CAST({a}.seq + 1000000000 AS TEXT) || COALESCE("
                f"{d.json_text(f'{a}.details', 'dept_code')}, '') "
                f"WHEN {a}.action = 'approve_return' "
                f"THEN CAST({a}.seq + 1000000000 AS TEXT) END)")

    prev = ("PARTITION BY case_id ORDER BY seq "
            "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING")

    def later(cond: str, what: str = "1") -> str:
        return (f"(SELECT {what} FROM case_event x WHERE x.case_id = w.case_id "
                f"AND x.at < :end_dt AND {cond})")

    def paused(from_seq: str, to_seq: str, working: bool) -> str:
        # Parked (挂账) time inside the step: +W(resume) − W(park) for each park/resume pair.
        tx = clock.w_sql(xp) if working else xp
        return (f"COALESCE((SELECT SUM(CASE WHEN x.action = 'resume' THEN {tx} ELSE -{tx} END) "
                f"FROM case_event x WHERE x.case_id = w.case_id AND x.seq > {from_seq} "
                f"AND x.seq < {to_seq} AND x.at < :end_dt "
                f"AND x.action IN ('approve_park', 'resume')), 0)")

    def extension(from_seq: str, to_seq: str) -> str:
        return (f"COALESCE((SELECT SUM({d.json_num('x.details', 'extension_hours')}) "
                f"FROM case_event x WHERE x.case_id = w.case_id AND x.seq > {from_seq} "
                f"AND x.seq < {to_seq} AND x.at < :end_dt "
                f"AND x.action = 'approve_extension'), 0)")

    def judged(tcol: str, wt: str, scol: str, sseq: str, eseq: str, state: str) -> str:
        """1 when ``tcol`` is not after the deadline of the step that started at ``scol``
        (seq ``sseq``), counting parks and extensions before seq ``eseq``; else 0.

        Working units compare working seconds W: equal W means the deadline itself only
        inside working time (an event at 18:00 after a 17:30 deadline is late). Calendar
        units compare wall-clock seconds. Parks and extensions only occur while a department
        handles the case, so they are looked up for the handling step only.
        """
        handling = f"{state} IN ('dispatched', 'parked')"
        ext = f"(CASE WHEN {handling} THEN {extension(sseq, eseq)} ELSE 0 END)"
        bound = f"({limits.limit_sql(state, 'w.lc', 'l')} + 3600.0 * {ext})"
        pw = f"(CASE WHEN {handling} THEN {paused(sseq, eseq, True)} ELSE 0 END)"
        pc = f"(CASE WHEN {handling} THEN {paused(sseq, eseq, False)} ELSE 0 END)"
        dw = f"({wt} - {clock.w_sql(scol)} - {pw})"
        dc = f"({tcol} - {scol} - {pc})"
        # (each side written once: SQLite evaluates every occurrence of an expression)
        return (f"(CASE WHEN {scol} IS NULL THEN 0 "
                f"WHEN {limits.limit_sql(state, 'w.lc', 'w')} = 0 THEN "
                f"(CASE WHEN {dc} <= {bound} THEN 1 ELSE 0 END) "
                f"WHEN {clock.in_work_sql(tcol)} THEN "
                f"(CASE WHEN {dw} <= {bound} THEN 1 ELSE 0 END) "
                f"ELSE (CASE WHEN {dw} < {bound} THEN 1 ELSE 0 END) END)")

    next_check = later("x.seq > w.seq AND x.action IN ('check_pass', 'check_fail') "
                       "ORDER BY x.seq LIMIT 1", "x.action")
    next_disp = later("x.seq > w.seq AND x.action IN ('dispatch', 'redispatch', "
                      "'approve_return') ORDER BY x.seq LIMIT 1", "x.action")
    dept_end = later("x.action IN ('dispatch', 'redispatch', 'approve_return') "
                     "ORDER BY x.seq DESC LIMIT 1", dept_key("x"))
    return f"""
rel AS MATERIALIZED (
  SELECT c.id FROM case_ c
  WHERE c.reported_at < :end_dt AND (c.closed_at IS NULL OR c.closed_at >= :start_pad)
  {rel_where}
),
e0 AS (
  SELECT e.case_id, e.seq, e.action, e.role, e.actor_login, e.from_state, e.to_state,
         {ep} AS t, CASE WHEN {restart} THEN 1 ELSE 0 END AS rs, {dept_key('e')} AS dk
  FROM case_event e
  WHERE e.case_id IN (SELECT id FROM rel) AND e.at < :end_dt
),
w0 AS (
  SELECT e0.*,
         MAX(CASE WHEN rs = 1 THEN seq END) OVER ({prev}) AS s_seq,
         MAX(CASE WHEN rs = 1 THEN t END) OVER ({prev}) AS s_t,
         COALESCE(dk, MAX(dk) OVER ({prev})) AS dk_run
  FROM e0
),
w AS MATERIALIZED (
  SELECT w0.*, c.grid_id, c.source, c.level, {limits.class_sql('c.type_code')} AS lc
  FROM w0 JOIN case_ c ON c.id = w0.case_id
  WHERE (w0.t >= :t0 AND w0.t < :t1) OR w0.to_state = 'dispatched'
),
j AS MATERIALIZED (
  SELECT w.case_id, w.seq, w.action, w.role, w.actor_login, w.grid_id, w.source, w.level,
         COALESCE(SUBSTR(w.dk_run, 11), '') AS dept,
         CASE WHEN w.action IN ('report', 'file')
              AND EXISTS {later("x.action IN ('close', 'self_handle')")}
              THEN 1 ELSE 0 END AS closed,
         CASE WHEN w.action = 'report'
              AND EXISTS {later("x.action IN ('file', 'self_handle')")}
              THEN 1 ELSE 0 END AS valid,
         CASE WHEN w.action IN ('report', 'file')
              AND EXISTS {later("x.action IN ('void', 'merge')")}
              THEN 1 ELSE 0 END AS invalid,
         CASE WHEN w.action = 'handle' AND {next_check} = 'check_fail' THEN 1 ELSE 0 END
              AS reworked,
         CASE WHEN w.action IN ('dispatch', 'redispatch')
              AND {next_disp} IN ('redispatch', 'approve_return') THEN 1 ELSE 0 END
              AS corrected,
         CASE WHEN w.action = 'file' THEN COALESCE(SUBSTR({dept_end}, 11), '') ELSE '' END
              AS dept_end,
         {judged('w.t', clock.w_sql('w.t'), 'w.s_t', 'w.s_seq', 'w.seq', 'w.from_state',
                 )} AS ok
  FROM w
  WHERE w.t >= :t0 AND w.t < :t1
),
hl AS MATERIALIZED (
  SELECT case_id, SUM(1 - ok) AS late FROM j WHERE action = 'handle' GROUP BY case_id
),
coh AS MATERIALIZED (
  SELECT j.case_id, j.grid_id, j.source, j.closed, j.dept_end, COALESCE(hl.late, 0) AS late
  FROM j LEFT JOIN hl ON hl.case_id = j.case_id
  WHERE j.action = 'file'
),
od AS MATERIALIZED (
  SELECT w.case_id, COALESCE(SUBSTR(w.dk_run, 11), '') AS dept
  FROM w
  WHERE w.to_state = 'dispatched' AND NOT EXISTS {later("x.seq > w.seq")}
    AND {judged(':t1', ':w_end', 'CASE WHEN w.rs = 1 THEN w.t ELSE w.s_t END',
                'CASE WHEN w.rs = 1 THEN w.seq ELSE w.s_seq END', '1000000000',
                "'dispatched'")} = 0
)"""


class EvaluationQueries:
    """Counts for the evaluation of a period, on one engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine, calendar: WorkingCalendar,
                 limits: TimeLimitTable) -> None:
        self.engine = engine
        self.calendar = calendar
        self.limits = limits
        self._dialect = _Dialect(engine.dialect.name)

    # -- the statement ------------------------------------------------------------------
    def _prepare(self, c: Any, start: datetime, end: datetime,
                 rel_where: str = "") -> tuple[str, dict[str, Any]]:
        if end <= start:
            raise ValueError(f"The evaluation period ends ({end}) before it starts ({start})")
        codes = [r[0] for r in c.execute(text(
            "SELECT DISTINCT type_code FROM case_ WHERE reported_at < :end_dt")
            .bindparams(bindparam("end_dt", type_=DateTime())), {"end_dt": end})]
        clock = _Clock.build(self.calendar,
                             start.date() - timedelta(days=CALENDAR_LOOKBACK_DAYS),
                             end.date() + timedelta(days=1))
        t1 = epoch(end)
        params = {"end_dt": end, "start_pad": start - timedelta(days=1), "t0": epoch(start),
                  "t1": t1, "w_end": clock.w(t1)}
        base = _base_sql(self._dialect, clock, _Limits.build(self.limits, self.calendar, codes),
                         rel_where)
        return base, params

    @staticmethod
    def _typed(sql: str) -> Any:
        return text(sql).bindparams(bindparam("end_dt", type_=DateTime()),
                                    bindparam("start_pad", type_=DateTime()))

    def counts(self, start: datetime, end: datetime) -> dict[str, dict[str, dict[str, int]]]:
        """``{kind: {entity_id: {count_name: n}}}`` for the posts, departments and grids.

        Communities, streets and the district are sums of their grids (see
        :func:`roll_up`); posts and departments without any counted event are absent.
        """
        branches: list[str] = []
        layout: list[tuple[str, str, tuple[Count, ...]]] = []
        width = max(len(v) for v in COUNTS.values())
        for kind in (*POST_KINDS, "department", "grid"):
            for source in ("j", "coh", "od"):
                cs = tuple(x for x in COUNTS[kind] if x.source == source)
                if not cs:
                    continue
                key = _KEY[kind][source]
                cols = []
                for x in cs:
                    if x.distinct:
                        cols.append(f"COUNT(DISTINCT CASE WHEN {x.pred} THEN case_id END)")
                    else:
                        cols.append(f"SUM(CASE WHEN {x.pred} THEN 1 ELSE 0 END)")
                cols += ["0"] * (width - len(cols))
                where = _KIND_WHERE[kind].replace("dept", key) if kind == "department" \
                    else _KIND_WHERE[kind]
                any_pred = " OR ".join(f"({x.pred})" for x in cs)
                branches.append(
                    f"SELECT {len(layout)} AS b, {key} AS k, "
                    + ", ".join(f"{col} AS v{i}" for i, col in enumerate(cols))
                    + f" FROM {source} WHERE {where} AND ({any_pred}) GROUP BY {key}")
                layout.append((kind, source, cs))
        out: dict[str, dict[str, dict[str, int]]] = {k: {} for k in (*POST_KINDS, "department",
                                                                      "grid")}
        with self.engine.connect() as c:
            base, params = self._prepare(c, start, end)
            sql = f"WITH {base}\n" + "\nUNION ALL\n".join(branches)
            for row in c.execute(self._typed(sql), params):
                kind, _source, cs = layout[row[0]]
                if row[1] is None:
                    continue
                slot = out[kind].setdefault(str(row[1]), dict.fromkeys(count_names(kind), 0))
                for i, x in enumerate(cs):
                    slot[x.name] += int(row[2 + i] or 0)
        return out

    def cases_behind(self, entity_kind: str, entity_id: str, indicator: str,
                     start: datetime, end: datetime) -> list[str]:
        """Case numbers behind count ``indicator`` of one entity (sorted, distinct).

        ``entity_kind`` is one of ``ENTITY_KINDS``; for ``community``, ``street`` and
        ``district`` the count is the sum over their grids (``entity_id`` is ignored for the
        district).
        """
        if entity_kind not in COUNTS:
            raise ValueError(f"Unknown entity kind “{entity_kind}”: use one of "
                             f"{', '.join(ENTITY_KINDS)}")
        count = next((x for x in COUNTS[entity_kind] if x.name == indicator), None)
        if count is None:
            raise ValueError(f"{entity_kind} has no count “{indicator}”: its counts are "
                             f"{', '.join(count_names(entity_kind))}")
        kind = entity_kind if entity_kind in _KEY else "grid"
        key = _KEY[kind][count.source]
        params: dict[str, Any] = {"eid": entity_id}
        rel_where = ""
        if kind == "grid":
            # Regions: only their own cases need the timeline walk.
            if entity_kind == "grid":
                rel_where, cond = "AND c.grid_id = :eid", f"{key} = :eid"
            elif entity_kind == "district":
                cond = "1 = 1"
            else:
                col = "community_code" if entity_kind == "community" else "street_code"
                sub = f"SELECT g.grid_id FROM unit_grid g WHERE g.{col} = :eid"
                rel_where, cond = f"AND c.grid_id IN ({sub})", f"{key} IN ({sub})"
        else:
            cond = f"{key} = :eid"
        where = _KIND_WHERE[kind].replace("dept", key) if kind == "department" \
            else _KIND_WHERE[kind]
        with self.engine.connect() as c:
            base, p = self._prepare(c, start, end, rel_where)
            params.update(p)
            sql = (f"WITH {base}\nSELECT c.number FROM case_ c WHERE c.id IN ("
                   f"SELECT case_id FROM {count.source} WHERE {where} AND {cond} "
                   f"AND ({count.pred})) ORDER BY c.number")
            return [r[0] for r in c.execute(self._typed(sql), params)]

    # -- reference data -------------------------------------------------------------------
    def grids(self) -> list[tuple[str, str, str, str, str]]:
        """(grid id, community code, street code, region class, name) of every unit grid."""
        with self.engine.connect() as c:
            return [tuple(r) for r in c.execute(text(  # type: ignore[misc]
                "SELECT grid_id, community_code, street_code, region_class, name "
                "FROM unit_grid ORDER BY grid_id"))]

    def names(self) -> dict[str, dict[str, str]]:
        """Display names: streets, communities, departments and staff by code / login."""
        with self.engine.connect() as c:
            return {
                "street": dict(c.execute(text("SELECT code, name FROM street")).all()),
                "community": dict(c.execute(text("SELECT code, name FROM community")).all()),
                "department": dict(c.execute(text("SELECT code, name FROM department")).all()),
                "staff": dict(c.execute(text("SELECT login, name FROM staff")).all()),
            }

    def staff_streets(self) -> dict[str, str | None]:
        """Street of each staff login (the patrol area of supervisors and grid workers)."""
        with self.engine.connect() as c:
            return dict(c.execute(text("SELECT login, street_code FROM staff")).all())

    def staff_roles(self) -> dict[str, str]:
        with self.engine.connect() as c:
            return dict(c.execute(text("SELECT login, role FROM staff")).all())
