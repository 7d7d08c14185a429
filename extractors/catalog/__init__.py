"""The procedure catalog: the latest Documents in, one entry per procedure out, merged
across sources and languages (``build_catalog``), as JSON or schema.org JSON-LD."""

from .anchors import View, anchors, fold
from .build import build_catalog, comparable
from .jsonld import catalog_jsonld
from .match import Verdict, clusters, compare
from .models import Catalog, Conflict, Entry

__all__ = [
    "Catalog",
    "Conflict",
    "Entry",
    "Verdict",
    "View",
    "anchors",
    "build_catalog",
    "catalog_jsonld",
    "clusters",
    "comparable",
    "compare",
    "fold",
]
