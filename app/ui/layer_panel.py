"""Layer panel: visibility, order, opacity, labels and colour per layer; tile basemaps.

“Add basemap…” puts a tile basemap (``TileLayer``) at the bottom of the list, under every
vector layer. The demo's generated blocks, an opaque fill that would cover it, are hidden
meanwhile (not removed: tick them to see them again) and shown again when the last
basemap is removed. Warnings (a GCJ-02 basemap over CGCS2000 data) and a basemap's state
(a failing tile server, zoom in to see it) appear under the list, never as a modal box.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QDialog,
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

from app.gis.tiles import TileSource
from app.map.layers import Layer, LayerList, PointLayer, TileLayer
from app.map.layers.events import Event
from app.ui.basemap_dialog import BasemapDialog, gcj02_warning

# Demo layers that stand in for a basemap and hide one when they are drawn opaque on top.
GENERATED_BASEMAP = ("blocks",)
_WARN_STYLE = "color: #a15c00;"


class LayerPanel(QWidget):
    zoom_to_layer = Signal(str)  # layer name
    basemap_added = Signal(object)  # the new TileLayer (already in the list, at the bottom)
    basemap_removed = Signal(str)  # name of the removed basemap layer

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
        self.add_basemap_button = QPushButton(self.tr("Add basemap…"))
        self.add_basemap_button.setObjectName("addBasemapButton")
        self.add_basemap_button.setToolTip(
            self.tr("Add a basemap from an MBTiles or PMTiles file or an intranet tile server"))
        self.add_basemap_button.clicked.connect(self.open_basemap_dialog)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setObjectName("removeLayerButton")
        self.remove_button.setToolTip(self.tr("Remove the selected basemap from the map"))
        self.remove_button.clicked.connect(self._on_remove)
        self.basemap_status = QLabel()
        self.basemap_status.setObjectName("basemapStatus")
        self.basemap_status.setWordWrap(True)
        self.basemap_status.setStyleSheet(_WARN_STYLE)
        self.basemap_status.hide()
        self.tile_cache_dir: str | None = None  # None: the user's cache directory
        self._notes: dict[str, str] = {}  # basemap name → lasting warning (GCJ-02)
        self._hidden_for_basemap: list[str] = []  # generated layers we hid

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
        basemap_row = QHBoxLayout()
        basemap_row.addWidget(self.add_basemap_button, 1)
        basemap_row.addWidget(self.remove_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.legend)
        lay.addLayout(form)
        lay.addLayout(row)
        lay.addLayout(basemap_row)
        lay.addWidget(self.basemap_status)
        self._sync_controls()

    # The list shows the top layer first, as GIS users expect.
    def set_layers(self, layers: LayerList) -> None:
        if self.layers is not None:
            self.layers.events.changed.disconnect(self._rebuild)
            for layer in self.layers:
                if isinstance(layer, TileLayer):
                    layer.events.status.disconnect(self._on_basemap_status)
        self.layers = layers
        self._notes.clear()
        self._hidden_for_basemap.clear()
        layers.events.changed.connect(self._rebuild)
        for layer in layers:
            if isinstance(layer, TileLayer):
                layer.events.status.connect(self._on_basemap_status)
        self._rebuild()
        self._update_basemap_status()

    def _rebuild(self, *_: object) -> None:
        current = self.current_layer()
        self.list.blockSignals(True)
        self.list.clear()
        for layer in reversed(list(self.layers or [])):
            it = QListWidgetItem(layer.title)
            it.setData(Qt.UserRole, layer.name)
            if isinstance(layer, TileLayer):
                it.setToolTip(layer.source.describe())
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked)
            self.list.addItem(it)
            if current is not None and layer.name == current.name:
                self.list.setCurrentItem(it)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.list.blockSignals(False)
        self._sync_controls()

    def sync_checks(self) -> None:
        """Show the layers' current visibility (a panel switched layers on or off itself)."""
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            it = self.list.item(i)
            name = it.data(Qt.UserRole)
            if self.layers is not None and name in self.layers:
                it.setCheckState(Qt.CheckState.Checked if self.layers[name].visible
                                 else Qt.CheckState.Unchecked)
        self.list.blockSignals(False)

    def item_for(self, name: str) -> QListWidgetItem | None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.UserRole) == name:
                return self.list.item(i)
        return None

    def current_layer(self) -> Layer | None:
        it = self.list.currentItem()
        if it is None or self.layers is None:
            return None
        return self.layers.get(it.data(Qt.UserRole))  # None while a removed row is listed

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
        is_tiles = isinstance(layer, TileLayer)
        # A raster basemap has no outline colour and no labels of its own.
        self.labels.setEnabled(layer is not None and not is_tiles)
        self.colour.setEnabled(layer is not None and not is_tiles)
        self.zoom.setEnabled(layer is not None and (not is_tiles or layer.bounds() is not None))
        self.remove_button.setEnabled(is_tiles)
        self.add_basemap_button.setEnabled(self.layers is not None)
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

    # -- basemaps -------------------------------------------------------------------------
    def open_basemap_dialog(self) -> TileLayer | None:
        """Ask for a tile file or server and add it; None when cancelled."""
        dlg = BasemapDialog(self, cache_dir=self.tile_cache_dir)
        if dlg.exec() != QDialog.DialogCode.Accepted or dlg.source is None:
            return None
        return self.add_basemap(dlg.source)

    def add_basemap(self, source: TileSource, title: str | None = None) -> TileLayer:
        """Put ``source`` at the bottom of the map as a basemap layer and select it.

        The layer takes ownership of the source (closed when the layer is removed).
        """
        if self.layers is None:
            raise RuntimeError("the map has no layers yet; add a basemap after loading")
        name, k = "basemap", 1
        while name in self.layers:
            k += 1
            name = f"basemap_{k}"
        layer = TileLayer(name, title or source.name, source)
        layer.events.status.connect(self._on_basemap_status)
        if source.is_gcj02:
            # CityGrid's data are always CGCS2000 (≈ WGS-84), so a GCJ-02 basemap is off.
            self._notes[name] = gcj02_warning()
        for gen in GENERATED_BASEMAP:
            g = self.layers.get(gen)
            if g is not None and g.visible and gen not in self._hidden_for_basemap:
                g.visible = False
                self._hidden_for_basemap.append(gen)
        self.layers.insert(0, layer)
        item = self.item_for(name)
        if item is not None:
            self.list.setCurrentItem(item)
        self._update_basemap_status()
        self.basemap_added.emit(layer)
        return layer

    def remove_layer(self, name: str) -> None:
        """Remove a basemap layer (the layers from the database stay)."""
        if self.layers is None or name not in self.layers:
            return
        layer = self.layers[name]
        if not isinstance(layer, TileLayer):
            raise TypeError(f"only basemaps can be removed, not {name!r}")
        layer.events.status.disconnect(self._on_basemap_status)
        self.layers.remove(name)
        layer.close()
        self._notes.pop(name, None)
        if not any(isinstance(la, TileLayer) for la in self.layers):
            for gen in self._hidden_for_basemap:
                g = self.layers.get(gen)
                if g is not None:
                    g.visible = True
            self._hidden_for_basemap.clear()
        self._rebuild()
        self._update_basemap_status()
        self.basemap_removed.emit(name)

    def _on_remove(self) -> None:
        layer = self.current_layer()
        if isinstance(layer, TileLayer):
            self.remove_layer(layer.name)

    def _on_basemap_status(self, _event: Event | None = None) -> None:
        self._update_basemap_status()

    def basemap_messages(self) -> list[str]:
        """What the panel shows under the list, one entry per basemap message."""
        out: list[str] = []
        for layer in reversed(list(self.layers or [])):
            if not isinstance(layer, TileLayer):
                continue
            for text in (self._notes.get(layer.name), layer.status):
                if text:
                    out.append(f"{layer.title}: {text}")
        if self._hidden_for_basemap and any(isinstance(la, TileLayer)
                                            for la in self.layers or []):
            titles = ", ".join(self.layers[g].title for g in self._hidden_for_basemap
                              if self.layers is not None and g in self.layers)
            out.append(self.tr("“%1” hidden so the basemap shows; tick it to draw it again.")
                       .replace("%1", titles))
        return out

    def _update_basemap_status(self) -> None:
        msgs = self.basemap_messages()
        self.basemap_status.setText("\n".join(msgs))
        self.basemap_status.setVisible(bool(msgs))
