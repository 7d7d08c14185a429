"""The procedure catalog in the store: every source's published Document in, after each
refresh, ``catalog.json`` and ``catalog.jsonld`` out; and a terminal table of it
(``dalil catalog``)."""

from .publish import load_catalog, publish_catalog, refresh_catalog
from .table import catalog_table

__all__ = ["catalog_table", "load_catalog", "publish_catalog", "refresh_catalog"]
