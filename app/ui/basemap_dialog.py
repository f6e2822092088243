"""“Add basemap”: a tile file (MBTiles / PMTiles) or an intranet tile server URL template.

The dialog opens the source when OK is pressed (which reads a file's metadata but never
touches the network) and stays open with the reason when it is refused, so nothing typed
is lost. Ticking “tiles are GCJ-02” shows, without a modal box, what that means for
CityGrid's CGCS2000 data.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.gis.tiles import TileSource, TileSourceError, UrlTemplateSource, open_tile_file

_ERROR_STYLE = "color: #c62828;"
_WARN_STYLE = "color: #a15c00;"
_HINT_STYLE = "color: #666;"
TIANDITU_EXAMPLE = ("http://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
                    "&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
                    "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}")


def gcj02_warning() -> str:
    """Why a GCJ-02 basemap does not line up with CityGrid's data (shown, never modal)."""
    return QCoreApplication.translate(
        "BasemapDialog",
        "These tiles are in GCJ-02, the shifted coordinates of Chinese web maps (Gaode/AMap, "
        "Tencent), but CityGrid's data are CGCS2000 (WGS-84 to within centimetres): "
        "features will appear about 300–500 m away from the same places on the basemap. "
        "Use a CGCS2000/WGS-84 tile source (e.g. Tianditu) where you can.")


class BasemapDialog(QDialog):
    """Choose a basemap; after ``exec()`` returns Accepted, ``source`` is open and valid."""

    FILE_TAB, SERVER_TAB = 0, 1

    def __init__(self, parent: QWidget | None = None, *,
                 cache_dir: str | Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add basemap"))
        self.setObjectName("basemapDialog")
        self.setMinimumWidth(560)
        self.source: TileSource | None = None
        self._cache_dir = cache_dir

        self.tabs = QTabWidget()
        self.tabs.setObjectName("basemapTabs")
        self.tabs.addTab(self._file_tab(), self.tr("Tile file"))
        self.tabs.addTab(self._server_tab(), self.tr("Tile server"))
        self.tabs.currentChanged.connect(lambda _i: self._show_hint())

        self.status = QLabel()
        self.status.setObjectName("basemapDialogStatus")
        self.status.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Add"))

        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)
        lay.addWidget(self.status)
        lay.addWidget(buttons)
        self._show_hint()

    # -- the two ways ---------------------------------------------------------------------
    def _file_tab(self) -> QWidget:
        w = QWidget()
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("basemapPath")
        self.path_edit.setPlaceholderText(self.tr("An .mbtiles or .pmtiles file"))
        browse = QPushButton(self.tr("Browse…"))
        browse.setObjectName("basemapBrowse")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.file_gcj02 = QCheckBox(self.tr("Tiles are GCJ-02 (Gaode/AMap, Tencent)"))
        self.file_gcj02.setObjectName("fileGcj02")
        self.file_gcj02.toggled.connect(lambda _on: self._show_hint())
        form = QFormLayout(w)
        form.addRow(self.tr("File"), row)
        form.addRow(self.file_gcj02)
        note = QLabel(self.tr("Raster tiles (PNG, JPEG, WebP) in web-mercator. The file is "
                              "read where it is; nothing is copied."))
        note.setWordWrap(True)
        note.setStyleSheet(_HINT_STYLE)
        form.addRow(note)
        return w

    def _server_tab(self) -> QWidget:
        w = QWidget()
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("basemapUrl")
        self.url_edit.setPlaceholderText("http://tiles.example.gov.cn/{z}/{x}/{y}.png")
        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("basemapKey")
        self.key_edit.setPlaceholderText(self.tr("Only if the template has {key}"))
        self.subdomains_edit = QLineEdit("abc")
        self.subdomains_edit.setObjectName("basemapSubdomains")
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("basemapTitle")
        self.title_edit.setPlaceholderText(self.tr("Shown in the layer list"))
        self.minzoom = QSpinBox()
        self.minzoom.setRange(0, 22)
        self.maxzoom = QSpinBox()
        self.maxzoom.setRange(0, 22)
        self.maxzoom.setValue(18)
        zooms = QHBoxLayout()
        zooms.addWidget(self.minzoom)
        zooms.addWidget(QLabel("–"))
        zooms.addWidget(self.maxzoom)
        zooms.addStretch(1)
        self.url_gcj02 = QCheckBox(self.tr("Tiles are GCJ-02 (Gaode/AMap, Tencent)"))
        self.url_gcj02.setObjectName("urlGcj02")
        self.url_gcj02.toggled.connect(lambda _on: self._show_hint())
        example = QPushButton(self.tr("Tianditu example"))
        example.setObjectName("tiandituExample")
        example.clicked.connect(self._fill_tianditu)
        form = QFormLayout(w)
        form.addRow(self.tr("URL template"), self.url_edit)
        form.addRow(self.tr("Key"), self.key_edit)
        form.addRow(self.tr("Subdomains for {s}"), self.subdomains_edit)
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Zoom levels"), zooms)
        form.addRow(self.url_gcj02)
        help_ = QLabel(self.tr(
            "Placeholders: {z} zoom, {x} column, {y} row from the north ({-y} from the south, "
            "TMS), {s} subdomain, {key} the key. WMTS servers: put them in the request, e.g. "
            "TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}. Only web-mercator tiles. "
            "Tiles are fetched in the background and kept in a cache on this computer."))
        help_.setWordWrap(True)
        help_.setStyleSheet(_HINT_STYLE)
        form.addRow(help_)
        form.addRow(example)
        return w

    def _fill_tianditu(self) -> None:
        self.url_edit.setText(TIANDITU_EXAMPLE)
        self.subdomains_edit.setText("01234567")
        if not self.title_edit.text():
            self.title_edit.setText(self.tr("Tianditu vector"))
        self.url_gcj02.setChecked(False)
        self.key_edit.setFocus()

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a tile file"), self.path_edit.text(),
            self.tr("Tile archives (*.mbtiles *.pmtiles);;All files (*)"))
        if path:
            self.path_edit.setText(path)

    # -- feedback -------------------------------------------------------------------------
    def _gcj02_ticked(self) -> bool:
        box = self.file_gcj02 if self.tabs.currentIndex() == self.FILE_TAB else self.url_gcj02
        return box.isChecked()

    def _show_hint(self) -> None:
        if self._gcj02_ticked():
            self._say(gcj02_warning(), _WARN_STYLE)
        else:
            self._say("", _HINT_STYLE)

    def _say(self, text: str, style: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(style)

    @property
    def message(self) -> str:
        return self.status.text()

    # -- result ---------------------------------------------------------------------------
    def open_source(self) -> TileSource:
        """Open what the form describes; raises ``TileSourceError`` with the reason."""
        if self.tabs.currentIndex() == self.FILE_TAB:
            path = self.path_edit.text().strip()
            if not path:
                raise TileSourceError(self.tr("Choose an .mbtiles or .pmtiles file."))
            return open_tile_file(path, gcj02=True if self.file_gcj02.isChecked() else None)
        template = self.url_edit.text().strip()
        if not template:
            raise TileSourceError(self.tr("Enter the tile server's URL template."))
        if self.minzoom.value() > self.maxzoom.value():
            raise TileSourceError(self.tr("The lowest zoom level is above the highest."))
        return UrlTemplateSource(
            template, key=self.key_edit.text(), name=self.title_edit.text().strip() or None,
            gcj02=True if self.url_gcj02.isChecked() else None,
            minzoom=self.minzoom.value(), maxzoom=self.maxzoom.value(),
            subdomains=self.subdomains_edit.text().strip(), cache_dir=self._cache_dir)

    def accept(self) -> None:
        try:
            source = self.open_source()
        except TileSourceError as exc:
            self._say(self.tr("This basemap cannot be added: %1").replace("%1", str(exc)),
                      _ERROR_STYLE)
            return
        if self.source is not None:
            self.source.close()
        self.source = source
        super().accept()
