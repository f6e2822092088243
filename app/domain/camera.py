"""Video cameras (监控电子眼, part type 01050) and what they can see.

A camera is a city part with a viewing set-up: the direction it looks (heading, degrees
clockwise from grid north), its horizontal field of view and the distance at which an
urban-management problem can still be made out. Its *view* is the circular sector these
define, in display metres (EPSG:4548); a video supervisor may only flag a problem inside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely

from app.domain.errors import DomainError

CAMERA_TYPE_CODE = "01050"
_ARC_STEPS = 16  # vertices along the arc: smooth at map scale, cheap for thousands


@dataclass(frozen=True, slots=True)
class Camera:
    part_id: str
    lon: float
    lat: float
    x: float  # display metres (EPSG:4548)
    y: float
    heading_deg: float  # 0 = north (map up), clockwise
    fov_deg: float
    range_m: float
    snapshot: str = ""  # image file of the latest frame ("" = none)
    stream_url: str = ""  # live stream address, when configured
    grid_id: str = ""

    def __post_init__(self) -> None:
        if not 0 < self.fov_deg <= 360:
            raise DomainError(f"Camera {self.part_id}: field of view {self.fov_deg}° must be "
                              "in (0, 360]")
        if self.range_m <= 0:
            raise DomainError(f"Camera {self.part_id}: range must be positive")

    def sees(self, x: float, y: float) -> bool:
        """Whether the map point (x, y) lies inside the camera's view sector."""
        dx, dy = x - self.x, y - self.y
        dist = math.hypot(dx, dy)
        if dist > self.range_m:
            return False
        if dist < 1e-9 or self.fov_deg >= 360:
            return True
        bearing = math.degrees(math.atan2(dx, dy)) % 360.0  # clockwise from north
        off = (bearing - self.heading_deg + 180.0) % 360.0 - 180.0
        return abs(off) <= self.fov_deg / 2.0

    def view_polygon(self) -> shapely.Polygon:
        """The view sector as a polygon in display metres."""
        return view_sectors(np.array([self.x]), np.array([self.y]),
                            np.array([self.heading_deg]), np.array([self.fov_deg]),
                            np.array([self.range_m]))[0]


def view_sectors(x: np.ndarray, y: np.ndarray, heading: np.ndarray, fov: np.ndarray,
                 range_m: np.ndarray, steps: int = _ARC_STEPS) -> np.ndarray:
    """View sectors of many cameras at once (vectorised), as an array of shapely Polygons."""
    n = len(x)
    t = np.linspace(-0.5, 0.5, steps + 1)
    ang = np.radians(heading[:, None] + fov[:, None] * t[None, :])  # (n, steps+1)
    ax = x[:, None] + range_m[:, None] * np.sin(ang)
    ay = y[:, None] + range_m[:, None] * np.cos(ang)
    ring = np.empty((n, steps + 3, 2))
    ring[:, 0, 0], ring[:, 0, 1] = x, y
    ring[:, 1:-1, 0], ring[:, 1:-1, 1] = ax, ay
    ring[:, -1, 0], ring[:, -1, 1] = x, y
    polys = shapely.polygons(ring)
    dome = np.asarray(fov) >= 360.0
    if dome.any():
        # A dome camera sees all round: its disc is the arc alone (through the apex the
        # ring would leave a zero-width spike along the heading).
        polys[dome] = shapely.polygons(ring[dome, 1:-1])
    return polys
