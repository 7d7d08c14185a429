"""Reports: change sets and run outcomes in; Markdown summaries, Atom feeds, Prefect table
rows and terminal tables out. Technical upgrades and reverts are never alerts."""

from extractors.models import version_time

from .atom import atom_feed
from .changesets import is_alert, one_line
from .markdown import changeset_markdown, table_rows
from .summary import (
    as_text,
    extraction_table,
    outcome_label,
    outcomes_table,
    repair_report,
    sources_table,
)
from .terminal import change_lines, shape_for_terminal, terminal_shapes_arabic

__all__ = [
    "as_text",
    "atom_feed",
    "change_lines",
    "changeset_markdown",
    "extraction_table",
    "is_alert",
    "one_line",
    "outcome_label",
    "outcomes_table",
    "repair_report",
    "shape_for_terminal",
    "sources_table",
    "table_rows",
    "terminal_shapes_arabic",
    "version_time",
]
