"""Hotspot use cases: counts and rates, Gi*, local Moran's I, kernel density, recurring
problems and daily series of a time window, and the offline HTML hotspot map.

``HotspotService`` joins the store's queries (``app.store.hotspot_queries``) to the pure
statistics (``app.analytics.hotspots``). It keeps the grid table and the contiguity weights
after the first use: they depend on the grids only, not on the window, so every later
window costs one grouped query plus the statistic (see ``benchmarks/run.py`` "gistar").
Call ``invalidate()`` after the grids change (an import).

Windows are given as dates, both ends included (``start=date(2026, 9, 1),
end=date(2026, 9, 30)`` is all of September), or as datetimes, end excluded.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from app.analytics import hotspots as hs
from app.paths import RESOURCES_DIR
from app.store import hotspot_queries as q
from app.store.store import Store

Progress = Callable[[float, str], None]

LEVELS = ("grid", "community", "street")
VALUES = ("count", "per_km2", "per_1000")

LEAFLET_DIR = RESOURCES_DIR / "leaflet"


def case_window(start: date | datetime, end: date | datetime, *, type_code: str | None = None,
                major: str | None = None, kind: str | None = None,
                source: str | None = None) -> q.CaseWindow:
    """The store's window for dates (end day included) or datetimes (end excluded)."""
    s = start if isinstance(start, datetime) else datetime.combine(start, time())
    e = end if isinstance(end, datetime) else datetime.combine(end + timedelta(days=1), time())
    if e <= s:
        raise ValueError(f"empty window: {start} – {end}")
    return q.CaseWindow(s, e, type_code=type_code or None, major=major or None,
                        kind=kind or None, source=source or None)


@dataclass(frozen=True)
class RecurringProblem:
    """A recurrence with its cases named by row id (see ``analytics.hotspots.Recurrence``)."""

    type_code: str
    grid_id: str | None
    x: float
    y: float
    first: datetime
    last: datetime
    case_ids: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.case_ids)


class HotspotService:
    """Hotspot analysis over one store; cheap to call repeatedly (see module docstring)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._grids: q.GridTable | None = None
        self._weights: hs.GridWeights | None = None

    # -- cached inputs ----------------------------------------------------------------

    def grids(self) -> q.GridTable:
        if self._grids is None:
            self._grids = q.grid_table(self.store.engine)
        return self._grids

    def weights(self) -> hs.GridWeights:
        """Queen contiguity of the grids (built on first use, ~1 s for a district)."""
        if self._weights is None:
            g = self.grids()
            self._weights = hs.contiguity_weights(g.geoms, list(g.ids))
        return self._weights

    def invalidate(self) -> None:
        """Forget the grids and weights (after the grid layer was replaced)."""
        self._grids = None
        self._weights = None

    # -- analyses ---------------------------------------------------------------------

    def grid_counts(self, start: date | datetime, end: date | datetime,
                    **filters: str | None) -> np.ndarray:
        """Cases per grid of the window, in ``grids().ids`` order."""
        ids, n = q.counts_by_grid(self.store.engine, case_window(start, end, **filters))
        return hs.count_by_key(ids, self.grids().ids, weights=n)

    def counts(self, start: date | datetime, end: date | datetime, *, level: str = "grid",
               **filters: str | None) -> hs.AreaCounts:
        """Counts and rates (per km², per 1,000 residents) per grid, community or street.

        Communities and streets add up their grids: counts, areas and residents alike, so
        a rate always has the same cases over the same ground and people.
        """
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}: one of {', '.join(LEVELS)}")
        g = self.grids()
        counts = self.grid_counts(start, end, **filters)
        area_km2 = g.area_m2 / 1e6
        if level == "grid":
            return hs.area_counts(g.ids, counts, area_km2, g.residents)
        parent = g.community_codes if level == "community" else g.street_codes
        codes = q.area_table(self.store.engine, level).codes
        return hs.area_counts(codes, hs.roll_up(counts, parent, codes),
                              hs.roll_up(area_km2, parent, codes),
                              hs.roll_up(g.residents, parent, codes))

    def _values(self, start: date | datetime, end: date | datetime, value: str,
                filters: dict[str, str | None]) -> np.ndarray:
        if value not in VALUES:
            raise ValueError(f"unknown value {value!r}: one of {', '.join(VALUES)}")
        c = self.counts(start, end, **filters)
        if value == "count":
            return c.counts.astype(np.float64)
        # Rates of grids without area or residents are NaN; they join the statistic as 0.
        rate = c.per_km2 if value == "per_km2" else c.per_1000_residents
        return np.nan_to_num(rate, nan=0.0)

    def gi_star(self, start: date | datetime, end: date | datetime, *, value: str = "count",
                permutations: int = 0, **filters: str | None) -> hs.GiStarResult:
        """Getis-Ord Gi* hot and cold spots of the grids (see ``analytics.hotspots.gi_star``)."""
        y = self._values(start, end, value, filters)
        return hs.gi_star(y, self.weights(), permutations=permutations)

    def local_moran(self, start: date | datetime, end: date | datetime, *,
                    value: str = "count", permutations: int = 999, alpha: float = 0.05,
                    **filters: str | None) -> hs.LocalMoranResult:
        """Local Moran's I clusters and outliers of the grids."""
        y = self._values(start, end, value, filters)
        return hs.local_moran(y, self.weights(), permutations=permutations, alpha=alpha)

    def kde(self, start: date | datetime, end: date | datetime, *, bandwidth: float = 300.0,
            cell: float | None = None, extent: tuple[float, float, float, float] | None = None,
            **filters: str | None) -> hs.DensityRaster:
        """Kernel density of the window's cases (display metres, cases per km²)."""
        pts = q.case_points(self.store.engine, case_window(start, end, **filters))
        if len(pts) == 0 and extent is None:
            g = self.grids()
            if len(g) == 0:
                raise ValueError("no cases and no grids: nothing to map")
            from app.gis import crs

            lon0, lat0, lon1, lat1 = (float(v) for v in _bounds(g.geoms))
            x, y = crs.to_projected([lon0, lon1], [lat0, lat1])
            extent = (min(x), min(y), max(x), max(y))
        return hs.kernel_density(pts.x, pts.y, bandwidth=bandwidth, cell=cell, extent=extent)

    def recurring(self, start: date | datetime, end: date | datetime, *, min_count: int = 3,
                  within_days: float = 30.0, radius_m: float | None = None,
                  **filters: str | None) -> list[RecurringProblem]:
        """Same type at the same place (grid, or within ``radius_m``) ``min_count`` times
        within ``within_days``; largest first."""
        pts = q.case_points(self.store.engine, case_window(start, end, **filters))
        found = hs.find_recurring(pts.type_codes, pts.times, grid_ids=pts.grid_ids,
                                  x=pts.x, y=pts.y, min_count=min_count,
                                  within_days=within_days, radius_m=radius_m)
        return [RecurringProblem(r.type_code, r.grid_id, r.x, r.y,
                                 r.first.astype("datetime64[s]").astype(datetime),
                                 r.last.astype("datetime64[s]").astype(datetime),
                                 tuple(int(i) for i in pts.ids[r.members]))
                for r in found]

    def daily(self, start: date | datetime, end: date | datetime,
              **filters: str | None) -> q.DailyCounts:
        """Cases per grid and day (one grouped query), columns in ``grids().ids`` order."""
        return q.daily_counts(self.store.engine, case_window(start, end, **filters),
                              list(self.grids().ids))


def _bounds(geoms: np.ndarray) -> np.ndarray:
    import shapely

    b = shapely.bounds(geoms)
    return np.array([np.nanmin(b[:, 0]), np.nanmin(b[:, 1]), np.nanmax(b[:, 2]),
                     np.nanmax(b[:, 3])])


# --- offline HTML map ----------------------------------------------------------------------

# ArcGIS Hot Spot Analysis colours, cold 99 % … hot 99 %.
HOTSPOT_COLOURS: dict[int, str] = {-3: "#4575b5", -2: "#849eba", -1: "#c0ccbe", 0: "#f2f2ee",
                                   1: "#fab984", 2: "#ed7551", 3: "#d62f27"}
COUNT_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")

# A resource the page would fetch: script/link/img… pointing at a URL, CSS url()/@import.
# (A plain <a href> is a link the reader may follow, not something the page loads.)
_REMOTE_RESOURCE = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object|image)\b[^>]*?"
    r"\b(?:src|href|data|xlink:href)\s*=\s*[\"']?\s*(?:https?:)?//"
    r"|url\(\s*[\"']?\s*(?:https?:)?//"
    r"|@import\s+(?:url\()?\s*[\"']?\s*(?:https?:)?//",
    re.IGNORECASE)


def remote_resources(page: str) -> list[str]:
    """The remote resource references in an HTML page (empty for a self-contained one)."""
    return [m.group(0) for m in _REMOTE_RESOURCE.finditer(page)]


def _leaflet_inline() -> tuple[str, str]:
    """Leaflet 1.9.4 (BSD-2, vendored in resources/leaflet) as inline JS and CSS, the
    CSS's images as data: URIs."""
    js = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    css = (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(m: re.Match[str]) -> str:
        path = LEAFLET_DIR / m.group(1)
        b64 = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{b64})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)
    # Inline text must not close its own element early.
    return js.replace("</script", "<\\/script"), css.replace("</style", "<\\/style")


def _features(geoms: np.ndarray, props: list[dict[str, Any]]) -> dict[str, Any]:
    import shapely

    # 6 decimals ≈ 0.1 m: plenty for a grid map, and a third of the file size of full floats.
    # Pointwise: only the coordinates are rounded. The default mode repairs topology and
    # collapses sliver grids (4 of the district's 8,525) to empty, dropping them from the map.
    rounded = shapely.set_precision(geoms, 1e-6, mode="pointwise")
    feats = [{"type": "Feature", "properties": p,
              "geometry": json.loads(shapely.to_geojson(g))}
             for g, p in zip(rounded, props, strict=True) if g is not None and not g.is_empty]
    return {"type": "FeatureCollection", "features": feats}


def _count_breaks(counts: np.ndarray) -> list[int]:
    """Upper bounds of 5 quantile classes of the grids that have cases."""
    pos = counts[counts > 0]
    if len(pos) == 0:
        return []
    qs = np.unique(np.ceil(np.quantile(pos, [0.2, 0.4, 0.6, 0.8, 1.0])).astype(int))
    return [int(v) for v in qs]


def _count_colour(n: int, breaks: list[int]) -> str:
    if n <= 0 or not breaks:
        return "#ffffff"
    i = int(np.searchsorted(breaks, n, side="left"))
    # Spread fewer than 5 classes over the whole ramp.
    k = round(i * (len(COUNT_COLOURS) - 1) / max(1, len(breaks) - 1))
    return COUNT_COLOURS[min(k, len(COUNT_COLOURS) - 1)]


def _fmt(v: float, nd: int = 2) -> str:
    return "–" if not np.isfinite(v) else f"{v:,.{nd}f}"


def export_hotspot_map(store: Store, start: date, end: date, out: str | Path, *,
                       type_code: str | None = None, source: str | None = None,
                       progress: Progress | None = None) -> Path:
    """Write a self-contained HTML hotspot map of ``start`` … ``end`` (both days included).

    One layer of unit grids coloured by Getis-Ord Gi* class (hot/cold at 99/95/90 %) or,
    switched in the legend, by case count (quantile classes), with a popup per grid
    (counts, rates, z, p); street and district outlines; a legend and a title. No tiles
    and no CDN: Leaflet is inlined from ``resources/leaflet``, so the file opens with
    no network. Lon/lat are CGCS2000, drawn as WGS 84 (they differ by under a metre).
    """
    import folium
    import shapely
    from folium.template import Template

    def step(f: float, msg: str) -> None:
        if progress is not None:
            progress(f, msg)

    out = Path(out)
    svc = HotspotService(store)
    filters: dict[str, str | None] = {"type_code": type_code, "source": source}
    step(0.0, "读取单元网格")
    grids = svc.grids()
    if len(grids) == 0:
        raise ValueError("the store has no unit grids: seed or import them first")
    step(0.1, "统计案件")
    c = svc.counts(start, end, **filters)
    step(0.25, "构建网格邻接")
    svc.weights()
    step(0.5, "计算 Gi* 热点")
    gi = hs.gi_star(c.counts.astype(np.float64), svc.weights())
    step(0.6, "生成地图")
    comm = q.area_table(store.engine, "community")
    streets = q.area_table(store.engine, "street", with_geoms=True)
    comm_names = dict(zip(comm.codes, comm.names, strict=True))
    street_names = dict(zip(streets.codes, streets.names, strict=True))
    breaks = _count_breaks(c.counts)
    per_km2, per_1000 = c.per_km2, c.per_1000_residents
    props = []
    for i, gid in enumerate(grids.ids):
        cls = int(gi.classes[i])
        n = int(c.counts[i])
        # Short keys: 8,500 grids × every key name adds up; the popup shows aliases.
        props.append({
            "id": str(gid), "nm": str(grids.names[i] or ""),
            "cm": str(comm_names.get(grids.community_codes[i], "")),
            "st": str(street_names.get(grids.street_codes[i], "")),
            "n": n, "d": _fmt(per_km2[i], 1), "r": _fmt(per_1000[i], 1),
            "z": _fmt(gi.z[i]), "p": _fmt(gi.p[i], 4), "c": hs.HotspotClass(cls).label_zh,
            "gc": HOTSPOT_COLOURS[cls], "cc": _count_colour(n, breaks),
        })
    fc = _features(grids.geoms, props)
    minx, miny, maxx, maxy = _bounds(grids.geoms)
    district = q.district_outline(store.engine)

    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=12,
                   tiles=None, control_scale=True, prefer_canvas=False)
    # No CDN: drop folium's links (Leaflet, jQuery, Bootstrap, fonts) and inline Leaflet.
    # Nothing on this page uses jQuery, Bootstrap or awesome-markers.
    m.default_js = []
    m.default_css = []
    js, css = _leaflet_inline()
    root = m.get_root()
    root.header.add_child(folium.Element(f"<style>{css}</style>"), name="leaflet_css_inline")
    root.header.add_child(folium.Element(f"<script>{js}</script>"), name="leaflet_js_inline")
    root.header.add_child(folium.Element(_PAGE_CSS), name="citygrid_css")

    grid_layer = folium.GeoJson(
        fc, name="单元网格", show=True,
        style_function=lambda f: {"fillColor": f["properties"]["gc"], "color": "#888888",
                                  "weight": 0.3, "fillOpacity": 0.8},
        highlight_function=lambda f: {"weight": 2, "color": "#222222"},
        popup=folium.GeoJsonPopup(
            fields=["id", "nm", "cm", "st", "n", "d", "r", "z", "p", "c"],
            aliases=["网格编码", "网格名称", "社区", "街道", "案件数", "每平方公里",
                     "每千常住人口", "Gi* z 值", "p 值", "Gi* 分类"], localize=False),
        tooltip=folium.GeoJsonTooltip(fields=["id", "n", "c"],
                                      aliases=["网格", "案件数", "分类"]),
    )
    grid_layer.add_to(m)
    outline_props = [{"nm": str(name)} for name in streets.names]
    assert streets.geoms is not None
    folium.GeoJson(
        _features(shapely.boundary(streets.geoms), outline_props), name="街道界线",
        style_function=lambda f: {"color": "#333333", "weight": 1.5, "fill": False},
        tooltip=folium.GeoJsonTooltip(fields=["nm"], aliases=["街道"]),
    ).add_to(m)
    if district is not None and district[2] is not None:
        folium.GeoJson(
            _features(np.array([shapely.boundary(district[2])]), [{"nm": district[1]}]),
            name="区界", interactive=False,
            style_function=lambda f: {"color": "#000000", "weight": 3, "fill": False},
        ).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    switch = folium.MacroElement()
    switch._template = Template(
        "{% macro script(this, kwargs) %}" + _MODE_SWITCH_JS.replace(
            "GRID_LAYER", grid_layer.get_name()) + "{% endmacro %}")
    m.add_child(switch)

    title = _title(store, start, end, type_code, source, c.total, gi)
    root.html.add_child(folium.Element(title + _legend(breaks)), name="citygrid_legend")
    step(0.85, "写出 HTML")
    page = _unescape_cjk(root.render())
    remote = remote_resources(page)
    if remote:  # a folium upgrade brought a CDN link back: fail rather than ship it
        raise RuntimeError(f"hotspot map would load remote resources: {remote[:3]}")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    step(1.0, "完成")
    return out


# \uXXXX of a CJK ideograph (U+4000–9FFF), CJK punctuation (U+3000–303F) or a full-width
# form (U+FF00–FFEF), not preceded by a backslash (then it would be an escaped backslash).
_CJK_ESCAPE = re.compile(r"(?<!\\)(?:\\u(?:30[0-3][0-9a-fA-F]|[4-9][0-9a-fA-F]{3}"
                         r"|[fF][fF][0-9a-eA-E][0-9a-fA-F]))+")


def _unescape_cjk(page: str) -> str:
    """Turn JSON's escapes of Chinese text back into characters: half the bytes for the
    names, and the page is UTF-8 anyway. Never touches an escaped backslash or a line
    separator (U+2028, which older JavaScript does not allow in a string)."""
    # One callback per run of escapes (a name), not per character.
    return _CJK_ESCAPE.sub(lambda mt: json.loads(f'"{mt.group(0)}"'), page)


_PAGE_CSS = """<style>
.cg-panel {position: fixed; z-index: 1000; background: rgba(255,255,255,0.92);
  padding: 6px 10px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3);
  font: 12px/1.4 "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif;}
.cg-title {top: 10px; left: 60px;}
.cg-title b {font-size: 14px;}
.cg-legend {bottom: 30px; right: 10px;}
.cg-legend i {display: inline-block; width: 14px; height: 12px; margin-right: 6px;
  vertical-align: middle; border: 1px solid #999;}
</style>"""

# Switches the grid layer between Gi* and count colours. options.style is replaced too:
# the highlight's mouseout calls resetStyle, which restyles from it.
_MODE_SWITCH_JS = """
(function () {
    var layer = GRID_LAYER;
    function setMode(mode) {
        var key = mode === "count" ? "cc" : "gc";
        var style = function (f) {
            return {fillColor: f.properties[key], color: "#888888", weight: 0.3,
                    fillOpacity: 0.8};
        };
        layer.options.style = style;
        layer.setStyle(style);
        document.getElementById("cg-legend-gi").style.display =
            mode === "count" ? "none" : "";
        document.getElementById("cg-legend-count").style.display =
            mode === "count" ? "" : "none";
    }
    document.querySelectorAll("input[name=cg-mode]").forEach(function (el) {
        el.addEventListener("change", function () { setMode(el.value); });
    });
})();
"""


def _title(store: Store, start: date, end: date, type_code: str | None, source: str | None,
           total: int, gi: hs.GiStarResult) -> str:
    district = q.district_outline(store.engine)
    name = district[1] if district else "CityGrid"
    what = []
    if type_code:
        what.append(f"类别 {type_code}")
    if source:
        what.append(f"来源 {source}")
    hot = int((gi.classes > 0).sum())
    cold = int((gi.classes < 0).sum())
    return (f'<div class="cg-panel cg-title"><b>{html.escape(name)} 案件热点分析（Getis-Ord Gi*）'
            f"</b><br>{start:%Y-%m-%d} 至 {end:%Y-%m-%d}，{total:,} 件"
            f"{'，' + html.escape('，'.join(what)) if what else ''}<br>"
            f"热点网格 {hot:,}，冷点网格 {cold:,}（共 {len(gi.ids):,} 个网格，Queen 邻接）</div>")


def _legend(breaks: list[int]) -> str:
    gi_rows = "".join(f'<div><i style="background:{HOTSPOT_COLOURS[c.value]}"></i>'
                      f"{html.escape(c.label_zh)}</div>"
                      for c in sorted(hs.HotspotClass, key=lambda c: -c.value))
    lo = 1
    count_rows = ['<div><i style="background:#ffffff"></i>0</div>']
    for b in breaks:
        label = f"{lo}" if lo == b else f"{lo}–{b}"
        count_rows.append(f'<div><i style="background:{_count_colour(b, breaks)}"></i>'
                          f"{label}</div>")
        lo = b + 1
    return ('<div class="cg-panel cg-legend">'
            '<label><input type="radio" name="cg-mode" value="gi" checked> Gi* 分类</label> '
            '<label><input type="radio" name="cg-mode" value="count"> 案件数</label>'
            f'<div id="cg-legend-gi">{gi_rows}</div>'
            f'<div id="cg-legend-count" style="display:none">{"".join(count_rows)}</div>'
            "</div>")
