"""The procedure catalog in the store: built after each refresh from every source's
published Document (``catalog.json``, ``catalog.jsonld``), and shown as a terminal table
(``dalil catalog``)."""

from .publish import load_catalog, publish_catalog, refresh_catalog
from .table import catalog_table

__all__ = ["catalog_table", "load_catalog", "publish_catalog", "refresh_catalog"]
