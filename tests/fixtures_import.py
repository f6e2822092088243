"""Builders for import tests: every file is written at test time into ``tmp_path``.

Nothing binary is committed: GeoPackages, GeoJSON, shapefiles (also GBK DBFs without a
``.cpg``), CSV and XLSX files are written with geopandas/pyogrio, broken ones by cutting or
overwriting real files. ``snapshot`` fingerprints a store (counts and a checksum of the ids
of every table an import could touch) so a test can prove the database is unchanged.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from app.gis import crs
from app.store.store import Store

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

# Tables an import may write, with the column that identifies a row.
TABLE_KEYS = {"district": "code", "street": "code", "community": "code",
              "unit_grid": "grid_id", "part": "part_id", "case_": "number",
              "case_event": "case_id, seq", "camera": "part_id", "meta": "key"}


def shared_file(name: str) -> Path:
    """A file of ``../shared/data`` (callers skip when it is absent)."""
    return SHARED_DATA / name


def snapshot(store: Store) -> dict[str, tuple[int, str]]:
    """(row count, SHA-256 of the ordered ids) per table."""
    out: dict[str, tuple[int, str]] = {}
    with store.engine.connect() as c:
        for table, key in TABLE_KEYS.items():
            rows = c.exec_driver_sql(f"SELECT {key} FROM {table} ORDER BY {key}").all()
            text = "\n".join("|".join(map(str, r)) for r in rows)
            out[table] = (len(rows), hashlib.sha256(text.encode()).hexdigest())
    return out


# -- writers ----------------------------------------------------------------------------------


def frame(records: Sequence[dict[str, Any]], geoms: Sequence[Any] | np.ndarray,
          crs_: str | None = "EPSG:4490") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.DataFrame(list(records)), geometry=list(geoms), crs=crs_)


def write(gdf: gpd.GeoDataFrame, path: Path, **kwargs: Any) -> Path:
    """Write with pyogrio, the driver from the extension (GPKG layer named after the file)."""
    ext = path.suffix.lower()
    if ext == ".gpkg":
        kwargs.setdefault("layer", path.stem)
    pyogrio.write_dataframe(gdf, str(path), **kwargs)
    return path


def write_table(records: Sequence[dict[str, Any]], path: Path, encoding: str = "utf-8"
                ) -> Path:
    """A CSV (``encoding``) or XLSX file from plain records (coordinates as columns)."""
    df = pd.DataFrame(list(records))
    if path.suffix.lower() == ".xlsx":
        pyogrio.write_dataframe(df, str(path), driver="XLSX")
    else:
        df.to_csv(path, index=False, encoding=encoding)
    return path


def truncate(src: Path, dst: Path, fraction: float = 0.5) -> Path:
    data = src.read_bytes()
    dst.write_bytes(data[: int(len(data) * fraction)])
    return dst


def garbage(path: Path, size: int = 8192, seed: int = 4) -> Path:
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def square(lon: float, lat: float, half_m: float) -> shapely.Polygon:
    """A square of ``2 × half_m`` metres around (lon, lat), in lon/lat."""
    x, y = crs.to_projected(lon, lat)
    box = shapely.box(x - half_m, y - half_m, x + half_m, y + half_m)
    return crs.project_geometries(np.array([box], dtype=object), crs.PROJECTED,
                                  crs.GEOGRAPHIC)[0]


def metres_box(x0: float, y0: float, x1: float, y1: float) -> shapely.Polygon:
    """A box given in EPSG:4548 metres, returned in lon/lat."""
    return crs.project_geometries(np.array([shapely.box(x0, y0, x1, y1)], dtype=object),
                                  crs.PROJECTED, crs.GEOGRAPHIC)[0]


# -- data taken from a seeded store ------------------------------------------------------------


@dataclass
class StoredGrid:
    grid_id: str
    geom: shapely.Geometry  # lon/lat
    inside: tuple[float, float]  # a lon/lat point inside it


def stored_grids(store: Store) -> list[StoredGrid]:
    layer = store.admin.layer("grid")
    pts = shapely.point_on_surface(layer.geoms)
    return [StoredGrid(g, geom, (p.x, p.y))
            for g, geom, p in zip(layer.ids, layer.geoms, pts, strict=True)]


def new_parts(store: Store, n: int, *, type_code: str = "01001",
              first_serial: int = 900_001) -> list[dict[str, Any]]:
    """``n`` new parts (standard field names) with fresh ids, each at a point inside a
    stored grid that it declares; ``lon``/``lat`` hold the location."""
    grids = stored_grids(store)
    district = store.admin.district()
    assert district is not None
    out = []
    for k in range(n):
        g = grids[k % len(grids)]
        out.append({"GLBJBSM": f"{district[0]}{type_code}{first_serial + k:06d}",
                    "GLBJMC": "", "SZDYWGBSM": g.grid_id, "GLBJZT": "完好",
                    "CSRQ": "2024-06-30", "SJLY": "实测", "lon": g.inside[0],
                    "lat": g.inside[1]})
    return out


def parts_frame(records: Sequence[dict[str, Any]], crs_: str | None = "EPSG:4490"
                ) -> gpd.GeoDataFrame:
    """Records with lon/lat → a point GeoDataFrame (the coordinates leave the attributes)."""
    attrs = [{k: v for k, v in r.items() if k not in ("lon", "lat")} for r in records]
    geoms = shapely.points([r["lon"] for r in records], [r["lat"] for r in records])
    return frame(attrs, geoms, crs_)
