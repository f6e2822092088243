"""Alembic environment: run against the connection handed in by app.store.db.upgrade."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from app.store.orm import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        # Command-line use: `alembic -x url=sqlite:///x.sqlite upgrade head`
        url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///citygrid.sqlite")
        engine = create_engine(url)
        with engine.begin() as conn:
            context.configure(connection=conn, target_metadata=target_metadata,
                              render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
