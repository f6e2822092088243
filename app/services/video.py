"""Video supervision (视频监督): cameras, their views and problems flagged from them.

A video supervisor picks a camera, looks at its latest frame (a snapshot image file, or a
stream address configured per camera) and flags a problem at a point *inside that camera's
view*; the report is an ordinary case from the video source that carries the camera id and
the captured frame as its photo.

Example::

    video = VideoService(CaseService(store))
    cam = video.cameras()[0]
    x, y = cam.x, cam.y + 30  # 30 m north of the camera
    if video.sees(cam, x, y):
        video.flag(Actor("vs01", Role.VIDEO_SUPERVISOR), cam.part_id, x, y, "matter",
                   "06010", "暴露垃圾", frame=Photo.from_path("frame.png"))
"""

from __future__ import annotations

from pathlib import Path

import shapely

from app.domain.attachment import Photo
from app.domain.camera import Camera
from app.domain.case import Case, CaseKind, CaseSource, Urgency
from app.domain.errors import DomainError
from app.domain.workflow import Actor
from app.gis import crs
from app.paths import RESOURCES_DIR
from app.services.cases import CaseService

__all__ = ["Camera", "VideoService"]


class VideoService:
    def __init__(self, cases: CaseService, resources: Path = RESOURCES_DIR) -> None:
        self.cases = cases
        self.store = cases.store
        self.resources = resources
        self._cameras: list[Camera] | None = None

    def cameras(self) -> list[Camera]:
        """All cameras, by part id (cached: the camera set-up changes with imports only)."""
        if self._cameras is None:
            self._cameras = self.store.cameras.all()
        return self._cameras

    def camera(self, part_id: str) -> Camera:
        cam = self.store.cameras.get(part_id)
        if cam is None:
            raise DomainError(f"Part {part_id} is not a video camera of the district "
                              "(监控电子眼, type 01050, with a viewing set-up)")
        return cam

    @staticmethod
    def view_polygon(cam: Camera) -> shapely.Polygon:
        """What the camera sees, in map metres (EPSG:4548)."""
        return cam.view_polygon()

    @staticmethod
    def sees(cam: Camera, x: float, y: float) -> bool:
        return cam.sees(x, y)

    def snapshot_path(self, cam: Camera) -> Path | None:
        if not cam.snapshot:
            return None
        p = Path(cam.snapshot)
        return p if p.is_absolute() else self.resources / p

    def snapshot(self, cam: Camera) -> bytes | None:
        """The camera's latest frame as image bytes; None when it has none (or it is gone)."""
        p = self.snapshot_path(cam)
        if p is None or not p.is_file():
            return None
        return p.read_bytes()

    def flag(self, actor: Actor, camera_id: str, x: float, y: float,
             kind: CaseKind | str, type_code: str, description: str,
             frame: Photo | None = None, urgency: Urgency | str = Urgency.NORMAL) -> Case:
        """Report a problem seen by camera ``camera_id`` at map point (x, y)."""
        cam = self.camera(camera_id)
        if not cam.sees(x, y):
            dist = ((x - cam.x) ** 2 + (y - cam.y) ** 2) ** 0.5
            raise DomainError(
                f"The point is outside the view of camera {camera_id} ({dist:.0f} m from it; "
                f"it looks {cam.heading_deg:.0f}° from north, {cam.fov_deg:.0f}° wide, "
                f"{cam.range_m:.0f} m deep): flag a problem where this camera can see it")
        lon, lat = (float(v) for v in crs.to_geographic(x, y))
        return self.cases.report(actor, kind, type_code, lon, lat, description,
                                 CaseSource.VIDEO, urgency=urgency, camera_id=camera_id,
                                 photos=[frame] if frame is not None else ())
