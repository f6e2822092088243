"""Photos of a case: a thumbnail strip under the case detail and a full-size viewer.

The strip reads attachments through ``CaseService.attachments`` / ``attachment_data`` and adds
new ones with ``CaseService.attach`` (补充材料), so the service checks who may attach.
Thumbnails are cached by attachment id: attachments never change once stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.attachment import Photo
from app.domain.errors import DomainError
from app.ui.texts import QT_TRANSLATE_NOOP, tr

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from app.domain.attachment import Attachment
    from app.domain.workflow import Actor

THUMB = 64  # thumbnail edge in pixels: four fit beside the detail in a 1000 px window
IMAGE_FILTER = "*.jpg *.jpeg *.png *.gif *.bmp *.webp"


def thumbnail(data: bytes, size: int = THUMB) -> QPixmap:
    """A thumbnail of image bytes (aspect kept); a null pixmap when Qt cannot decode them."""
    image = QImage.fromData(data)
    if image.isNull():
        return QPixmap()
    return QPixmap.fromImage(image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio,
                                          Qt.TransformationMode.SmoothTransformation))


def make_thumbnail_list(parent: QWidget | None = None) -> QListWidget:
    """A one-row icon-mode list for thumbnails (shared by the strip and the handle dialog)."""
    view = QListWidget(parent)
    view.setViewMode(QListView.ViewMode.IconMode)
    view.setFlow(QListView.Flow.LeftToRight)
    view.setWrapping(False)
    view.setMovement(QListView.Movement.Static)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setIconSize(QSize(THUMB, THUMB))
    view.setGridSize(QSize(THUMB + 12, THUMB + 10))
    view.setFixedHeight(THUMB + 24)  # one row plus the horizontal scroll bar
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return view


def choose_photo_files(parent: QWidget) -> list[str]:
    """Ask for image files (a native file dialog)."""
    paths, _ = QFileDialog.getOpenFileNames(
        parent, tr(QT_TRANSLATE_NOOP("Texts", "Attach photos")), "",
        tr(QT_TRANSLATE_NOOP("Texts", "Images (%1)")).replace("%1", IMAGE_FILTER))
    return list(paths)


class PhotoViewerDialog(QDialog):
    """One photo at full size, scrollable, or fitted to the window (the default)."""

    def __init__(self, image: QImage, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.image = image
        self.label = QLabel()
        self.label.setObjectName("photoImage")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll = QScrollArea()
        self.scroll.setObjectName("photoScroll")
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.scroll.setWidget(self.label)
        self.scroll.setWidgetResizable(False)
        self.fit_box = QCheckBox(self.tr("Fit to window"))
        self.fit_box.setObjectName("fitToWindow")
        self.fit_box.setChecked(True)
        self.fit_box.toggled.connect(lambda _on: self._update())
        self.size_label = QLabel(f"{image.width()} × {image.height()}")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        # Enter closes the viewer like Esc: there is nothing to accept.
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.fit_box)
        bottom.addWidget(self.size_label)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        lay = QVBoxLayout(self)
        lay.addWidget(self.scroll, 1)
        lay.addLayout(bottom)
        self.resize(760, 560)
        self._update()

    def shown_size(self) -> QSize:
        """Size of the image as drawn now."""
        pm = self.label.pixmap()
        return pm.size() if pm is not None else QSize()

    def _update(self) -> None:
        pm = QPixmap.fromImage(self.image)
        if self.fit_box.isChecked():
            avail = self.scroll.viewport().size() - QSize(4, 4)
            if pm.width() > avail.width() or pm.height() > avail.height():
                pm = pm.scaled(avail, Qt.AspectRatioMode.KeepAspectRatio,
                               Qt.TransformationMode.SmoothTransformation)
        self.label.setPixmap(pm)
        self.label.resize(pm.size())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.fit_box.isChecked():
            self._update()


class PhotoStrip(QWidget):
    """Thumbnails of the shown case's photos, a viewer on double-click, and an attach button."""

    attached = Signal(str)  # number of the case photos were just attached to

    def __init__(self, service: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.actor: Actor | None = None
        self.number: str | None = None
        self.items: list[Attachment] = []
        self.viewer: PhotoViewerDialog | None = None
        self._thumbs: dict[int, QPixmap] = {}

        self.list = make_thumbnail_list()
        self.list.setObjectName("photoList")
        self.list.itemDoubleClicked.connect(lambda item: self.open_viewer(self.list.row(item)))
        self.list.itemActivated.connect(lambda item: self.open_viewer(self.list.row(item)))
        self.count_label = QLabel()
        self.count_label.setObjectName("photoCount")
        self.attach_button = QPushButton(self.tr("Attach photos…"))
        self.attach_button.setObjectName("attachPhotos")
        self.attach_button.setToolTip(self.tr("Add photos to this case (Ctrl+Shift+A)"))
        self.attach_button.clicked.connect(self._on_attach_clicked)
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.count_label)
        side.addWidget(self.attach_button)
        side.addStretch(1)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.list, 1)
        lay.addLayout(side)
        self.set_case(None, None)

    def set_case(self, actor: Actor | None, number: str | None, *,
                 can_attach: bool = False) -> None:
        """Show the photos of case ``number`` as seen by ``actor`` (None: nothing)."""
        self.actor, self.number = actor, number
        self.attach_button.setVisible(number is not None)
        self.attach_button.setEnabled(can_attach)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        self.items = []
        if self.actor is not None and self.number is not None:
            self.items = list(self.service.attachments(self.actor, self.number))
        for att in self.items:
            item = QListWidgetItem(QIcon(self._thumb(att)), "")
            item.setToolTip(f"{att.name}\n{att.added_at:%Y-%m-%d %H:%M} · {att.added_by}"
                            f"\n{att.size / 1024:.0f} KB")
            self.list.addItem(item)
        # An empty strip collapses to a line: the detail above keeps the height.
        self.list.setVisible(bool(self.items))
        self.count_label.setText(self.tr("Photos: %1").replace("%1", str(len(self.items)))
                                 if self.number is not None else "")
        self.setVisible(self.number is not None)

    def _thumb(self, att: Attachment) -> QPixmap:
        pm = self._thumbs.get(att.id)
        if pm is None:
            assert self.actor is not None
            pm = thumbnail(self.service.attachment_data(self.actor, att.id))
            self._thumbs[att.id] = pm
        return pm

    def open_viewer(self, row: int) -> PhotoViewerDialog | None:
        """Open photo ``row`` full size (non-blocking, window-modal)."""
        if not (0 <= row < len(self.items)) or self.actor is None:
            return None
        att = self.items[row]
        image = QImage.fromData(self.service.attachment_data(self.actor, att.id))
        if self.viewer is not None:
            self.viewer.close()
        self.viewer = PhotoViewerDialog(
            image, f"{att.case_number} · {att.name} · {att.added_at:%Y-%m-%d %H:%M}", self)
        self.viewer.open()
        return self.viewer

    def _on_attach_clicked(self) -> None:
        paths = choose_photo_files(self)
        if paths:
            self.attach_files(paths)

    def attach_files(self, paths: Iterable[str | Path]) -> bool:
        """Attach image files to the shown case; False (and a warning) when refused."""
        if self.actor is None or self.number is None:
            return False
        try:
            photos = [Photo.from_path(p) for p in paths]
            if not photos:
                return False
            self.service.attach(self.actor, self.number, photos)
        except DomainError as exc:
            QMessageBox.warning(self, tr(QT_TRANSLATE_NOOP("Texts", "Attach photos")), str(exc))
            return False
        self.reload()
        self.attached.emit(self.number)
        return True
