"""Command line: ``python main.py [gui|seed|stats|screenshot|import|export|open311|user|
db-password|loadtest|report|bench] …``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

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

    layers = ("streets", "communities", "grids", "parts", "cases")
    im = sub.add_parser("import", help="import a layer from GeoPackage, GeoJSON, Shapefile, "
                                       "CSV or XLSX (atomic; validated first)")
    im.add_argument("layer", choices=layers)
    im.add_argument("file")
    im.add_argument("--crs", help="CRS of the file when it declares none, e.g. EPSG:4490, "
                                  "EPSG:4548, WGS84, GCJ-02")
    im.add_argument("--mapping", help="JSON file mapping the file's columns to CityGrid "
                                      "fields (see docs/import-export.md)")
    im.add_argument("--dry-run", action="store_true",
                    help="validate and report what would be written; write nothing")
    im.add_argument("--accept-valid", action="store_true",
                    help="write the valid features even when others are rejected")
    im.add_argument("--mode", choices=("append", "replace"), default="append",
                    help="append new features (default) or replace the layer (parts, grids)")
    im.add_argument("--repair", action="store_true",
                    help="repair invalid polygons (shapely.make_valid) instead of rejecting "
                         "them; each repair is listed in the report")
    im.add_argument("--layer", dest="source_layer",
                    help="layer (GeoPackage table, Excel sheet) to read from a multi-layer file")
    im.add_argument("--rejections", help="write the rejected features to this CSV file")
    im.add_argument("--db", dest="db_sub")

    ex = sub.add_parser("export", help="export a layer to GeoPackage, GeoJSON, Shapefile, "
                                       "CSV or XLSX (format from the file name)")
    ex.add_argument("layer", choices=layers)
    ex.add_argument("file")
    ex.add_argument("--crs", default="EPSG:4490",
                    help="output CRS (default EPSG:4490 CGCS2000 lon/lat)")
    ex.add_argument("--db", dest="db_sub")

    o3 = sub.add_parser("open311", help="Open311 GeoReport v2 files: the service list, cases "
                                        "as service requests, requests taken in as reports")
    o3sub = o3.add_subparsers(dest="open311_command", required=True)
    o3s = o3sub.add_parser("services", help="write the catalogue as an Open311 service list")
    o3s.add_argument("out", help="JSON file to write")
    o3e = o3sub.add_parser("export", help="write cases as Open311 service requests (JSON), "
                                          "their first photos in <name>_media/")
    o3e.add_argument("out", help="JSON file to write")
    o3e.add_argument("--since", help="reported at or after this ISO 8601 time")
    o3e.add_argument("--until", help="reported before this ISO 8601 time")
    o3e.add_argument("--states", help="open, closed or case states, comma-separated "
                                      "(default: all but drafts)")
    o3e.add_argument("--no-media", action="store_true", help="write no photos")
    o3e.add_argument("--dept", help="export as this department's staff: its own cases only")
    o3e.add_argument("--db", dest="db_sub")
    o3i = o3sub.add_parser("import", help="take Open311 service requests (JSON) in as new "
                                          "public or hotline reports, each only once")
    o3i.add_argument("file")
    o3i.add_argument("--source", required=True,
                     help="name of the sending system, part of each case's external id "
                          "open311:<source>:<service_request_id>")
    o3i.add_argument("--channel", choices=("public", "hotline"), default="public",
                     help="public: citizen app or web form (公众举报); hotline: 12345 (热线转办)")
    o3i.add_argument("--plain-kind", choices=("part", "matter"),
                     help="kind of plain 5-digit service codes (default: only codes one "
                          "kind alone has)")
    o3i.add_argument("--coords", choices=("wgs84", "cgcs2000", "gcj02"), default="wgs84",
                     help="coordinate system of lat/long (gcj02: 高德/腾讯 map SDKs)")
    o3i.add_argument("--dry-run", action="store_true",
                     help="check every item and report; write nothing")
    o3i.add_argument("--report", help="write every item's outcome to this CSV file")
    o3i.add_argument("--login", default="open311",
                     help="operator (受理员) login the reports are made as")
    o3i.add_argument("--db", dest="db_sub")

    sc = sub.add_parser("screenshot", help="render the main window offscreen to a PNG")
    sc.add_argument("out")
    sc.add_argument("--db", dest="db_sub")
    sc.add_argument("--lang", dest="lang_sub", choices=LANGS)
    sc.add_argument("--size", default="1600x1000", help="WxH in pixels")
    sc.add_argument("--view", default="district",
                    help="district | street:<9-digit code> | grid:<15-digit id> | "
                    "case:<number> | camera:<part id>")

    # Accounts. The CLI runs with the database owner's rights (whoever can reach the
    # database URL can change any row), so it acts as the system administrator
    # app.services.auth.CLI_ACTOR, not as one of the accounts.
    us = sub.add_parser("user", help="staff accounts and their passwords (acts as the "
                                     "system administrator)")
    ussub = us.add_subparsers(dest="user_command", required=True)
    ul = ussub.add_parser("list", help="list the accounts")
    ul.add_argument("--db", dest="db_sub")
    ua = ussub.add_parser("add", help="add an account (prompts for its password)")
    ua.add_argument("login")
    ua.add_argument("--name", required=True, help="display name, e.g. 王伟")
    ua.add_argument("--role", required=True, choices=[r.value for r in _roles()])
    ua.add_argument("--dept", help="department code (18 characters), for the department role")
    ua.add_argument("--street", help="9-digit street code the account works in")
    ua.add_argument("--no-password", action="store_true",
                    help="create it without a password (it cannot log in until one is set)")
    ua.add_argument("--password-stdin", action="store_true",
                    help="read the password from the first line of stdin (scripts)")
    ua.add_argument("--db", dest="db_sub")
    for name, help_ in (("passwd", "set an account's password (prompts)"),
                        ("disable", "disable an account (it can no longer log in)"),
                        ("enable", "enable a disabled account")):
        q = ussub.add_parser(name, help=help_)
        q.add_argument("login")
        q.add_argument("--db", dest="db_sub")
        if name == "passwd":
            q.add_argument("--password-stdin", action="store_true",
                           help="read the password from the first line of stdin (scripts)")

    dp = sub.add_parser("db-password", help="store the database password in the OS keyring "
                                            "(or ~/.pgpass), so the URL needs none")
    dp.add_argument("--db", dest="db_sub", help="postgresql+psycopg://user@host:port/dbname")
    dp.add_argument("--pgpass", action="store_true",
                    help="write it to ~/.pgpass ($PGPASSFILE) with mode 0600 instead")
    dp.add_argument("--password-stdin", action="store_true",
                    help="read the password from the first line of stdin (scripts)")

    lt = sub.add_parser("loadtest", help="replay a district's day of cases from many seats "
                                         "(processes) at once and check the invariants")
    lt.add_argument("--db", dest="db_sub", help="database URL (PostgreSQL for real seats)")
    lt.add_argument("--seats", type=int, default=20, help="concurrent seats (processes)")
    lt.add_argument("--speed", type=float, default=100.0,
                    help="simulated time per wall time (100: a 24 h day lasts 864 s)")
    lt.add_argument("--cases", type=int, default=3000, help="cases reported in the day")
    lt.add_argument("--hours", type=float, default=24.0,
                    help="replay only the first N hours of the day")
    lt.add_argument("--seed", type=int, default=1, help="random seed of the day's plan")
    lt.add_argument("--scale", choices=("street", "district"), default="street",
                    help="demo seeded first when the database is empty (street: seconds; "
                         "district, the realistic Haidian one: minutes)")
    lt.add_argument("--json", help="write the figures to this JSON file")

    rp = sub.add_parser("report", help="managers' reports: the evaluation workbook (XLSX, "
                                       "or CSV tables) and the hotspot map (offline HTML)")
    rps = rp.add_subparsers(dest="report_kind", required=True)
    for kind, what, suffix in (("evaluation", "evaluation (考核评价) of posts, departments and "
                                "regions", ".xlsx, or a directory for CSV tables"),
                               ("hotspots", "hotspot map (Getis-Ord Gi* per grid)", ".html")):
        r = rps.add_parser(kind, help=f"write the {what} for a period")
        r.add_argument("--from", dest="start", required=True, type=_date,
                       help="first day, YYYY-MM-DD")
        r.add_argument("--to", dest="end", required=True, type=_date,
                       help="last day (included), YYYY-MM-DD")
        r.add_argument("--out", required=True, help=f"output file ({suffix})")
        r.add_argument("--db", dest="db_sub", help="database URL or SQLite file")
    return p


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a date: write YYYY-MM-DD") from None


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


def _progress_printer() -> Callable[[float, str], None]:
    last = [-1]

    def progress(f: float, msg: str) -> None:
        pct = int(f * 100)
        if pct != last[0] and sys.stderr.isatty():
            last[0] = pct
            print(f"\r[{'#' * (pct // 4):<25}] {pct:3d}% {msg}        ", end="",
                  file=sys.stderr, flush=True)

    return progress


def cmd_import(args: argparse.Namespace) -> int:
    from app.domain.errors import DomainError
    from app.gis.fieldmap import load_mapping_file
    from app.services.importer import import_file
    from app.store.store import Store

    store = Store.open(_db(args))
    try:
        mapping = load_mapping_file(args.mapping) if args.mapping else None
        report = import_file(store, args.layer, args.file, crs=args.crs, mapping=mapping,
                             dry_run=args.dry_run, accept_valid=args.accept_valid,
                             mode=args.mode, repair=args.repair,
                             source_layer=args.source_layer, progress=_progress_printer())
    except DomainError as exc:
        if sys.stderr.isatty():
            print(file=sys.stderr)
        print(f"Import refused: {exc}", file=sys.stderr)
        print("The database is unchanged.", file=sys.stderr)
        return 2
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(report.summary())
    if args.rejections and report.rejected:
        report.to_csv(args.rejections)
        print(f"Rejected features written to {args.rejections}")
    if report.rejected and not report.written and not report.dry_run:
        print("Nothing was written: fix the rejected features or use --accept-valid. "
              "The database is unchanged.", file=sys.stderr)
        return 1
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from app.domain.errors import DomainError
    from app.services.exporter import export_layer
    from app.store.store import Store

    store = Store.open(_db(args))
    try:
        n = export_layer(store, args.layer, args.file, crs=args.crs,
                         progress=_progress_printer())
    except DomainError as exc:
        print(f"\nExport failed: {exc}", file=sys.stderr)
        return 2
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(f"Exported {n:,} {args.layer} to {args.file} ({args.crs})")
    return 0


def cmd_open311(args: argparse.Namespace) -> int:
    from app.services import open311

    if args.open311_command == "services":
        result = open311.command_services(args.out)
    else:
        from app.services.cases import CaseService
        from app.store.store import Store

        svc = CaseService(Store.open(_db(args)))
        if args.open311_command == "export":
            result = open311.command_export(svc, args.out, since=args.since, until=args.until,
                                            states=args.states, media=not args.no_media,
                                            dept_code=args.dept)
        else:
            result = open311.command_import(svc, args.file, source_name=args.source,
                                            channel=args.channel, plain_kind=args.plain_kind,
                                            coords=args.coords, dry_run=args.dry_run,
                                            report_csv=args.report, login=args.login)
    if result.out:
        print(result.out)
    if result.err:
        print(result.err, file=sys.stderr)
    return result.status


def _roles() -> list:  # type: ignore[type-arg]
    from app.domain.org import Role

    return list(Role)


def _read_password(args: argparse.Namespace, prompt: str = "Password: ") -> str:
    """The new password: stdin's first line with --password-stdin, else typed twice."""
    import getpass

    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(prompt)
    if getpass.getpass("Again: ") != first:
        raise ValueError("The two passwords differ; nothing was changed")
    return first


def cmd_user(args: argparse.Namespace) -> int:
    from app.domain.errors import DomainError
    from app.domain.org import Role, Staff
    from app.services.auth import CLI_ACTOR, AuthService
    from app.store.store import Store

    auth = AuthService(Store.open(_db(args)))
    try:
        if args.user_command == "list":
            for a in auth.accounts():
                s = a.staff
                state = ("active" if a.active else "disabled") + (
                    "" if a.has_password else ", no password")
                print(f"{s.login:<16} {s.name:<8} {s.role.value:<17} "
                      f"{s.department_code or '-':<18} {s.street_code or '-':<9} {state}")
            return 0
        if args.user_command == "add":
            staff = Staff(args.login, args.name, Role(args.role), args.dept, args.street)
            password = None if args.no_password else _read_password(args)
            auth.add_user(CLI_ACTOR, staff, password)
            print(f"Added {staff.login} ({staff.role.label_zh})"
                  + ("; no password set" if password is None else ""))
        elif args.user_command == "passwd":
            auth.set_password(CLI_ACTOR, args.login, _read_password(args, "New password: "))
            print(f"Password of {args.login} changed")
        else:
            auth.set_active(CLI_ACTOR, args.login, args.user_command == "enable")
            print(f"{args.login} {args.user_command}d")
    except (DomainError, ValueError) as exc:
        print(f"Refused: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_db_password(args: argparse.Namespace) -> int:
    from app.store import credentials
    from app.store.db import resolve_db_url

    url = resolve_db_url(_db(args))
    if not credentials.is_postgresql(url):
        print("db-password is for PostgreSQL server URLs, e.g. --db "
              "postgresql+psycopg://citygrid@server:5432/citygrid", file=sys.stderr)
        return 2
    plain = credentials.without_password(url)
    try:
        # A password in the URL is taken (and then should be dropped from it).
        password = credentials.url_password(url) or _read_password(
            args, f"Password for {credentials.keyring_username(url)}: ")
        if args.pgpass:
            where = str(credentials.write_pgpass(url, password))
        else:
            name = credentials.store_in_keyring(url, password)
            where = f"the OS keyring (service {credentials.KEYRING_SERVICE}, user {name})"
    except (credentials.CredentialsError, ValueError, OSError) as exc:
        print(f"Not stored: {exc}", file=sys.stderr)
        return 2
    print(f"Stored the password in {where}. Connect with --db {plain} "
          f"(or CITYGRID_DB={plain}).")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """``report evaluation|hotspots --from D --to D --out FILE`` (both days included)."""
    if args.end < args.start:
        print(f"error: --to {args.end} is before --from {args.start}", file=sys.stderr)
        return 2
    from app.domain.errors import DomainError
    from app.store.store import Store

    end = args.end + timedelta(days=1)  # the evaluation takes [start, end)
    store = Store.open(_db(args))
    try:
        if args.report_kind == "evaluation":
            from app.services import evaluation

            if Path(args.out).suffix.lower() == ".xlsx":
                paths = [evaluation.export_evaluation(store, args.start, end, args.out,
                                                      progress=_progress_printer())]
            else:
                paths = evaluation.export_evaluation_csv(store, args.start, end, args.out)
        else:
            from app.services import hotspots

            # Dates given to the hotspot service include both ends.
            paths = [hotspots.export_hotspot_map(store, args.start, args.end, args.out,
                                                 progress=_progress_printer())]
    except DomainError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    for path in paths:
        print(f"Wrote {path}")
    return 0


def cmd_loadtest(args: argparse.Namespace) -> int:
    from app.services.loadtest import LoadTestConfig, format_report, run_loadtest, write_json
    from app.store.db import resolve_db_url

    cfg = LoadTestConfig(url=resolve_db_url(_db(args)), seats=args.seats, speed=args.speed,
                         cases=args.cases, hours=args.hours, seed=args.seed, scale=args.scale)
    result = run_loadtest(cfg, progress=lambda msg: print(msg, flush=True))
    print(format_report(result.figures))
    if args.json:
        write_json(args.json, result.figures)
    return 0 if result.ok else 1


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
            "import": cmd_import, "export": cmd_export, "open311": cmd_open311,
            "gui": cmd_gui, "user": cmd_user, "db-password": cmd_db_password,
            "loadtest": cmd_loadtest, "report": cmd_report}[cmd](args)
