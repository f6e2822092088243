"""Reading vector files for import: GeoPackage, GeoJSON, Shapefile, CSV and XLSX.

Everything goes through pyogrio (GDAL); nothing here parses a file format by hand. This
module only adds what an import needs on top:

* a refusal that names the file and the rule (:class:`UnreadableFile`) for a missing,
  empty, truncated or corrupt file, an unsupported extension, a shapefile without its
  ``.shx``/``.dbf``, no features, or no geometry;
* text encodings: a DBF without a ``.cpg`` (and without a code page in its header) and a CSV
  are decoded as UTF-8, and as GB18030 (a superset of GBK and GB2312) when that fails; the
  choice is reported in ``VectorData.warnings``;
* points from coordinate columns (``lon/lat``, ``longitude/latitude``, ``x/y``,
  ``经度/纬度``, ``PointX/PointY``; case-insensitive) or polygons from a WKT column in CSV and
  XLSX files (XLSX is read by GDAL's own XLSX driver: no openpyxl needed);
* the CRS the file declares; a GeoJSON file without one is WGS-84 (RFC 7946).

A file with several layers (GeoPackage tables, XLSX sheets) is read from the layer named
by the caller, else the layer named like the target (``parts`` …), else the first one, with
a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS

from app.domain.errors import DomainError
from app.gis.fieldmap import COORDINATE_COLUMNS, normalise

DRIVERS: dict[str, str] = {".gpkg": "GPKG", ".geojson": "GeoJSON", ".json": "GeoJSON",
                           ".shp": "ESRI Shapefile", ".csv": "CSV", ".xlsx": "XLSX"}
TABLE_DRIVERS = ("CSV", "XLSX")  # geometry from coordinate or WKT columns
WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom", "shape", "几何", "图形")
GB_ENCODING = "GB18030"  # superset of GBK / GB2312 / CP936

_FORMATS_TEXT = "GeoPackage (.gpkg), GeoJSON (.geojson, .json), Shapefile (.shp with .shx " \
                "and .dbf), CSV (.csv) or Excel (.xlsx) with coordinate columns"


class UnreadableFile(DomainError):
    """The file cannot be read as a vector layer; the message names the file and the rule."""


@dataclass
class FileInfo:
    """What a file holds, without reading its features."""

    path: Path
    driver: str
    layer: str | None  # the layer that will be read
    layers: list[str]  # all layers (GeoPackage tables, XLSX sheets)
    columns: list[str]  # attribute columns (for CSV/XLSX including coordinate columns)
    crs: CRS | None  # declared by the file (GeoJSON without one: WGS-84)
    crs_note: str  # how the CRS was found ("" when none)
    geometry_type: str | None
    features: int
    encoding: str | None  # encoding to read with (None: the driver's own)
    warnings: list[str] = field(default_factory=list)

    @property
    def is_table(self) -> bool:
        return self.driver in TABLE_DRIVERS


@dataclass
class VectorData:
    """The features of one layer: attribute columns and geometry, in file order."""

    info: FileInfo
    columns: dict[str, np.ndarray]  # attribute name → values (object/number arrays)
    geometry: np.ndarray  # shapely geometries in the file's CRS; None where missing
    geometry_problems: dict[int, str]  # row index → why its geometry could not be read
    coordinate_columns: tuple[str, str] | None  # CSV/XLSX points: (x column, y column)
    warnings: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.info.path

    def __len__(self) -> int:
        return len(self.geometry)


def _pyogrio():  # type: ignore[no-untyped-def]
    import pyogrio
    import pyogrio.raw

    return pyogrio


def _refuse(path: Path, rule: str) -> UnreadableFile:
    return UnreadableFile(f"File {path}: {rule}")


def driver_for(path: str | Path) -> str:
    p = Path(path)
    drv = DRIVERS.get(p.suffix.lower())
    if drv is None:
        raise _refuse(p, f"the extension “{p.suffix or '(none)'}” is not supported: CityGrid "
                         f"imports {_FORMATS_TEXT}.")
    return drv


def _sibling(path: Path, ext: str) -> Path | None:
    """``path`` with extension ``ext`` in any letter case, if it exists."""
    for cand in (path.with_suffix(ext), path.with_suffix(ext.upper())):
        if cand.exists():
            return cand
    stem = path.stem.lower()
    for cand in path.parent.iterdir():
        if cand.stem.lower() == stem and cand.suffix.lower() == ext:
            return cand
    return None


def _check_file(path: Path) -> str:
    """The driver for ``path`` after the checks that need no GDAL."""
    drv = driver_for(path)
    if not path.exists():
        raise _refuse(path, "the file does not exist.")
    if path.is_dir():
        raise _refuse(path, "this is a folder, not a file.")
    if path.stat().st_size == 0:
        raise _refuse(path, "the file is empty (0 bytes).")
    if drv == "ESRI Shapefile":
        missing = [ext for ext in (".shx", ".dbf") if _sibling(path, ext) is None]
        if missing:
            raise _refuse(path, f"a shapefile needs its {' and '.join(missing)} file"
                                f"{'s' if len(missing) > 1 else ''} next to the .shp (same "
                                "name); copy all parts of the shapefile together.")
        _check_shp_length(path)
    return drv


def _check_shp_length(path: Path) -> None:
    """GDAL reads a truncated .shp silently (the missing shapes come back empty): compare
    the length the header declares (bytes 24–27, big-endian 16-bit words) with the file."""
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(100)
    if len(head) < 100 or int.from_bytes(head[0:4], "big") != 9994:
        raise _refuse(path, "this is not a shapefile (.shp): its header is missing or damaged.")
    declared = int.from_bytes(head[24:28], "big") * 2
    if declared > size:
        raise _refuse(path, f"the .shp file is truncated: its header declares {declared:,} "
                            f"bytes but the file has {size:,}; copy it again from the source.")


def _gdal_error(path: Path, exc: Exception) -> UnreadableFile:
    text = str(exc).split("; It might help")[0].strip()
    low = text.lower()
    if "not recognized" in low or "not a database" in low or "unsupported file format" in low:
        why = "GDAL does not recognise its content as that format (damaged, or not such a file)"
    elif "malformed" in low or "truncat" in low or "unterminated" in low or "failed" in low \
            or "corrupt" in low or "unexpected" in low:
        why = "the file is truncated or corrupt"
    else:
        why = "the file cannot be read"
    return _refuse(path, f"{why} ({text[:200]}).")


def _open_options(driver: str) -> dict[str, str]:
    if driver == "XLSX":
        # All cells as text (ids keep their leading zeros and 17 digits); first row = header.
        return {"FIELD_TYPES": "STRING", "HEADERS": "FORCE"}
    if driver == "CSV":
        return {"HEADERS": "YES"}
    return {}


def probe(path: str | Path, layer: str | None = None, prefer: str | None = None) -> FileInfo:
    """Check ``path`` and describe the layer an import would read (no features read).

    ``layer`` names the layer to read in a multi-layer file; ``prefer`` is a layer name to
    take when ``layer`` is not given and the file has one of that name (e.g. ``"parts"``).
    """
    p = Path(path)
    driver = _check_file(p)
    pyogrio = _pyogrio()
    warnings: list[str] = []
    try:
        listed = pyogrio.list_layers(str(p))
    except Exception as exc:  # noqa: BLE001 - any GDAL failure is a refusal with its text
        raise _gdal_error(p, exc) from None
    layers = [str(r[0]) for r in listed]
    if not layers:
        raise _refuse(p, "the file holds no layer (no table or sheet with features).")
    if layer is not None:
        if layer not in layers:
            raise _refuse(p, f"it has no layer “{layer}”; its layers are: {', '.join(layers)}.")
        chosen = layer
    elif len(layers) > 1:
        chosen = prefer if prefer in layers else layers[0]
        why = "named like the target layer" if chosen == prefer else "the first one"
        warnings.append(f"{p.name} has {len(layers)} layers ({', '.join(layers)}); reading "
                        f"“{chosen}”, {why}. Name another layer to read that one instead.")
    else:
        chosen = layers[0]
    opts = _open_options(driver)
    encoding: str | None = None
    try:
        info = pyogrio.read_info(str(p), layer=chosen, **opts)
    except UnicodeDecodeError:
        encoding = GB_ENCODING
        info = _read_info(p, chosen, GB_ENCODING, opts)
    except Exception as exc:  # noqa: BLE001
        raise _gdal_error(p, exc) from None
    if driver == "ESRI Shapefile" and _sibling(p, ".cpg") is None \
            and str(info.get("encoding") or "").upper() in ("ISO-8859-1", "LATIN1", ""):
        encoding = "detect"  # decided when the features are read (UTF-8, else GB18030)
    elif driver == "CSV" and encoding is None:
        encoding = "detect"
    crs, note = _declared_crs(p, driver, info.get("crs"))
    return FileInfo(path=p, driver=driver, layer=chosen, layers=layers,
                    columns=[str(c) for c in info["fields"]], crs=crs, crs_note=note,
                    geometry_type=info.get("geometry_type"), features=int(info["features"]),
                    encoding=encoding, warnings=warnings)


def _read_info(p: Path, layer: str, encoding: str, opts: dict[str, str]) -> dict:  # type: ignore[type-arg]
    try:
        return _pyogrio().read_info(str(p), layer=layer, encoding=encoding, **opts)
    except Exception as exc:  # noqa: BLE001
        raise _gdal_error(p, exc) from None


def _declared_crs(p: Path, driver: str, text: str | None) -> tuple[CRS | None, str]:
    if driver == "GeoJSON":
        crs = CRS.from_user_input(text) if text else CRS.from_epsg(4326)
        if crs.to_epsg() == 4326:
            return crs, "GeoJSON: WGS-84 (RFC 7946)"
        return crs, "declared by the file"
    if not text:
        return None, ""
    try:
        return CRS.from_user_input(text), "declared by the file"
    except Exception:  # noqa: BLE001 - an unreadable .prj is the same as none, with a word
        return None, f"the file's CRS definition cannot be read ({text[:80]})"


def read_columns(path: str | Path, layer: str | None = None) -> list[str]:
    """The attribute columns of a file (for the mapping dialog)."""
    return probe(path, layer).columns


def find_coordinate_columns(columns: list[str]) -> tuple[str, str] | None:
    """The first pair of coordinate columns present (lon/lat before x/y), else None."""
    norm = {normalise(c): c for c in columns}
    for a, b in COORDINATE_COLUMNS:
        if normalise(a) in norm and normalise(b) in norm:
            return norm[normalise(a)], norm[normalise(b)]
    return None


def find_wkt_column(columns: list[str]) -> str | None:
    norm = {normalise(c): c for c in columns}
    for name in WKT_COLUMNS:
        if normalise(name) in norm:
            return norm[normalise(name)]
    return None


def read_vector(path: str | Path, *, layer: str | None = None, prefer: str | None = None,
                columns: list[str] | None = None, info: FileInfo | None = None) -> VectorData:
    """Read the features of one layer of ``path``.

    ``columns`` limits the attribute columns read (coordinate and WKT columns of CSV/XLSX
    are added as needed). Raises :class:`UnreadableFile` (a ``DomainError``) when the file
    cannot be imported at all; per-feature geometry problems are in ``geometry_problems``.
    """
    info = info or probe(path, layer, prefer)
    p = info.path
    warnings = list(info.warnings)
    coords = wkt = None
    if info.is_table:
        coords = find_coordinate_columns(info.columns)
        wkt = find_wkt_column(info.columns) if coords is None else None
        if coords is None and wkt is None:
            raise _refuse(p, "no geometry: a CSV or Excel file needs coordinate columns "
                             "(lon/lat, longitude/latitude, x/y, 经度/纬度 or PointX/PointY) or "
                             f"a WKT column; its columns are: {', '.join(info.columns)}.")
        present = {normalise(c) for c in info.columns}
        pairs = [pair for pair in COORDINATE_COLUMNS
                 if normalise(pair[0]) in present and normalise(pair[1]) in present]
        if coords is not None and len(pairs) > 1:
            warnings.append(f"{p.name}: coordinates are taken from columns {coords[0]}/"
                            f"{coords[1]}; the other coordinate columns are ignored.")
    elif not info.geometry_type:
        raise _refuse(p, f"layer “{info.layer}” has no geometry column; import needs polygons "
                         "or points (or a CSV/Excel file with coordinate columns).")
    if info.features == 0:
        raise _refuse(p, f"layer “{info.layer}” holds no features (0 rows).")

    wanted: list[str] | None = None
    if columns is not None:
        extra = [c for c in (coords or ()) if c] + ([wkt] if wkt else [])
        wanted = [c for c in info.columns if c in set(columns) | set(extra)]
    meta, geoms, fields, encoding = _read(p, info, wanted, warnings)
    names = [str(n) for n in meta["fields"]]
    cols = dict(zip(names, fields, strict=True))
    n = len(fields[0]) if fields else (len(geoms) if geoms is not None else 0)
    if n == 0:
        raise _refuse(p, f"layer “{info.layer}” holds no features (0 rows).")
    problems: dict[int, str] = {}
    if info.is_table:
        if coords is not None:
            geometry = _points_from_columns(cols, coords, problems)
        else:
            assert wkt is not None
            geometry = _geoms_from_wkt(cols[wkt], wkt, problems)
            cols.pop(wkt, None)
    else:
        assert geoms is not None
        geometry = np.asarray(shapely.from_wkb(geoms, on_invalid="ignore"), dtype=object)
        bad = np.flatnonzero(np.array([g is None for g in geometry]) & np.array(
            [b is not None for b in geoms]))
        for i in bad:
            problems[int(i)] = "its geometry cannot be decoded (damaged WKB)"
    info.encoding = encoding
    return VectorData(info=info, columns=cols, geometry=geometry, geometry_problems=problems,
                      coordinate_columns=coords, warnings=warnings)


def _read(p: Path, info: FileInfo, columns: list[str] | None, warnings: list[str]
          ) -> tuple[dict, np.ndarray | None, list[np.ndarray], str | None]:  # type: ignore[type-arg]
    pyogrio = _pyogrio()
    opts = _open_options(info.driver)
    read_geometry = not info.is_table

    def go(enc: str | None):  # type: ignore[no-untyped-def]
        return pyogrio.raw.read(str(p), layer=info.layer, encoding=enc, columns=columns,
                                read_geometry=read_geometry, **opts)

    encoding = info.encoding
    try:
        if encoding == "detect":
            try:
                meta, _fids, geoms, fields = go("UTF-8")
                encoding = "UTF-8"
                what = ("has no .cpg file" if info.driver == "ESRI Shapefile"
                        else "declares no encoding")
                if _has_non_ascii(fields):
                    warnings.append(f"{_text_file(p, info)} {what}: its text was decoded as "
                                    "UTF-8 (valid UTF-8 throughout).")
            except UnicodeDecodeError:
                meta, _fids, geoms, fields = go(GB_ENCODING)
                encoding = GB_ENCODING
                what = ("has no .cpg file" if info.driver == "ESRI Shapefile"
                        else "is not UTF-8")
                warnings.append(f"{_text_file(p, info)} {what} and its text is not valid UTF-8: "
                                "it was decoded as GB18030 (GBK/GB2312), the usual encoding "
                                "of Chinese GIS files.")
        else:
            meta, _fids, geoms, fields = go(encoding)
            if encoding == GB_ENCODING:
                warnings.append(f"{p.name} is not UTF-8: its text was decoded as GB18030 "
                                "(GBK/GB2312).")
    except UnicodeDecodeError as exc:
        raise _refuse(p, f"its text is neither UTF-8 nor GB18030 ({exc.reason}); save it as "
                         "UTF-8 and try again.") from None
    except Exception as exc:  # noqa: BLE001
        raise _gdal_error(p, exc) from None
    return meta, geoms, list(fields), encoding


def _text_file(p: Path, info: FileInfo) -> str:
    if info.driver == "ESRI Shapefile":
        dbf = _sibling(p, ".dbf")
        return dbf.name if dbf else p.with_suffix(".dbf").name
    return p.name


def _has_non_ascii(fields: list[np.ndarray]) -> bool:
    for f in fields:
        if f.dtype == object:
            for v in f[:100_000]:
                if isinstance(v, str) and not v.isascii():
                    return True
    return False


def as_float(values: np.ndarray) -> np.ndarray:
    """Numbers from a column of numbers or text (blank or unreadable → NaN)."""
    if values.dtype.kind in "fiu":
        return values.astype(np.float64)
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if v is None:
            continue
        try:
            out[i] = float(str(v).strip().replace(",", "."))
        except ValueError:
            pass
    return out


def _points_from_columns(cols: dict[str, np.ndarray], pair: tuple[str, str],
                         problems: dict[int, str]) -> np.ndarray:
    x = as_float(cols[pair[0]])
    y = as_float(cols[pair[1]])
    ok = np.isfinite(x) & np.isfinite(y)
    geoms = np.full(len(x), None, dtype=object)
    geoms[ok] = shapely.points(x[ok], y[ok])
    for i in np.flatnonzero(~ok):
        problems[int(i)] = (f"its coordinates ({pair[0]}={cols[pair[0]][i]!r}, "
                            f"{pair[1]}={cols[pair[1]][i]!r}) are missing or not numbers")
    return geoms


def _geoms_from_wkt(values: np.ndarray, column: str, problems: dict[int, str]) -> np.ndarray:
    text = np.array([v.strip() if isinstance(v, str) and v.strip() else None for v in values],
                    dtype=object)
    geoms = np.asarray(shapely.from_wkt(text, on_invalid="ignore"), dtype=object)
    for i in np.flatnonzero(np.array([g is None for g in geoms])):
        problems[int(i)] = (f"its {column} text is missing" if text[i] is None
                            else f"its {column} text is not valid WKT ({str(text[i])[:40]}…)")
    return geoms
