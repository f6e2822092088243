"""Administrative hierarchy: district → street (街道/镇) → community (社区/村) → unit grid.

Geometries are shapely objects in CGCS2000 geographic coordinates (EPSG:4490, lon/lat),
the coordinate system the standards prescribe for exchange; display projections are the
business of ``app.gis``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from shapely.geometry.base import BaseGeometry

from app.domain.errors import DomainError
from app.domain.ids import (
    GridId,
    validate_community_code,
    validate_district_code,
    validate_street_code,
)


@dataclass(frozen=True, slots=True)
class District:
    code: str
    name: str
    area_km2: float
    geometry: BaseGeometry | None = None

    def __post_init__(self) -> None:
        validate_district_code(self.code)


@dataclass(frozen=True, slots=True)
class Street:
    """A street (街道) or town (镇/地区) with its 9-digit NBS code."""

    code: str
    name: str
    area_km2: float
    geometry: BaseGeometry | None = None
    kind: str = "街道"

    def __post_init__(self) -> None:
        validate_street_code(self.code)

    @property
    def district_code(self) -> str:
        return self.code[:6]


@dataclass(frozen=True, slots=True)
class Community:
    """A community (社区居委会) or village (村委会) with its 12-digit NBS code."""

    code: str
    name: str
    geometry: BaseGeometry | None = None
    households: int = 0
    residents: int = 0

    def __post_init__(self) -> None:
        validate_community_code(self.code)

    @property
    def street_code(self) -> str:
        return self.code[:9]


REGION_CLASSES = ("一类区域", "二类区域")


@dataclass(frozen=True, slots=True)
class UnitGrid:
    """A unit grid (单元网格): the smallest area of responsibility.

    A grid lies in exactly one community; its id carries the hierarchy, so the id and the
    community code must agree.
    """

    grid_id: GridId
    community_code: str
    name: str = ""
    area_m2: float = 0.0
    geometry: BaseGeometry | None = None
    region_class: str = "一类区域"
    households: int = 0
    residents: int = 0
    initial_date: date | None = None
    note: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        validate_community_code(self.community_code)
        if self.grid_id.community_code != self.community_code:
            raise DomainError(
                f"Unit grid {self.grid_id} does not belong to community {self.community_code}: "
                "a grid id starts with the 12-digit code of its community"
            )
        if self.region_class not in REGION_CLASSES:
            raise DomainError(
                f"Region class “{self.region_class}” of grid {self.grid_id} is unknown: "
                f"use one of {', '.join(REGION_CLASSES)}"
            )

    @property
    def street_code(self) -> str:
        return self.grid_id.street_code


def number_grids(community_code: str, centroids: list[tuple[float, float]],
                 row_height: float) -> list[GridId]:
    """Number grids inside one community west→east, north→south (DB11 rule).

    ``centroids`` are (x, y) in a projected metric CRS (y grows northwards). Grids whose
    centroids fall in the same band of ``row_height`` metres form a row; rows are taken
    from north to south and each row from west to east.

    Returns the grid ids in the order of ``centroids``.
    """
    if len(centroids) > 999:
        raise DomainError(
            f"Community {community_code} has {len(centroids)} grids; the 3-digit sequence "
            "allows at most 999"
        )
    if not centroids:
        return []
    top = max(y for _, y in centroids)
    order = sorted(
        range(len(centroids)),
        key=lambda i: (int((top - centroids[i][1]) // row_height), centroids[i][0]),
    )
    ids: list[GridId | None] = [None] * len(centroids)
    for seq, i in enumerate(order, start=1):
        ids[i] = GridId.compose(community_code, seq)
    return [g for g in ids if g is not None]
