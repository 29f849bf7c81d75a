"""The store: one schema (SQLAlchemy Core) on SQLite by default or PostgreSQL, migrated by Alembic."""

from liaison.store.engine import Store, database_url, open_store

__all__ = ["Store", "database_url", "open_store"]
