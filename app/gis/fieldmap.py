"""Field names of imported and exported layers: canonical keys, standard names, guessing.

Every layer has a list of *canonical keys* (``CANONICAL``): the names CityGrid uses for a
field whatever a file calls it. ``guess_mapping`` recognises, case-insensitively and
ignoring spaces, ``_`` and ``-``:

* the standard field names and abbreviations of GB/T 47678.5-2026 表2 for parts
  (GLBJBSM 管理部件标识码, GLBJMC, ZGBMDM, ZGBMMC, QSDWDM, QSDWMC, YHDWDM, YHDWMC,
  SZDYWGBSM, GLBJZT, CSRQ, BGRQ, SJLY, BZ, SZJDDM, SZJDMC, SZSQDM, SZSQMC);
* the legacy CJ/T 214 names (ObjID, ObjName, DeptCode1/2/3, DeptName1/2/3, BGID, ObjState,
  ORDate, CHDate, DataSource, Note);
* Chinese field names and plain English names (``part_id``, ``grid_id``, ``code``, …).

The other layers have no field table in the standard; their export names follow its
convention (initials of the Chinese name in pinyin: 街道代码 → JDDM, 单元网格标识码 →
DYWGBSM, 户数 → HS, 人口 → RK) and fit the 10-character limit of a Shapefile DBF.

A mapping file overrides the guess: JSON ``{"source column": "canonical key"}`` or a
two-column CSV ``source,key`` (a header line ``source,key`` is optional). A key of ``""``
or ``null`` means "ignore this column".
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from app.domain.errors import DomainError

LAYERS = ("streets", "communities", "grids", "parts", "cases")

# Geometry each layer takes (checked by the importer): polygons or points.
GEOMETRY: dict[str, str] = {"streets": "polygon", "communities": "polygon",
                            "grids": "polygon", "parts": "point", "cases": "point"}

CANONICAL: dict[str, list[str]] = {
    "streets": ["code", "name", "kind", "area_km2"],
    "communities": ["code", "name", "street_code", "households", "residents"],
    "grids": ["grid_id", "community_code", "street_code", "name", "area_m2", "region_class",
              "households", "residents", "initial_date", "note"],
    "parts": ["part_id", "type_code", "name", "dept_code", "dept_name", "owner_code",
              "owner_name", "maintainer_code", "maintainer_name", "grid_id", "status",
              "initial_date", "change_date", "data_source", "note", "street_code",
              "street_name", "community_code", "community_name"],
    "cases": ["number", "kind", "type_code", "grid_id", "source", "reported_at",
              "description", "state", "urgency", "level", "address", "part_id", "dept_code",
              "deadline", "closed_at", "external_id"],
}

# Keys without which a layer cannot be imported (the rest is derived or defaulted).
REQUIRED: dict[str, tuple[str, ...]] = {
    "streets": ("code", "name"),
    "communities": ("code", "name"),
    "grids": ("grid_id",),
    "parts": ("part_id",),
    "cases": ("number", "type_code", "reported_at"),
}

EXPORT_NAMES: dict[str, dict[str, str]] = {
    "streets": {"code": "JDDM", "name": "JDMC", "kind": "JDLX", "area_km2": "MJ_KM2"},
    "communities": {"code": "SQDM", "name": "SQMC", "street_code": "SZJDDM",
                    "households": "HS", "residents": "RK"},
    "grids": {"grid_id": "DYWGBSM", "community_code": "SZSQDM", "street_code": "SZJDDM",
              "name": "DYWGMC", "area_m2": "MJ_M2", "region_class": "QYLB", "households": "HS",
              "residents": "RK", "initial_date": "CSRQ", "note": "BZ"},
    # GB/T 47678.5-2026 表2, in the table's order; type_code is not in 表2 (it is digits
    # 7–11 of GLBJBSM) and is written as BJLXDM (部件类型代码) for convenience.
    "parts": {"part_id": "GLBJBSM", "name": "GLBJMC", "dept_code": "ZGBMDM",
              "dept_name": "ZGBMMC", "owner_code": "QSDWDM", "owner_name": "QSDWMC",
              "maintainer_code": "YHDWDM", "maintainer_name": "YHDWMC",
              "grid_id": "SZDYWGBSM", "status": "GLBJZT", "initial_date": "CSRQ",
              "change_date": "BGRQ", "data_source": "SJLY", "note": "BZ",
              "street_code": "SZJDDM", "street_name": "SZJDMC", "community_code": "SZSQDM",
              "community_name": "SZSQMC", "type_code": "BJLXDM"},
    "cases": {"number": "AJBH", "kind": "AJLB", "type_code": "LXDM", "grid_id": "SZDYWGBSM",
              "source": "AJLY", "reported_at": "SBSJ", "description": "WTMS", "state": "AJZT",
              "urgency": "JJCD", "level": "CZCJ", "address": "SFWZ", "part_id": "GLBJBSM",
              "dept_code": "CZBMDM", "deadline": "CZSX", "closed_at": "JASJ",
              "external_id": "WBBH"},
}

# Chinese labels of the keys (mapping dialog, messages).
LABELS_ZH: dict[str, str] = {
    "code": "代码", "name": "名称", "kind": "类型", "area_km2": "面积(平方千米)",
    "street_code": "所在街道代码", "street_name": "所在街道名称",
    "community_code": "所在社区代码", "community_name": "所在社区名称",
    "households": "户数", "residents": "人口", "grid_id": "单元网格标识码",
    "area_m2": "面积(平方米)", "region_class": "区域类别", "initial_date": "初始日期",
    "note": "备注", "part_id": "管理部件标识码", "type_code": "类型代码",
    "dept_code": "主管部门代码", "dept_name": "主管部门名称", "owner_code": "权属单位代码",
    "owner_name": "权属单位名称", "maintainer_code": "养护单位代码",
    "maintainer_name": "养护单位名称", "status": "状态", "change_date": "变更日期",
    "data_source": "数据来源", "number": "案卷编号", "source": "案件来源",
    "reported_at": "上报时间", "description": "问题描述", "state": "案卷状态",
    "urgency": "紧急程度", "level": "处置层级", "address": "事发位置",
    "deadline": "处置时限", "closed_at": "结案时间", "external_id": "外部编号",
}

# Recognised source names per layer and key, best first. Matching is on the normalised form
# (see ``normalise``); the export name of each key is recognised as well.
_COMMON_DATES = {
    "initial_date": ["CSRQ", "初始日期", "普查日期", "ORDate", "initial_date", "initialdate",
                     "init_date", "start_date"],
    "note": ["BZ", "备注", "Note", "notes", "remark", "remarks", "comment"],
}

ALIASES: dict[str, dict[str, list[str]]] = {
    "streets": {
        "code": ["JDDM", "街道代码", "街道编码", "街道乡镇代码", "乡镇代码", "代码", "编码",
                 "区划代码", "code", "street_code", "streetcode", "nbs_code", "adcode",
                 "SZJDDM"],
        "name": ["JDMC", "街道名称", "街道乡镇名称", "乡镇名称", "名称", "name", "street_name",
                 "streetname", "nbs_name", "SZJDMC"],
        "kind": ["JDLX", "类型", "街道类型", "kind", "type"],
        "area_km2": ["MJ_KM2", "面积", "area_km2", "area"],
    },
    "communities": {
        "code": ["SQDM", "社区代码", "社区编码", "社区村代码", "居委会代码", "村委会代码",
                 "代码", "编码", "区划代码", "code", "community_code", "communitycode",
                 "nbs_code", "SZSQDM"],
        "name": ["SQMC", "社区名称", "社区村名称", "居委会名称", "村委会名称", "名称", "name",
                 "community_name", "communityname", "nbs_name", "SZSQMC"],
        "street_code": ["SZJDDM", "所在街道代码", "街道代码", "街道编码", "street_code",
                        "streetcode", "street"],
        "households": ["HS", "户数", "households", "household"],
        "residents": ["RK", "人口", "人口数", "常住人口", "居民人数", "residents", "population",
                      "pop"],
    },
    "grids": {
        "grid_id": ["DYWGBSM", "单元网格标识码", "单元网格编码", "单元网格代码", "网格标识码",
                    "网格编码", "网格代码", "网格编号", "标识码", "SZDYWGBSM", "BGID",
                    "grid_id", "gridid", "grid_code", "gridcode", "code", "编码"],
        "community_code": ["SZSQDM", "所在社区代码", "社区代码", "社区编码", "community_code",
                           "communitycode", "community"],
        "street_code": ["SZJDDM", "所在街道代码", "街道代码", "街道编码", "street_code",
                        "streetcode"],
        "name": ["DYWGMC", "单元网格名称", "网格名称", "名称", "name", "grid_name", "gridname"],
        "area_m2": ["MJ_M2", "面积", "area_m2", "area"],
        "region_class": ["QYLB", "区域类别", "区域分类", "区域类型", "region_class",
                         "regionclass"],
        "households": ["HS", "户数", "households", "household"],
        "residents": ["RK", "人口", "人口数", "常住人口", "residents", "population", "pop"],
        **_COMMON_DATES,
    },
    "parts": {
        "part_id": ["GLBJBSM", "管理部件标识码", "部件标识码", "部件编码", "部件编号",
                    "部件代码", "ObjID", "ObjCode", "BJBSM", "part_id", "partid", "part_code",
                    "partcode", "标识码"],
        "type_code": ["BJLXDM", "部件类型代码", "部件小类代码", "类型代码", "小类代码",
                      "type_code", "typecode", "part_type", "parttype"],
        "name": ["GLBJMC", "管理部件名称", "部件名称", "名称", "ObjName", "name", "part_name"],
        "dept_code": ["ZGBMDM", "主管部门代码", "主管部门编码", "DeptCode1", "dept_code",
                      "deptcode", "competent_code"],
        "dept_name": ["ZGBMMC", "主管部门名称", "主管部门", "DeptName1", "dept_name",
                      "deptname"],
        "owner_code": ["QSDWDM", "权属单位代码", "权属单位编码", "DeptCode2", "owner_code",
                       "ownercode"],
        "owner_name": ["QSDWMC", "权属单位名称", "权属单位", "DeptName2", "owner_name",
                       "ownername"],
        "maintainer_code": ["YHDWDM", "养护单位代码", "养护单位编码", "DeptCode3",
                            "maintainer_code", "maintainercode"],
        "maintainer_name": ["YHDWMC", "养护单位名称", "养护单位", "DeptName3",
                            "maintainer_name", "maintainername"],
        "grid_id": ["SZDYWGBSM", "所在单元网格标识码", "所在单元网格", "单元网格标识码",
                    "所在网格", "网格编码", "网格标识码", "BGID", "grid_id", "gridid",
                    "grid_code", "gridcode", "grid"],
        "status": ["GLBJZT", "管理部件状态", "部件状态", "状态", "ObjState", "status", "state"],
        "change_date": ["BGRQ", "变更日期", "CHDate", "change_date", "changedate"],
        "data_source": ["SJLY", "数据来源", "DataSource", "data_source", "source"],
        "street_code": ["SZJDDM", "所在街道代码", "街道代码", "street_code"],
        "street_name": ["SZJDMC", "所在街道名称", "街道名称", "street_name"],
        "community_code": ["SZSQDM", "所在社区代码", "社区代码", "community_code"],
        "community_name": ["SZSQMC", "所在社区名称", "社区名称", "community_name"],
        **_COMMON_DATES,
    },
    "cases": {
        "number": ["AJBH", "案卷编号", "案卷号", "案件编号", "案件号", "number", "case_number",
                   "casenumber", "case_no", "caseno"],
        "kind": ["AJLB", "案件类别", "案卷类别", "部件事件", "kind", "case_kind"],
        "type_code": ["LXDM", "类型代码", "小类代码", "问题类型代码", "type_code", "typecode",
                      "service_code"],
        "grid_id": ["SZDYWGBSM", "所在单元网格标识码", "单元网格标识码", "所在网格", "网格编码",
                    "BGID", "grid_id", "gridid", "grid"],
        "source": ["AJLY", "案件来源", "来源", "source"],
        "reported_at": ["SBSJ", "上报时间", "发现时间", "受理时间", "reported_at", "reported",
                        "requested_datetime", "report_time"],
        "description": ["WTMS", "问题描述", "描述", "description", "desc"],
        "state": ["AJZT", "案卷状态", "案件状态", "状态", "state", "status"],
        "urgency": ["JJCD", "紧急程度", "urgency"],
        "level": ["CZCJ", "处置层级", "level"],
        "address": ["SFWZ", "事发位置", "事发地址", "地址", "address"],
        "part_id": ["GLBJBSM", "管理部件标识码", "部件标识码", "ObjID", "part_id", "partid"],
        "dept_code": ["CZBMDM", "处置部门代码", "责任部门代码", "dept_code", "deptcode"],
        "deadline": ["CZSX", "处置时限", "截止时间", "deadline", "expected_datetime"],
        "closed_at": ["JASJ", "结案时间", "closed_at", "closed"],
        "external_id": ["WBBH", "外部编号", "external_id", "service_request_id"],
    },
}

# Columns that hold coordinates (read by vector_io, never mapped to a field).
COORDINATE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("lon", "lat"), ("longitude", "latitude"), ("lng", "lat"), ("经度", "纬度"),
    ("x", "y"), ("pointx", "pointy"), ("point_x", "point_y"), ("xzb", "yzb"),
    ("x坐标", "y坐标"), ("东坐标", "北坐标"),
)

_SEP_RE = re.compile(r"[\s_\-.()（）/]+")


def normalise(name: object) -> str:
    """Comparison form of a column name: case-folded, without spaces, ``_``, ``-``, ``.``,
    brackets and slashes (so “Part ID”, “part_id” and “PARTID” are one name)."""
    return _SEP_RE.sub("", str(name)).casefold()


def _check_layer(layer: str) -> None:
    if layer not in LAYERS:
        raise DomainError(f"Unknown layer “{layer}”: choose one of {', '.join(LAYERS)}")


def _aliases(layer: str, key: str) -> list[str]:
    names = [EXPORT_NAMES[layer].get(key, "")] + ALIASES[layer].get(key, []) + [key]
    out: list[str] = []
    for n in names:
        k = normalise(n)
        if k and k not in out:
            out.append(k)
    return out


def is_coordinate_column(name: str) -> bool:
    n = normalise(name)
    return any(n in (normalise(a), normalise(b)) for a, b in COORDINATE_COLUMNS)


def guess_mapping(layer: str, columns: list[str]) -> dict[str, str]:
    """``{source column: canonical key}`` for the columns recognised by name.

    Each key takes at most one column and each column at most one key; a key's aliases are
    tried in order of preference (standard abbreviation, standard Chinese name, legacy name,
    plain name), so a file with both ``name`` and ``nbs_name`` maps ``name``. Coordinate
    and geometry columns are never mapped.
    """
    _check_layer(layer)
    by_norm: dict[str, str] = {}
    for c in columns:
        if str(c).lower() == "geometry" or is_coordinate_column(c):
            continue
        by_norm.setdefault(normalise(c), c)
    # Exact standard/export names first for every key, then the looser aliases, so that
    # e.g. parts' "标识码" can never take GLBJBSM's place.
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    candidates = {key: _aliases(layer, key) for key in CANONICAL[layer]}
    depth = max(len(v) for v in candidates.values())
    for rank in range(depth):
        for key in CANONICAL[layer]:
            if key in taken or rank >= len(candidates[key]):
                continue
            col = by_norm.get(candidates[key][rank])
            if col is not None and col not in mapping:
                mapping[col] = key
                taken.add(key)
    return mapping


def resolve_mapping(layer: str, columns: list[str],
                    overrides: dict[str, str | None] | None = None) -> dict[str, str]:
    """The guessed mapping with ``overrides`` applied, checked against the layer and file.

    An override maps a source column to a canonical key, or to ``""``/``None`` to ignore
    that column. A key mapped from an override replaces any guessed column for that key.
    Raises ``DomainError`` naming the unknown column or key.
    """
    _check_layer(layer)
    mapping = guess_mapping(layer, columns)
    if not overrides:
        return mapping
    cols = {str(c) for c in columns}
    unknown_cols = [c for c in overrides if c not in cols]
    if unknown_cols:
        raise DomainError(
            f"The mapping names column(s) {', '.join(unknown_cols)} that the file does not "
            f"have; its columns are: {', '.join(map(str, columns)) or '(none)'}")
    bad_keys = sorted({k for k in overrides.values() if k and k not in CANONICAL[layer]})
    if bad_keys:
        raise DomainError(
            f"The mapping uses field(s) {', '.join(bad_keys)} that layer {layer} does not "
            f"have; its fields are: {', '.join(CANONICAL[layer])}")
    seen: dict[str, str] = {}
    for col, key in overrides.items():
        if key:
            if key in seen:
                raise DomainError(
                    f"The mapping maps both “{seen[key]}” and “{col}” to {key}: a field takes "
                    "one column")
            seen[key] = col
    for col, key in overrides.items():
        mapping.pop(col, None)
        if key:
            for other in [c for c, k in mapping.items() if k == key]:
                del mapping[other]
            mapping[col] = key
    return mapping


def missing_required(layer: str, mapping: dict[str, str]) -> list[str]:
    """Required keys of ``layer`` that no column maps to."""
    _check_layer(layer)
    have = set(mapping.values())
    return [k for k in REQUIRED[layer] if k not in have]


def describe_key(layer: str, key: str) -> str:
    """“part_id (GLBJBSM 管理部件标识码)” for messages."""
    std = EXPORT_NAMES[layer].get(key, "")
    zh = LABELS_ZH.get(key, "")
    extra = " ".join(x for x in (std, zh) if x)
    return f"{key} ({extra})" if extra else key


def load_mapping_file(path: str | Path) -> dict[str, str | None]:
    """Read a mapping file: JSON ``{"source column": "canonical key"}`` or a CSV with two
    columns ``source,key`` (optional header). Raises ``DomainError`` naming the file."""
    p = Path(path)
    if not p.is_file():
        raise DomainError(f"Mapping file {p} does not exist")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DomainError(f"Mapping file {p} cannot be read as UTF-8 text: {exc}") from None
    if p.suffix.lower() == ".csv":
        out: dict[str, str | None] = {}
        for i, row in enumerate(csv.reader(text.splitlines()), start=1):
            if not row or not any(c.strip() for c in row):
                continue
            if len(row) != 2:
                raise DomainError(
                    f"Mapping file {p} line {i}: expected two columns “source,key”, found "
                    f"{len(row)}")
            src, key = row[0].strip(), row[1].strip()
            if i == 1 and (src.lower(), key.lower()) == ("source", "key"):
                continue
            out[src] = key or None
        return out
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DomainError(
            f"Mapping file {p} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}); expected {{\"source column\": \"canonical key\", …}}") from None
    if not isinstance(data, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in data.items()):
        raise DomainError(
            f"Mapping file {p} must hold one JSON object of text to text, e.g. "
            "{\"ObjID\": \"part_id\", \"Remark\": \"note\"}")
    return {k: (v or None) for k, v in data.items()}
