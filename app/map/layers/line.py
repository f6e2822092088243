"""Line layer: roads, drawn wider by class, minor classes hidden when zoomed out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely

from app.map.layers._geometry import GeometryLayer


class LineLayer(GeometryLayer):
    """LineStrings/MultiLineStrings with a road class (0 = most important).

    ``class_widths[c]`` is the pen width in pixels of class ``c``;
    ``class_max_view_width[c]`` hides class ``c`` when the view is wider (None: always).
    """

    _polygonal = False

    def __init__(
        self,
        name: str,
        title: str | None,
        geoms: np.ndarray | list[Any],
        road_class: np.ndarray | None = None,
        ids: list[str] | None = None,
        labels: list[str] | None = None,
        attrs: dict[str, np.ndarray] | None = None,
        *,
        class_widths: Sequence[float] = (3.0, 2.0, 1.0),
        class_max_view_width: Sequence[float | None] = (None, 20_000.0, 6_000.0),
        **kwargs: Any,
    ) -> None:
        self.class_widths = list(class_widths)
        self.class_max_view_width = list(class_max_view_width)
        self._set_classes(len(geoms), road_class)
        super().__init__(name, title, geoms, ids, labels, attrs, **kwargs)

    def _set_classes(self, n: int, road_class: np.ndarray | None) -> None:
        self.road_class = (
            np.zeros(n, dtype=np.int64) if road_class is None else np.asarray(road_class, dtype=np.int64)
        )
        if len(self.road_class) != n:
            raise ValueError("road_class length must equal number of geometries")
        ncls = int(self.road_class.max()) + 1 if n else 1
        # Pad per-class settings so every class present has a width and a range.
        while len(self.class_widths) < ncls:
            self.class_widths.append(self.class_widths[-1] if self.class_widths else 1.0)
        while len(self.class_max_view_width) < ncls:
            self.class_max_view_width.append(
                self.class_max_view_width[-1] if self.class_max_view_width else None
            )

    def set_data(  # type: ignore[override]
        self,
        geoms: np.ndarray | list[Any],
        road_class: np.ndarray | None = None,
        ids: list[str] | None = None,
        labels: list[str] | None = None,
        attrs: dict[str, np.ndarray] | None = None,
    ) -> None:
        self._set_classes(len(geoms), road_class)
        super().set_data(geoms, ids, labels, attrs)

    @property
    def n_classes(self) -> int:
        return len(self.class_widths)

    def class_visible_at(self, cls: int, view_width: float) -> bool:
        limit = self.class_max_view_width[cls]
        return limit is None or view_width <= limit

    def feature_at(self, x: float, y: float, tolerance: float = 10.0) -> int | None:
        """Nearest line within ``tolerance`` metres, or None."""
        idx = self.tree.query_nearest(shapely.Point(x, y), max_distance=tolerance, all_matches=False)
        return int(idx[0]) if len(idx) else None
