"""Photos, duplicate merging, deadline preview, traffic lights, hotline callers and video
supervision through the case service, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from test_case_service import (  # noqa: F401 (fixtures)
    DEPT_A,
    DEPT_B,
    DP,
    FS,
    OP,
    SL,
    STREET_DEPT,
    VS,
    Clock,
    _report,
    _to_dispatched,
    clock,
    loop_url,
    spot,
    store,
    svc,
)

from app.domain.attachment import Photo
from app.domain.case import CaseSource, CaseState
from app.domain.errors import DomainError
from app.domain.workflow import Action, PermissionDeniedError
from app.gis import crs
from app.services.cases import CaseService
from app.services.video import VideoService
from app.store.store import Store

pytestmark = pytest.mark.db

# The smallest valid PNG (1×1) and a JPEG header are enough: the service stores bytes and
# recognises images by their magic numbers.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def test_photos_travel_with_their_events(svc: CaseService, spot, tmp_path: Path,
                                         store: Store) -> None:
    before = store.cases.count()
    junk = tmp_path / "notes.txt"
    junk.write_text("not a photo")
    with pytest.raises(DomainError, match="not an image"):
        _report(svc, spot, photos=[junk])
    assert store.cases.count() == before  # nothing written for a refused report

    shot = tmp_path / "before.png"
    shot.write_bytes(PNG)
    case = _report(svc, spot, photos=[shot])
    svc.act(OP, case.number, "register")
    svc.act(SL, case.number, "file")
    svc.act(DP, case.number, "dispatch", dept_code=STREET_DEPT)
    svc.act(DEPT_A, case.number, "handle", note="已清运",
            photos=[Photo.from_bytes("after.png", PNG)])
    svc.attach(OP, case.number, [Photo.from_bytes("more.png", PNG)], note="补充")
    atts = svc.attachments(OP, case.number)
    assert [a.name for a in atts] == ["before.png", "after.png", "more.png"]
    assert [a.added_by for a in atts] == [FS.login, DEPT_A.login, OP.login]
    assert svc.attachment_data(OP, atts[1].id) == PNG
    events = svc.timeline(OP, case.number)
    by_seq = {e.version: e for e in events}
    assert by_seq[atts[0].event_seq].action is Action.REPORT
    assert by_seq[atts[1].event_seq].action is Action.HANDLE
    assert list(by_seq[atts[1].event_seq].details["attachments"]) == [atts[1].id]
    assert events[-1].action is Action.ATTACH and events[-1].to_state is CaseState.HANDLED
    # Another department sees neither the case nor its photos.
    with pytest.raises(PermissionDeniedError, match="not visible"):
        svc.attachment_data(DEPT_B, atts[0].id)
    with pytest.raises(DomainError, match="at least one photo"):
        svc.attach(OP, case.number, [])


def test_merge_a_repeat_report_into_the_open_case(svc: CaseService, spot,
                                                  clock: Clock) -> None:
    first = _report(svc, spot, type_code="06010")
    clock.advance(hours=1)
    again = _report(svc, spot, type_code="06010", source="hotline", who=OP,
                    caller="王先生", caller_phone="13800138000")
    assert again.extra["caller"] == "王先生" and again.extra["caller_phone"] == "13800138000"
    dups = svc.duplicates_of(OP, again.number)
    assert first.number in [c.number for c in dups]
    assert again.number not in [c.number for c in dups]
    assert again.number not in [c.number for c in svc.duplicates_of(OP, first.number)]
    merged = svc.merge(OP, again.number, first.number, note="同一堆垃圾")
    assert merged.state is CaseState.VOID
    last = svc.timeline(OP, again.number)[-1]
    assert last.action is Action.MERGE and last.details["duplicate_of"] == first.number
    # A problem back after closing is new: merging into a closed case is refused.
    third = _report(svc, spot, type_code="06010")
    svc.act(SL, first.number, "void", reason="误报")
    with pytest.raises(DomainError, match="new case"):
        svc.merge(OP, third.number, first.number)
    with pytest.raises(DomainError, match="phone"):
        _report(svc, spot, source="hotline", who=OP, caller_phone="12ab")


def test_dispatch_preview_matches_the_real_deadline(store: Store, spot) -> None:
    fixed = datetime(2026, 11, 24, 9, 30)
    svc = CaseService(store, clock=lambda: fixed)
    case = _report(svc, spot)
    svc.act(OP, case.number, "register")
    svc.act(SL, case.number, "file")
    preview = svc.preview_deadline(DP, case.number, Action.DISPATCH)
    dispatched = svc.act(DP, case.number, "dispatch", dept_code=STREET_DEPT)
    assert preview == dispatched.deadline and preview is not None and preview > fixed
    assert svc.get(DP, case.number).state is CaseState.DISPATCHED  # preview wrote nothing
    with pytest.raises(PermissionDeniedError):
        svc.preview_deadline(OP, case.number, Action.REDISPATCH)


def test_traffic_light_follows_the_share_of_the_limit_used(svc: CaseService, spot) -> None:
    case = _to_dispatched(svc, spot)
    assert case.step_started_at is not None and case.deadline is not None
    start, end = case.step_started_at, case.deadline
    share = svc.calendar.working_time_between(start, end)
    assert svc.light(case, now=start + timedelta(minutes=5)) == "green"
    assert svc.light(case, now=svc.calendar.add_working_time(start, share * 0.85)) == "yellow"
    assert svc.light(case, now=end + timedelta(minutes=1)) == "red"
    # Queue rows carry what the light needs.
    row = next(c for c in svc.queue(DP, "in_handling", limit=100_000)
               if c.number == case.number)
    assert svc.light(row, now=start + timedelta(minutes=5)) == "green"


def test_video_supervisor_flags_inside_the_camera_view(svc: CaseService, store: Store) -> None:
    video = VideoService(svc)
    cams = video.cameras()
    assert cams, "the seed gives every junction camera a viewing set-up"
    cam = next(c for c in cams if svc.store.admin.grid(c.grid_id) is not None)
    assert video.snapshot(cam) is not None  # the demo's generated frames ship with the app
    import math
    h = math.radians(cam.heading_deg)
    inside = (cam.x + 0.5 * cam.range_m * math.sin(h), cam.y + 0.5 * cam.range_m * math.cos(h))
    behind = (cam.x - 0.5 * cam.range_m * math.sin(h), cam.y - 0.5 * cam.range_m * math.cos(h))
    assert video.view_polygon(cam).contains(__import__("shapely").Point(*inside))
    before = store.cases.count()
    with pytest.raises(DomainError, match="outside the view"):
        video.flag(VS, cam.part_id, *behind, "matter", "06010", "暴露垃圾")
    assert store.cases.count() == before
    try:
        svc.grid_at(*(float(v) for v in crs.to_geographic(*inside)))
    except DomainError:
        pytest.skip("camera looks out of the seeded street")
    case = video.flag(VS, cam.part_id, *inside, "matter", "06010", "暴露垃圾",
                      frame=Photo.from_bytes("frame.png", PNG))
    assert case.source is CaseSource.VIDEO and case.extra["camera_id"] == cam.part_id
    assert [a.name for a in svc.attachments(OP, case.number)] == ["frame.png"]
    assert svc.get(OP, case.number).extra["camera_id"] == cam.part_id
    with pytest.raises(PermissionDeniedError):
        video.flag(DEPT_A, cam.part_id, *inside, "matter", "06010", "x")
    with pytest.raises(DomainError, match="not a video camera"):
        video.flag(VS, "11010801001000001", *inside, "matter", "06010", "x")


def test_demo_video_cases_name_a_camera_that_sees_them(svc: CaseService, store: Store) -> None:
    from sqlalchemy import select

    from app.store.orm import CaseRow

    with store.engine.connect() as c:
        rows = c.execute(select(CaseRow.number, CaseRow.x, CaseRow.y, CaseRow.camera_id,
                                CaseRow.source).where(CaseRow.camera_id.is_not(None))
                         .limit(200)).all()
    assert rows, "the seed links video cases to the cameras that see them"
    video = VideoService(svc)
    for number, x, y, camera_id, source in rows:
        assert source == "video", number
        assert video.camera(camera_id).sees(x, y), number


def test_an_external_id_is_taken_in_once(svc: CaseService, spot, store: Store) -> None:
    from app.services.cases import DuplicateExternalIdError

    first = _report(svc, spot, source="public", external_id="open311:test:638344")
    assert store.cases.by_external_id("open311:test:638344").number == first.number
    assert svc.get(OP, first.number).extra["external_id"] == "open311:test:638344"
    before = store.cases.count()
    with pytest.raises(DuplicateExternalIdError, match=first.number):
        _report(svc, spot, source="public", external_id="open311:test:638344")
    assert store.cases.count() == before
