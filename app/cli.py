"""Command line: ``python main.py [gui|seed|stats|screenshot|bench] …``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime

LANGS = ("zh_CN", "en")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py", description="CityGrid 网格化城市管理指挥中心")
    p.add_argument("--db", help="database URL or SQLite file (default: $CITYGRID_DB or the "
                                "per-user data directory)")
    p.add_argument("--lang", choices=LANGS, default=None, help="interface language")
    sub = p.add_subparsers(dest="command")

    g = sub.add_parser("gui", help="start the desktop application (default)")
    g.add_argument("--db", dest="db_sub")
    g.add_argument("--lang", dest="lang_sub", choices=LANGS)
    g.add_argument("--scale", choices=("street", "district"), default="district",
                   help="demo scale seeded on first start of an empty database")

    s = sub.add_parser("seed", help="(re)create the deterministic demo district")
    s.add_argument("--scale", choices=("street", "district"), default="district")
    s.add_argument("--seed", type=int, default=None)
    s.add_argument("--end", help="end of the 90-day case history, ISO time "
                                 "(default: the current hour)")
    s.add_argument("--db", dest="db_sub")

    st = sub.add_parser("stats", help="counts of streets, communities, grids, parts, cases")
    st.add_argument("--db", dest="db_sub")
    st.add_argument("--json", action="store_true", help="print JSON")
    st.add_argument("--check", action="store_true",
                    help="also verify grid ids and that every part lies inside its grid")

    sc = sub.add_parser("screenshot", help="render the main window offscreen to a PNG")
    sc.add_argument("out")
    sc.add_argument("--db", dest="db_sub")
    sc.add_argument("--lang", dest="lang_sub", choices=LANGS)
    sc.add_argument("--size", default="1600x1000", help="WxH in pixels")
    sc.add_argument("--view", default="district",
                    help="district | street:<9-digit code> | grid:<15-digit id> | "
                    "case:<number> | camera:<part id>")
    return p


def _db(args: argparse.Namespace) -> str | None:
    return getattr(args, "db_sub", None) or args.db


def _lang(args: argparse.Namespace) -> str:
    return getattr(args, "lang_sub", None) or args.lang or "zh_CN"


def cmd_seed(args: argparse.Namespace) -> int:
    from app.services.seeding import DEFAULT_SEED, seed
    from app.store.store import Store

    store = Store.open(_db(args))
    end = datetime.fromisoformat(args.end) if args.end else None
    last = [-1]

    def progress(f: float, msg: str) -> None:
        pct = int(f * 100)
        if pct != last[0]:
            last[0] = pct
            print(f"\r[{'#' * (pct // 4):<25}] {pct:3d}% {msg}        ", end="", flush=True)

    rep = seed(store, args.scale, seed=args.seed or DEFAULT_SEED, end=end, progress=progress)
    print()
    print(f"Seeded {rep.scale} demo into {store.url} in {rep.seconds:.1f} s: "
          + ", ".join(f"{k} {v:,}" for k, v in rep.counts.items()))
    print("  stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in rep.stage_seconds.items()))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from app.services.queries import check_integrity, stats
    from app.store.store import Store

    store = Store.open(_db(args))
    data = stats(store)
    if args.check:
        data["check"] = check_integrity(store)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for k, v in data.items():
            print(f"{k}: {v}")
    return 0


def cmd_screenshot(args: argparse.Namespace) -> int:
    from app.ui.app import screenshot

    w, h = (int(v) for v in args.size.lower().split("x"))
    return screenshot(args.out, db=_db(args), lang=_lang(args), size=(w, h), view=args.view)


def cmd_gui(args: argparse.Namespace) -> int:
    from app.ui.app import run_gui

    return run_gui(db=_db(args), lang=_lang(args), scale=getattr(args, "scale", "district"))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "bench":
        # The benchmark lives in benchmarks/ (not part of the installed package).
        from benchmarks.run import main as bench_main

        return bench_main(argv[1:])
    args = _parser().parse_args(argv)
    cmd = args.command or "gui"
    return {"seed": cmd_seed, "stats": cmd_stats, "screenshot": cmd_screenshot,
            "gui": cmd_gui}[cmd](args)
