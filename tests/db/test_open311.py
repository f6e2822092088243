"""Open311 GeoReport v2 on SQLite and PostgreSQL: the catalogue as a service list, cases as
service requests (field names, status mapping, datetimes, photos), and service requests
imported as new reports (types, locations, photos, duplicates, broken files and items).

One street seed per backend and module; every test reports or imports its own cases and
compares counts before and after, so the tests do not depend on each other.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import BACKENDS, _pg_schema_url, _seed_street

from app.domain.case import CaseKind, CaseSource, CaseState
from app.domain.catalogue import load_catalogue
from app.domain.errors import DomainError
from app.domain.org import Role
from app.domain.workflow import Actor, PermissionDeniedError
from app.services import open311
from app.services.cases import CaseService
from app.store.store import Store

pytestmark = pytest.mark.db

STREET_DEPT = "11110108MB64251060"  # 中关村街道办事处 (territory of the seeded street)
CITY_DEPT = "11110108000051967C"  # 海淀区城市管理委员会

FS = Actor("fs0111", Role.FIELD_SUPERVISOR)
OP = Actor("op01", Role.OPERATOR)
SL = Actor("sl01", Role.SHIFT_LEADER)
DP = Actor("dp01", Role.DISPATCHER)
MG = Actor("mg01", Role.MANAGER)
DEPT_A = Actor("dept251060", Role.DEPARTMENT, department_code=STREET_DEPT)

# The smallest valid PNG (1×1): the service recognises images by their magic numbers.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
EIGHT_HOURS = timedelta(hours=8)
EXTRA_FIELDS = {"extended_attributes"}


class Clock:
    """A settable clock; every reading moves it one minute, like a busy operator."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture(scope="module", params=BACKENDS)
def o311_url(request: pytest.FixtureRequest,
             tmp_path_factory: pytest.TempPathFactory) -> str:
    """A writable street seed for this module, per backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('o311') / 'o311.sqlite'}"
    else:
        url = _pg_schema_url(request.getfixturevalue("pg_database_url"),
                             f"o311_{uuid.uuid4().hex[:12]}")
    _seed_street(url)
    return url


@pytest.fixture
def store(o311_url: str) -> Iterator[Store]:
    s = Store.open(o311_url)
    yield s
    s.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 24, 9, 0))  # Tuesday, office hours


@pytest.fixture
def svc(store: Store, clock: Clock) -> CaseService:
    return CaseService(store, clock=clock)


def _points(store: Store, n: int) -> list[tuple[float, float]]:
    """(lon, lat) inside n different grids of the seed."""
    grids = store.admin.grids()
    return [(p.x, p.y) for p in (g.geometry.representative_point() for g in grids[5:5 + n])]


def _write(tmp_path: Path, name: str, data: Any) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return p


def _dt(text: str) -> datetime:
    dt = datetime.fromisoformat(text)
    assert dt.utcoffset() == EIGHT_HOURS, text
    return dt.replace(tzinfo=None)


# -- services ---------------------------------------------------------------------------------
def test_service_list_covers_the_catalogue_with_unique_codes(tmp_path: Path) -> None:
    cat = load_catalogue()
    services = open311.export_services(tmp_path / "services.json")
    assert json.loads((tmp_path / "services.json").read_text("utf-8")) == services
    assert len(services) == len(cat) == len(cat.parts()) + len(cat.matters())
    codes = [s["service_code"] for s in services]
    assert len(set(codes)) == len(codes)
    assert {(e.kind, e.code) for e in (open311.parse_service_code(c) for c in codes)} == \
        {(e.kind, e.code) for e in cat}
    for s in services:
        assert tuple(s) == open311.SERVICE_FIELDS
        assert s["metadata"] is False and s["type"] == "realtime"
        assert all(isinstance(s[k], str) and s[k] for k in
                   ("service_code", "service_name", "description", "keywords", "group"))
    by_code = {s["service_code"]: s for s in services}
    assert by_code["P01001"]["service_name"] == "供水井盖"
    assert by_code["P01001"]["group"] == "部件·市政公用设施"
    assert "0101" in by_code["P01001"]["keywords"].split(", ")  # its legacy code
    assert by_code["M06010"]["service_name"] == "暴露垃圾"
    assert "处置时限 4 工作时" in by_code["M06010"]["description"]


def test_service_codes_name_the_kind_unambiguously() -> None:
    parse = open311.parse_service_code
    assert (parse("P01001").kind, parse("P01001").code) == (CaseKind.PART, "01001")
    assert (parse(" m06010 ").kind, parse("m06010").code) == (CaseKind.MATTER, "06010")
    assert parse("06010").kind is CaseKind.MATTER  # only matters have class 06
    assert parse("01001", plain_kind="part").kind is CaseKind.PART
    assert parse("P0101").code == "01001"  # legacy 上水井盖 → 2026 供水井盖
    assert parse("M04-06").code == "09006"  # legacy event 占道经营 → 2026 matter 09006
    assert open311.service_code("matter", "06010") == "M06010"
    with pytest.raises(DomainError, match="ambiguous.*P01001 or M01001"):
        parse("01001")
    with pytest.raises(DomainError, match="not in the GB/T 47678.5-2026 catalogue"):
        parse("M99999")
    with pytest.raises(DomainError, match="part.*06010 is not in"):
        parse("P06010")
    with pytest.raises(DomainError, match="not a string.*leading zeros"):
        parse(6010)
    with pytest.raises(DomainError, match="legacy 4-digit.*prefix"):
        parse("0101")
    with pytest.raises(DomainError, match="not a type code"):
        parse("pothole")


def test_datetimes_carry_the_beijing_offset() -> None:
    assert open311.iso(datetime(2026, 11, 24, 9, 5, 7, 123)) == "2026-11-24T09:05:07+08:00"
    assert open311.parse_datetime("2026-11-24T01:05:07Z") == datetime(2026, 11, 24, 9, 5, 7)
    assert open311.parse_datetime("2026-11-23T20:05:07-05:00") == datetime(2026, 11, 24, 9, 5, 7)
    assert open311.parse_datetime("2026-11-24 09:05:07") == datetime(2026, 11, 24, 9, 5, 7)
    aware = datetime(2026, 11, 24, 1, 5, 7, tzinfo=UTC)
    assert open311.iso(aware) == "2026-11-24T09:05:07+08:00"
    with pytest.raises(DomainError, match="not an ISO 8601"):
        open311.parse_datetime("24/11/2026")


# -- export -----------------------------------------------------------------------------------
def test_requests_export_follows_the_spec(svc: CaseService, store: Store, clock: Clock,
                                          tmp_path: Path) -> None:
    clock.now = datetime(2026, 12, 1, 9, 0)  # a day no other test reports on
    start = clock.now
    (lon1, lat1), (lon2, lat2), (lon3, lat3), (lon4, lat4) = _points(store, 4)
    shot = tmp_path / "before.png"
    shot.write_bytes(PNG)
    opened = svc.report(FS, "matter", "06010", lon1, lat1, "暴露垃圾一堆", "supervisor",
                        photos=[shot], address="中关村大街1号")
    sent = svc.report(FS, "part", "01001", lon2, lat2, "井盖破损", "supervisor")
    svc.act(OP, sent.number, "register")
    svc.act(SL, sent.number, "file")
    sent = svc.act(DP, sent.number, "dispatch", dept_code=STREET_DEPT)
    voided = svc.report(FS, "matter", "06010", lon3, lat3, "误报", "supervisor")
    voided = svc.act(SL, voided.number, "void", reason="重复上报")
    merged = svc.report(FS, "matter", "06010", lon1, lat1, "又是那堆垃圾", "supervisor")
    merged = svc.merge(OP, merged.number, opened.number)
    closed = svc.report(FS, "matter", "09005", lon4, lat4, "店外经营", "supervisor")
    for who, action in ((OP, "register"), (SL, "file")):
        svc.act(who, closed.number, action)
    svc.act(DP, closed.number, "dispatch", dept_code=STREET_DEPT)
    svc.act(DEPT_A, closed.number, "handle", note="已劝离")
    svc.act(OP, closed.number, "send_check")
    svc.act(FS, closed.number, "check_pass")
    closed = svc.act(SL, closed.number, "close")

    out = tmp_path / "requests.json"
    result = open311.export_requests(svc, OP, out, since=start,
                                     until=clock.now + timedelta(minutes=1))
    items = json.loads(out.read_text("utf-8"))
    assert (result.count, result.photos) == (5, 1)
    by_no = {i["service_request_id"]: i for i in items}
    assert set(by_no) == {opened.number, sent.number, voided.number, merged.number,
                          closed.number}
    for item in items:
        assert set(item) == set(open311.REQUEST_FIELDS) | EXTRA_FIELDS
        assert item["status"] in ("open", "closed")
        assert isinstance(item["lat"], float) and isinstance(item["long"], float)
        assert all(isinstance(item[k], str) for k in (
            "service_request_id", "status_notes", "service_name", "service_code",
            "description", "service_notice", "address", "address_id"))
        requested, updated = _dt(item["requested_datetime"]), _dt(item["updated_datetime"])
        assert requested <= updated
        case = store.cases.get(item["service_request_id"])
        assert case is not None and requested == case.reported_at.replace(microsecond=0)
        entry = open311.parse_service_code(item["service_code"])
        assert (entry.kind, entry.code) == (case.kind, case.type_code)
        assert item["service_name"] == entry.name
        assert (item["long"], item["lat"]) == pytest.approx((case.lon, case.lat), abs=1e-6)
        assert item["address_id"] == str(case.grid_id)

    o = by_no[opened.number]
    assert (o["status"], o["status_notes"]) == ("open", "待受理")
    assert o["address"] == "中关村大街1号" and o["agency_responsible"] is None
    assert _dt(o["expected_datetime"]) == opened.deadline.replace(microsecond=0)
    media = out.parent / o["media_url"]  # relative to the JSON file
    assert o["media_url"].startswith("requests_media/") and media.read_bytes() == PNG
    assert result.media_dir == tmp_path / "requests_media"

    d = by_no[sent.number]
    assert (d["status"], d["service_code"], d["service_name"]) == ("open", "P01001", "供水井盖")
    assert d["agency_responsible"] == svc.department_names()[STREET_DEPT]
    assert _dt(d["expected_datetime"]) == sent.deadline.replace(microsecond=0)
    assert d["address"].startswith("海淀区中关村街道")  # no address given: the hierarchy
    assert d["media_url"] is None

    v = by_no[voided.number]
    assert (v["status"], v["status_notes"]) == ("closed", "已作废：重复上报")
    assert v["expected_datetime"] is None
    assert _dt(v["updated_datetime"]) == voided.closed_at.replace(microsecond=0)

    m = by_no[merged.number]
    assert (m["status"], m["status_notes"]) == ("closed", f"已作废：与案件 {opened.number} 重复，已合并")

    c = by_no[closed.number]
    assert c["status"] == "closed" and c["status_notes"].startswith("已结案")
    assert _dt(c["updated_datetime"]) == closed.closed_at.replace(microsecond=0)
    assert c["extended_attributes"]["case_state"] == "closed"
    assert c["service_notice"] == "处置时限 4 工作时"  # 09 街面秩序类

    # The same cases without photos, as dicts; only the open ones.
    opens = list(open311.iter_requests(svc, OP, since=start, until=clock.now, states="open"))
    assert {i["service_request_id"] for i in opens} == {opened.number, sent.number}
    assert all(i["media_url"] is None for i in opens)


def test_export_scope_states_and_window(svc: CaseService, store: Store, tmp_path: Path) -> None:
    # The seed's last day (its history ends 2026-11-23 10:00).
    since, until = "2026-11-22T00:00:00+08:00", "2026-11-23T10:00:00+08:00"
    every = list(open311.iter_requests(svc, OP, since=since, until=until))
    assert len(every) > 20
    assert all(_dt("2026-11-22T00:00:00+08:00") <= _dt(i["requested_datetime"])
               < _dt(until) for i in every)
    closed = list(open311.iter_requests(svc, OP, since=since, until=until, states="closed"))
    opened = list(open311.iter_requests(svc, OP, since=since, until=until, states=["open"]))
    assert closed and opened and len(closed) + len(opened) == len(every)
    assert {i["status"] for i in closed} == {"closed"} and {i["status"] for i in opened} == {"open"}
    assert not [i for i in every if i["extended_attributes"]["case_state"] == "draft"]
    void = list(open311.iter_requests(svc, OP, since=since, until=until, states=["void"]))
    assert all(i["extended_attributes"]["case_state"] == "void" for i in void)
    # Department staff export their own department's cases only.
    own = list(open311.iter_requests(svc, DEPT_A, since=since, until=until))
    name = svc.department_names()[STREET_DEPT]
    assert own and {i["agency_responsible"] for i in own} == {name}
    assert len(own) == sum(1 for i in every if i["agency_responsible"] == name)
    with pytest.raises(DomainError, match="state “finished” is unknown"):
        list(open311.iter_requests(svc, OP, states="finished"))
    with pytest.raises(DomainError, match="window is empty"):
        list(open311.iter_requests(svc, OP, since=until, until=since))
    with pytest.raises(DomainError, match="does not exist"):
        open311.export_requests(svc, OP, tmp_path / "no" / "such" / "dir.json")
    assert not list(tmp_path.iterdir())


# -- import -----------------------------------------------------------------------------------
def test_import_creates_public_reports_once(svc: CaseService, store: Store,
                                            tmp_path: Path) -> None:
    (lon1, lat1), (lon2, lat2), (lon3, lat3) = _points(store, 3)
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cover.png").write_bytes(PNG)
    items = [
        {"service_request_id": 638344, "service_code": "P01001", "lat": lat1, "long": lon1,
         "description": "井盖缺失，很危险", "address_string": "中关村南大街5号",
         "media_url": "photos/cover.png", "first_name": "三", "last_name": "张",
         "phone": "+86 138-0013-8000", "requested_datetime": "2026-11-24T00:30:00Z"},
        {"service_request_id": "638345", "service_code": "M06010", "lat": str(lat2),
         "long": str(lon2), "description": "小区门口垃圾没人清",
         "media_url": "https://app.example.cn/m/638345.jpg"},
        {"service_request_id": "638346", "service_code": "09005", "lat": lat3, "long": lon3,
         "media_url": (tmp_path / "photos" / "cover.png").as_uri(), "status": "open"},
    ]
    path = _write(tmp_path, "app.json", items)
    before = store.cases.count()
    report = open311.import_requests(svc, OP, path, source_name="citizen-app")
    assert [i.outcome for i in report.items] == ["imported"] * 3, report.summary()
    assert store.cases.count() == before + 3

    pipe, trash, stall = (svc.get(OP, i.case_number or "") for i in report.items)
    assert (pipe.kind, pipe.type_code, trash.kind, trash.type_code, stall.type_code) == (
        CaseKind.PART, "01001", CaseKind.MATTER, "06010", "09005")
    for case, (lon, lat) in zip((pipe, trash, stall), ((lon1, lat1), (lon2, lat2), (lon3, lat3)),
                                strict=True):
        assert case.source is CaseSource.PUBLIC and case.state is CaseState.REPORTED
        assert (case.lon, case.lat) == pytest.approx((lon, lat), abs=1e-9)
        assert str(case.grid_id) == svc.grid_at(lon, lat)
    assert pipe.extra["external_id"] == "open311:citizen-app:638344"
    assert store.cases.by_external_id("open311:citizen-app:638345").number == trash.number
    assert pipe.address == "中关村南大街5号"
    assert (pipe.extra["caller"], pipe.extra["caller_phone"]) == ("张三", "138-0013-8000")
    assert pipe.description.startswith("井盖缺失，很危险")
    assert "2026-11-24T08:30:00+08:00" in pipe.description  # requested earlier than now
    assert "https://app.example.cn/m/638345.jpg" in trash.description  # not downloaded
    assert any("not downloaded" in n for n in report.items[1].notes)
    assert stall.description.startswith("店外经营")  # no description: the type's name
    assert [a.name for a in svc.attachments(OP, pipe.number)] == ["cover.png"]
    assert [a.name for a in svc.attachments(OP, stall.number)] == ["cover.png"]
    assert svc.attachments(OP, trash.number) == []

    again = open311.import_requests(svc, OP, path, source_name="citizen-app")
    assert store.cases.count() == before + 3
    assert [(i.outcome, i.case_number) for i in again.items] == [
        ("already", c.number) for c in (pipe, trash, stall)]
    assert f"already imported as case {pipe.number}" in again.summary()
    # Another source may use the same ids: they are different requests.
    other = open311.import_requests(svc, OP, path, source_name="12345", channel="hotline")
    assert [i.outcome for i in other.items] == ["imported"] * 3
    assert svc.get(OP, other.items[0].case_number or "").source is CaseSource.HOTLINE
    assert store.cases.count() == before + 6


def test_exported_open_requests_import_with_their_photos(svc: CaseService, store: Store,
                                                          clock: Clock, tmp_path: Path) -> None:
    clock.now = datetime(2026, 12, 2, 9, 0)  # a day no other test reports on
    start = clock.now
    (lon, lat), = _points(store, 1)
    shot = tmp_path / "shot.png"
    shot.write_bytes(PNG)
    case = svc.report(FS, "part", "01001", lon, lat, "井盖松动", "supervisor", photos=[shot])
    folder = tmp_path / "out"
    folder.mkdir()
    export = open311.export_requests(svc, OP, folder / "open.json", since=start,
                                     until=clock.now + timedelta(minutes=1), states="open")
    assert export.count == 1 and export.photos == 1
    report = open311.import_requests(svc, OP, folder / "open.json", source_name="district-a",
                                     channel="hotline")
    (item,) = report.items
    assert item.outcome == "imported", report.summary()
    copy = svc.get(OP, item.case_number or "")
    assert (copy.kind, copy.type_code, copy.source) == (case.kind, case.type_code,
                                                        CaseSource.HOTLINE)
    assert (copy.lon, copy.lat) == pytest.approx((case.lon, case.lat), abs=1e-6)
    assert copy.extra["external_id"] == f"open311:district-a:{case.number}"
    (att,) = svc.attachments(OP, copy.number)
    assert svc.attachment_data(OP, att.id) == PNG


@pytest.mark.parametrize(("name", "content", "message"), [
    ("missing.json", None, "no such file"),
    ("empty.json", b"", "file is empty"),
    ("blank.json", b"  \n", "file is empty"),
    ("garbage.json", bytes(range(256)) * 4, "not UTF-8"),
    ("gbk.json", json.dumps([{"description": "井盖"}], ensure_ascii=False).encode("gbk"),
     "not UTF-8"),
    ("truncated.json", b'[{"service_request_id": "1", "service_code": "M06', "not valid JSON"),
    ("object.json", b'{"service_request_id": "1"}', "JSON is an object, not an array"),
    ("string.json", b'"requests"', "JSON is a string"),
    ("nothing.json", b"[]", "holds no service requests"),
    ("numbers.json", b"[1, 2, 3]", "none of its 3 items.*item 1 is not a JSON object"),
    ("nolocation.json", json.dumps([{"service_request_id": "1", "service_code": "M06010"},
                                    {"service_request_id": "2", "service_code": "M06010",
                                     "address_string": "中关村"}]).encode(),
     "none of its 2 items.*item 1 lacks lat, long"),
])
def test_bad_files_are_refused_and_change_nothing(svc: CaseService, store: Store,
                                                  tmp_path: Path, name: str,
                                                  content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    before = store.cases.count()
    with pytest.raises(DomainError, match=message) as err:
        open311.import_requests(svc, OP, path, source_name="app")
    assert name in str(err.value)  # the message names the file
    assert store.cases.count() == before


def test_bad_items_are_rejected_one_by_one(svc: CaseService, store: Store,
                                           tmp_path: Path) -> None:
    (lon, lat), (lon2, lat2) = _points(store, 2)
    good = {"service_code": "M06010", "lat": lat, "long": lon, "description": "垃圾"}
    items: list[Any] = [
        {"service_request_id": "ok-1", **good},
        {"service_request_id": "x-2", **good, "service_code": "M99999"},
        {"service_request_id": "x-3", **good, "service_code": "01001"},
        {"service_request_id": "x-4", **good, "service_code": 6010},
        {"service_request_id": "x-5", **good, "lat": 31.23, "long": 121.47},  # Shanghai
        {"service_request_id": "x-6", **good, "lat": lon, "long": lat},
        {"service_request_id": "x-7", "service_code": "M06010", "long": lon},
        {"service_request_id": "x-8", **good, "status": "closed"},
        {"service_request_id": "ok-1", **good, "lat": lat2, "long": lon2},
        {"service_request_id": "x-10", **good, "media_url": "photos/none.jpg"},
        {"service_request_id": "x-11", **good, "requested_datetime": "2027-01-01T00:00:00Z"},
        {"service_request_id": "x-12", **good, "requested_datetime": "yesterday"},
        "not a request",
        {"service_request_id": "ok-14", **good, "lat": lat2, "long": lon2, "phone": "12"},
        {"service_request_id": "  ", **good},
    ]
    path = _write(tmp_path, "mixed.json", items)
    before = store.cases.count()
    report = open311.import_requests(svc, OP, path, source_name="hotline-platform",
                                     channel="hotline")
    reasons = {i.index: i.reason for i in report.rejected}
    assert sorted(reasons) == [*range(2, 14), 15], report.summary()
    expected = {2: "M99999.*not in the GB/T 47678.5-2026", 3: "ambiguous",
                4: "not a string", 5: "outside every unit grid", 6: "swapped",
                7: "lacks lat", 8: "status is closed", 9: "appears twice.*item 1",
                10: "none.jpg", 11: "in the future", 12: "requested_datetime.*ISO 8601",
                13: "not a JSON object", 15: "blank"}
    for index, pattern in expected.items():
        assert re.search(pattern, reasons[index]), (index, reasons[index])
    assert [(i.index, i.outcome) for i in report.imported] == [(1, "imported"), (14, "imported")]
    assert any("phone “12”" in n for n in report.imported[1].notes)
    assert store.cases.count() == before + 2
    text = report.summary()
    assert "mixed.json: 15 service request(s)" in text and "13 rejected" in text
    assert "item 2 of 15 (service_request_id x-2): rejected:" in text
    csv_path = report.write_csv(tmp_path / "report.csv")
    rows = csv_path.read_text("utf-8-sig").splitlines()
    assert len(rows) == 16 and rows[0].startswith("item,service_request_id,outcome")


def test_dry_run_permissions_and_arguments(svc: CaseService, store: Store,
                                           tmp_path: Path) -> None:
    (lon, lat), = _points(store, 1)
    path = _write(tmp_path, "one.json", [{"service_request_id": "d-1", "service_code": "M06010",
                                          "lat": lat, "long": lon, "description": "垃圾"}])
    before = store.cases.count()
    dry = open311.import_requests(svc, OP, path, source_name="dry", dry_run=True)
    assert [i.outcome for i in dry.items] == ["would_import"] and dry.imported
    assert "1 would be imported" in dry.summary()
    assert store.cases.count() == before
    assert store.cases.by_external_id("open311:dry:d-1") is None
    # The XML form's root, mirrored in JSON, is accepted too.
    wrapped = _write(tmp_path, "wrapped.json",
                     {"service_requests": json.loads(path.read_text("utf-8"))})
    dry = open311.import_requests(svc, OP, wrapped, source_name="dry", dry_run=True)
    assert [i.outcome for i in dry.items] == ["would_import"]
    with pytest.raises(PermissionDeniedError):
        open311.import_requests(svc, MG, path, source_name="app")  # managers only read
    with pytest.raises(DomainError, match="public.*hotline.*not “video”"):
        open311.import_requests(svc, OP, path, source_name="app", channel="video")
    with pytest.raises(DomainError, match="Source name “bad name”"):
        open311.import_requests(svc, OP, path, source_name="bad name")
    assert store.cases.count() == before


def test_plain_codes_and_coordinate_conversion(svc: CaseService, store: Store,
                                               tmp_path: Path) -> None:
    (lon, lat), = _points(store, 1)
    shift = 0.002  # a made-up offset standing in for a GCJ-02 → CGCS2000 conversion
    path = _write(tmp_path, "plain.json", [
        {"service_request_id": "p-1", "service_code": "01001", "lat": lat + shift,
         "long": lon + shift, "description": "井盖"},
        {"service_request_id": "p-2", "service_code": "P0102", "lat": lat + shift,
         "long": lon + shift, "description": "污水井盖"}])
    report = open311.import_requests(
        svc, OP, path, source_name="gcj-app", plain_kind="part",
        to_cgcs2000=lambda x, y: (x - shift, y - shift))
    assert [i.outcome for i in report.items] == ["imported", "imported"], report.summary()
    first, second = (svc.get(OP, i.case_number or "") for i in report.items)
    assert (first.kind, first.type_code) == (CaseKind.PART, "01001")
    assert (second.kind, second.type_code) == (CaseKind.PART, "01002")  # legacy 0102
    assert (first.lon, first.lat) == pytest.approx((lon, lat), abs=1e-9)


def test_commands_for_the_command_line(svc: CaseService, store: Store, clock: Clock,
                                       tmp_path: Path) -> None:
    from app.gis.gcj02 import wgs84_to_gcj02

    done = open311.command_services(tmp_path / "services.json")
    assert done.status == 0 and "403 Open311 services" in done.out
    assert open311.command_services(tmp_path / "no" / "s.json").status == 2

    clock.now = datetime(2026, 12, 3, 9, 0)  # a day no other test reports on
    (lon, lat), (lon2, lat2) = _points(store, 2)
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)  # what a 高德 / 腾讯 map SDK would send
    path = _write(tmp_path, "gcj.json", [
        {"service_request_id": "g-1", "service_code": "M06010", "lat": g_lat, "long": g_lon,
         "description": "垃圾"},
        {"service_request_id": "g-2", "service_code": "M06010", "lat": lat2, "long": lon2,
         "description": "垃圾", "requested_datetime": "soon"}])
    before = store.cases.count()
    result = open311.command_import(svc, path, source_name="gaode-app", coords="gcj02",
                                    report_csv=tmp_path / "items.csv", login="op07")
    assert result.status == 1, result  # one item rejected, the other imported
    assert "1 imported" in result.out and "item 2 of 2" in result.out
    assert (tmp_path / "items.csv").is_file()
    case = store.cases.by_external_id("open311:gaode-app:g-1")
    assert case is not None and (case.lon, case.lat) == pytest.approx((lon, lat), abs=1e-7)
    assert svc.timeline(OP, case.number)[0].actor_login == "op07"
    assert store.cases.count() == before + 1
    again = open311.command_import(svc, path, source_name="gaode-app", coords="gcj02")
    assert again.status == 1 and "already imported as case" in again.out
    refused = open311.command_import(svc, tmp_path / "none.json", source_name="x")
    assert refused.status == 2 and "none.json" in refused.err and "unchanged" in refused.err
    assert open311.command_import(svc, path, source_name="x", coords="bd09").status == 2
    assert store.cases.count() == before + 1

    out = tmp_path / "dept.json"
    exported = open311.command_export(svc, out, since="2026-11-22T00:00:00+08:00",
                                      until="2026-11-23T10:00:00+08:00", states="closed",
                                      dept_code=STREET_DEPT)
    assert exported.status == 0 and str(out) in exported.out
    items = json.loads(out.read_text("utf-8"))
    assert items and {i["status"] for i in items} == {"closed"}
    assert {i["agency_responsible"] for i in items} == {svc.department_names()[STREET_DEPT]}
    assert open311.command_export(svc, out, dept_code="nope").status == 2
    assert open311.command_export(svc, out, states="finished").status == 2
