"""Video supervision dock (视频监督): cameras, their latest frame, flagging a problem.

A video supervisor searches a camera by its part id or unit grid, looks at its latest frame
with an on-screen display (camera, time, SNAPSHOT/LIVE, stream address) and flags a problem
they see: they click the spot on the map (the main window listens to
:attr:`VideoPanel.pick_requested` and calls :meth:`VideoPanel.set_flag_point` with the
clicked map point), the panel says at once whether that spot is inside the camera's view,
then they choose the type, write a note, set the urgency, capture the frame and submit.

Everything goes through ``VideoService``/``CaseService``: the panel enables the flag
controls for video supervisors only, and shows the service's refusal as it is when the
service says no anyway.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.attachment import Photo
from app.domain.case import Case, Urgency
from app.domain.errors import DomainError
from app.domain.org import Role
from app.gis import crs
from app.ui import texts
from app.ui.type_picker import TypePicker

if TYPE_CHECKING:
    from datetime import datetime

    from app.domain.camera import Camera
    from app.domain.workflow import Actor

_ERROR_STYLE = "color: #c62828;"
_OK_STYLE = "color: #2e7d32;"
_HINT_STYLE = "color: #666;"
_PART_ID_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Osd:
    """What the on-screen display shows over a frame."""

    camera_id: str
    at: datetime
    live: bool  # the frame comes from the live stream (else: the latest snapshot)
    stream_url: str = ""


class SnapshotView(QWidget):
    """A camera frame scaled to the widget (aspect kept, letterboxed) with its OSD.

    The OSD is drawn at display time, never burnt into the stored snapshot;
    :meth:`frame_with_osd` renders the same overlay at the frame's own resolution for
    evidence photos.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = QImage()
        self._osd: Osd | None = None
        self._placeholder = ""
        self.live_text = "LIVE"
        self.snapshot_text = "SNAPSHOT"
        self.setMinimumSize(192, 108)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(320, 180)

    def set_frame(self, image: QImage | None, osd: Osd | None, placeholder: str = "") -> None:
        """Show ``image`` with ``osd``; without an image show ``placeholder`` instead."""
        self._image = QImage() if image is None else image
        self._osd = osd
        self._placeholder = placeholder
        self.update()

    def image(self) -> QImage:
        """The frame as received (no OSD); null when there is none."""
        return self._image

    def osd(self) -> Osd | None:
        return self._osd

    def image_rect(self) -> QRect:
        """Where the frame is drawn in the widget; empty when there is no frame."""
        if self._image.isNull():
            return QRect()
        size = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - size.width()) // 2
        y = (self.height() - size.height()) // 2
        return QRect(x, y, size.width(), size.height())

    def frame_with_osd(self) -> QImage:
        """The frame at its own resolution with the OSD drawn over it (null without one)."""
        if self._image.isNull():
            return QImage()
        out = self._image.convertToFormat(QImage.Format.Format_RGB32)
        if self._osd is not None:
            qp = QPainter(out)
            self._draw_osd(qp, QRectF(out.rect()), self._osd)
            qp.end()
        return out

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        qp = QPainter(self)
        qp.fillRect(self.rect(), QColor(16, 16, 18))
        if self._image.isNull():
            qp.setPen(QColor(170, 170, 170))
            qp.drawText(self.rect().adjusted(8, 8, -8, -8),
                        Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                        self._placeholder)
            return
        target = self.image_rect()
        qp.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        qp.drawImage(target, self._image)
        if self._osd is not None:
            self._draw_osd(qp, QRectF(target), self._osd)

    def _draw_osd(self, qp: QPainter, rect: QRectF, osd: Osd) -> None:
        """Camera id and time top left, LIVE/SNAPSHOT top right, stream address bottom left.

        Sizes follow the frame height so the capture at 640×360 and a small dock look alike.
        """
        qp.save()
        qp.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        font.setPixelSize(max(9, round(rect.height() / 20)))
        font.setBold(True)
        qp.setFont(font)
        fm = QFontMetrics(font)
        pad = max(2, round(rect.height() / 90))
        line = fm.height() + pad

        def label(text: str, x: float, y: float, fg: QColor, right: bool = False,
                  dot: QColor | None = None) -> None:
            dot_w = fm.height() * 0.8 if dot is not None else 0.0
            w = fm.horizontalAdvance(text) + 2 * pad + dot_w
            box = QRectF(x - w if right else x, y, w, fm.height() + pad)
            qp.fillRect(box, QColor(0, 0, 0, 140))
            if dot is not None:
                qp.setPen(Qt.PenStyle.NoPen)
                qp.setBrush(dot)
                r = fm.height() * 0.22
                qp.drawEllipse(box.topLeft() + QRectF(0, 0, dot_w + pad, box.height()).center(),
                               r, r)
            qp.setPen(fg)
            qp.drawText(box.adjusted(pad + dot_w, 0, -pad, 0),
                        Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)

        left, top = rect.left() + pad * 2, rect.top() + pad * 2
        white = QColor(255, 255, 255)
        label(osd.camera_id, left, top, white)
        label(f"{osd.at:%Y-%m-%d %H:%M:%S}", left, top + line, white)
        if osd.live:
            label(self.live_text, rect.right() - pad * 2, top, white, right=True,
                  dot=QColor(229, 57, 53))
        else:
            label(self.snapshot_text, rect.right() - pad * 2, top, QColor(255, 213, 79),
                  right=True)
        if osd.stream_url:
            avail = int(rect.width() - 4 * pad - 2 * pad)
            url = fm.elidedText(osd.stream_url, Qt.TextElideMode.ElideMiddle, avail)
            label(url, left, rect.bottom() - pad * 2 - fm.height() - pad, white)
        qp.restore()


class VideoPanel(QWidget):
    """The video-supervision dock; see the module docstring.

    Parameters
    ----------
    video_service
        The ``VideoService`` (cameras, snapshots, view test, flagging).
    case_service
        The ``CaseService`` (clock, type catalogue, unit grids).
    actor
        Who sits at the seat; change it with :meth:`set_actor`.
    """

    camera_selected = Signal(object)  # the selected Camera
    pick_requested = Signal()  # the supervisor wants to click the problem on the map
    flagged = Signal(object)  # the Case created by a flag

    def __init__(self, video_service: Any, case_service: Any, actor: Actor,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.video = video_service
        self.cases = case_service
        self.actor = actor
        self.camera: Camera | None = None
        self.flag_point: tuple[float, float] | None = None
        self.frame: Photo | None = None
        self._frame_at: datetime | None = None
        self._cameras: dict[str, Camera] = {}

        self.search = QLineEdit()
        self.search.setObjectName("cameraSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search camera: part id or unit grid"))
        self.search.textChanged.connect(self._apply_filter)
        self.search.returnPressed.connect(self._select_first_visible)

        self.camera_list = QListWidget()
        self.camera_list.setObjectName("cameraList")
        self.camera_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.camera_list.setUniformItemSizes(True)  # thousands of cameras stay fast
        self.camera_list.setMinimumHeight(60)
        self.camera_list.currentItemChanged.connect(self._on_current_item)

        self.view = SnapshotView()
        self.view.setObjectName("snapshotView")
        self.view.live_text = self.tr("LIVE")
        self.view.snapshot_text = self.tr("SNAPSHOT")

        self.pick_button = QPushButton(self.tr("Flag a problem at a map point"))
        self.pick_button.setObjectName("flagPickButton")
        self.pick_button.setToolTip(self.tr(
            "Then click the problem on the map, inside the selected camera's view"))
        self.pick_button.clicked.connect(self._on_pick)
        self.point_label = QLabel()
        self.point_label.setObjectName("flagPointLabel")
        self.point_label.setWordWrap(True)
        self.type_picker = TypePicker(case_service.type_names())
        self.type_picker.setObjectName("flagTypePicker")
        self.type_picker.changed.connect(lambda _key: self._update_controls())
        self.note = QLineEdit()
        self.note.setObjectName("flagNote")
        self.note.setPlaceholderText(self.tr("What is wrong (required)"))
        self.note.textChanged.connect(lambda _t: self._update_controls())
        self.urgency = QComboBox()
        self.urgency.setObjectName("flagUrgency")
        self.urgency.setToolTip(texts.field_label("urgency"))
        for u in Urgency:
            self.urgency.addItem(texts.value_text("urgency", u.value), u.value)
        self.capture_button = QPushButton(self.tr("Capture frame"))
        self.capture_button.setObjectName("captureButton")
        self.capture_button.setToolTip(self.tr(
            "Keep the displayed frame, with its time stamp, as the case photo"))
        self.capture_button.clicked.connect(self.capture_frame)
        self.frame_label = QLabel()
        self.frame_label.setObjectName("frameLabel")
        self.frame_label.setStyleSheet(_HINT_STYLE)
        self.submit_button = QPushButton(self.tr("Submit"))
        self.submit_button.setObjectName("flagSubmit")
        self.submit_button.setToolTip(self.tr(
            "Needs a point in the camera's view, a type and a note"))
        self.submit_button.clicked.connect(self.submit)
        self.message = QLabel()
        self.message.setObjectName("flagMessage")
        self.message.setWordWrap(True)

        row = QHBoxLayout()
        row.addWidget(self.urgency)
        row.addWidget(self.capture_button)
        row.addWidget(self.submit_button)
        self.flag_box = QGroupBox(self.tr("Flag a problem"))
        self.flag_box.setObjectName("flagBox")
        fl = QVBoxLayout(self.flag_box)
        fl.setContentsMargins(4, 4, 4, 4)
        fl.setSpacing(3)
        fl.addWidget(self.pick_button)
        fl.addWidget(self.point_label)
        fl.addWidget(self.type_picker)
        fl.addWidget(self.note)
        fl.addLayout(row)
        fl.addWidget(self.frame_label)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.setSpacing(3)
        lay.addWidget(self.search)
        lay.addWidget(self.camera_list, 1)
        lay.addWidget(self.view, 2)
        lay.addWidget(self.flag_box)
        lay.addWidget(self.message)

        self.reload()
        self.set_actor(actor)

    # -- cameras ---------------------------------------------------------------------------
    def reload(self) -> None:
        """(Re)read the cameras from the service, sorted by part id; keeps the selection."""
        keep = self.camera.part_id if self.camera else None
        cams = sorted(self.video.cameras(), key=lambda c: c.part_id)
        self._cameras = {c.part_id: c for c in cams}
        self.camera_list.blockSignals(True)
        self.camera_list.clear()
        for cam in cams:
            # The grid's last digits are what supervisors say ("grid 012"); the full id is in
            # the tooltip and matches the search.
            item = QListWidgetItem(f"{cam.part_id}  ·  {cam.grid_id[-3:] or '—'}")
            item.setData(_PART_ID_ROLE, cam.part_id)
            item.setToolTip(self._camera_tooltip(cam))
            self.camera_list.addItem(item)
        self.camera_list.blockSignals(False)
        self._apply_filter(self.search.text())
        if keep is None or not self.select_camera(keep):
            self._show_camera(None)

    def _camera_tooltip(self, cam: Camera) -> str:
        lines = [cam.part_id,
                 f"{texts.field_label('grid')}: {cam.grid_id or '—'}",
                 self.tr("Looks %1° from north, %2° wide, %3 m deep")
                 .replace("%1", f"{cam.heading_deg:.0f}").replace("%2", f"{cam.fov_deg:.0f}")
                 .replace("%3", f"{cam.range_m:.0f}")]
        if cam.stream_url:
            lines.append(cam.stream_url)
        return "\n".join(lines)

    def visible_camera_ids(self) -> list[str]:
        """Part ids of the cameras the list shows now (after the search), in order."""
        return [self.camera_list.item(r).data(_PART_ID_ROLE)
                for r in range(self.camera_list.count())
                if not self.camera_list.item(r).isHidden()]

    def _apply_filter(self, text: str) -> None:
        query = text.strip().casefold()
        for r in range(self.camera_list.count()):
            item = self.camera_list.item(r)
            cam = self._cameras[item.data(_PART_ID_ROLE)]
            hit = not query or query in cam.part_id.casefold() or query in cam.grid_id.casefold()
            item.setHidden(not hit)

    def _select_first_visible(self) -> None:
        ids = self.visible_camera_ids()
        if ids:
            self.select_camera(ids[0])

    def select_camera(self, part_id: str) -> bool:
        """Select the camera with this part id (e.g. clicked on the map); False if unknown."""
        for r in range(self.camera_list.count()):
            item = self.camera_list.item(r)
            if item.data(_PART_ID_ROLE) == part_id:
                item.setHidden(False)
                self.camera_list.setCurrentItem(item)
                self.camera_list.scrollToItem(item)
                return True
        return False

    def _on_current_item(self, current: QListWidgetItem | None, _previous: object) -> None:
        cam = self._cameras.get(current.data(_PART_ID_ROLE)) if current is not None else None
        self._show_camera(cam)
        if cam is not None:
            self.camera_selected.emit(cam)

    def _show_camera(self, cam: Camera | None) -> None:
        self.camera = cam
        self.flag_point = None
        self.frame = None
        self.point_label.clear()
        self.message.clear()
        if cam is None:
            self.view.set_frame(None, None, self.tr("Select a camera"))
        else:
            data = self.video.snapshot(cam)
            image = QImage.fromData(data) if data else QImage()
            osd = Osd(cam.part_id, self.cases.now(), live=False, stream_url=cam.stream_url)
            self.view.set_frame(None if image.isNull() else image, osd,
                                self.tr("No picture from camera %1").replace("%1", cam.part_id))
        self._update_frame_label()
        self._update_controls()

    # -- seat --------------------------------------------------------------------------------
    def set_actor(self, actor: Actor) -> None:
        """The user at the seat changed: flag controls follow the role."""
        self.actor = actor
        self._update_controls()

    def can_flag(self) -> bool:
        """Whether the seat flags problems from video (the service checks again)."""
        return self.actor.role is Role.VIDEO_SUPERVISOR

    def _update_controls(self) -> None:
        allowed = self.can_flag()
        has_cam = allowed and self.camera is not None
        self.flag_box.setEnabled(allowed)
        self.flag_box.setToolTip("" if allowed else self.tr(
            "Only video supervisors flag problems from cameras"))
        for w in (self.pick_button, self.type_picker, self.note, self.urgency):
            w.setEnabled(has_cam)
        self.capture_button.setEnabled(has_cam and not self.view.image().isNull())
        self.submit_button.setEnabled(
            has_cam and self.flag_point is not None and self.type_picker.selected() is not None
            and bool(self.note.text().strip()))
        if not allowed:
            self._show_point_text(self.tr("Only video supervisors flag problems from cameras"),
                                  _HINT_STYLE)
        elif self.camera is None:
            self._show_point_text(self.tr("Select a camera first"), _HINT_STYLE)
        elif self.flag_point is None and not self.point_label.text():
            self._show_point_text(self.tr("No point chosen yet"), _HINT_STYLE)

    def _show_point_text(self, text: str, style: str) -> None:
        self.point_label.setText(text)
        self.point_label.setStyleSheet(style)

    # -- flagging ----------------------------------------------------------------------------
    def _on_pick(self) -> None:
        if self.camera is None:
            return
        self._show_point_text(self.tr("Click the problem on the map, inside the view of "
                                      "camera %1").replace("%1", self.camera.part_id),
                              _HINT_STYLE)
        self.pick_requested.emit()

    def set_flag_point(self, x: float, y: float) -> bool:
        """The map point (metres) clicked for the problem; accepted only inside the view.

        Returns whether the point was accepted. The answer shows under the pick button at
        once: outside the camera's view, or outside every unit grid, the point is refused
        and the previous one (if any) is dropped.
        """
        cam = self.camera
        if cam is None:
            return False
        self.flag_point = None
        dist = math.hypot(x - cam.x, y - cam.y)
        if not self.video.sees(cam, x, y):
            self._show_point_text(
                self.tr("Outside the view of camera %1 (%2 m away): click a point inside "
                        "its view cone").replace("%1", cam.part_id)
                .replace("%2", f"{dist:.0f}"), _ERROR_STYLE)
            self._update_controls()
            return False
        lon, lat = (float(v) for v in crs.to_geographic(x, y))
        try:
            grid = self.cases.grid_at(lon, lat, x, y)
        except DomainError as exc:
            self._show_point_text(str(exc), _ERROR_STYLE)
            self._update_controls()
            return False
        self.flag_point = (x, y)
        self._show_point_text(
            self.tr("In view: %1 m from the camera, unit grid %2")
            .replace("%1", f"{dist:.0f}").replace("%2", grid), _OK_STYLE)
        self._update_controls()
        return True

    def capture_frame(self) -> Photo | None:
        """Keep the displayed frame with its OSD (time stamped now) as a PNG photo."""
        cam = self.camera
        if cam is None or self.view.image().isNull():
            return None
        now = self.cases.now()
        self.view.set_frame(self.view.image(), Osd(cam.part_id, now, live=False,
                                                   stream_url=cam.stream_url))
        png = QByteArray()
        buf = QBuffer(png)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        self.view.frame_with_osd().save(buf, "PNG")
        buf.close()
        try:
            self.frame = Photo.from_bytes(f"{cam.part_id}_{now:%Y%m%d_%H%M%S}.png", png.data())
        except DomainError as exc:
            self._show_message(str(exc), _ERROR_STYLE)
            return None
        self._frame_at = now
        self._update_frame_label()
        return self.frame

    def _update_frame_label(self) -> None:
        if self.frame is None or self._frame_at is None:
            self.frame_label.setText(self.tr("No frame captured"))
            self.frame_label.setToolTip("")
        else:
            self.frame_label.setText(self.tr("Frame captured at %1 (%2 KB)")
                                     .replace("%1", f"{self._frame_at:%H:%M:%S}")
                                     .replace("%2", f"{len(self.frame.data) / 1024:.0f}"))
            self.frame_label.setToolTip(self.frame.name)

    def submit(self) -> Case | None:
        """Flag the problem through the service; the refusal, if any, shows as it is."""
        cam, point, key = self.camera, self.flag_point, self.type_picker.selected()
        if cam is None or point is None or key is None:
            return None
        kind, code = key
        try:
            case = self.video.flag(self.actor, cam.part_id, point[0], point[1], kind, code,
                                   self.note.text().strip(), frame=self.frame,
                                   urgency=self.urgency.currentData())
        except DomainError as exc:
            self._show_message(str(exc), _ERROR_STYLE)
            return None
        self._show_message(self.tr("Case %1 reported from camera %2")
                           .replace("%1", case.number).replace("%2", cam.part_id), _OK_STYLE)
        # Ready for the next problem seen by the same camera.
        self.flag_point = None
        self.frame = None
        self.note.clear()
        self.type_picker.clear()
        self.urgency.setCurrentIndex(0)
        self.point_label.clear()
        self._update_frame_label()
        self._update_controls()
        self.flagged.emit(case)
        return case

    def _show_message(self, text: str, style: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(style)
