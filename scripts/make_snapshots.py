"""Draw the demo's CCTV camera snapshots (resources/snapshots/cam_01.jpg … cam_12.jpg).

Each snapshot is a street seen from a pole-mounted camera, drawn procedurally with
QPainter in a pinhole projection: road with lane markings, kerbs, paved footways with a
tactile strip, building facades with windows and shopfronts, street trees, lamp posts,
traffic, and in most scenes one urban problem a video supervisor would flag (overflowing
bin, piled garbage, broken manhole cover, car parked on the footway, graffiti, fallen
branch). Time of day and weather vary. The files carry no text: the video panel draws the
on-screen display (camera id, time, LIVE/SNAPSHOT) at display time.

Deterministic: every scene has its own seeded ``random.Random``; the same Qt build writes
the same bytes. Run offscreen:

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_snapshots.py [--out DIR]
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import random
import sys
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QRadialGradient,
)

if TYPE_CHECKING:
    from collections.abc import Callable

WIDTH, HEIGHT = 640, 360
QUALITY = 80
MAX_BYTES = 70_000
OUT_DIR = Path(__file__).resolve().parent.parent / "resources" / "snapshots"

RGB = tuple[int, int, int]


# --- palettes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Palette:
    """Colours and light of one time of day / weather."""

    sky_top: RGB
    sky_horizon: RGB
    haze: RGB  # what distant things fade to
    light: float  # multiplies surface colours
    fog_m: float  # distance at which a surface is ~63 % haze
    asphalt: RGB
    pavement: RGB
    facades: tuple[RGB, ...]
    glass: RGB
    foliage: tuple[RGB, ...]
    night: bool = False
    lit_windows: float = 0.0  # share of windows lit
    sun: tuple[float, float, RGB] | None = None  # x, y on screen, glow colour
    clouds: int = 3
    cloud: RGB = (255, 255, 255)


PALETTES: dict[str, Palette] = {
    "morning": Palette(
        (120, 160, 205), (236, 214, 186), (214, 206, 196), 0.95, 260.0, (92, 94, 98),
        (178, 168, 156), ((200, 186, 168), (168, 176, 182), (214, 200, 178), (150, 148, 150)),
        (150, 176, 196), ((72, 112, 58), (92, 128, 64), (58, 96, 52)),
        sun=(560.0, 70.0, (255, 226, 180)), clouds=2),
    "noon": Palette(
        (70, 128, 200), (186, 212, 236), (200, 214, 226), 1.05, 420.0, (86, 88, 92),
        (190, 184, 174), ((222, 218, 208), (176, 190, 200), (200, 170, 150), (160, 160, 166)),
        (120, 160, 196), ((64, 118, 50), (84, 140, 60), (50, 104, 46)), clouds=4),
    "afternoon": Palette(
        (92, 140, 200), (222, 214, 194), (212, 204, 186), 1.0, 330.0, (90, 90, 92),
        (186, 176, 160), ((214, 196, 170), (186, 160, 140), (170, 178, 176), (204, 204, 196)),
        (140, 164, 186), ((78, 114, 52), (96, 126, 54), (64, 98, 44)),
        sun=(90.0, 40.0, (255, 236, 200)), clouds=3),
    "overcast": Palette(
        (150, 156, 164), (196, 198, 200), (190, 192, 194), 0.82, 190.0, (78, 80, 84),
        (160, 160, 158), ((186, 182, 176), (150, 156, 160), (172, 166, 156), (136, 136, 140)),
        (128, 140, 150), ((62, 92, 56), (74, 104, 62), (54, 82, 50)), clouds=7,
        cloud=(176, 178, 182)),
    "dusk": Palette(
        (54, 64, 112), (236, 150, 96), (170, 128, 120), 0.62, 230.0, (64, 62, 70),
        (128, 116, 112), ((170, 140, 126), (130, 124, 136), (156, 136, 118), (112, 108, 118)),
        (200, 150, 120), ((50, 72, 48), (62, 82, 50), (44, 62, 44)), lit_windows=0.35,
        sun=(120.0, 128.0, (255, 170, 110)), clouds=3, cloud=(214, 140, 120)),
    "night": Palette(
        (8, 12, 28), (36, 44, 70), (40, 44, 60), 0.34, 160.0, (40, 40, 46),
        (82, 80, 82), ((120, 116, 112), (100, 104, 112), (112, 104, 96), (90, 90, 96)),
        (40, 50, 70), ((30, 46, 34), (36, 54, 38), (26, 40, 30)), night=True,
        lit_windows=0.45, clouds=0),
}


# --- scenes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scene:
    """One camera's view. Lengths in metres; the road centre line is ``X = 0``.

    With a ``problem`` the camera is panned and the problem placed so that its foot lands
    on the screen point ``target``: every problem is in plain view, none behind a tree.
    """

    name: str
    palette: str
    seed: int
    problem: str | None = None  # see PROBLEMS
    problem_side: int = 1  # -1 left, +1 right
    target: tuple[float, float] = (320.0, 285.0)
    focal: float = 430.0  # pixels
    cam_x: float = -4.0  # lateral position of the camera
    cam_h: float = 6.5  # height of the camera
    horizon: float = 120.0  # screen y of the horizon
    vx: float = 320.0  # screen x of the vanishing point (camera pan); set from target
    lanes: int = 2  # lanes each way
    footway: float = 4.5
    crossing_z: float | None = None
    cars: int = 4
    median_trees: bool = False


# Problem scenes look down more steeply from a lower pole (horizon high, camera ~5 m), so
# the problem shows at ~45 px per metre.
SCENES: list[Scene] = [
    Scene("cam_01", "morning", 101, "overflowing_bin", -1, (250, 300), cam_x=-2.5, cam_h=5.0,
          horizon=85),
    Scene("cam_02", "noon", 102, None, lanes=3, cam_x=0.0, cam_h=8.0, horizon=105,
          crossing_z=34.0, cars=7, median_trees=True),
    Scene("cam_03", "afternoon", 103, "piled_garbage", 1, (420, 300), lanes=1, footway=5.0,
          cam_x=-1.0, cam_h=5.0, horizon=90, cars=2),
    Scene("cam_04", "overcast", 104, "broken_manhole", 1, (350, 305), focal=520, cam_x=0.0,
          cam_h=4.5, horizon=95, cars=3),
    Scene("cam_05", "noon", 105, "illegal_parking", 1, (380, 280), cam_x=2.0, cam_h=5.5,
          horizon=90, cars=3),
    Scene("cam_06", "dusk", 106, "graffiti", 1, (390, 305), lanes=1, footway=4.0, cam_x=-3.0,
          cam_h=5.0, horizon=105, cars=2),
    Scene("cam_07", "night", 107, None, lanes=2, cam_x=-5.0, vx=360, crossing_z=28.0, cars=5),
    Scene("cam_08", "overcast", 108, "fallen_branch", -1, (270, 290), lanes=1, footway=5.0,
          cam_x=0.0, cam_h=5.5, horizon=90, cars=1),
    Scene("cam_09", "night", 109, "overflowing_bin", 1, (390, 300), lanes=1, footway=4.0,
          cam_x=0.0, cam_h=5.0, horizon=90, cars=2),
    Scene("cam_10", "dusk", 110, "illegal_parking", -1, (250, 280), lanes=2, cam_x=-3.0,
          cam_h=5.5, horizon=95, cars=4),
    Scene("cam_11", "morning", 111, None, lanes=3, cam_x=-9.0, cam_h=9.0, horizon=100,
          vx=380, crossing_z=40.0, cars=6, median_trees=True),
    Scene("cam_12", "night", 112, "broken_manhole", -1, (300, 305), focal=540, lanes=1,
          cam_x=0.0, cam_h=4.5, horizon=100, cars=1),
]
PROBLEMS = ("overflowing_bin", "piled_garbage", "broken_manhole", "illegal_parking",
            "graffiti", "fallen_branch")

LANE_W = 3.5
KERB_H = 0.15
Z_NEAR = 2.0
Z_FAR = 420.0


# --- the renderer ---------------------------------------------------------------------------


class StreetRenderer:
    """Projects street-space points ``(X, Y, Z)`` (right, up, ahead) and draws a scene."""

    def __init__(self, scene: Scene) -> None:
        self.s = scene
        self.p = PALETTES[scene.palette]
        self.rng = random.Random(scene.seed)
        self.road = scene.lanes * LANE_W + (1.0 if scene.median_trees else 0.2)
        self.front = self.road + scene.footway  # building line
        self.tree_x = self.road + scene.footway * 0.25 + 0.5
        self.items: list[tuple[float, Callable[[QPainter], None]]] = []
        self.vx = scene.vx
        self.problem_z = 0.0
        if scene.problem:
            # Put the problem's foot on the target screen point: depth from the target's
            # height below the horizon, pan from its x.
            tx, ty = scene.target
            y0 = 0.0 if scene.problem == "broken_manhole" else KERB_H
            self.problem_z = scene.focal * (scene.cam_h - y0) / (ty - scene.horizon)
            self.vx = tx - scene.focal * (self.problem_x() - scene.cam_x) / self.problem_z

    # -- projection and colour ------------------------------------------------------------
    def pt(self, x: float, y: float, z: float) -> QPointF:
        s = self.s
        z = max(z, 0.05)
        return QPointF(self.vx + s.focal * (x - s.cam_x) / z,
                       s.horizon + s.focal * (s.cam_h - y) / z)

    def poly(self, pts: list[tuple[float, float, float]]) -> QPolygonF:
        return QPolygonF([self.pt(*p) for p in pts])

    def scale(self, z: float) -> float:
        """Pixels per metre at distance ``z``."""
        return self.s.focal / max(z, 0.05)

    def shade(self, rgb: RGB, z: float, light: float | None = None, alpha: int = 255) -> QColor:
        """Surface colour lit by the palette and faded into the haze with distance."""
        lt = self.p.light if light is None else light
        k = 1.0 - math.exp(-max(z, 0.0) / self.p.fog_m)
        c = [min(255.0, v * lt) * (1 - k) + h * k for v, h in zip(rgb, self.p.haze, strict=True)]
        return QColor(int(c[0]), int(c[1]), int(c[2]), alpha)

    def jitter(self, rgb: RGB, amount: int = 12) -> RGB:
        r = self.rng
        return tuple(max(0, min(255, v + r.randint(-amount, amount))) for v in rgb)  # type: ignore[return-value]

    def ground_gradient(self, rgb: RGB, light: float | None = None) -> QLinearGradient:
        """Vertical gradient for ground surfaces: screen y maps to distance."""
        s = self.s
        g = QLinearGradient(0, s.horizon, 0, HEIGHT)
        for z in (Z_FAR, 200, 100, 50, 25, 12, 6):
            y = s.horizon + s.focal * s.cam_h / z
            if y <= HEIGHT + 1:
                g.setColorAt(max(0.0, min(1.0, (y - s.horizon) / (HEIGHT - s.horizon))),
                             self.shade(rgb, z, light))
        g.setColorAt(1.0, self.shade(rgb, s.focal * s.cam_h / (HEIGHT - s.horizon), light))
        return g

    def add(self, z: float, draw: Callable[[QPainter], None]) -> None:
        self.items.append((z, draw))

    # -- whole image -------------------------------------------------------------------------
    def render(self) -> QImage:
        img = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
        qp = QPainter(img)
        qp.setRenderHint(QPainter.RenderHint.Antialiasing)
        qp.setPen(Qt.PenStyle.NoPen)
        self.sky(qp)
        self.skyline(qp)
        self.ground(qp)
        for side in (-1, 1):
            self.buildings(qp, side)
        self.plan_objects()
        for _z, draw in sorted(self.items, key=lambda it: -it[0]):
            qp.setPen(Qt.PenStyle.NoPen)
            draw(qp)
        self.camera_look(qp)
        qp.end()
        return img

    def sky(self, qp: QPainter) -> None:
        p, s = self.p, self.s
        g = QLinearGradient(0, 0, 0, s.horizon + 20)
        g.setColorAt(0, QColor(*p.sky_top))
        g.setColorAt(1, QColor(*p.sky_horizon))
        qp.fillRect(QRectF(0, 0, WIDTH, s.horizon + 40), g)
        if p.sun:
            sx, sy, col = p.sun
            rg = QRadialGradient(QPointF(sx, sy), 140)
            rg.setColorAt(0, QColor(*col, 200))
            rg.setColorAt(0.12, QColor(*col, 120))
            rg.setColorAt(1, QColor(*col, 0))
            qp.fillRect(QRectF(0, 0, WIDTH, s.horizon + 40), rg)
        for _ in range(p.clouds):
            cx = self.rng.uniform(-40, WIDTH + 40)
            cy = self.rng.uniform(8, max(20.0, s.horizon - 40))
            w = self.rng.uniform(70, 190)
            for k in range(5):
                qp.setBrush(QColor(*p.cloud, 38 if not p.night else 20))
                qp.drawEllipse(QPointF(cx + (k - 2) * w * 0.18, cy + self.rng.uniform(-5, 5)),
                               w * self.rng.uniform(0.2, 0.35), w * self.rng.uniform(0.07, 0.12))
        if p.night:
            qp.setBrush(QColor(255, 255, 255, 110))
            for _ in range(14):
                qp.drawEllipse(QPointF(self.rng.uniform(0, WIDTH),
                                       self.rng.uniform(0, s.horizon * 0.7)), 0.7, 0.7)

    def skyline(self, qp: QPainter) -> None:
        """Distant towers at the end of the street, in the haze."""
        s, p = self.s, self.p
        base = s.horizon + s.focal * s.cam_h / Z_FAR
        x = self.pt(-self.front - 60, 0, Z_FAR).x()
        x_end = self.pt(self.front + 60, 0, Z_FAR).x()
        while x < x_end:
            w = self.rng.uniform(10, 30)
            h = self.rng.uniform(12, 55) * s.focal / 430
            col = self.shade(self.jitter(p.facades[0], 10), Z_FAR * 1.6)
            qp.setBrush(col)
            qp.drawRect(QRectF(x, base - h, w, h + 2))
            if p.night:
                qp.setBrush(QColor(255, 214, 140, 150))
                for _ in range(int(h // 6)):
                    if self.rng.random() < 0.3:
                        qp.drawRect(QRectF(x + self.rng.uniform(1, w - 3),
                                           base - self.rng.uniform(3, h), 1.5, 1.5))
            x += w + self.rng.uniform(-2, 6)

    def ground(self, qp: QPainter) -> None:
        s, p = self.s, self.p
        r, f = self.road, self.front
        # Everything below the horizon starts as the far footway/plaza colour.
        qp.setBrush(QBrush(self.ground_gradient(p.pavement, p.light * 0.85)))
        qp.drawRect(QRectF(0, s.horizon - 1, WIDTH, HEIGHT))
        # Carriageway.
        qp.setBrush(QBrush(self.ground_gradient(p.asphalt)))
        qp.drawPolygon(self.poly([(-r, 0, Z_NEAR), (r, 0, Z_NEAR), (r, 0, Z_FAR), (-r, 0, Z_FAR)]))
        # Asphalt repairs: slightly darker rectangles within a lane.
        for _ in range(4):
            lane = self.rng.randrange(-s.lanes, s.lanes)
            x0 = lane * LANE_W + self.rng.uniform(0.3, 1.5)
            z0 = self.rng.uniform(15, 90)
            qp.setBrush(self.shade(tuple(int(v * 0.9) for v in p.asphalt), z0))  # type: ignore[arg-type]
            qp.drawPolygon(self.poly([(x0, 0, z0), (x0 + 1.6, 0, z0), (x0 + 1.6, 0, z0 + 3.5),
                                      (x0, 0, z0 + 3.5)]))
        # Footways (raised by the kerb) with tactile strip and joints.
        for side in (-1, 1):
            inner, outer = side * r, side * f
            qp.setBrush(QBrush(self.ground_gradient(p.pavement)))
            qp.drawPolygon(self.poly([(inner, KERB_H, Z_NEAR), (outer, KERB_H, Z_NEAR),
                                      (outer, KERB_H, Z_FAR), (inner, KERB_H, Z_FAR)]))
            # Kerb face and kerb stones.
            qp.setBrush(QBrush(self.ground_gradient((196, 194, 188))))
            qp.drawPolygon(self.poly([(inner, 0, Z_NEAR), (inner, KERB_H, Z_NEAR),
                                      (inner, KERB_H, Z_FAR), (inner, 0, Z_FAR)]))
            stone = inner + side * 0.25
            qp.drawPolygon(self.poly([(inner, KERB_H, Z_NEAR), (stone, KERB_H, Z_NEAR),
                                      (stone, KERB_H, Z_FAR), (inner, KERB_H, Z_FAR)]))
            tx = inner + side * (s.footway * 0.55)
            qp.setBrush(QBrush(self.ground_gradient((206, 170, 60))))
            qp.drawPolygon(self.poly([(tx, KERB_H, Z_NEAR), (tx + side * 0.4, KERB_H, Z_NEAR),
                                      (tx + side * 0.4, KERB_H, Z_FAR), (tx, KERB_H, Z_FAR)]))
            z = 4.0
            while z < 70:
                qp.setPen(QPen(self.shade(tuple(int(v * 0.8) for v in p.pavement), z),  # type: ignore[arg-type]
                               max(0.4, 0.03 * self.scale(z))))
                qp.drawLine(self.pt(inner + side * 0.25, KERB_H, z), self.pt(outer, KERB_H, z))
                z += 1.5
            qp.setPen(Qt.PenStyle.NoPen)
        self.markings(qp)
        if p.night and s.problem:
            # A lamp right by the problem lights it (the lamp itself stands out of frame).
            c = self.pt(self.problem_x(), 0, self.problem_z + 0.5)
            k = self.scale(self.problem_z)
            pool = QRadialGradient(c, 5.0 * k)
            pool.setColorAt(0, QColor(255, 214, 150, 110))
            pool.setColorAt(0.6, QColor(255, 214, 150, 45))
            pool.setColorAt(1, QColor(255, 214, 150, 0))
            qp.setBrush(QBrush(pool))
            qp.drawEllipse(c, 5.0 * k, 5.0 * k * s.cam_h / self.problem_z)

    def markings(self, qp: QPainter) -> None:
        s, p = self.s, self.p
        paint = (236, 236, 228) if not p.night else (150, 150, 150)
        yellow = (226, 190, 60) if not p.night else (140, 120, 50)

        def strip(x0: float, x1: float, z0: float, z1: float, rgb: RGB) -> None:
            qp.setBrush(self.shade(rgb, (z0 + z1) / 2))
            qp.drawPolygon(self.poly([(x0, 0, z0), (x1, 0, z0), (x1, 0, z1), (x0, 0, z1)]))

        r = self.road
        # Edge lines and a double yellow centre line (or the median).
        for side in (-1, 1):
            strip(side * (r - 0.35), side * (r - 0.5), Z_NEAR, Z_FAR, paint)
        if s.median_trees:
            qp.setBrush(QBrush(self.ground_gradient((170, 166, 158))))
            qp.drawPolygon(self.poly([(-0.8, 0.2, Z_NEAR), (0.8, 0.2, Z_NEAR),
                                      (0.8, 0.2, Z_FAR), (-0.8, 0.2, Z_FAR)]))
        else:
            for x in (-0.2, 0.1):
                strip(x, x + 0.12, Z_NEAR, Z_FAR, yellow)
        # Dashed lane lines: 4 m dash, 6 m gap.
        off = 1.0 if s.median_trees else 0.1
        for lane in range(1, s.lanes):
            for side in (-1, 1):
                x = side * (off + lane * LANE_W)
                z = 3.0 + self.rng.uniform(0, 6)
                while z < 200:
                    strip(x - 0.07, x + 0.07, z, z + 4.0, paint)
                    z += 10.0
        if s.crossing_z is not None:
            z0 = s.crossing_z
            x = -r + 0.6
            while x < r - 0.6:
                strip(x, x + 0.45, z0, z0 + 5.0, paint)
                x += 0.9
            strip(-r, r, z0 - 2.5, z0 - 2.2, paint)  # stop line

    # -- buildings ------------------------------------------------------------------------
    def buildings(self, qp: QPainter, side: int) -> None:
        p = self.p
        blocks: list[tuple[float, float, float, RGB, int]] = []
        z = Z_NEAR - self.rng.uniform(0, 6)
        while z < 260:
            length = self.rng.uniform(14, 38)
            if self.rng.random() < 0.12:  # lane or side street
                z += self.rng.uniform(6, 14)
                continue
            height = self.rng.choice([9.0, 12.0, 15.0, 18.0, 24.0, 30.0, 45.0])
            blocks.append((z, z + length, height, self.jitter(self.rng.choice(p.facades)),
                           self.rng.randint(0, 2)))
            z += length + self.rng.uniform(0, 1.5)
        x = side * self.front
        for z0, z1, h, col, style in reversed(blocks):  # far first
            if z1 < Z_NEAR:
                continue
            z0c = max(z0, Z_NEAR)
            # End wall nearest the camera shows above lower neighbours.
            qp.setBrush(self.shade(tuple(int(v * 0.78) for v in col), z0c))  # type: ignore[arg-type]
            qp.drawPolygon(self.poly([(x, 0, z0c), (x + side * 14, 0, z0c),
                                      (x + side * 14, h, z0c), (x, h, z0c)]))
            g = QLinearGradient(self.pt(x, 0, z1), self.pt(x, 0, z0c))
            g.setColorAt(0, self.shade(col, z1))
            g.setColorAt(1, self.shade(col, z0c))
            qp.setBrush(QBrush(g))
            qp.drawPolygon(self.poly([(x, 0, z0c), (x, 0, z1), (x, h, z1), (x, h, z0c)]))
            self.facade_details(qp, x, side, z0c, z1, h, col, style)

    def facade_details(self, qp: QPainter, x: float, side: int, z0: float, z1: float,
                       h: float, col: RGB, style: int) -> None:
        p = self.p
        xi = x - side * 0.02
        # Cornice line.
        qp.setBrush(self.shade(tuple(int(v * 0.7) for v in col), (z0 + z1) / 2))  # type: ignore[arg-type]
        qp.drawPolygon(self.poly([(xi, h - 0.5, z0), (xi, h - 0.5, z1), (xi, h, z1), (xi, h, z0)]))
        # Shopfront band on the ground floor: glass, fascia and awning colour.
        awning = self.rng.choice([(176, 44, 40), (40, 96, 160), (40, 130, 80), (200, 150, 40),
                                  (120, 120, 124)])
        bay = 3.6 if style != 1 else 5.0
        zz = z0 + 0.6
        while zz + bay * 0.8 < z1:
            zm = zz + bay * 0.5
            if self.scale(zm) * bay > 4:
                glass = (255, 220, 150) if p.night else p.glass
                light = 0.9 if p.night else None
                qp.setBrush(self.shade(glass, zm, light))
                qp.drawPolygon(self.poly([(xi, 0.3, zz), (xi, 0.3, zz + bay * 0.8),
                                          (xi, 2.6, zz + bay * 0.8), (xi, 2.6, zz)]))
            zz += bay
        qp.setBrush(self.shade(awning, (z0 + z1) / 2))
        qp.drawPolygon(self.poly([(xi, 2.8, z0), (xi, 2.8, z1), (xi, 3.6, z1), (xi, 3.6, z0)]))
        # Upper floors: window grid, skipped where windows would be specks.
        floor_h = 3.0
        bay = 3.2 if style == 0 else (4.2 if style == 1 else 2.6)
        win_w = bay * (0.55 if style != 2 else 0.75)
        y = 4.4
        while y + 1.6 < h - 0.6:
            zz = z0 + 0.8
            while zz + win_w < z1 - 0.4:
                zm = zz + win_w / 2
                if self.scale(zm) * win_w < 1.6 or zm > 230:
                    break
                lit = p.night or p.lit_windows > 0
                if lit and self.rng.random() < p.lit_windows:
                    c = self.shade(self.rng.choice([(255, 214, 140), (255, 236, 200),
                                                    (220, 230, 255)]), zm * 0.5, 0.95)
                else:
                    c = self.shade(self.jitter(p.glass, 8), zm)
                qp.setBrush(c)
                qp.drawPolygon(self.poly([(xi, y, zz), (xi, y, zz + win_w),
                                          (xi, y + 1.5, zz + win_w), (xi, y + 1.5, zz)]))
                zz += bay
            y += floor_h
        # Air-conditioner units under some windows: a very Chinese street detail.
        for _ in range(int((z1 - z0) // 6)):
            zz = self.rng.uniform(z0 + 1, z1 - 1)
            if zz > 80:
                continue
            yy = 4.4 + floor_h * self.rng.randint(0, max(0, int((h - 6) // floor_h)))
            xo = xi - side * 0.5
            qp.setBrush(self.shade((224, 224, 220), zz))
            qp.drawPolygon(self.poly([(xo, yy - 0.7, zz), (xo, yy - 0.7, zz + 0.8),
                                      (xo, yy - 0.1, zz + 0.8), (xo, yy - 0.1, zz)]))

    # -- street furniture and traffic -------------------------------------------------------
    def plan_objects(self) -> None:
        s = self.s
        # No tree nearer than ~14 m (at the default focal length): its canopy would fill
        # the frame. None just in front of or behind the problem on its side either.
        z_min = 14.0 * s.focal / 430.0
        for side in (-1, 1):
            z = z_min + self.rng.uniform(0, 4)
            while z < 160:
                near_problem = (s.problem and side == s.problem_side
                                and -4 < z - self.problem_z < 9)
                if not near_problem:
                    self.add(z, partial(self.tree, x=side * self.tree_x, z=z))
                z += self.rng.uniform(8.0, 11.0)
            z = 9.0 + self.rng.uniform(0, 8)
            while z < 200:
                self.add(z + 0.1, partial(self.lamp, side=side, z=z))
                z += 30.0
        if s.median_trees:
            z = z_min
            while z < 150:
                self.add(z, partial(self.tree, x=0.0, z=z, small=True))
                z += 12.0
        # Traffic: cars keep right (China drives on the right), some come towards us.
        for _ in range(s.cars):
            lane = self.rng.randrange(s.lanes)
            towards = self.rng.random() < 0.5
            xo = (1.0 if s.median_trees else 0.1) + LANE_W * (lane + 0.5)
            x = -xo if towards else xo
            z = self.rng.uniform(18, 110)
            if s.problem == "broken_manhole" and abs(x - self.problem_x()) < 2.5 and z < 40:
                z += 30
            col = self.rng.choice([(230, 230, 232), (30, 30, 34), (150, 152, 158), (170, 30, 34),
                                   (40, 70, 130), (210, 210, 200), (96, 100, 104)])
            self.add(z, partial(self.car, x=x, z=z, rgb=col, towards=towards))
        if s.problem:
            self.plan_problem()

    def tree(self, qp: QPainter, x: float, z: float, small: bool = False) -> None:
        p = self.p
        k = self.scale(z)
        trunk_h = 2.6 if not small else 1.6
        base = self.pt(x, KERB_H, z)
        top = self.pt(x, trunk_h + 1.0, z)
        qp.setPen(QPen(self.shade((86, 66, 50), z), max(1.0, 0.28 * k)))
        qp.drawLine(base, top)
        qp.setPen(Qt.PenStyle.NoPen)
        # Tree pit.
        qp.setBrush(self.shade((70, 60, 50), z))
        g = KERB_H + 0.01
        qp.drawPolygon(self.poly([(x - 0.6, g, z - 0.6), (x + 0.6, g, z - 0.6),
                                  (x + 0.6, g, z + 0.6), (x - 0.6, g, z + 0.6)]))
        rad = (2.4 if not small else 1.5) * self.rng.uniform(0.85, 1.15)
        centre = self.pt(x, trunk_h + rad * 0.9, z)
        for i in range(7):
            col = self.rng.choice(p.foliage)
            shade = 0.8 + 0.06 * i
            qp.setBrush(self.shade(tuple(min(255, int(v * shade)) for v in col), z))  # type: ignore[arg-type]
            dx = self.rng.uniform(-0.6, 0.6) * rad * k
            dy = self.rng.uniform(-0.5, 0.4) * rad * k - i * 0.04 * rad * k
            qp.drawEllipse(QPointF(centre.x() + dx, centre.y() + dy),
                           rad * k * self.rng.uniform(0.55, 0.8),
                           rad * k * self.rng.uniform(0.45, 0.7))

    def lamp(self, qp: QPainter, side: int, z: float) -> None:
        p = self.p
        x = side * (self.road + 0.5)
        k = self.scale(z)
        pole = self.shade((70, 76, 84), z)
        qp.setPen(QPen(pole, max(1.0, 0.16 * k)))
        qp.drawLine(self.pt(x, KERB_H, z), self.pt(x, 8.5, z))
        arm_end = self.pt(x - side * 2.0, 8.9, z)
        qp.drawLine(self.pt(x, 8.3, z), arm_end)
        qp.setPen(Qt.PenStyle.NoPen)
        qp.setBrush(pole)
        qp.drawEllipse(arm_end, 0.45 * k, 0.14 * k)
        if p.night or p.lit_windows > 0:
            glow = QRadialGradient(arm_end + QPointF(0, 0.2 * k), 2.6 * k)
            glow.setColorAt(0, QColor(255, 226, 170, 230 if p.night else 150))
            glow.setColorAt(0.2, QColor(255, 200, 120, 90 if p.night else 50))
            glow.setColorAt(1, QColor(255, 200, 120, 0))
            qp.setBrush(QBrush(glow))
            qp.drawEllipse(arm_end, 2.6 * k, 2.6 * k)
            if p.night:  # pool of light on the road
                pool_c = self.pt(x - side * 2.0, 0, z)
                pool = QRadialGradient(pool_c, 4.0 * k)
                pool.setColorAt(0, QColor(255, 210, 140, 45))
                pool.setColorAt(1, QColor(255, 210, 140, 0))
                qp.setBrush(QBrush(pool))
                qp.drawEllipse(pool_c, 4.0 * k, 4.0 * k * self.s.cam_h / z)

    def box(self, qp: QPainter, x0: float, x1: float, y0: float, y1: float, z0: float, z1: float,
            rgb: RGB) -> None:
        """An axis-aligned box; draws the faces the camera can see (far faces first)."""
        s = self.s
        zc = (z0 + z1) / 2
        side = (0.78, x1) if s.cam_x > x1 else ((0.78, x0) if s.cam_x < x0 else None)
        if side:
            qp.setBrush(self.shade(tuple(int(v * side[0]) for v in rgb), zc))  # type: ignore[arg-type]
            xs = side[1]
            qp.drawPolygon(self.poly([(xs, y0, z0), (xs, y0, z1), (xs, y1, z1), (xs, y1, z0)]))
        if s.cam_h > y1:
            qp.setBrush(self.shade(tuple(min(255, int(v * 1.08)) for v in rgb), zc))  # type: ignore[arg-type]
            qp.drawPolygon(self.poly([(x0, y1, z0), (x1, y1, z0), (x1, y1, z1), (x0, y1, z1)]))
        qp.setBrush(self.shade(rgb, z0))
        qp.drawPolygon(self.poly([(x0, y0, z0), (x1, y0, z0), (x1, y1, z0), (x0, y1, z0)]))

    def car(self, qp: QPainter, x: float, z: float, rgb: RGB, towards: bool, y: float = 0.0,
            tilt: float = 0.0) -> None:
        p = self.p
        w, length = 1.8, 4.5
        x0, x1 = x - w / 2, x + w / 2
        k = self.scale(z)
        # Shadow.
        qp.setBrush(QColor(0, 0, 0, 70))
        g = y + 0.01
        qp.drawPolygon(self.poly([(x0 - 0.1, g, z - 0.1), (x1 + 0.1, g, z - 0.1),
                                  (x1 + 0.1, g, z + length), (x0 - 0.1, g, z + length)]))
        # Wheels on the near face.
        qp.setBrush(self.shade((20, 20, 22), z))
        for wx in (x0 + 0.15, x1 - 0.55):
            qp.drawRect(QRectF(self.pt(wx, y + 0.55, z), self.pt(wx + 0.4, y + tilt, z)))
        self.box(qp, x0, x1, y + 0.3 + tilt, y + 0.95 + tilt, z, z + length, rgb)
        glass = (60, 74, 90) if not p.night else (24, 28, 36)
        self.box(qp, x0 + 0.12, x1 - 0.12, y + 0.95 + tilt, y + 1.45 + tilt, z + 1.0, z + 3.4, rgb)
        qp.setBrush(self.shade(glass, z + 1.0))
        lo, hi, zw = y + 1.0 + tilt, y + 1.4 + tilt, z + 1.0
        qp.drawPolygon(self.poly([(x0 + 0.22, lo, zw), (x1 - 0.22, lo, zw),
                                  (x1 - 0.3, hi, zw), (x0 + 0.3, hi, zw)]))
        # Lights: white heads towards us, red tails going away; bright at night.
        lamp = (255, 250, 230) if towards else (210, 30, 30)
        for lx in (x0 + 0.12, x1 - 0.42):
            c = self.pt(lx + 0.15, y + 0.75 + tilt, z)
            qp.setBrush(QColor(*lamp) if p.night else self.shade(lamp, z))
            qp.drawEllipse(c, 0.16 * k, 0.08 * k)
            if p.night:
                glow = QRadialGradient(c, 0.8 * k)
                glow.setColorAt(0, QColor(*lamp, 150))
                glow.setColorAt(1, QColor(*lamp, 0))
                qp.setBrush(QBrush(glow))
                qp.drawEllipse(c, 0.8 * k, 0.4 * k)

    # -- problems -------------------------------------------------------------------------
    def problem_x(self) -> float:
        """Lateral position of the problem (kerb-side lane for manholes)."""
        s = self.s
        if s.problem == "broken_manhole":
            return s.problem_side * (self.road - LANE_W * 0.45)
        if s.problem == "fallen_branch":
            return s.problem_side * self.tree_x
        if s.problem == "graffiti":
            return s.problem_side * self.front
        return s.problem_side * (self.road + 0.9)

    def plan_problem(self) -> None:
        s = self.s
        z = self.problem_z
        draw = {
            "overflowing_bin": self.overflowing_bin,
            "piled_garbage": self.piled_garbage,
            "broken_manhole": self.broken_manhole,
            "illegal_parking": self.illegal_parking,
            "graffiti": self.graffiti,
            "fallen_branch": self.fallen_branch,
        }[s.problem or ""]
        # Graffiti sits on the facade: draw it right after the buildings.
        self.add(1e6 if s.problem == "graffiti" else z - 0.5, partial(draw, z=z))
        if s.problem == "fallen_branch":  # the tree it broke from, drawn behind the branch
            self.add(z + 0.01, partial(self.tree, x=s.problem_side * self.tree_x, z=z))

    def bag(self, qp: QPainter, x: float, y: float, z: float, size: float, rgb: RGB) -> None:
        """A tied rubbish bag: a squat lump with a sheen and a small knot."""
        k = self.scale(z)
        c = self.pt(x, y + size * 0.35, z)
        qp.setBrush(self.shade(rgb, z))
        qp.drawEllipse(c, size * 0.6 * k, size * 0.36 * k)
        qp.drawEllipse(c + QPointF(0, -size * 0.2 * k), size * 0.36 * k, size * 0.3 * k)
        qp.setBrush(self.shade(tuple(min(255, v + 50) for v in rgb), z, alpha=150))  # type: ignore[arg-type]
        qp.drawEllipse(c + QPointF(-size * 0.2 * k, -size * 0.22 * k), size * 0.12 * k,
                       size * 0.06 * k)
        qp.setBrush(self.shade(rgb, z))
        qp.drawEllipse(self.pt(x, y + size * 0.85, z), size * 0.07 * k, size * 0.1 * k)

    def overflowing_bin(self, qp: QPainter, z: float) -> None:
        side = self.s.problem_side
        x = side * (self.road + 0.9)
        bins = [((46, 120, 70), x - side * 0.05, z + 1.0), ((70, 74, 80), x, z)]
        for rgb, bx, bz in bins:
            self.box(qp, bx - 0.33, bx + 0.33, KERB_H, KERB_H + 1.05, bz, bz + 0.7, rgb)
        # The front (grey, residual-waste) bin overflows: lid propped up, bags over and around.
        lid_pts = [(x - 0.36, KERB_H + 1.05, z + 0.05), (x + 0.36, KERB_H + 1.05, z + 0.05),
                   (x + 0.36, KERB_H + 1.55, z + 0.45), (x - 0.36, KERB_H + 1.55, z + 0.45)]
        qp.setBrush(self.shade((56, 60, 66), z))
        qp.drawPolygon(self.poly(lid_pts))
        colours = [(30, 30, 32), (30, 30, 32), (60, 60, 64), (200, 200, 196), (40, 80, 150)]
        for i in range(5):
            self.bag(qp, x + self.rng.uniform(-0.3, 0.3), KERB_H + 0.95 + (i % 3) * 0.14,
                     z + 0.25 - i * 0.04, self.rng.uniform(0.45, 0.6), self.rng.choice(colours))
        for _ in range(7):
            bx = x + side * self.rng.uniform(-0.4, 1.2) + self.rng.uniform(-0.5, 0.5)
            bz = z + self.rng.uniform(-1.0, 0.4)
            self.bag(qp, bx, KERB_H, bz, self.rng.uniform(0.35, 0.6), self.rng.choice(colours))
        self.litter(qp, x, z, 2.2)

    def litter(self, qp: QPainter, x: float, z: float, spread: float) -> None:
        for _ in range(12):
            lx = x + self.rng.uniform(-spread, spread)
            lz = z + self.rng.uniform(-spread, spread)
            y = KERB_H if abs(lx) > self.road else 0.0
            qp.setBrush(self.shade(self.rng.choice([(220, 220, 214), (170, 80, 70), (120, 140, 160),
                                                    (190, 170, 130)]), lz))
            y += 0.01
            qp.drawPolygon(self.poly([(lx, y, lz), (lx + self.rng.uniform(0.1, 0.25), y, lz),
                                      (lx + 0.15, y, lz + self.rng.uniform(0.1, 0.3))]))

    def piled_garbage(self, qp: QPainter, z: float) -> None:
        side = self.s.problem_side
        x = side * (self.front - 0.8)
        # A discarded mattress against the wall, cardboard boxes and a heap of bags in front.
        qp.setBrush(self.shade((214, 206, 188), z))
        xb, xt = x + side * 0.7, x + side * 0.75
        qp.drawPolygon(self.poly([(xb, KERB_H, z + 0.2), (xb, KERB_H, z + 2.1),
                                  (xt, KERB_H + 1.9, z + 2.1), (xt, KERB_H + 1.9, z + 0.2)]))
        for i in range(5):
            bz = z + 2.6 - i * 0.65 + self.rng.uniform(-0.15, 0.15)
            bx = x + side * self.rng.uniform(0, 0.4)
            h = self.rng.uniform(0.35, 0.7)
            self.box(qp, bx - 0.35, bx + 0.35, KERB_H, KERB_H + h, bz, bz + 0.6,
                     self.jitter((176, 136, 88), 14))
        colours = [(26, 26, 28), (26, 26, 28), (48, 48, 52), (200, 200, 196), (60, 100, 64)]
        bags = [(x - side * self.rng.uniform(0.0, 1.9), z + self.rng.uniform(-1.4, 2.4))
                for _ in range(22)]
        for bx, bz in sorted(bags, key=lambda b: -b[1]):  # far bags first
            self.bag(qp, bx, KERB_H + self.rng.uniform(0, 0.25), bz, self.rng.uniform(0.45, 0.75),
                     self.rng.choice(colours))
        self.litter(qp, x - side * 1.2, z, 2.5)

    def broken_manhole(self, qp: QPainter, z: float) -> None:
        x = self.problem_x()
        rad = 0.35

        def ring(r: float, y: float = 0.0) -> QPolygonF:
            return QPolygonF([self.pt(x + r * math.cos(a), y, z + r * math.sin(a))
                              for a in (i * math.pi / 18 for i in range(36))])

        qp.setBrush(self.shade((110, 110, 112), z))  # concrete collar, patched and cracked
        qp.drawPolygon(ring(rad + 0.22))
        qp.setBrush(QColor(8, 8, 10))  # the open shaft
        qp.drawPolygon(ring(rad))
        # The cover: broken in two, one half sunk into the shaft, the other shoved aside.
        iron = (58, 58, 60)
        half = [(x + rad * math.cos(a), 0.0, z + rad * math.sin(a))
                for a in (math.pi * (0.55 + i / 20) for i in range(21))]
        half.append((x + 0.05, 0.0, z - 0.1))
        qp.setBrush(self.shade(iron, z))
        qp.drawPolygon(self.poly([(hx + 0.75, 0.02, hz - 0.3) for hx, _hy, hz in half]))
        sunk = [(x + rad * math.cos(a) * 0.9, -0.12, z + rad * math.sin(a) * 0.9)
                for a in (math.pi * (1.6 + i / 24) for i in range(13))]
        qp.setBrush(self.shade((44, 44, 46), z))
        qp.drawPolygon(self.poly(sunk))
        qp.setPen(QPen(self.shade((36, 36, 38), z), 0.8))
        for _ in range(6):  # cracks in the asphalt
            a = self.rng.uniform(0, 2 * math.pi)
            pts = [self.pt(x + (rad + 0.2) * math.cos(a), 0, z + (rad + 0.2) * math.sin(a))]
            rr = rad + 0.2
            for _ in range(2):
                rr += self.rng.uniform(0.1, 0.25)
                a += self.rng.uniform(-0.35, 0.35)
                pts.append(self.pt(x + rr * math.cos(a), 0, z + rr * math.sin(a)))
            qp.drawPolyline(QPolygonF(pts))
        qp.setPen(Qt.PenStyle.NoPen)
        # Loose chunks of the cover and the collar on the road.
        for _ in range(6):
            cx, cz = x + self.rng.uniform(-1.0, 1.2), z + self.rng.uniform(-0.8, 0.8)
            k = self.scale(cz)
            qp.setBrush(self.shade(self.rng.choice([iron, (120, 118, 114)]), cz))
            qp.drawEllipse(self.pt(cx, 0.03, cz), 0.1 * k, 0.05 * k)

    def illegal_parking(self, qp: QPainter, z: float) -> None:
        side = self.s.problem_side
        # Parked across the kerb with two wheels up, blocking the footway and tactile strip.
        x = side * (self.road + 1.1)
        col = self.rng.choice([(230, 230, 232), (170, 30, 34), (30, 30, 34), (40, 70, 130)])
        self.car(qp, x, z, col, towards=side < 0, y=KERB_H * 0.5, tilt=0.0)
        # A second one further along, fully on the footway.
        self.car(qp, side * (self.road + 2.2), z + 6.5, self.jitter((150, 152, 158), 20),
                 towards=side < 0, y=KERB_H)

    def graffiti(self, qp: QPainter, z: float) -> None:
        side = self.s.problem_side
        x = side * self.front - side * 0.03
        colours = [(220, 40, 60), (30, 30, 30), (40, 120, 220), (250, 200, 40), (60, 180, 90)]
        for j in range(3):
            z0 = z + j * 3.2
            col = colours[(j + self.s.seed) % len(colours)]
            outline = colours[(j + 1 + self.s.seed) % len(colours)]
            # A tag: a looping bezier stroke over the shutter of a closed shop.
            qp.setBrush(self.shade((150, 150, 152), z0 + 1.3))
            qp.drawPolygon(self.poly([(x, 0.3, z0), (x, 0.3, z0 + 2.8), (x, 2.5, z0 + 2.8),
                                      (x, 2.5, z0)]))
            path = QPainterPath(self.pt(x, self.rng.uniform(0.8, 1.6), z0 + 0.2))
            zz = z0 + 0.2
            for _ in range(5):
                c1 = self.pt(x, self.rng.uniform(0.5, 2.3), zz + self.rng.uniform(0.1, 0.4))
                c2 = self.pt(x, self.rng.uniform(0.5, 2.3), zz + self.rng.uniform(0.2, 0.6))
                zz += self.rng.uniform(0.35, 0.55)
                path.cubicTo(c1, c2, self.pt(x, self.rng.uniform(0.7, 2.0), zz))
            k = self.scale(z0 + 1.4)
            qp.setBrush(Qt.BrushStyle.NoBrush)
            qp.setPen(QPen(self.shade(outline, z0), 0.22 * k, Qt.PenStyle.SolidLine,
                           Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
            qp.drawPath(path)
            qp.setPen(QPen(self.shade(col, z0, self.p.light * 1.2), 0.13 * k,
                           Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                           Qt.PenJoinStyle.RoundJoin))
            qp.drawPath(path)
            # Drips.
            qp.setPen(QPen(self.shade(col, z0), 0.03 * k))
            for _ in range(4):
                dz = z0 + self.rng.uniform(0.3, 2.5)
                dy = self.rng.uniform(0.6, 1.4)
                qp.drawLine(self.pt(x, dy, dz), self.pt(x, dy - self.rng.uniform(0.2, 0.5), dz))
            qp.setPen(Qt.PenStyle.NoPen)

    def fallen_branch(self, qp: QPainter, z: float) -> None:
        side = self.s.problem_side
        x0 = side * self.tree_x
        bark = (92, 70, 52)
        # Main limb from the tree pit out into the kerb-side lane, with side branches.
        pts = [(x0, KERB_H + 0.25, z), (x0 - side * 1.6, 0.25, z + 0.8),
               (x0 - side * 3.4, 0.2, z + 1.3), (x0 - side * 5.0, 0.15, z + 2.4)]
        for (ax, ay, az), (bx, by, bz) in itertools.pairwise(pts):
            qp.setPen(QPen(self.shade(bark, az), 0.22 * self.scale(az), Qt.PenStyle.SolidLine,
                           Qt.PenCapStyle.RoundCap))
            qp.drawLine(self.pt(ax, ay, az), self.pt(bx, by, bz))
        qp.setPen(Qt.PenStyle.NoPen)
        for i in range(1, len(pts)):
            px, py, pz = pts[i]
            for _ in range(2):
                ex = px + self.rng.uniform(-1.2, 1.2)
                ez = pz + self.rng.uniform(-1.5, 1.5)
                qp.setPen(QPen(self.shade(bark, ez), 0.08 * self.scale(ez)))
                qp.drawLine(self.pt(px, py, pz), self.pt(ex, 0.5, ez))
                qp.setPen(Qt.PenStyle.NoPen)
                for _ in range(5):
                    lx, lz = ex + self.rng.uniform(-0.7, 0.7), ez + self.rng.uniform(-0.7, 0.7)
                    k = self.scale(lz)
                    qp.setBrush(self.shade(self.rng.choice(self.p.foliage), lz))
                    qp.drawEllipse(self.pt(lx, self.rng.uniform(0.2, 0.8), lz),
                                   self.rng.uniform(0.3, 0.6) * k, self.rng.uniform(0.2, 0.4) * k)
        # Snapped stub and bare wood on the tree.
        qp.setBrush(self.shade((214, 190, 150), z))
        qp.drawEllipse(self.pt(x0, 2.4, z), 0.18 * self.scale(z), 0.12 * self.scale(z))
        for _ in range(20):
            lx = x0 - side * self.rng.uniform(-0.5, 5.0)
            lz = z + self.rng.uniform(-2.0, 4.0)
            qp.setBrush(self.shade(self.rng.choice(self.p.foliage), lz))
            k = self.scale(lz)
            qp.drawEllipse(self.pt(lx, 0.02, lz), 0.12 * k, 0.05 * k)

    # -- lens and sensor --------------------------------------------------------------------
    def camera_look(self, qp: QPainter) -> None:
        """Vignette and a slight cast: what a cheap street camera adds."""
        g = QRadialGradient(QPointF(WIDTH / 2, HEIGHT / 2), WIDTH * 0.62)
        g.setColorAt(0.55, QColor(0, 0, 0, 0))
        g.setColorAt(1.0, QColor(0, 0, 0, 120 if self.p.night else 80))
        qp.fillRect(QRectF(0, 0, WIDTH, HEIGHT), g)
        qp.fillRect(QRectF(0, 0, WIDTH, HEIGHT),
                    QColor(40, 90, 60, 18) if self.p.night else QColor(90, 110, 130, 10))


def render(scene: Scene) -> QImage:
    """The snapshot of one scene."""
    return StreetRenderer(scene).render()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="output folder")
    args = ap.parse_args(argv)
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    args.out.mkdir(parents=True, exist_ok=True)
    too_big = []
    for scene in SCENES:
        path = args.out / f"{scene.name}.jpg"
        if not render(scene).save(str(path), "JPG", QUALITY):
            raise SystemExit(f"could not write {path}")
        size = path.stat().st_size
        print(f"{path.name}: {size / 1024:.1f} KB  {scene.palette:9s} {scene.problem or '-'}")  # noqa: T201
        if size >= MAX_BYTES:
            too_big.append(path.name)
    if too_big:
        print(f"over {MAX_BYTES} bytes: {', '.join(too_big)}", file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
