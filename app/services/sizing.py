"""Grid sizing check (网格规模核查) of the store's grids, communities and streets.

Sizes from ``app.store.trend_queries.unit_sizes``, bands and verdicts from
``app.analytics.sizing`` (Hefei: 250–300 households per grid, ~3,000 per community with a
stated tolerance, 60–80 k residents per street).
"""

from __future__ import annotations

from app.analytics.sizing import SizingBands, SizingReport, check_sizing
from app.store.store import Store
from app.store.trend_queries import unit_sizes


class SizingService:
    def __init__(self, store: Store, bands: SizingBands | None = None) -> None:
        self.store = store
        self.bands = bands or SizingBands()

    def check(self) -> SizingReport:
        return check_sizing(unit_sizes(self.store.engine), self.bands)
