"""Evaluation (考核评价) of posts, departments and regions for a period, and its export.

Counts come from :mod:`app.store.evaluation_queries` (SQL), formulas from
:mod:`app.analytics.evaluation`; docs/evaluation.md defines both. Periods are half-open
``[start, end)`` of dates: ``evaluate(date(2026, 10, 1), date(2026, 11, 1))`` is October.

Example::

    ev = EvaluationService(Store.open("citygrid.sqlite")).evaluate(date(2026, 10, 1),
                                                                    date(2026, 11, 1))
    export_evaluation(store, date(2026, 10, 1), date(2026, 11, 1), "考核_2026-10.xlsx")
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.analytics.evaluation import (
    MICRO_LOOP_GOAL,
    REGION_WEIGHTS,
    EntityResult,
    LoopShares,
    evaluate_department,
    evaluate_dispatcher,
    evaluate_operator,
    evaluate_region,
    evaluate_shift_leader,
    evaluate_supervisor,
    loop_shares,
    roll_up,
)
from app.domain.calendar import load_calendar, load_time_limits
from app.domain.errors import DomainError
from app.domain.org import ROLE_LABELS_ZH, Role
from app.store.evaluation_queries import ENTITY_KINDS, EvaluationQueries, count_names

if TYPE_CHECKING:
    from app.domain.calendar import TimeLimitTable, WorkingCalendar
    from app.store.store import Store

Progress = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Results of one period; lists are sorted by score (best first), then id."""

    start: date
    end: date  # exclusive
    supervisors: list[EntityResult]
    operators: list[EntityResult]
    shift_leaders: list[EntityResult]
    dispatchers: list[EntityResult]
    departments: list[EntityResult]
    streets: list[EntityResult]
    communities: list[EntityResult]
    grids: list[EntityResult]
    district: EntityResult
    loops: list[LoopShares]  # the district first, then every street
    counts: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict, repr=False)


def _day(d: date | datetime) -> datetime:
    return d if isinstance(d, datetime) else datetime.combine(d, time())


def _ranked(rows: list[EntityResult]) -> list[EntityResult]:
    return sorted(rows, key=lambda r: (r.score is None, -(r.score or 0.0), r.id))


class EvaluationService:
    """Evaluate a period, and list the cases behind any count (drill-down)."""

    def __init__(self, store: Store, calendar: WorkingCalendar | None = None,
                 limits: TimeLimitTable | None = None) -> None:
        self.store = store
        self.queries = EvaluationQueries(store.engine,
                                         calendar if calendar is not None else load_calendar(),
                                         limits if limits is not None else load_time_limits())

    @staticmethod
    def _period(start: date, end: date) -> tuple[datetime, datetime]:
        s, e = _day(start), _day(end)
        if e <= s:
            raise DomainError(f"The evaluation period {start} – {end} is empty: the end date "
                              "is exclusive, so it must come after the start")
        return s, e

    def evaluate(self, start: date, end: date,
                 progress: Progress | None = None) -> Evaluation:
        """Every post, department and region of ``[start, end)``, and the loop-level shares."""
        s, e = self._period(start, end)
        if progress:
            progress(0.05, "统计考核数据")
        counts = self.queries.counts(s, e)
        if progress:
            progress(0.8, "计算考核指标")
        names = self.queries.names()
        staff_name = names["staff"]
        roles = self.queries.staff_roles()
        streets_of = self.queries.staff_streets()
        grids = self.queries.grids()
        regions = roll_up(counts["grid"], [g[:4] for g in grids])
        grid_names = {g[0]: g[4] for g in grids}

        def role_extra(login: str) -> dict[str, str]:
            r = roles.get(login) or ""
            try:
                return {"岗位": ROLE_LABELS_ZH[Role(r)]}
            except ValueError:
                return {"岗位": r}

        supervisors = []
        for login, c in counts["supervisor"].items():
            street = streets_of.get(login) or ""
            area = regions["street"].get(street, ({}, 0.0))[0] if street else {}
            extra = {**role_extra(login), "巡查街道": names["street"].get(street, street)}
            supervisors.append(evaluate_supervisor(
                login, staff_name.get(login, login), c, area.get("filed", 0),
                area.get("filed_public", 0), extra))
        operators = [evaluate_operator(k, staff_name.get(k, k), c)
                     for k, c in counts["operator"].items()]
        leaders = [evaluate_shift_leader(k, staff_name.get(k, k), c)
                   for k, c in counts["shift_leader"].items()]
        dispatchers = [evaluate_dispatcher(k, staff_name.get(k, k), c)
                       for k, c in counts["dispatcher"].items()]
        dept_names = names["department"]
        zero = dict.fromkeys(count_names("department"), 0)
        departments = [evaluate_department(code, dept_names.get(code, code),
                                           counts["department"].get(code, zero))
                       for code in sorted(set(dept_names) | set(counts["department"]))]

        def region_rows(kind: str, label: dict[str, str],
                        parent: Callable[[str], dict[str, str]]) -> list[EntityResult]:
            return [evaluate_region(kind, rid, label.get(rid, rid), c, sc, parent(rid))
                    for rid, (c, sc) in regions[kind].items()]

        street_names, community_names = names["street"], names["community"]
        community_street = {g[1]: g[2] for g in grids}
        streets = region_rows("street", street_names, lambda _: {})
        communities = region_rows("community", community_names, lambda c: {
            "街道": street_names.get(community_street.get(c, ""), "")})
        grid_rows = region_rows("grid", grid_names, lambda g: {
            "社区": community_names.get(g[:12], ""), "街道": street_names.get(g[:9], "")})
        dc, dscore = regions["district"].get("", (dict.fromkeys(count_names("grid"), 0), 100.0))
        district = evaluate_region("district", "", "全区", dc, dscore)
        loops = [loop_shares("", "全区", dc)] + sorted(
            (loop_shares(sid, street_names.get(sid, sid), c)
             for sid, (c, _) in regions["street"].items()), key=lambda x: x.id)
        if progress:
            progress(1.0, "考核完成")
        return Evaluation(_day(start).date(), _day(end).date(), _ranked(supervisors),
                          _ranked(operators), _ranked(leaders), _ranked(dispatchers),
                          _ranked(departments), _ranked(streets), _ranked(communities),
                          _ranked(grid_rows), district, loops, counts)

    def drill_down(self, entity_kind: str, entity_id: str, count: str, start: date,
                   end: date) -> list[str]:
        """Case numbers behind count ``count`` (a name of the store's ``COUNTS``, e.g.
        ``handled_on_time``) of one entity in ``[start, end)``.

        A supervisor's area counts (``area_filed``, ``area_missed``) are those of the street
        he patrols.
        """
        if entity_kind not in ENTITY_KINDS:
            raise DomainError(f"Unknown entity kind “{entity_kind}”: use one of "
                              f"{', '.join(ENTITY_KINDS)}")
        s, e = self._period(start, end)
        if entity_kind == "supervisor" and count in ("area_filed", "area_missed"):
            street = self.queries.staff_streets().get(entity_id)
            if not street:
                return []
            return self.queries.cases_behind(
                "street", street, "filed" if count == "area_filed" else "filed_public", s, e)
        try:
            return self.queries.cases_behind(entity_kind, entity_id, count, s, e)
        except ValueError as exc:
            raise DomainError(str(exc)) from None


# -- export ------------------------------------------------------------------------------------
SHEETS = ("说明", "监督员", "受理员", "值班长", "派遣员", "专业部门", "街道", "社区", "网格",
          "闭环层级")

_KIND_LABEL = {"supervisor": "监督员", "operator": "受理员", "shift_leader": "值班长",
               "dispatcher": "派遣员", "department": "专业部门", "street": "街道",
               "community": "社区", "grid": "网格"}


def _num(v: float | None, nd: int = 2) -> float | str:
    return "" if v is None else round(v, nd)


def _table(rows: Sequence[EntityResult], id_label: str) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of an entity table: id, name, extra, per indicator the numerator,
    denominator, rate % and score (or count and score), then the composite and grade."""
    if not rows:
        return [id_label, "名称", "综合得分", "等级"], []
    first = rows[0]
    header = [id_label, "名称", *first.extra.keys()]
    for ind in first.indicators:
        if ind.rate is not None:
            w = f"（权重{ind.weight:g}%）" if ind.weight else ""
            header += [f"{ind.label_zh}-分子", f"{ind.label_zh}-分母",
                       f"{ind.label_zh}(%)", f"{ind.label_zh}分值{w}"]
        else:
            header.append(ind.label_zh)
            if ind.weight:
                header.append(f"{ind.label_zh}分值（权重{ind.weight:g}%）")
    header += ["综合得分", "等级"]
    out = []
    for r in rows:
        line: list[Any] = [r.id, r.name, *(r.extra.get(k, "") for k in first.extra)]
        for ind in r.indicators:
            if ind.rate is not None:
                line += [ind.rate.num, ind.rate.den, _num(ind.rate.percent), _num(ind.score)]
            else:
                line.append(ind.count)
                if ind.weight:
                    line.append(_num(ind.score))
        line += [_num(r.score), r.grade]
        out.append(line)
    return header, out


def _loop_table(ev: Evaluation) -> tuple[list[str], list[list[Any]]]:
    header = ["编号", "名称", "结案数", "社区(微循环)结案数", "微循环占比(%)", "街道(小循环)结案数",
              "小循环占比(%)", "区级(大循环)结案数", "大循环占比(%)", "微循环目标(%)", "达标"]
    rows = []
    for lp in ev.loops:
        met = lp.micro_goal_met
        rows.append([lp.id or "全区", lp.name, lp.community.den,
                     lp.community.num, _num(lp.community.percent),
                     lp.street.num, _num(lp.street.percent),
                     lp.district.num, _num(lp.district.percent),
                     round(100 * lp.goal), "" if met is None else ("是" if met else "否")])
    return header, rows


def _tables(ev: Evaluation) -> dict[str, tuple[list[str], list[list[Any]]]]:
    return {
        "监督员": _table(ev.supervisors, "账号"),
        "受理员": _table(ev.operators, "账号"),
        "值班长": _table(ev.shift_leaders, "账号"),
        "派遣员": _table(ev.dispatchers, "账号"),
        "专业部门": _table(ev.departments, "部门代码"),
        "街道": _table([ev.district, *ev.streets], "街道代码"),
        "社区": _table(ev.communities, "社区代码"),
        "网格": _table(ev.grids, "网格编码"),
        "闭环层级": _loop_table(ev),
    }


def _summary(ev: Evaluation) -> list[list[Any]]:
    w = REGION_WEIGHTS
    lines: list[list[Any]] = [
        ["城市网格化管理考核评价"],
        ["考核期间", f"{ev.start.isoformat()} 至 {(ev.end - timedelta(days=1)).isoformat()}"
                     f"（含首尾两日）"],
        ["生成时间", datetime.now().isoformat(timespec="seconds")],
        [],
        ["等级", "A ≥ 90，B ≥ 75，C ≥ 60，D ≥ 40，E < 40；“—”表示无可评指标"],
        ["分母为0", "该指标不适用，其权重按比例分给其余指标；全部不适用则不评分"],
        ["按时", "事件发生在该环节时限截止之前（data/time_limits.csv，工作日历；含延期、扣除挂账）"],
        ["监督员", "有效上报率×40% + (100−漏报率)×20% + 按时核实率×20% + 按时核查率×20%"],
        ["受理员", "受理数分值×25% + 核实按时派发率×40% + 核查按时派发率×35%"],
        ["值班长", "按时立案率×25% + 准确立案率×40% + 按时结案率×35%"],
        ["派遣员", "派遣数分值×20% + 按时派遣率×40% + 准确派遣率×40%"],
        ["专业部门", "立案数分值(10分) + 结案率×30% + 按时处置率×30% + (100−返工率)×30%"],
        ["区域", f"监督举报率×{w['supervision_rate']:g}% + 立案数分值×{w['filed_score']:g}% + "
                 f"结案率×{w['close_rate']:g}% + 按期结案率×{w['close_on_time']:g}%"],
        ["闭环层级", f"本期结案中社区(微循环)/街道(小循环)/区级(大循环)解决的占比；"
                     f"微循环目标 {MICRO_LOOP_GOAL:.0%}"],
        ["详细定义", "docs/evaluation.md"],
        [],
        ["汇总", "数量", "A", "B", "C", "D", "E", "—"],
    ]
    groups = [("监督员", ev.supervisors), ("受理员", ev.operators), ("值班长", ev.shift_leaders),
              ("派遣员", ev.dispatchers), ("专业部门", ev.departments), ("街道", ev.streets),
              ("社区", ev.communities), ("网格", ev.grids)]
    for label, rows in groups:
        lines.append([label, len(rows), *(sum(1 for r in rows if r.grade == g)
                                          for g in ("A", "B", "C", "D", "E", "—"))])
    d = ev.district
    lines += [[], ["全区综合得分", _num(d.score), d.grade]]
    return lines


def export_evaluation(store: Store, start: date, end: date, out: str | Path,
                      progress: Progress | None = None) -> Path:
    """Evaluate ``[start, end)`` and write an XLSX workbook (sheets ``SHEETS``) to ``out``."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    def report(f: float, msg: str) -> None:
        if progress is not None:
            progress(f, msg)

    ev = EvaluationService(store).evaluate(
        start, end, progress=lambda f, m: report(0.85 * f, m))
    report(0.86, "写入工作簿")
    path = Path(out)
    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    for line in _summary(ev):
        ws.append(line)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 80
    tables = _tables(ev)
    for i, (name, (header, rows)) in enumerate(tables.items()):
        sheet = wb.create_sheet(name)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "C2"
        report(0.86 + 0.13 * (i + 1) / len(tables), f"写入 {name}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    report(1.0, f"已导出 {path.name}")
    return path


def export_evaluation_csv(store: Store, start: date, end: date,
                          out_dir: str | Path) -> list[Path]:
    """One UTF-8 (with BOM, for Excel) CSV per table of the workbook; returns the paths."""
    ev = EvaluationService(store).evaluate(start, end)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"考核_{ev.start.isoformat()}_{(ev.end - timedelta(days=1)).isoformat()}"
    paths = []
    for name, (header, rows) in {"说明": ([], _summary(ev)), **_tables(ev)}.items():
        p = folder / f"{stem}_{name}.csv"
        with p.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            if header:
                w.writerow(header)
            w.writerows(rows)
        paths.append(p)
    return paths


__all__ = ["SHEETS", "Evaluation", "EvaluationService", "export_evaluation",
           "export_evaluation_csv"]
