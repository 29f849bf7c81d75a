"""All tables, one MetaData. Each capability keeps its tables in a module here."""

from liaison.store.schema import (  # noqa: F401  (register tables)
    audit,
    coalition,
    codebreak,
    courier,
    evac,
    orbat,
    osint,
    reconcile,
    relay,
    rfi,
    sources,
    traffic,
    training,
    web,
)
from liaison.store.schema.base import metadata

__all__ = ["metadata"]
