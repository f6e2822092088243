"""Any importable vector file drawn as a basemap (道路、建筑、水系 … from the surveyors).

The file is read like an import (:mod:`app.gis.vector_io`: GeoPackage, GeoJSON, Shapefile
with GBK/GB18030 text, CSV/XLSX), its CRS taken from the file or given by the user
(:func:`app.gis.crs_detect.resolve_crs`, GCJ-02 included), and the geometries are projected
to the map's display metres. Nothing is written to the store: a basemap is only drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely

from app.domain.errors import DomainError
from app.gis import crs as display_crs
from app.gis import crs_detect, vector_io

# Columns used as feature labels when present (OSM, standard and Chinese names).
_LABEL_COLUMNS = ("name", "名称", "mc", "name_zh", "name:zh", "label", "roadname")


@dataclass
class VectorBasemap:
    title: str
    kind: str  # "polygon" | "line" | "point"
    geoms: np.ndarray  # shapely geometries in display metres (EPSG:4548)
    labels: list[str] | None
    crs_label: str
    warnings: list[str] = field(default_factory=list)


def needs_crs(path: str | Path) -> bool:
    """Whether the file declares no CRS (the caller must ask for one)."""
    return vector_io.probe(path).crs is None


def load_vector_basemap(path: str | Path, crs: str | None = None) -> VectorBasemap:
    """Read ``path`` and project it for the map. ``crs`` overrides / supplies the file's CRS.

    Raises DomainError (naming the file and the rule) when the file cannot be read, has no
    CRS and none is given, or holds no drawable geometry.
    """
    data = vector_io.read_vector(path)
    p = data.path
    if crs is not None:
        choice = crs_detect.resolve_crs(crs)
    elif data.info.crs is not None:
        choice = crs_detect.resolve_crs(data.info.crs)
    else:
        raise DomainError(f"{p.name} declares no coordinate system: choose one (e.g. "
                          "EPSG:4490 CGCS2000, EPSG:4548 Gauss-Krüger CM 117E, WGS84 or "
                          "GCJ-02) to draw it as a basemap")
    geoms = np.asarray(data.geometry, dtype=object)
    keep = np.array([g is not None and not shapely.is_empty(g) for g in geoms], dtype=bool)
    if not keep.any():
        raise DomainError(f"{p.name} holds no geometry that can be drawn")
    geoms = geoms[keep]
    types = set(shapely.get_type_id(geoms).tolist())
    if types <= {3, 6}:
        kind = "polygon"
    elif types <= {1, 5}:
        kind = "line"
    elif types <= {0, 4}:
        kind = "point"
    else:
        raise DomainError(f"{p.name} mixes points, lines and polygons: a basemap layer holds "
                          "one kind of geometry; split the file by geometry type")
    lonlat = crs_detect.transform_geometries(geoms, choice, to_lonlat=True)
    projected = display_crs.project_geometries(np.asarray(lonlat, dtype=object),
                                               display_crs.GEOGRAPHIC, display_crs.PROJECTED)
    labels = None
    lower = {c.lower(): c for c in data.columns}
    for name in _LABEL_COLUMNS:
        if name in lower:
            values = np.asarray(data.columns[lower[name]], dtype=object)[keep]
            labels = ["" if v is None or v != v else str(v) for v in values]
            break
    warnings = list(data.warnings)
    note = crs_detect.accuracy_note(choice)
    if note:
        warnings.append(note)
    return VectorBasemap(p.stem, kind, np.asarray(projected, dtype=object), labels,
                         crs_detect.crs_label(choice), warnings)
