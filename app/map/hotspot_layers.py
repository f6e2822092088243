"""Hotspot results as map layers: class palettes, count breaks, the KDE cell layer.

Qt-free, like ``district_layers``: turns ``HotspotService`` results (Gi* classes, local
Moran clusters, counts/rates, density rasters) into ``ChoroplethLayer`` models. The UI
passes translated labels in where it has them; the defaults are the analytics' Chinese.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely

from app.analytics.hotspots import DensityRaster, HotspotClass, MoranClass
from app.map.layers import LayerList, LayerStyle
from app.map.layers.choropleth import NO_CLASS, ChoroplethLayer

HOTSPOT_LAYER = "hotspots"
KDE_LAYER = "hotspot_kde"

# Gi* classes hot 99 … cold 99 (legend order, top to bottom); ArcGIS Hot Spot Analysis hues
# (the HTML export uses the same). "Not significant" is a faint grey so the basemap shows.
GI_ORDER = (HotspotClass.HOT_99, HotspotClass.HOT_95, HotspotClass.HOT_90,
            HotspotClass.NOT_SIGNIFICANT,
            HotspotClass.COLD_90, HotspotClass.COLD_95, HotspotClass.COLD_99)
GI_COLOURS = {
    HotspotClass.HOT_99: "#d62f27e0", HotspotClass.HOT_95: "#ed7551d8",
    HotspotClass.HOT_90: "#fab984d0", HotspotClass.NOT_SIGNIFICANT: "#9e9e9e30",
    HotspotClass.COLD_90: "#c0ccbed0", HotspotClass.COLD_95: "#849ebad8",
    HotspotClass.COLD_99: "#4575b5e0",
}
MORAN_ORDER = (MoranClass.HIGH_HIGH, MoranClass.HIGH_LOW, MoranClass.LOW_HIGH,
               MoranClass.LOW_LOW, MoranClass.NOT_SIGNIFICANT)
MORAN_COLOURS = {
    MoranClass.HIGH_HIGH: "#d7191ce0", MoranClass.HIGH_LOW: "#fdae61d8",
    MoranClass.LOW_HIGH: "#abd9e9d8", MoranClass.LOW_LOW: "#2c7bb6e0",
    MoranClass.NOT_SIGNIFICANT: "#9e9e9e30",
}
# Sequential ramp (ColorBrewer YlOrRd 5) for counts and rates; zero is left unfilled.
RAMP = ("#ffffb2c8", "#fecc5cd0", "#fd8d3cd8", "#f03b20e0", "#bd0026e8")
KDE_RAMP = ("#fee5d960", "#fcae9190", "#fb6a4ab0", "#de2d26c8", "#a50f15e0")

OUTLINE = LayerStyle(pen_color="#60606080", line_width=0.5, label_color="#202020",
                     highlight_color="#00e5ff")


def gi_classes(classes: np.ndarray) -> np.ndarray:
    """Gi* class values (-3…3) → palette index in ``GI_ORDER``."""
    lut = {int(c): i for i, c in enumerate(GI_ORDER)}
    return np.array([lut[int(c)] for c in classes], dtype=np.int64)


def moran_classes(classes: np.ndarray) -> np.ndarray:
    lut = {int(c): i for i, c in enumerate(MORAN_ORDER)}
    return np.array([lut[int(c)] for c in classes], dtype=np.int64)


def gi_palette(labels: dict[HotspotClass, str] | None = None) -> tuple[list[str], list[str]]:
    return ([GI_COLOURS[c] for c in GI_ORDER],
            [(labels or {}).get(c, c.label_zh) for c in GI_ORDER])


def moran_palette(labels: dict[MoranClass, str] | None = None) -> tuple[list[str], list[str]]:
    return ([MORAN_COLOURS[c] for c in MORAN_ORDER],
            [(labels or {}).get(c, c.label_zh) for c in MORAN_ORDER])


def class_breaks(values: np.ndarray, k: int = 5) -> list[float]:
    """Upper bounds of up to ``k`` quantile classes of the positive values (ascending).

    Integer data (counts) get integer bounds, so a legend never reads "1.6–2.4 cases".
    """
    v = np.asarray(values, dtype=np.float64)
    pos = v[np.isfinite(v) & (v > 0)]
    if len(pos) == 0:
        return []
    qs = np.quantile(pos, np.linspace(1 / k, 1.0, k))
    if np.all(pos == np.round(pos)):
        qs = np.ceil(qs)
    return [float(b) for b in np.unique(qs)]


def classify(values: np.ndarray, breaks: Sequence[float]) -> np.ndarray:
    """Palette index in ``RAMP`` per value: ``NO_CLASS`` for 0/NaN, else the break class.

    Fewer breaks than ramp colours are spread over the whole ramp; values above the last
    break (a day busier than the breaks were cut for) take the darkest class.
    """
    v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
    out = np.full(len(v), NO_CLASS, dtype=np.int64)
    if not breaks:
        return out
    i = np.minimum(np.searchsorted(np.asarray(breaks), v, side="left"), len(breaks) - 1)
    k = np.round(i * (len(RAMP) - 1) / max(1, len(breaks) - 1)).astype(np.int64)
    pos = v > 0
    out[pos] = k[pos]
    return out


def ramp_labels(breaks: Sequence[float], integer: bool = True) -> list[str]:
    """Legend text per ``RAMP`` colour (empty for ramp colours no break maps to)."""
    labels = [""] * len(RAMP)
    lo = 1.0 if integer else 0.0
    for j, b in enumerate(breaks):
        k = round(j * (len(RAMP) - 1) / max(1, len(breaks) - 1))
        if integer:
            text = f"{lo:,.0f}" if lo == b else f"{lo:,.0f}–{b:,.0f}"
            lo = b + 1
        else:
            text = f"{lo:,.1f}–{b:,.1f}"
            lo = b
        labels[k] = text
    return labels


def choropleth(name: str, title: str, geoms: np.ndarray, ids: Sequence[str],
               classes: np.ndarray, colours: Sequence[str], labels: Sequence[str],
               values: np.ndarray | None = None) -> ChoroplethLayer:
    return ChoroplethLayer(name, title, geoms, list(ids), classes=classes, colors=colours,
                           class_labels=labels, values=values, style=OUTLINE)


def kde_layer(raster: DensityRaster, title: str, floor: float = 0.1,
              unit: str = "/km²") -> ChoroplethLayer:
    """The density raster as square cells above ``floor`` × peak, in 5 equal steps of
    the peak (quantile classes would paint the whole district dark: most cells are warm).

    Cells are polygons of a ``ChoroplethLayer`` (one path per class), not an image: the
    street raster is ~50 × 50 cells, a district's a few hundred per side, and below the
    floor nothing is drawn, so only the warm part of the district carries cells.
    """
    d = raster.density
    peak = float(d.max()) if d.size else 0.0
    if peak > 0:
        rows, cols = np.nonzero(d >= floor * peak)
    else:
        rows = cols = np.zeros(0, dtype=np.int64)
    x0 = raster.extent[0] + cols * raster.cell
    y0 = raster.extent[1] + rows * raster.cell
    geoms = shapely.box(x0, y0, x0 + raster.cell, y0 + raster.cell)
    vals = d[rows, cols]
    n = len(KDE_RAMP)
    edges = floor * peak + (peak - floor * peak) * np.arange(1, n + 1) / n
    cls = np.minimum(np.searchsorted(edges, vals, side="left"), n - 1).astype(np.int64)
    lows = np.concatenate(([floor * peak], edges[:-1]))
    labels = [f"{lo:,.0f}–{hi:,.0f}{unit}" for lo, hi in zip(lows, edges, strict=True)]
    return ChoroplethLayer(KDE_LAYER, title, np.asarray(geoms, dtype=object),
                           [f"{r},{c}" for r, c in zip(rows, cols, strict=True)],
                           classes=cls, colors=KDE_RAMP, class_labels=labels, values=vals,
                           style=LayerStyle(pen_color="#00000000", line_width=0.0))


def insert_above(layers: LayerList, layer: ChoroplethLayer, below: str = "grids") -> None:
    """Put ``layer`` just above ``below`` (or on top), replacing a layer of the same name."""
    if layer.name in layers:
        layers.remove(layer.name)
    index = layers.index(below) + 1 if below in layers else len(layers)
    layers.insert(index, layer)
