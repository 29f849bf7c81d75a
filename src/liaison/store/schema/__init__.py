"""All tables, one MetaData. Each capability keeps its tables in a module here."""

from liaison.store.schema import audit, courier, orbat, reconcile  # noqa: F401  (register tables)
from liaison.store.schema.base import metadata

__all__ = ["metadata"]
