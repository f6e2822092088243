"""The store facade: one engine, its repositories, migrations applied on open."""

from __future__ import annotations

from sqlalchemy import Engine

from app.store.bulk import Dataset, Progress, replace_all
from app.store.db import describe, ensure_statistics, make_engine, upgrade
from app.store.repositories import (
    AdminRepository,
    CameraRepository,
    CaseRepository,
    MetaRepository,
    OrgRepository,
    PartRepository,
)


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.meta = MetaRepository(engine)
        self.admin = AdminRepository(engine)
        self.org = OrgRepository(engine)
        self.parts = PartRepository(engine)
        self.cases = CaseRepository(engine)
        self.cameras = CameraRepository(engine)

    @classmethod
    def open(cls, url: str | None = None) -> Store:
        """Open (and create or migrate) the database at ``url`` (see ``resolve_db_url``)."""
        engine = make_engine(url)
        upgrade(engine)
        ensure_statistics(engine)
        return cls(engine)

    @property
    def url(self) -> str:
        return describe(self.engine).url

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def is_seeded(self) -> bool:
        return self.meta.get("seed.scale") is not None

    def replace_all(self, data: Dataset, progress: Progress | None = None) -> None:
        replace_all(self.engine, data, progress)
        self.cases.notify_bulk()  # seats on a shared server reload everything

    def close(self) -> None:
        self.engine.dispose()
