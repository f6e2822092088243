"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): the catalogue as a service
list, cases as service requests, and service requests from a citizen app or a hotline
platform taken in as new reports. See docs/open311.md for the field mapping.

* **Service codes** are the 5-digit type codes of GB/T 47678.5-2026 prefixed with the kind,
  because parts and matters share the code space: ``P01001`` is the part 供水井盖, ``M01001``
  the matter 供水井盖异常. On import, plain 5-digit codes are accepted when only one kind
  has them, or when the caller names the kind for plain codes (``plain_kind``); legacy
  4-digit codes (``P0101``, ``M04-06``) are mapped to their 2026 types.
* **Datetimes** are ISO 8601 with the +08:00 offset (the store keeps Beijing local time).
* **Coordinates**: Open311 speaks WGS-84, the store CGCS2000 (EPSG:4490). The two agree to
  centimetres at a common epoch; a phone's WGS-84 fix of a point in Beijing differs from its
  CGCS2000 coordinates by under a metre of plate motion since 2000, far below the accuracy of
  the fix and the size of a unit grid, so lat/long are used as they are. An app that sends
  GCJ-02 (高德/腾讯 map SDKs) needs ``to_cgcs2000`` on import.
* **Import** validates every item before it reports any: a file-level problem (unreadable,
  not JSON, not an array, no item an Open311 request) refuses the whole file and writes
  nothing; a bad item is listed with its index and id and the valid items are reported. Each
  report is its own transaction and carries the external id
  ``open311:<source_name>:<service_request_id>`` (unique in the store), so an import that
  stops half-way is completed by running it again, and nothing is ever taken in twice.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

from app.domain.attachment import Attachment, Photo
from app.domain.calendar import TimeLimitTable, load_time_limits
from app.domain.case import Case, CaseKind, CaseSource, CaseState
from app.domain.catalogue import Catalogue, CatalogueEntry, load_catalogue
from app.domain.errors import DomainError
from app.domain.org import Role
from app.domain.workflow import Action, Actor, CaseEvent, CaseFlow, apply
from app.services.cases import CaseService, DuplicateExternalIdError, LocationError

__all__ = ["CHINA_TZ", "COORDINATE_SYSTEMS", "REQUEST_FIELDS", "SERVICE_FIELDS",
           "CommandResult", "ImportItem", "ImportReport", "RequestsExport", "command_export",
           "command_import", "command_services", "export_requests", "export_services",
           "import_requests", "iso", "iter_requests", "media_dir_for", "parse_datetime",
           "parse_service_code", "service_code", "services_list"]

# The store keeps naive Beijing local time; China has no daylight saving time.
CHINA_TZ = timezone(timedelta(hours=8))

SERVICE_FIELDS = ("service_code", "service_name", "description", "metadata", "type",
                  "keywords", "group")
REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "service_notice",
                  "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "address_id", "zipcode", "lat", "long", "media_url")
# Non-standard, in the place Chicago's and Austin's Open311 servers use for their additions.
EXTENDED = "extended_attributes"
# What an item of an import needs to be an Open311 service request CityGrid can locate.
REQUIRED_FIELDS = ("service_request_id", "service_code", "lat", "long")

KIND_PREFIX = {CaseKind.PART: "P", CaseKind.MATTER: "M"}
_PREFIX_KIND = {v: k for k, v in KIND_PREFIX.items()}
_KIND_ZH = {CaseKind.PART: "部件", CaseKind.MATTER: "事项"}
_OPEN_STATES = frozenset(s for s in CaseState if s.is_open and s is not CaseState.DRAFT)
_CLOSED_STATES = frozenset(s for s in CaseState if s.is_closed)
_CHANNELS = (CaseSource.PUBLIC, CaseSource.HOTLINE)
_SOURCE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
_EXTERNAL_ID_MAX = 100  # case_.external_id is VARCHAR(100)
_ADDRESS_MAX = 256  # case_.address is VARCHAR(256)
_MIME_EXT = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif",
             "image/bmp": ".bmp", "image/webp": ".webp"}
# A requested_datetime this close to the import is "now" and not worth a note.
_NOW_SLACK = timedelta(minutes=5)


# -- codes and datetimes ---------------------------------------------------------------------
def service_code(kind: CaseKind | str, type_code: str) -> str:
    """The Open311 service code of a type: kind prefix + 5-digit code (``M06010``)."""
    return KIND_PREFIX[CaseKind(kind)] + type_code


def parse_service_code(value: object, plain_kind: CaseKind | str | None = None,
                       catalogue: Catalogue | None = None) -> CatalogueEntry:
    """The catalogue entry an Open311 service code names.

    Accepted: ``P01001`` / ``M06010`` (kind + 2026 code); ``P0101`` / ``M04-06`` (kind +
    legacy 4-digit code, mapped to 2026); plain ``06010`` when only one kind has the code
    or when ``plain_kind`` says which kind plain codes are. Raises DomainError with the rule.
    """
    cat = catalogue if catalogue is not None else load_catalogue()
    if isinstance(value, bool) or not isinstance(value, str):
        raise DomainError(
            f"service_code {json.dumps(value, ensure_ascii=False)} is not a string: codes are "
            "text such as “M06010”, a number loses the leading zeros")
    text = value.strip()
    kind: CaseKind | None = None
    if text[:1].upper() in _PREFIX_KIND:
        kind, text = _PREFIX_KIND[text[:1].upper()], text[1:].strip()
    elif plain_kind is not None:
        kind = CaseKind(plain_kind)
    digits = re.sub(r"[\s\-._/]", "", text)
    if re.fullmatch(r"\d{5}", digits):
        if kind is not None:
            entry = cat.find(kind, digits)
            if entry is None:
                raise DomainError(
                    f"service_code “{value}”: {kind.value} ({_KIND_ZH[kind]}) {digits} is not in "
                    "the GB/T 47678.5-2026 catalogue (export the service list for the codes)")
            return entry
        found = [e for e in (cat.find(k, digits) for k in CaseKind) if e is not None]
        if not found:
            raise DomainError(f"service_code “{value}” is not in the GB/T 47678.5-2026 "
                              "catalogue as a part or a matter (export the service list for "
                              "the codes)")
        if len(found) > 1:
            raise DomainError(
                f"service_code “{value}” is ambiguous: parts and matters share 5-digit codes "
                f"(P{digits} {found[0].name}, M{digits} {found[1].name}); write P{digits} or "
                f"M{digits}, or import with a kind for plain codes")
        return found[0]
    if re.fullmatch(r"\d{4}", digits):
        if kind is None:
            raise DomainError(f"service_code “{value}” looks like a legacy 4-digit code: "
                              "prefix it with P (part) or M (event) to map it to 2026")
        return cat.from_legacy(kind, digits)
    raise DomainError(f"service_code “{value}” is not a type code: write the kind and the "
                      "5-digit GB/T 47678.5-2026 code, e.g. P01001 or M06010")


def iso(dt: datetime) -> str:
    """ISO 8601 with the +08:00 offset; naive datetimes are Beijing local time."""
    aware = dt.replace(tzinfo=CHINA_TZ) if dt.tzinfo is None else dt.astimezone(CHINA_TZ)
    return aware.isoformat(timespec="seconds")


def parse_datetime(value: datetime | str) -> datetime:
    """An ISO 8601 datetime as naive Beijing local time (the store's convention).

    With an offset (``Z``, ``+08:00``, ``-05:00``) it is converted; without one it is taken
    as Beijing time, which is what hotline platforms in China send.
    """
    if isinstance(value, datetime):
        dt = value
    else:
        if not isinstance(value, str):
            raise DomainError(f"{json.dumps(value, ensure_ascii=False)} is not a date and "
                              "time: write ISO 8601, e.g. 2026-11-24T08:15:00+08:00")
        try:
            dt = datetime.fromisoformat(value.strip())
        except ValueError:
            raise DomainError(f"“{value}” is not an ISO 8601 date and time, e.g. "
                              "2026-11-24T08:15:00+08:00") from None
    if dt.tzinfo is not None:
        dt = dt.astimezone(CHINA_TZ).replace(tzinfo=None)
    return dt


def _states(states: Iterable[CaseState | str] | str | None) -> frozenset[CaseState]:
    if states is None:
        return _OPEN_STATES | _CLOSED_STATES
    if isinstance(states, str):
        states = states.split(",")
    out: set[CaseState] = set()
    for s in states:
        word = str(s).strip().lower()
        if word == "open":
            out |= _OPEN_STATES
        elif word == "closed":
            out |= _CLOSED_STATES
        else:
            try:
                out.add(CaseState(word))
            except ValueError:
                raise DomainError(
                    f"Case state “{s}” is unknown: use open, closed or one of "
                    + ", ".join(c.value for c in CaseState)) from None
    return frozenset(out)


# -- services -------------------------------------------------------------------------------
def _limit_text(limits: TimeLimitTable, type_code: str) -> str:
    limit = limits.limit_for(type_code, "handle")
    return f"处置时限 {limit.amount:g} {limit.unit.label_zh}"  # type: ignore[union-attr]


def services_list(catalogue: Catalogue | None = None,
                  limits: TimeLimitTable | None = None) -> list[dict[str, Any]]:
    """Every catalogue type as an Open311 service, parts first, in code order."""
    cat = catalogue if catalogue is not None else load_catalogue()
    limits = limits if limits is not None else load_time_limits()
    legacy: dict[tuple[CaseKind, str], list[str]] = {}
    for row in cat.legacy_codes():
        if row.code_2026:
            legacy.setdefault((row.kind, row.code_2026), []).append(row.legacy_code)
    out = []
    for e in cat.entries():
        kind_zh = _KIND_ZH[e.kind]
        keywords = [e.code, e.name, kind_zh, e.major_name, *legacy.get((e.kind, e.code), [])]
        out.append({
            "service_code": service_code(e.kind, e.code),
            "service_name": e.name,
            "description": f"{kind_zh} {e.code} {e.name}（{e.major_name}，{e.standard_ref}）；"
                           f"{_limit_text(limits, e.code)}",
            "metadata": False,
            "type": "realtime",
            "keywords": ", ".join(keywords),
            "group": f"{kind_zh}·{e.major_name}",
        })
    return out


def export_services(path: str | Path | None = None, *, catalogue: Catalogue | None = None,
                    limits: TimeLimitTable | None = None) -> list[dict[str, Any]]:
    """The service list (see :func:`services_list`), written to ``path`` as JSON if given."""
    services = services_list(catalogue, limits)
    if path is not None:
        p = _writable(path)
        tmp = p.with_name(f".{p.name}.tmp")
        try:
            tmp.write_text(json.dumps(services, ensure_ascii=False, indent=2) + "\n",
                           encoding="utf-8")
            os.replace(tmp, p)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise DomainError(f"Cannot write {p}: {exc.strerror or exc}") from exc
    return services


# -- service requests -----------------------------------------------------------------------
def _writable(path: str | Path) -> Path:
    p = Path(path)
    if not p.parent.is_dir():
        raise DomainError(f"Cannot write {p}: the folder {p.parent} does not exist")
    if p.is_dir():
        raise DomainError(f"Cannot write {p}: it is a folder; name a .json file")
    return p


def _status_notes(case: Case, last: CaseEvent | None) -> str:
    label = case.state.label_zh
    if last is None:
        return label
    if last.action is Action.MERGE and last.details.get("duplicate_of"):
        return f"{label}：与案件 {last.details['duplicate_of']} 重复，已合并"
    # The report event's note is the description itself: not a status note. Voids, returns
    # and parks carry their reason in the details.
    note = last.note.strip() if last.action is not Action.REPORT else ""
    note = note or str(last.details.get("reason") or "").strip()
    return f"{label}：{note}" if note else label


@dataclass
class _Context:
    """Names looked up once per export, not once per case."""

    entries: dict[tuple[CaseKind, str], CatalogueEntry]
    departments: dict[str, str]
    streets: dict[str, str]
    communities: dict[str, str]
    district: str
    limits: TimeLimitTable

    @classmethod
    def of(cls, service: CaseService) -> _Context:
        streets, communities = service.store.admin.names()
        district = service.store.admin.district()
        return cls({(e.kind, e.code): e for e in load_catalogue()},
                   service.department_names(), streets, communities,
                   district[1] if district else "", service.limits)

    def address(self, case: Case) -> str:
        if case.address.strip():
            return case.address.strip()
        grid = str(case.grid_id)
        return (self.district + self.streets.get(grid[:9], "")
                + self.communities.get(grid[:12], ""))


def _request(case: Case, last: CaseEvent | None, ctx: _Context,
             media_url: str | None) -> dict[str, Any]:
    entry = ctx.entries.get((case.kind, case.type_code))
    closed = case.state.is_closed
    if closed and case.closed_at is not None:
        updated = case.closed_at  # the spec: for closed requests, when it was closed
    else:
        updated = max(last.at, case.reported_at) if last is not None else case.reported_at
    # The current step's deadline; none while parked (挂账: the clock stands still).
    expected = (case.deadline if not closed and case.state is not CaseState.PARKED
                else None)
    extended: dict[str, Any] = {
        "case_state": case.state.value, "case_state_zh": case.state.label_zh,
        "source": case.source.value, "kind": case.kind.value, "type_code": case.type_code,
        "grid_id": str(case.grid_id), "urgency": case.urgency.value,
    }
    if case.extra.get("external_id"):
        extended["external_id"] = case.extra["external_id"]
    return {
        "service_request_id": case.number,
        "status": "closed" if closed else "open",
        "status_notes": _status_notes(case, last),
        "service_name": entry.name if entry else case.type_code,
        "service_code": service_code(case.kind, case.type_code),
        "description": case.description,
        "agency_responsible": ctx.departments.get(case.dept_code or "", case.dept_code),
        "service_notice": _limit_text(ctx.limits, case.type_code),
        "requested_datetime": iso(case.reported_at),
        "updated_datetime": iso(updated),
        "expected_datetime": iso(expected) if expected is not None else None,
        "address": ctx.address(case),
        "address_id": str(case.grid_id),
        "zipcode": None,
        "lat": round(case.lat, 7),
        "long": round(case.lon, 7),
        "media_url": media_url,
        EXTENDED: extended,
    }


def _cases(service: CaseService, actor: Actor, since: datetime | str | None,
           until: datetime | str | None, states: Iterable[CaseState | str] | str | None,
           photos: bool = False) -> Iterator[tuple[Case, CaseEvent | None, Attachment | None]]:
    """The cases of an export, in the order they were taken in, with their latest event and
    (if ``photos``) their first image attachment.

    Three queries per 2,000 cases (CaseRepository.export_rows).
    """
    wanted = _states(states)
    start = parse_datetime(since) if since is not None else None
    end = parse_datetime(until) if until is not None else None
    if start is not None and end is not None and end <= start:
        raise DomainError(f"The export window is empty: until ({iso(end)}) is not after "
                          f"since ({iso(start)})")
    # Department staff (专业部门) see only their own department's cases, here as in the panel.
    dept = actor.department_code if actor.role is Role.DEPARTMENT else None
    for case, last, first in service.store.cases.export_rows(start, end, wanted, dept):
        yield case, last, first if photos else None


def iter_requests(service: CaseService, actor: Actor, *, since: datetime | str | None = None,
                  until: datetime | str | None = None,
                  states: Iterable[CaseState | str] | str | None = None
                  ) -> Iterator[dict[str, Any]]:
    """Cases as Open311 service requests (without media), one dict at a time.

    ``since`` (inclusive) and ``until`` (exclusive) bound the report time; ``states`` are
    CaseState values or ``open`` / ``closed`` (default: every state but draft).
    """
    ctx = _Context.of(service)
    for case, last, _ in _cases(service, actor, since, until, states):
        yield _request(case, last, ctx, None)


@dataclass(frozen=True)
class RequestsExport:
    """What :func:`export_requests` wrote."""

    path: Path
    count: int
    photos: int
    media_dir: Path | None


def media_dir_for(path: str | Path) -> Path:
    """The folder next to a requests file that holds its photos: ``<stem>_media``."""
    p = Path(path)
    return p.with_name(f"{p.stem}_media")


def export_requests(service: CaseService, actor: Actor, path: str | Path, *,
                    since: datetime | str | None = None, until: datetime | str | None = None,
                    states: Iterable[CaseState | str] | str | None = None,
                    media: bool = True) -> RequestsExport:
    """Write cases as a JSON array of Open311 service requests to ``path``.

    Each case's first photo is written to ``<stem>_media/`` next to the file and its
    ``media_url`` is the relative URL of that photo (``requests_media/2026112400001_7.jpg``),
    which resolves against the JSON file's own location. The file and the folder appear
    complete or not at all (written aside, then renamed).
    """
    p = _writable(path)
    ctx = _Context.of(service)
    repo = service.store.cases
    final_media = media_dir_for(p)
    tmp = p.with_name(f".{p.name}.tmp")
    tmp_media = p.with_name(f".{final_media.name}.tmp")
    shutil.rmtree(tmp_media, ignore_errors=True)
    count = photos = 0
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as out:
            out.write("[")
            for case, last, first in _cases(service, actor, since, until, states, media):
                url = None
                if first is not None:
                    found = repo.attachment_data(first.id)
                    if found is not None:
                        tmp_media.mkdir(exist_ok=True)
                        name = f"{case.number}_{first.id}{_MIME_EXT.get(first.mime, '.img')}"
                        (tmp_media / name).write_bytes(found[1])
                        url = f"{quote(final_media.name)}/{quote(name)}"
                        photos += 1
                item = _request(case, last, ctx, url)
                out.write(("\n" if count == 0 else ",\n")
                          + json.dumps(item, ensure_ascii=False))
                count += 1
            out.write("\n]\n" if count else "]\n")
        os.replace(tmp, p)
        if photos:
            shutil.rmtree(final_media, ignore_errors=True)
            tmp_media.rename(final_media)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        shutil.rmtree(tmp_media, ignore_errors=True)
        raise DomainError(f"Cannot write {p}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        shutil.rmtree(tmp_media, ignore_errors=True)
        raise
    return RequestsExport(p, count, photos, final_media if photos else None)


# -- import ---------------------------------------------------------------------------------
@dataclass
class ImportItem:
    """The fate of one item of an import file (``index`` counts from 1)."""

    index: int
    request_id: str
    outcome: str  # "imported" | "would_import" | "already" | "rejected"
    case_number: str | None = None
    reason: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """Outcome of :func:`import_requests`, item by item."""

    path: Path
    source_name: str
    channel: CaseSource
    dry_run: bool
    total: int
    items: list[ImportItem] = field(default_factory=list)

    def _with(self, *outcomes: str) -> list[ImportItem]:
        return [i for i in self.items if i.outcome in outcomes]

    @property
    def imported(self) -> list[ImportItem]:
        return self._with("imported", "would_import")

    @property
    def already(self) -> list[ImportItem]:
        return self._with("already")

    @property
    def rejected(self) -> list[ImportItem]:
        return self._with("rejected")

    def _label(self, item: ImportItem) -> str:
        rid = f" (service_request_id {item.request_id})" if item.request_id else ""
        return f"item {item.index} of {self.total}{rid}"

    def summary(self, limit: int | None = 50) -> str:
        """A readable account: counts, then every rejected and already-imported item and
        (up to ``limit`` lines each) the new cases."""
        verb = "would be imported" if self.dry_run else "imported"
        lines = [(f"{self.path.name}: {self.total} service request(s) from "
                  f"“{self.source_name}”: {len(self.imported)} {verb} as new "
                  f"{self.channel.value} reports ({self.channel.label_zh}), "
                  f"{len(self.already)} already imported, {len(self.rejected)} rejected.")]

        def block(items: list[ImportItem], text: Callable[[ImportItem], str]) -> None:
            for it in items[:limit] if limit is not None else items:
                lines.append(f"  {self._label(it)}: {text(it)}")
            if limit is not None and len(items) > limit:
                lines.append(f"  … and {len(items) - limit} more")

        block(self.rejected, lambda i: f"rejected: {i.reason}")
        block(self.already, lambda i: f"already imported as case {i.case_number}")
        block(self.imported, lambda i: (f"case {i.case_number}" if i.case_number
                                        else "would be imported")
              + "".join(f"; {n}" for n in i.notes))
        return "\n".join(lines)

    def write_csv(self, path: str | Path) -> Path:
        """Every item with its outcome, case number and reason, as UTF-8 CSV (Excel-ready)."""
        p = _writable(path)
        with p.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["item", "service_request_id", "outcome", "case_number", "reason",
                        "notes"])
            for i in self.items:
                w.writerow([i.index, i.request_id, i.outcome, i.case_number or "", i.reason,
                            "; ".join(i.notes)])
        return p


@dataclass
class _Valid:
    """An item that passed validation: everything report() needs."""

    index: int
    request_id: str
    external_id: str
    entry: CatalogueEntry
    lon: float
    lat: float
    description: str
    address: str
    photo: Path | None
    caller: str
    phone: str
    notes: list[str]


def _read_items(p: Path) -> list[Any]:
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise DomainError(f"Cannot import {p}: there is no such file") from None
    except OSError as exc:
        raise DomainError(f"Cannot import {p}: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise DomainError(f"Cannot import {p}: the file is empty; an Open311 import is a "
                          "JSON array of service requests")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError(f"Cannot import {p}: it is not UTF-8 text (byte {exc.start} is "
                          "not UTF-8); Open311 files are UTF-8 JSON") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DomainError(f"Cannot import {p}: it is not valid JSON ({exc.msg} at line "
                          f"{exc.lineno}, column {exc.colno})") from None
    # The XML form's root element is <service_requests>; some JSON exports mirror it.
    if isinstance(data, dict) and isinstance(data.get("service_requests"), list):
        data = data["service_requests"]
    if not isinstance(data, list):
        kind = {dict: "an object", str: "a string", int: "a number", float: "a number",
                bool: "a boolean"}.get(type(data), "null")
        raise DomainError(f"Cannot import {p}: the JSON is {kind}, not an array of Open311 "
                          "service requests")
    if not data:
        raise DomainError(f"Cannot import {p}: the array holds no service requests")
    return data


def _missing(item: Any) -> list[str]:
    if not isinstance(item, dict):
        return list(REQUIRED_FIELDS)
    return [f for f in REQUIRED_FIELDS if item.get(f) in (None, "")]


def _number(item: Mapping[str, Any], key: str) -> float:
    value = item.get(key)
    if isinstance(value, bool):
        raise DomainError(f"{key} {value} is not a number")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DomainError(f"{key} “{value}” is not a number (decimal degrees)") from None
    if not math.isfinite(number):
        raise DomainError(f"{key} {value} is not a finite number")
    return number


def _text(item: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = item.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool) \
                and str(value).strip():
            return str(value).strip()
    return ""


def _photo_path(url: str, base: Path) -> Path | None:
    """The local file a media_url names, or None for a web address.

    A ``file://`` URL, an absolute path, or a path relative to the import file's folder (so
    the relative URLs of :func:`export_requests` resolve, percent-encoded or not).
    """
    parts = urlsplit(url)
    if parts.scheme.lower() == "file":
        if parts.netloc and parts.netloc.lower() != "localhost":
            # A file on another host (UNC share): never opened on the word of an import
            # file (it would connect to that host); kept as a link like a web address.
            return None
        local = Path(url2pathname(parts.path))
        return local if local.is_absolute() else base / local
    # A one-letter "scheme" is a Windows drive letter (C:/photos/a.jpg), not a URL.
    if parts.scheme and len(parts.scheme) > 1:
        return None
    if url.startswith(("//", "\\\\")):
        return None  # a UNC path (//host/share, \\host\share): not opened, see above
    candidates = [Path(url)] + ([Path(unquote(url))] if "%" in url else [])
    paths = [c if c.is_absolute() else base / c for c in candidates]
    return next((c for c in paths if c.exists()), paths[0])


def _phone(raw: str) -> str | None:
    """A caller phone as CaseService.report() accepts it (7–12 digits, hyphens allowed),
    with spaces, brackets and the +86 / 0086 country prefix removed; None if not a phone."""
    p = re.sub(r"[\s()]", "", raw)
    for prefix in ("+86", "0086"):
        if p.startswith(prefix):
            p = p[len(prefix):].lstrip("-")
    digits = p.replace("-", "")
    return p if digits.isdigit() and 7 <= len(digits) <= 12 else None


def _caller(item: Mapping[str, Any]) -> str:
    first, last = _text(item, "first_name"), _text(item, "last_name")
    if re.search(r"[\u4e00-\u9fff]", first + last):
        return (last + first)[:50]  # Chinese order: family name first (张 + 三)
    return " ".join(x for x in (first, last) if x)[:50]


def _locate(service: CaseService, lon: float, lat: float,
            to_cgcs2000: Callable[[float, float], tuple[float, float]] | None
            ) -> tuple[float, float] | None:
    """(lon, lat) in CGCS2000 when the point lies in a unit grid of the district, else None."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if to_cgcs2000 is not None:
        lon, lat = (float(v) for v in to_cgcs2000(lon, lat))
    try:
        service.grid_at(lon, lat)
    except LocationError:
        return None
    return lon, lat


def _validate(service: CaseService, item: Any, index: int, *, base: Path, prefix: str,
              plain_kind: CaseKind | None, catalogue: Catalogue, now: datetime,
              to_cgcs2000: Callable[[float, float], tuple[float, float]] | None,
              channel: CaseSource, source_name: str) -> _Valid:
    """Check one item; raise DomainError naming the rule (without the item prefix)."""
    if not isinstance(item, dict):
        raise DomainError("it is not a JSON object with the fields of a service request")
    missing = _missing(item)
    if missing:
        raise DomainError(f"it lacks {', '.join(missing)}: CityGrid needs the request id, "
                          "the service code and the location (lat, long) of every request")
    rid = item["service_request_id"]
    if isinstance(rid, bool) or not isinstance(rid, str | int):
        raise DomainError(f"service_request_id {json.dumps(rid)} must be a string or an integer")
    if not str(rid).strip():
        raise DomainError("service_request_id is blank")
    external_id = prefix + str(rid).strip()
    if len(external_id) > _EXTERNAL_ID_MAX:
        raise DomainError(f"service_request_id is {len(str(rid))} characters long; at most "
                          f"{_EXTERNAL_ID_MAX - len(prefix)} fit with the source name")
    status = _text(item, "status").lower()
    if status == "closed":
        raise DomainError("its status is closed: only open requests are taken in as new "
                          "reports")
    entry = parse_service_code(item["service_code"], plain_kind, catalogue)
    lat, lon = _number(item, "lat"), _number(item, "long")
    located = _locate(service, lon, lat, to_cgcs2000)
    if located is None:
        if _locate(service, lat, lon, to_cgcs2000) is not None:
            raise DomainError(f"lat {item['lat']} and long {item['long']} are swapped: lat is "
                              "the latitude (north), long the longitude (east)")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise DomainError(f"lat {item['lat']} / long {item['long']} are not WGS-84 degrees "
                              "(lat −90…90, long −180…180)")
        raise DomainError(f"the point lat {item['lat']}, long {item['long']} lies outside every "
                          "unit grid of the district: a case is located in a unit grid "
                          "(单元网格)")
    lon, lat = located
    notes: list[str] = []
    trailer: list[str] = []
    requested = item.get("requested_datetime")
    if requested not in (None, ""):
        try:
            at = parse_datetime(requested)
        except DomainError as exc:
            raise DomainError(f"requested_datetime: {exc}") from None
        if at > now + _NOW_SLACK:
            raise DomainError(f"requested_datetime {requested} is in the future (it is "
                              f"{iso(now)} now)")
        if now - at > _NOW_SLACK:
            trailer.append(f"提交于 {iso(at)}")
    photo = None
    media_url = _text(item, "media_url")
    if media_url:
        photo = _photo_path(media_url, base)
        if photo is None:
            trailer.append(f"照片链接（未下载）{media_url}")
            notes.append(f"media_url {media_url} is a web address: not downloaded, kept in the "
                         "description")
        else:
            Photo.from_path(photo)  # readable, an image, not too big (bytes read again later)
    description = _text(item, "description")
    if not description:
        description = f"{entry.name}（{channel.label_zh}，未填写描述）"
    if trailer:
        description += f"\n—— Open311 {source_name} 请求 {rid}，" + "，".join(trailer)
    address = _text(item, "address", "address_string")
    if len(address) > _ADDRESS_MAX:
        notes.append(f"address shortened to {_ADDRESS_MAX} characters")
        address = address[:_ADDRESS_MAX]
    phone_raw = _text(item, "phone")
    phone = _phone(phone_raw) if phone_raw else ""
    if phone is None:
        notes.append(f"phone “{phone_raw}” is not a phone number (7–12 digits): not recorded")
        phone = ""
    return _Valid(index, str(rid).strip(), external_id, entry, lon, lat, description, address,
                  photo, _caller(item), phone, notes)


def import_requests(service: CaseService, actor: Actor, path: str | Path, *,
                    source_name: str, channel: CaseSource | str = CaseSource.PUBLIC,
                    plain_kind: CaseKind | str | None = None,
                    to_cgcs2000: Callable[[float, float], tuple[float, float]] | None = None,
                    dry_run: bool = False) -> ImportReport:
    """Take the service requests of a JSON file in as new reports.

    ``channel`` is ``public`` (公众举报: a citizen app or web form) or ``hotline``
    (12345 热线转办); ``source_name`` names the sending system in the external id
    ``open311:<source_name>:<service_request_id>``; ``plain_kind`` is the kind of plain
    5-digit service codes (default: only codes that one kind alone has); ``to_cgcs2000``
    converts the file's lon, lat (e.g. from GCJ-02) before locating them; ``dry_run``
    validates and reports without writing.

    Every item is validated before anything is written. Raises DomainError for the whole
    file (and writes nothing) when it cannot be read, is not a JSON array, or no item is an
    Open311 request; PermissionDeniedError when ``actor`` may not report cases.
    """
    p = Path(path)
    try:
        chan = CaseSource(channel)
    except ValueError:
        chan = None
    if chan not in _CHANNELS:
        raise DomainError(f"Open311 requests come in as public (公众举报) or hotline (热线转办) "
                          f"reports, not “{channel}”")
    assert chan is not None
    if not _SOURCE_NAME_RE.match(source_name or ""):
        raise DomainError(f"Source name “{source_name}” is not usable in an external id: "
                          "1–40 letters, digits, '.', '_' or '-', starting with a letter or "
                          "digit (e.g. citizen-app, 12345)")
    kind = CaseKind(plain_kind) if plain_kind is not None else None
    now = service.now()
    # Refuse an actor who may not report before reading anything (the workflow's rule).
    apply(CaseFlow(state=CaseState.DRAFT, source=chan), Action.REPORT, actor, now,
          note="open311 import")
    items = _read_items(p)
    if not any(not _missing(it) for it in items):
        first = items[0]
        what = (f"item 1 lacks {', '.join(_missing(first))}" if isinstance(first, dict)
                else "item 1 is not a JSON object")
        raise DomainError(f"Cannot import {p}: none of its {len(items)} items is an Open311 "
                          f"service request with {', '.join(REQUIRED_FIELDS)} ({what})")

    report = ImportReport(p, source_name, chan, dry_run, len(items))
    catalogue = load_catalogue()
    prefix = f"open311:{source_name}:"
    base = p.resolve().parent
    seen: dict[str, int] = {}
    valid: list[_Valid] = []
    for index, item in enumerate(items, start=1):
        rid = ""
        if isinstance(item, dict) and isinstance(item.get("service_request_id"), str | int):
            rid = str(item["service_request_id"]).strip()
        try:
            v = _validate(service, item, index, base=base, prefix=prefix, plain_kind=kind,
                          catalogue=catalogue, now=now, to_cgcs2000=to_cgcs2000, channel=chan,
                          source_name=source_name)
        except DomainError as exc:
            report.items.append(ImportItem(index, rid, "rejected", reason=str(exc)))
            continue
        if v.request_id in seen:
            report.items.append(ImportItem(
                index, rid, "rejected", reason=f"service_request_id {v.request_id} appears "
                f"twice in the file (item {seen[v.request_id]} is taken)"))
            continue
        seen[v.request_id] = index
        existing = service.store.cases.by_external_id(v.external_id)
        if existing is not None:
            report.items.append(ImportItem(index, rid, "already", existing.number))
            continue
        valid.append(v)

    by_index = {}
    for v in valid:
        outcome = ImportItem(v.index, v.request_id, "would_import", notes=v.notes)
        by_index[v.index] = outcome
        if dry_run:
            continue
        try:
            case = service.report(
                actor, v.entry.kind, v.entry.code, v.lon, v.lat, v.description, chan,
                address=v.address, photos=[v.photo] if v.photo else (), caller=v.caller,
                caller_phone=v.phone, external_id=v.external_id)
        except DuplicateExternalIdError:
            # Taken in by someone else since validation (a concurrent import).
            existing = service.store.cases.by_external_id(v.external_id)
            outcome.outcome, outcome.case_number = "already", existing.number if existing else None
        except DomainError as exc:
            outcome.outcome, outcome.reason = "rejected", str(exc)
        except Exception as exc:
            done = [o for o in by_index.values() if o.outcome == "imported"]
            raise DomainError(
                f"Importing {p} stopped at item {v.index} (service_request_id {v.request_id}): "
                f"{exc}. {len(done)} request(s) before it were imported; run the import again "
                "to take in the rest (requests already imported are skipped)") from exc
        else:
            outcome.outcome, outcome.case_number = "imported", case.number
    report.items.extend(by_index.values())
    report.items.sort(key=lambda i: i.index)
    return report


# -- command line ---------------------------------------------------------------------------
# The logic of ``python main.py open311 services|export|import``; app.cli parses the
# arguments, opens the store and prints what these return.
COORDINATE_SYSTEMS = ("wgs84", "cgcs2000", "gcj02")


@dataclass(frozen=True)
class CommandResult:
    """Exit status and text of a command: 0 done, 1 done but items were rejected, 2 refused
    (nothing written)."""

    status: int
    out: str = ""
    err: str = ""


def command_services(out: str | Path) -> CommandResult:
    """``open311 services OUT.json``."""
    try:
        services = export_services(out)
    except DomainError as exc:
        return CommandResult(2, err=f"Export refused: {exc}")
    return CommandResult(0, f"Wrote {len(services)} Open311 services (the GB/T 47678.5-2026 "
                            f"catalogue; P = part, M = matter) to {out}")


def command_export(service: CaseService, out: str | Path, *, since: str | None = None,
                   until: str | None = None, states: str | None = None, media: bool = True,
                   dept_code: str | None = None) -> CommandResult:
    """``open311 export OUT.json [--since] [--until] [--states] [--no-media] [--dept]``.

    Exports as a manager (read-only, every case) or, with ``dept_code``, as that
    department's staff (its own cases only).
    """
    try:
        if dept_code is not None and dept_code not in service.departments():
            raise DomainError(f"Department {dept_code} is not in the department register "
                              "(departments.csv)")
        actor = (Actor(f"open311-{dept_code}", Role.DEPARTMENT, department_code=dept_code)
                 if dept_code else Actor("open311-export", Role.MANAGER))
        result = export_requests(service, actor, out, since=since, until=until, states=states,
                                 media=media)
    except DomainError as exc:
        return CommandResult(2, err=f"Export refused: {exc}")
    photos = (f", {result.photos} photo(s) in {result.media_dir}" if result.media_dir
              else "")
    return CommandResult(0, f"Wrote {result.count:,} Open311 service requests to "
                            f"{result.path}{photos}")


def command_import(service: CaseService, file: str | Path, *, source_name: str,
                   channel: str = "public", plain_kind: str | None = None,
                   coords: str = "wgs84", dry_run: bool = False,
                   report_csv: str | Path | None = None,
                   login: str = "open311") -> CommandResult:
    """``open311 import FILE --source NAME [--channel] [--plain-kind] [--coords] [--dry-run]
    [--report CSV] [--login]``; reports as operator (受理员) ``login``."""
    to_cgcs2000: Callable[[float, float], tuple[float, float]] | None = None
    if coords not in COORDINATE_SYSTEMS:
        return CommandResult(2, err=f"Import refused: coordinates “{coords}” are unknown; "
                                    f"use {', '.join(COORDINATE_SYSTEMS)}")
    if coords == "gcj02":
        from app.gis.gcj02 import gcj02_to_wgs84

        to_cgcs2000 = gcj02_to_wgs84
    try:
        report = import_requests(service, Actor(login, Role.OPERATOR), file,
                                 source_name=source_name, channel=channel,
                                 plain_kind=plain_kind, to_cgcs2000=to_cgcs2000,
                                 dry_run=dry_run)
    except DomainError as exc:
        return CommandResult(2, err=f"Import refused: {exc}\nThe database is unchanged.")
    text = report.summary()
    if report_csv is not None:
        try:
            text += f"\nItem report written to {report.write_csv(report_csv)}"
        except (DomainError, OSError) as exc:
            return CommandResult(1, text, f"Cannot write the item report: {exc}")
    return CommandResult(1 if report.rejected else 0, text)
