"""Camera view geometry, photo sniffing and the duplicate-rule table (pure domain)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.domain.attachment import Photo, sniff_image
from app.domain.camera import Camera, view_sectors
from app.domain.duplicates import load_duplicate_rules, read_duplicate_rules
from app.domain.errors import DomainError


def cam(heading: float, fov: float = 60.0, reach: float = 100.0) -> Camera:
    return Camera("11010801050000001", 116.3, 39.98, 1000.0, 2000.0, heading, fov, reach)


@pytest.mark.parametrize(("heading", "dx", "dy"), [(0, 0, 50), (90, 50, 0), (180, 0, -50),
                                                   (270, -50, 0), (350, -5, 50)])
def test_camera_sees_ahead_not_behind(heading: float, dx: float, dy: float) -> None:
    c = cam(heading)
    assert c.sees(1000 + dx, 2000 + dy)
    assert not c.sees(1000 - dx, 2000 - dy)  # behind
    assert not c.sees(1000 + 3 * dx, 2000 + 3 * dy)  # beyond the range
    assert c.view_polygon().contains(__import__("shapely").Point(1000 + dx, 2000 + dy))


def test_sector_edges_and_area() -> None:
    c = cam(90, fov=60)
    assert c.sees(1000 + 50 * math.cos(math.radians(29)), 2000 + 50 * math.sin(math.radians(29)))
    assert not c.sees(1000 + 50 * math.cos(math.radians(31)),
                      2000 + 50 * math.sin(math.radians(31)))
    polys = view_sectors(np.array([0.0, 10.0]), np.array([0.0, 0.0]), np.array([0.0, 45.0]),
                         np.array([60.0, 90.0]), np.array([100.0, 50.0]))
    exact = [60 / 360 * math.pi * 100**2, 90 / 360 * math.pi * 50**2]
    for p, a in zip(polys, exact, strict=True):
        assert p.is_valid and abs(p.area - a) / a < 0.01
    with pytest.raises(DomainError, match="field of view"):
        cam(0, fov=0)


def test_photos_are_recognised_by_content_not_name() -> None:
    assert sniff_image(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff_image(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff_image(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    with pytest.raises(DomainError, match="not an image"):
        Photo.from_bytes("photo.jpg", b"%PDF-1.7")
    with pytest.raises(DomainError, match="empty"):
        Photo.from_bytes("photo.jpg", b"")


def test_duplicate_rules_most_specific_row_wins() -> None:
    rules = load_duplicate_rules()
    assert rules.rule_for("06010").window_hours == 12  # its own row
    assert rules.rule_for("01001").radius_m == 15  # major class 01
    assert rules.rule_for("08001").radius_m == 50  # default
    with pytest.raises(DomainError, match="default row"):
        read_duplicate_rules([{"type_code": "06010", "radius_m": "5", "window_hours": "1"}])
    with pytest.raises(DomainError, match="line 2"):
        read_duplicate_rules([{"type_code": "*", "radius_m": "x", "window_hours": "1"}])


def test_partial_index_predicate_lists_exactly_the_overdue_states() -> None:
    import re

    from app.store.orm import OPEN_DEADLINE_WHERE
    from app.store.repositories import _OVERDUE_STATES

    assert set(re.findall(r"'(\w+)'", OPEN_DEADLINE_WHERE)) == set(_OVERDUE_STATES)
