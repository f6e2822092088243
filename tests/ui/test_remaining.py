"""Remaining-time text in the queue (no widgets needed)."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.ui.case_panel import remaining_text

NOW = datetime(2026, 11, 23, 10, 0)


def test_remaining_text() -> None:
    assert remaining_text(None, NOW) == ""
    assert remaining_text(NOW + timedelta(days=1, hours=3, minutes=5), NOW) == "1d 3h"
    assert remaining_text(NOW + timedelta(minutes=45), NOW) == "45m"
    assert remaining_text(NOW - timedelta(hours=2, minutes=10), NOW) == "-2h 10m"
