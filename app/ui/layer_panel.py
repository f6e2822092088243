"""Layer panel: visibility, order, opacity, labels and colour per layer."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

import numpy as np

from app.map.layers import Layer, LayerList, PointLayer


class LayerPanel(QWidget):
    zoom_to_layer = Signal(str)  # layer name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layers: LayerList | None = None
        self.list = QListWidget()
        self.list.setObjectName("layerList")
        self.list.itemChanged.connect(self._on_item_changed)
        self.list.currentRowChanged.connect(self._on_current_changed)
        self.list.itemDoubleClicked.connect(lambda it: self.zoom_to_layer.emit(it.data(Qt.UserRole)))

        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setObjectName("opacitySlider")
        self.opacity.valueChanged.connect(self._on_opacity)
        self.labels = QCheckBox(self.tr("Show labels"))
        self.labels.setObjectName("labelsCheck")
        self.labels.toggled.connect(self._on_labels)
        self.colour = QPushButton(self.tr("Colour…"))
        self.colour.setObjectName("colourButton")
        self.colour.clicked.connect(self._on_colour)
        self.zoom = QPushButton(self.tr("Zoom to layer"))
        self.zoom.setObjectName("zoomLayerButton")
        self.zoom.clicked.connect(self._on_zoom)
        self.up = QPushButton("▲")
        self.up.setToolTip(self.tr("Move layer up"))
        self.up.clicked.connect(lambda: self._move(+1))
        self.down = QPushButton("▼")
        self.down.setToolTip(self.tr("Move layer down"))
        self.down.clicked.connect(lambda: self._move(-1))
        for b in (self.up, self.down):
            b.setMaximumWidth(34)

        self.legend = QLabel()
        self.legend.setObjectName("legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Opacity"), self.opacity)
        form.addRow(self.labels)
        row = QHBoxLayout()
        for b in (self.colour, self.zoom, self.up, self.down):
            row.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.legend)
        lay.addLayout(form)
        lay.addLayout(row)
        self._sync_controls()

    # The list shows the top layer first, as GIS users expect.
    def set_layers(self, layers: LayerList) -> None:
        if self.layers is not None:
            self.layers.events.changed.disconnect(self._rebuild)
        self.layers = layers
        layers.events.changed.connect(self._rebuild)
        self._rebuild()

    def _rebuild(self, *_: object) -> None:
        current = self.current_layer()
        self.list.blockSignals(True)
        self.list.clear()
        for layer in reversed(list(self.layers or [])):
            it = QListWidgetItem(layer.title)
            it.setData(Qt.UserRole, layer.name)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked)
            self.list.addItem(it)
            if current is not None and layer.name == current.name:
                self.list.setCurrentItem(it)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        self._sync_controls()

    def item_for(self, name: str) -> QListWidgetItem | None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.UserRole) == name:
                return self.list.item(i)
        return None

    def current_layer(self) -> Layer | None:
        it = self.list.currentItem()
        if it is None or self.layers is None:
            return None
        return self.layers[it.data(Qt.UserRole)]

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        if self.layers is not None:
            self.layers[item.data(Qt.UserRole)].visible = (
                item.checkState() == Qt.CheckState.Checked)

    def _on_current_changed(self, _row: int) -> None:
        self._sync_controls()

    def _sync_controls(self) -> None:
        layer = self.current_layer()
        for w in (self.opacity, self.labels, self.colour, self.zoom, self.up, self.down):
            w.setEnabled(layer is not None)
        self.legend.setText(self._legend_html(layer))
        if layer is None:
            return
        self.opacity.blockSignals(True)
        self.opacity.setValue(round(layer.opacity * 100))
        self.opacity.blockSignals(False)
        self.labels.blockSignals(True)
        self.labels.setChecked(layer.show_labels)
        self.labels.blockSignals(False)

    @staticmethod
    def _legend_html(layer: Layer | None) -> str:
        """Colour swatches of a categorised point layer (part classes, case states)."""
        if not isinstance(layer, PointLayer) or not layer.category_labels:
            return ""
        present = set(np.unique(layer.category).tolist()) if layer.n_features else set()
        rows = []
        for i, label in enumerate(layer.category_labels):
            if i not in present or i >= len(layer.palette):
                continue
            r, g, b = layer.palette[i][:3]
            rows.append(f"<span style='color:rgb({r},{g},{b}); font-size:14pt'>●</span> {label}")
        return "<br>".join(rows)

    def _on_opacity(self, value: int) -> None:
        layer = self.current_layer()
        if layer is not None:
            layer.opacity = value / 100

    def _on_labels(self, on: bool) -> None:
        layer = self.current_layer()
        if layer is not None:
            layer.show_labels = on

    def _on_colour(self) -> None:
        layer = self.current_layer()
        if layer is None:
            return
        c = QColorDialog.getColor(QColor(layer.style.pen_color), self, self.tr("Layer colour"))
        if c.isValid():
            self.set_colour(layer, c.name())

    @staticmethod
    def set_colour(layer: Layer, colour: str) -> None:
        fill = layer.style.fill_color
        # Keep the fill's transparency, change its hue with the outline.
        new_fill = None if not fill else colour + (fill[7:] if len(fill) == 9 else "")
        layer.style = layer.style.with_(pen_color=colour, fill_color=new_fill)

    def _on_zoom(self) -> None:
        layer = self.current_layer()
        if layer is not None:
            self.zoom_to_layer.emit(layer.name)

    def _move(self, step: int) -> None:
        layer = self.current_layer()
        if layer is None or self.layers is None:
            return
        names = [lyr.name for lyr in self.layers]
        i = names.index(layer.name)
        j = i + step
        if 0 <= j < len(names):
            self.layers.move(i, j)
