"""Walk one case through the closed loop with the scripting API and print its timeline.

    python scripts/example_loop.py [database-file]

Seeds the ``street`` demo into a temporary SQLite file (or the file given), reports a pile
of exposed garbage (暴露垃圾, 06010) in the first grid and takes it from report to closure.
A fake clock moves a few minutes per step so the deadlines are reproducible.
"""

from __future__ import annotations

import math
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from app.domain.attachment import Photo
from app.domain.org import Role
from app.domain.workflow import Actor
from app.services.cases import CaseService
from app.services.seeding import seed
from app.services.video import VideoService
from app.store.store import Store


def main(db_file: str | None = None) -> None:
    tmp = None
    if db_file is None:
        tmp = tempfile.TemporaryDirectory()
        db_file = str(Path(tmp.name) / "loop.sqlite")
    store = Store.open(db_file)
    seed(store, "street", end=datetime(2026, 11, 23, 10, 0))

    now = [datetime(2026, 11, 24, 9, 0)]  # a Tuesday morning

    def clock() -> datetime:
        now[0] += timedelta(minutes=7)
        return now[0]

    svc = CaseService(store, clock=clock)
    grid = store.admin.grids()[0]
    point = grid.geometry.representative_point()
    supervisor = Actor("fs0111", Role.FIELD_SUPERVISOR)
    operator = Actor("op01", Role.OPERATOR)
    leader = Actor("sl01", Role.SHIFT_LEADER)
    dispatcher = Actor("dp01", Role.DISPATCHER)

    case = svc.report(supervisor, "matter", "06010", point.x, point.y,
                      "路边暴露垃圾一堆", "supervisor", address=grid.name)
    print(f"reported {case.number} in grid {case.grid_id}, register by {case.deadline}")
    svc.act(operator, case.number, "register")
    svc.act(leader, case.number, "file")
    dept, why = svc.suggest_department(case.type_code, case.kind, str(case.grid_id))
    print(f"suggested department {dept}: {why}")
    case = svc.act(dispatcher, case.number, "dispatch", dept_code=dept)
    print(f"dispatched, handle by {case.deadline}")
    department = Actor(f"dept{dept[-6:]}", Role.DEPARTMENT, department_code=dept)
    # The department's feedback carries its after-photo (any JPEG/PNG file works too).
    photo = Photo.from_path(Path(__file__).resolve().parent.parent / "resources" /
                            "snapshots" / "cam_01.jpg")
    svc.act(department, case.number, "handle", note="已清运", photos=[photo])
    svc.act(operator, case.number, "send_check")
    svc.act(supervisor, case.number, "check_pass")
    case = svc.act(leader, case.number, "close")
    print(f"{case.number} is {case.state.label_zh} at {case.closed_at}\n")
    for e in svc.timeline(leader, case.number):
        clip = f"  📎{len(e.details['attachments'])}" if "attachments" in e.details else ""
        print(f"{e.at:%m-%d %H:%M}  {e.actor_login:<12} {e.role.label_zh:<5} "
              f"{e.action.label_zh:<6} {e.from_state.label_zh} → {e.to_state.label_zh}  "
              f"{e.note}{clip}")

    # A hotline caller reports the same pile again: the operator merges the repeat.
    first = svc.report(supervisor, "matter", "06010", point.x, point.y, "垃圾未清",
                       "supervisor")
    repeat = svc.report(operator, "matter", "06010", point.x, point.y, "同一堆垃圾",
                        "hotline", caller="李女士", caller_phone="13800138000")
    dups = [c.number for c in svc.duplicates_of(operator, repeat.number)]
    print(f"\n{repeat.number} likely repeats {dups}")
    merged = svc.merge(operator, repeat.number, dups[0])
    print(f"merged into {dups[0]}: {repeat.number} is {merged.state.label_zh}")

    # A video supervisor flags a problem inside a camera's view.
    video = VideoService(svc)
    cam = video.cameras()[0]
    h = math.radians(cam.heading_deg)
    x, y = cam.x + cam.range_m / 2 * math.sin(h), cam.y + cam.range_m / 2 * math.cos(h)
    try:
        flagged = video.flag(Actor("vs01", Role.VIDEO_SUPERVISOR), cam.part_id, x, y,
                             "matter", "06010", "视频发现暴露垃圾")
        print(f"camera {cam.part_id} flagged {flagged.number} in grid {flagged.grid_id}")
    except Exception as exc:  # noqa: BLE001 - e.g. the view leaves the seeded street
        print(f"camera {cam.part_id}: {exc}")
    store.close()
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
