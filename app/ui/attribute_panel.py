"""Attribute panel: what identify or search found, with its place in the hierarchy."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.queries import FeatureInfo
from app.ui.texts import field_label, value_text


class AttributePanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self.tr("Click a feature on the map"))
        self.title.setObjectName("attrTitle")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold; font-size: 11pt; padding: 4px;")
        self.hierarchy = QLabel("")
        self.hierarchy.setObjectName("attrHierarchy")
        self.hierarchy.setWordWrap(True)
        self.hierarchy.setStyleSheet("color: #555; padding: 2px 4px;")
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("attrTable")
        self.table.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Value")])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.title)
        lay.addWidget(self.hierarchy)
        lay.addWidget(self.table, 1)
        self.info: FeatureInfo | None = None

    def show_info(self, info: FeatureInfo | None) -> None:
        self.info = info
        if info is None:
            self.title.setText(self.tr("Nothing here"))
            self.hierarchy.setText("")
            self.table.setRowCount(0)
            return
        self.title.setText(f"{field_label(info.kind)}: {info.title}")
        self.hierarchy.setText(" › ".join(
            f"{field_label(level)} {text}" for level, text in info.hierarchy))
        self.table.setRowCount(len(info.fields))
        for r, (key, value) in enumerate(info.fields):
            k = QTableWidgetItem(field_label(key))
            k.setData(Qt.ItemDataRole.UserRole, key)
            self.table.setItem(r, 0, k)
            self.table.setItem(r, 1, QTableWidgetItem(value_text(key, value)))
        self.table.resizeRowsToContents()

    def value(self, key: str) -> str | None:
        """The displayed value of field ``key`` (tests, copy actions)."""
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) == key:
                return self.table.item(r, 1).text()
        return None
