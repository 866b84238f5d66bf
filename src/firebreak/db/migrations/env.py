"""Alembic environment for Firebreak's migrations."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from firebreak.db import models  # noqa: F401  (completes the metadata)
from firebreak.db.base import Base

target_metadata = Base.metadata
url = context.config.get_main_option("sqlalchemy.url")

if context.is_offline_mode():
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    connectable = context.config.attributes.get("connection")
    if connectable is None:
        engine = create_engine(url or "", poolclass=pool.NullPool)
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=target_metadata,
                              render_as_batch=connection.dialect.name == "sqlite")
            with context.begin_transaction():
                context.run_migrations()
        engine.dispose()
    else:
        context.configure(connection=connectable, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
