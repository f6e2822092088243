"""A video supervisor's shift: pick a camera, look at its frame, flag what it shows."""

from __future__ import annotations

import math
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from app.domain.camera import Camera
from app.domain.case import CaseSource
from app.domain.errors import DomainError
from app.domain.org import Role
from app.domain.workflow import Actor
from app.gis import crs
from app.services.cases import CaseService
from app.services.video import VideoService
from app.store.store import Store
from app.ui.app import ensure_app, install_language
from app.ui.video_panel import VideoPanel

pytestmark = pytest.mark.ui

RED = "c62828"  # the panel's error colour
# The service clock: the seeded street's history ends at 10:00; a supervisor looks at 10:30.
NOW = datetime(2026, 11, 23, 10, 30, 15)


@pytest.fixture
def services(street_db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    src = Path(street_db_url.removeprefix("sqlite:///"))
    db = tmp_path / "video.sqlite"
    shutil.copy(src, db)
    store = Store.open(f"sqlite:///{db}")
    cases = CaseService(store, clock=lambda: NOW)
    yield store, cases, VideoService(cases)
    store.close()


def _actor(store: Store, role: Role) -> Actor:
    s = next(s for s in store.org.staff() if s.role is role)
    return Actor(s.login, s.role, s.department_code)


@pytest.fixture
def panel(qtbot, services) -> VideoPanel:  # type: ignore[no-untyped-def]
    store, cases, video = services
    ensure_app(offscreen=True)
    install_language("zh_CN")
    p = VideoPanel(video, cases, _actor(store, Role.VIDEO_SUPERVISOR))
    qtbot.addWidget(p)
    p.resize(300, 640)
    p.show()
    return p


def _along(cam: Camera, share: float) -> tuple[float, float]:
    """A point ``share`` of the range along the camera's heading (negative: behind it)."""
    h = math.radians(cam.heading_deg)
    return (cam.x + share * cam.range_m * math.sin(h), cam.y + share * cam.range_m * math.cos(h))


def _camera_looking_into_the_street(cases: CaseService, video: VideoService) -> Camera:
    """A camera whose mid-view point lies in a unit grid (flags must land in the district)."""
    for cam in sorted(video.cameras(), key=lambda c: c.part_id):
        lon, lat = (float(v) for v in crs.to_geographic(*_along(cam, 0.5)))
        try:
            cases.grid_at(lon, lat)
        except DomainError:  # LocationError: it looks out of the seeded street
            continue
        return cam
    raise AssertionError("no seeded camera looks into the street")


def _click_camera(qtbot, panel: VideoPanel, part_id: str) -> None:  # type: ignore[no-untyped-def]
    row = next(r for r in range(panel.camera_list.count())
               if panel.camera_list.item(r).data(Qt.ItemDataRole.UserRole + 1) == part_id)
    item = panel.camera_list.item(row)
    panel.camera_list.scrollToItem(item)
    rect = panel.camera_list.visualItemRect(item)
    with qtbot.waitSignal(panel.camera_selected) as sig:
        qtbot.mouseClick(panel.camera_list.viewport(), Qt.MouseButton.LeftButton,
                         pos=rect.center())
    assert isinstance(sig.args[0], Camera)
    assert sig.args[0].part_id == part_id


def test_cameras_listed_sorted_and_searchable(panel: VideoPanel, services) -> None:  # type: ignore[no-untyped-def]
    _store, _cases, video = services
    ids = panel.visible_camera_ids()
    assert ids, "the street seed has cameras"
    assert ids == sorted(c.part_id for c in video.cameras())
    grid = video.cameras()[0].grid_id
    panel.search.setText(grid)
    shown = panel.visible_camera_ids()
    assert shown
    assert len(shown) < len(ids) or len({c.grid_id for c in video.cameras()}) == 1
    assert all(video.camera(pid).grid_id == grid for pid in shown)
    panel.search.setText(ids[-1][-6:])  # the end of a part id
    assert ids[-1] in panel.visible_camera_ids()
    panel.search.clear()
    assert panel.visible_camera_ids() == ids


def test_choosing_a_camera_shows_its_frame_with_osd(qtbot, panel: VideoPanel, services) -> None:  # type: ignore[no-untyped-def]
    _store, cases, video = services
    cam = _camera_looking_into_the_street(cases, video)
    _click_camera(qtbot, panel, cam.part_id)
    assert panel.camera is not None
    assert panel.camera.part_id == cam.part_id
    image = panel.view.image()
    assert not image.isNull()
    assert image.width() > 0
    assert image.height() > 0
    target = panel.view.image_rect()
    assert target.width() > 100  # scaled to the panel, aspect kept
    assert abs(target.width() / target.height() - image.width() / image.height()) < 0.02
    # The frame is really on screen: the middle of the picture is not the black letterbox.
    shot = panel.view.grab().toImage()
    centre = shot.pixelColor(target.center())
    assert (centre.red(), centre.green(), centre.blue()) != (16, 16, 18)
    # OSD drawn at display time: the stored snapshot has none, the captured frame has it.
    osd = panel.view.osd()
    assert osd is not None
    assert osd.camera_id == cam.part_id
    assert osd.at == NOW
    with_osd = panel.view.frame_with_osd()
    assert with_osd.size() == image.size()
    plain = image.convertToFormat(QImage.Format.Format_RGB32)
    assert with_osd.pixelColor(12, 12) != plain.pixelColor(12, 12)  # camera-id box top left


def test_flag_outside_the_view_is_refused(qtbot, panel: VideoPanel, services) -> None:  # type: ignore[no-untyped-def]
    store, cases, video = services
    cam = _camera_looking_into_the_street(cases, video)
    _click_camera(qtbot, panel, cam.part_id)
    with qtbot.waitSignal(panel.pick_requested):
        qtbot.mouseClick(panel.pick_button, Qt.MouseButton.LeftButton)
    before = store.cases.count()
    behind = _along(cam, -0.5)
    assert not panel.set_flag_point(*behind)
    assert panel.flag_point is None
    text = panel.point_label.text()
    assert cam.part_id in text  # names the camera whose view was missed
    assert RED in panel.point_label.styleSheet()
    # Type and note cannot make up for the missing point.
    panel.type_picker.set_selected("matter", "06010")
    panel.note.setText("路边暴露垃圾")
    assert not panel.submit_button.isEnabled()
    assert panel.submit() is None
    assert store.cases.count() == before


def test_flag_inside_the_view_creates_a_video_case(qtbot, panel: VideoPanel, services) -> None:  # type: ignore[no-untyped-def]
    store, cases, video = services
    cam = _camera_looking_into_the_street(cases, video)
    _click_camera(qtbot, panel, cam.part_id)
    assert panel.set_flag_point(*_along(cam, 0.5))
    assert RED not in panel.point_label.styleSheet()
    panel.type_picker.set_selected("matter", "06010")
    panel.note.setText("垃圾桶满溢，周边散落垃圾袋")  # typed through the IME
    panel.urgency.setCurrentIndex(panel.urgency.findData("high"))
    qtbot.mouseClick(panel.capture_button, Qt.MouseButton.LeftButton)
    assert "10:30:15" in panel.frame_label.text()  # the supervisor sees the capture happened
    assert panel.frame is not None
    assert panel.frame.mime == "image/png"
    assert panel.frame.name == f"{cam.part_id}_20261123_103015.png"
    before = store.cases.count()
    assert panel.submit_button.isEnabled()
    with qtbot.waitSignal(panel.flagged) as sig:
        qtbot.mouseClick(panel.submit_button, Qt.MouseButton.LeftButton)
    case = sig.args[0]
    assert store.cases.count() == before + 1
    assert case.number in panel.message.text()
    stored = cases.get(panel.actor, case.number)
    assert stored.source is CaseSource.VIDEO
    assert stored.extra["camera_id"] == cam.part_id
    assert stored.urgency.value == "high"
    assert stored.type_code == "06010"
    files = cases.attachments(panel.actor, case.number)
    assert len(files) == 1
    assert files[0].mime == "image/png"
    png = QImage.fromData(cases.attachment_data(panel.actor, files[0].id))
    assert png.size() == panel.view.image().size()  # the whole frame, not a screenshot of it
    # The form is ready for the next problem from the same camera.
    assert panel.flag_point is None
    assert panel.note.text() == ""
    assert not panel.submit_button.isEnabled()


def test_other_seats_get_the_flag_controls_disabled(qtbot, panel: VideoPanel, services) -> None:  # type: ignore[no-untyped-def]
    store, cases, video = services
    cam = _camera_looking_into_the_street(cases, video)
    _click_camera(qtbot, panel, cam.part_id)
    assert panel.pick_button.isEnabled()
    for role in (Role.OPERATOR, Role.DEPARTMENT, Role.MANAGER):
        panel.set_actor(_actor(store, role))
        assert not panel.flag_box.isEnabled()
        assert not panel.pick_button.isEnabled()
        assert not panel.capture_button.isEnabled()
        assert not panel.submit_button.isEnabled()
        assert panel.point_label.text()  # says why
        assert not panel.view.image().isNull()  # watching is for everyone
    panel.set_actor(_actor(store, Role.VIDEO_SUPERVISOR))
    assert panel.flag_box.isEnabled()
    assert panel.pick_button.isEnabled()


def test_the_services_refusal_is_shown_as_is(qtbot, panel: VideoPanel, services) -> None:  # type: ignore[no-untyped-def]
    """A stale form submitted after the seat changed: the service refuses, the panel says so."""
    store, cases, video = services
    cam = _camera_looking_into_the_street(cases, video)
    _click_camera(qtbot, panel, cam.part_id)
    assert panel.set_flag_point(*_along(cam, 0.4))
    panel.type_picker.set_selected("matter", "06010")
    panel.note.setText("井盖破损")
    panel.set_actor(_actor(store, Role.DEPARTMENT))
    before = store.cases.count()
    with qtbot.assertNotEmitted(panel.flagged):
        assert panel.submit() is None
    assert store.cases.count() == before
    assert panel.message.text()
    assert RED in panel.message.styleSheet()
