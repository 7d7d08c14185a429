"""``dalil catalog``: one row per procedure: its title, languages, sources, conflicts and
last change."""

from __future__ import annotations

from rich.table import Table

from extractors.catalog import Catalog
from flows.reports import shape_for_terminal


def catalog_table(catalog: Catalog, shape: bool) -> Table:
    """The catalog as a rich table; ``shape`` puts Arabic in visual order for terminals
    that cannot lay it out."""
    fix = shape_for_terminal if shape else (lambda text: text)
    table = Table(title=f"dalil catalog: {len(catalog.entries)} procedure(s)")
    for name in ("id", "procedure", "languages", "sources", "conflicts", "last change"):
        table.add_column(name, justify="right" if name == "conflicts" else "left")
    for e in catalog.entries:
        titles = "\n".join(fix(t.text) for t in e.titles)
        sources = "\n".join(sorted({m.source for m in e.sources}))
        last = e.changes[-1] if e.changes else None
        change = f"{e.updated_at:%Y-%m-%d}" + (f" {last.kind} ({last.source})" if last else "")
        table.add_row(e.id, titles, " ".join(e.languages), sources, str(len(e.conflicts)), change)
    return table
