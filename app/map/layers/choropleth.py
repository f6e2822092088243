"""Choropleth layer: polygons filled by class, one colour per class (热力分级图).

``PolygonLayer`` has one fill for the whole layer; a thematic map needs a fill per
feature. Rather than a colour per feature (8,500 brushes, one path each), features carry a
class index into a short palette: the renderer draws one path per class, so a recolour
(a time-slider tick) swaps a few paths, never thousands of items.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from app.map.layers.polygon import PolygonLayer

NO_CLASS = -1  # a feature that is not filled (outline only)


class ChoroplethLayer(PolygonLayer):
    """Polygons coloured by class.

    Parameters
    ----------
    classes
        Class index per feature into ``colors`` (``NO_CLASS`` = not filled).
    colors
        Fill colour per class, ``'#rrggbb'`` or ``'#rrggbbaa'``.
    class_labels
        Legend text per class, same length as ``colors``.
    values
        Optional value per feature (count, rate, z) shown by the legend and identify.

    Events: ``events.classes`` fires after ``set_classes`` (the geometry is unchanged).
    """

    def __init__(self, name: str, title: str | None, geoms: np.ndarray | list[Any],
                 ids: list[str] | None = None, *, classes: Sequence[int] | np.ndarray,
                 colors: Sequence[str], class_labels: Sequence[str],
                 values: np.ndarray | None = None, **kwargs: Any) -> None:
        super().__init__(name, title, geoms, ids, **kwargs)
        self.events.add("classes")
        self._check_and_store(classes, colors, class_labels, values)

    def _check_and_store(self, classes: Sequence[int] | np.ndarray, colors: Sequence[str],
                         class_labels: Sequence[str], values: np.ndarray | None) -> None:
        cls = np.asarray(classes, dtype=np.int64)
        if cls.shape != (self.n_features,):
            raise ValueError(f"{self.name}: {len(cls)} classes for {self.n_features} features")
        if len(colors) != len(class_labels):
            raise ValueError(f"{self.name}: {len(colors)} colours, {len(class_labels)} labels")
        if len(cls) and (cls.max() >= len(colors) or cls.min() < NO_CLASS):
            raise ValueError(f"{self.name}: class index out of range 0…{len(colors) - 1}")
        self.classes = cls
        self.colors = tuple(str(c) for c in colors)
        self.class_labels = tuple(str(t) for t in class_labels)
        self.values = None if values is None else np.asarray(values, dtype=np.float64)

    def set_classes(self, classes: Sequence[int] | np.ndarray, colors: Sequence[str] | None = None,
                    class_labels: Sequence[str] | None = None,
                    values: np.ndarray | None = None) -> None:
        """Recolour the features (palette kept unless given); fires ``events.classes``."""
        self._check_and_store(classes, self.colors if colors is None else colors,
                              self.class_labels if class_labels is None else class_labels,
                              values)
        self.events.classes.emit(value=self.classes)

    def features_of_class(self, k: int) -> np.ndarray:
        return np.flatnonzero(self.classes == k)

    def legend(self) -> list[tuple[str, str, int]]:
        """``(colour, label, number of features)`` per class, palette order."""
        counts = np.bincount(self.classes[self.classes >= 0], minlength=len(self.colors))
        return [(c, t, int(n)) for c, t, n in zip(self.colors, self.class_labels, counts,
                                                   strict=True)]
