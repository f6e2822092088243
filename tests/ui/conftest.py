"""UI fixtures: a main window on a private copy of the seeded street database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.store.store import Store
from app.ui.app import ensure_app, install_language
from app.ui.main_window import MainWindow


@pytest.fixture
def seeded_window(qtbot, street_db_url: str, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    """The real main window (zh_CN, 1500×950, layers loaded) on a copy of the street seed
    it may write to; no live feed (tests drive changes themselves)."""
    db = tmp_path / "window.sqlite"
    shutil.copy(Path(street_db_url.removeprefix("sqlite:///")), db)
    ensure_app(offscreen=True)
    install_language("zh_CN")
    win = MainWindow(Store.open(f"sqlite:///{db}"), live=False)
    qtbot.addWidget(win)
    win.resize(1500, 950)
    win.show()
    win.load_sync()
    return win
