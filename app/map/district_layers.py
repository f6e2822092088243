"""The demo/production layer stack: basemap, admin levels, parts and cases.

Turns ``services.map_data`` arrays into layer models with the house style. Qt-free; the
UI passes translated titles in.
"""

from __future__ import annotations

import numpy as np

from app.domain.case import CaseState, Urgency
from app.map.layers import LayerList, LayerStyle, LineLayer, PointLayer, PolygonLayer
from app.services.map_data import MapData
from app.store.repositories import PointArrays

# Major part classes 01–05 (GB/T 47678.5-2026), colour-blind-safe-ish categorical palette.
PART_PALETTE = [(31, 119, 180), (255, 127, 14), (148, 103, 189), (44, 160, 44),
                (127, 127, 127)]
# Case states in CaseState order: warm colours wait on the centre, blues are with a
# department, purple waits for a check, brown is parked, closed ones are muted.
CASE_STATE_COLOURS: dict[CaseState, tuple[int, int, int]] = {
    CaseState.DRAFT: (158, 158, 158),
    CaseState.REPORTED: (255, 193, 7),
    CaseState.VERIFYING: (255, 152, 0),
    CaseState.REGISTERED: (255, 111, 0),
    CaseState.FILED: (229, 57, 53),
    CaseState.DISPATCHED: (30, 136, 229),
    CaseState.HANDLED: (142, 36, 170),
    CaseState.CHECKING: (94, 53, 177),
    CaseState.CHECKED: (0, 137, 123),
    CaseState.PARKED: (121, 85, 72),
    CaseState.CLOSED: (67, 160, 71),
    CaseState.VOID: (189, 189, 189),
}
URGENCY_SIZE = {Urgency.NORMAL: 6.0, Urgency.HIGH: 8.0, Urgency.URGENT: 11.0}

LAYER_ORDER = ("blocks", "roads", "streets", "communities", "grids", "parts", "cases")


def part_layer(parts: PointArrays, title: str, labels: list[str]) -> PointLayer:
    major = parts.attrs["major"].astype(np.int64) - 1
    return PointLayer("parts", title, parts.x, parts.y, np.clip(major, 0, 4), PART_PALETTE,
                      labels, ids=parts.rowid, style=LayerStyle(point_size=5.0), opacity=0.6)


def case_layer_data(cases: PointArrays) -> tuple[np.ndarray, np.ndarray]:
    sizes = np.array([URGENCY_SIZE[u] for u in Urgency])
    return cases.attrs["state"].astype(np.int64), sizes[cases.attrs["urgency"].astype(np.int64)]


def build_layers(data: MapData, titles: dict[str, str], state_labels: list[str],
                 part_labels: list[str]) -> LayerList:
    """Layers bottom to top; parts are added later by ``part_layer`` when loaded."""
    layers = LayerList()
    layers.append(PolygonLayer(
        "blocks", titles["blocks"], data.blocks.geoms, data.blocks.ids,
        style=LayerStyle(pen_color="#d9d0c4", fill_color="#e8e0d5"), max_view_width=9_000.0))
    layers.append(LineLayer(
        "roads", titles["roads"], data.roads.geoms, data.roads.attrs["road_class"],
        data.roads.ids, labels=data.roads.names,
        style=LayerStyle(pen_color="#ffffff", label_color="#6b6b6b")))
    layers.append(PolygonLayer(
        "streets", titles["streets"], data.streets.geoms, data.streets.ids,
        labels=data.streets.names, show_labels=True,
        style=LayerStyle(pen_color="#7a4f9a", fill_color="#7a4f9a10", line_width=2.2,
                         label_color="#4a2a66")))
    layers.append(PolygonLayer(
        "communities", titles["communities"], data.communities.geoms, data.communities.ids,
        labels=[n.replace("社区居委会", "社区").replace("村委会", "村")
                for n in data.communities.names],
        style=LayerStyle(pen_color="#c0392b", line_width=1.2, label_color="#8e2a20"),
        max_view_width=25_000.0))
    layers.append(PolygonLayer(
        "grids", titles["grids"], data.grids.geoms, data.grids.ids,
        labels=[g[-3:] for g in data.grids.ids],
        style=LayerStyle(pen_color="#2c7fb8", line_width=0.8, label_color="#1d5a85"),
        max_view_width=12_000.0))
    cat, size = case_layer_data(data.cases)
    layers.append(PointLayer(
        "cases", titles["cases"], data.cases.x, data.cases.y, cat,
        [CASE_STATE_COLOURS[s] for s in CaseState], state_labels, size=size,
        ids=data.cases.rowid, style=LayerStyle(point_size=8.0, pen_color="#202020")))
    return layers


def insert_parts(layers: LayerList, parts: PointArrays, title: str,
                 labels: list[str]) -> PointLayer:
    """Put the parts layer under the cases layer."""
    layer = part_layer(parts, title, labels)
    names = [lyr.name for lyr in layers]
    layers.insert(names.index("cases") if "cases" in names else len(names), layer)
    return layer


def patch_case_layer(layer: PointLayer, changed: PointArrays) -> None:
    """Apply a live update: drop the ``changed`` cases from the open-cases layer and put
    back those still open with their new state (rowids stay in ascending order)."""
    ids = np.asarray(layer.ids if layer.ids is not None else [], dtype=np.int64)
    keep = ~np.isin(ids, changed.rowid)
    open_codes = np.array([i for i, s in enumerate(CaseState) if s.is_open], dtype=np.int64)
    new = np.isin(changed.attrs["state"].astype(np.int64), open_codes)
    cat_new, size_new = case_layer_data(PointArrays(
        changed.rowid[new], changed.x[new], changed.y[new],
        {k: v[new] for k, v in changed.attrs.items()}))
    rowid = np.concatenate([ids[keep], changed.rowid[new]])
    order = np.argsort(rowid, kind="stable")
    size_old = (np.asarray(layer.size)[keep] if layer.size is not None
                else np.full(int(keep.sum()), 1.0, np.float32))
    layer.set_data(np.concatenate([np.asarray(layer.x)[keep], changed.x[new]])[order],
                   np.concatenate([np.asarray(layer.y)[keep], changed.y[new]])[order],
                   np.concatenate([np.asarray(layer.category)[keep], cat_new])[order],
                   size=np.concatenate([size_old, size_new])[order], ids=rowid[order])


def index_of_rowid(layer: PointLayer, rowid: int) -> int | None:
    """Parts and cases layers carry the store's rowids as ids, in ascending order."""
    ids = np.asarray(layer.ids)
    i = int(np.searchsorted(ids, rowid))
    return i if i < len(ids) and int(ids[i]) == int(rowid) else None
