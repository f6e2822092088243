"""Benchmark section 12: evaluation (考核评价) of one month at district scale.

Times the SQL that counts every post, department and grid of the month
(``app.store.evaluation_queries``), the whole ``EvaluationService.evaluate`` (counts +
formulas + roll-up to communities and streets), one drill-down and the XLSX export.
The month is the last calendar month the seeded history covers completely.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any


def _month(seed_end: datetime, days: int = 90) -> tuple[date, date]:
    """The last calendar month fully inside the ``days`` before ``seed_end``."""
    end = date(seed_end.year, seed_end.month, 1)
    start = date(end.year - (end.month == 1), 12 if end.month == 1 else end.month - 1, 1)
    if (seed_end.date() - start).days > days:
        raise ValueError("The seeded history does not cover a whole calendar month")
    return start, end


def bench_evaluation(url: str) -> dict[str, Any]:
    from sqlalchemy import text

    from app.services.evaluation import EvaluationService, export_evaluation
    from app.store.store import Store

    store = Store.open(url)
    try:
        seed_end = datetime.fromisoformat(store.meta.get("seed.end") or "2026-11-23T10:00")
        start, end = _month(seed_end)
        s, e = datetime.combine(start, datetime.min.time()), datetime.combine(
            end, datetime.min.time())
        with store.engine.connect() as c:
            cases = c.execute(text("SELECT COUNT(*) FROM case_ WHERE reported_at >= :s "
                                   "AND reported_at < :e"), {"s": s, "e": e}).scalar_one()
            events = c.execute(text(
                "SELECT COUNT(*) FROM case_event ev JOIN case_ c ON c.id = ev.case_id "
                "WHERE c.reported_at >= :s AND c.reported_at < :e"),
                {"s": s, "e": e}).scalar_one()
        svc = EvaluationService(store)
        t0 = time.perf_counter()
        counts = svc.queries.counts(s, e)
        t_counts = time.perf_counter() - t0
        t0 = time.perf_counter()
        ev = svc.evaluate(start, end)
        t_eval = time.perf_counter() - t0
        dept = max(counts["department"], key=lambda d: counts["department"][d]["handled"])
        t0 = time.perf_counter()
        behind = svc.drill_down("department", dept, "handled_on_time", start, end)
        t_drill = time.perf_counter() - t0
        street = ev.streets[0].id
        t0 = time.perf_counter()
        svc.drill_down("street", street, "closed_on_time", start, end)
        t_drill_street = time.perf_counter() - t0
        with tempfile.TemporaryDirectory(prefix="citygrid-eval-") as d:
            t0 = time.perf_counter()
            export_evaluation(store, start, end, Path(d) / "eval.xlsx")
            t_export = time.perf_counter() - t0
        return {
            "backend": store.backend, "month": f"{start:%Y-%m}", "cases": cases,
            "events": events, "counts_s": t_counts, "evaluate_s": t_eval,
            "drill_department_s": t_drill, "drill_department_cases": len(behind),
            "drill_street_s": t_drill_street, "export_xlsx_s": t_export,
            "entities": {"posts": sum(len(counts[k]) for k in (
                "supervisor", "operator", "shift_leader", "dispatcher")),
                "departments": len(ev.departments), "streets": len(ev.streets),
                "communities": len(ev.communities), "grids": len(ev.grids)},
        }
    finally:
        store.close()


def rows_for_report(r: dict[str, Any]) -> list[list[Any]]:
    n = r["entities"]
    who = (f"{n['posts']} posts, {n['departments']} departments, {n['streets']} streets, "
           f"{n['communities']} communities, {n['grids']:,} grids")
    return [
        ["counts (one SQL statement)", f"{r['counts_s']:.1f} s",
         f"{r['cases']:,} cases reported in the month, {r['events']:,} of their events"],
        ["evaluate (counts + formulas + roll-up)", f"{r['evaluate_s']:.1f} s", who],
        ["drill-down: a department's on-time handlings", f"{r['drill_department_s']:.1f} s",
         f"{r['drill_department_cases']:,} cases"],
        ["drill-down: a street's cases closed on time", f"{r['drill_street_s']:.1f} s",
         "only the street's cases are walked"],
        ["XLSX export (evaluate + write)", f"{r['export_xlsx_s']:.1f} s", ""],
    ]
