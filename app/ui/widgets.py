"""Small widget helpers shared by the docks."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def scrollable(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area, so a dock holding a tall or wide form can be
    made smaller than the form (the form scrolls) instead of widening the whole window."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area
