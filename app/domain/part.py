"""City parts (管理部件) with the mandatory attributes of GB/T 47678.5-2026 表2."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.domain.errors import DomainError
from app.domain.ids import GridId, PartId


class PartStatus(StrEnum):
    """管理部件状态 (GLBJZT)."""

    INTACT = "完好"
    DAMAGED = "破损"
    LOST = "丢失"
    DISCARDED = "废弃"
    REMOVED = "移除"


PART_STATUS_CODES: dict[PartStatus, int] = {s: i for i, s in enumerate(PartStatus)}


class DataSource(StrEnum):
    """数据来源 (SJLY)."""

    SURVEYED = "实测"
    TOPO_MAP = "地形图"
    BASE_GEODATA = "基础地理数据"
    OTHER = "其他"


@dataclass(frozen=True, slots=True)
class CityPart:
    """A managed city part. Location is (lon, lat) in CGCS2000 (EPSG:4490).

    Field names follow the standard; the abbreviation of each is in the comment.
    """

    part_id: PartId  # GLBJBSM
    name: str  # GLBJMC
    dept_code: str  # ZGBMDM 主管部门代码
    dept_name: str  # ZGBMMC 主管部门名称
    grid_id: GridId  # SZDYWGBSM
    status: PartStatus  # GLBJZT
    initial_date: date  # CSRQ
    lon: float
    lat: float
    owner_code: str | None = None  # QSDWDM
    owner_name: str | None = None  # QSDWMC
    maintainer_code: str | None = None  # YHDWDM
    maintainer_name: str | None = None  # YHDWMC
    change_date: date | None = None  # BGRQ
    data_source: DataSource | None = None  # SJLY
    note: str = ""  # BZ

    def __post_init__(self) -> None:
        if not self.name or len(self.name) > 30:
            raise DomainError(
                f"Part {self.part_id}: the name (GLBJMC) is mandatory and at most 30 characters"
            )
        if not self.dept_code or not self.dept_name:
            raise DomainError(
                f"Part {self.part_id}: the competent department (ZGBMDM/ZGBMMC) is mandatory"
            )
        if self.change_date is not None and self.change_date < self.initial_date:
            raise DomainError(
                f"Part {self.part_id}: change date {self.change_date} is before the initial "
                f"date {self.initial_date}"
            )
        if self.part_id.district_code != self.grid_id.district_code:
            raise DomainError(
                f"Part {self.part_id} belongs to district {self.part_id.district_code} but its "
                f"grid {self.grid_id} is in district {self.grid_id.district_code}"
            )

    @property
    def type_code(self) -> str:
        return self.part_id.type_code

    @property
    def major_code(self) -> str:
        return self.part_id.major_code
