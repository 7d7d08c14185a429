"""Render run summaries and source listings as tables for the terminal."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from extractors.arabic import LineRepair
from flows.acquire import Source

FOLD_UNCHANGED = 20  # more unchanged sources than this make one row, not one each


def outcome_label(outcome: str, versions: list[str]) -> str:
    """How a source's outcome reads in logs and the summary table."""
    if outcome == "failed":
        return "failed" + (" (after recording new versions)" if versions else "")
    if outcome == "unchanged":
        return "no change"
    return "new version" if len(versions) == 1 else f"{len(versions)} new versions"


def outcomes_table(outcomes: Iterable[dict[str, Any]]) -> Table:
    """Source, outcome, new version and number of changes, one row per source; past
    ``FOLD_UNCHANGED`` unchanged sources, those are one row with their count."""
    outcomes = list(outcomes)
    quiet = [o for o in outcomes if o["outcome"] == "unchanged" and not o["versions"]]
    fold = len(quiet) > FOLD_UNCHANGED
    table = Table(title="dalil refresh")
    for column in ("source", "outcome", "new version", "changes"):
        table.add_column(column, justify="right" if column == "changes" else "left")
    for o in outcomes:
        if fold and o in quiet:
            continue
        versions = o["versions"]
        label = outcome_label(o["outcome"], versions)
        table.add_row(o["source_id"], label, versions[-1] if versions else "—", str(o["changes"]))
    if fold:
        table.add_row(f"({len(quiet)} sources)", "no change", "—", "0")
    return table


def sources_table(sources: Iterable[Source], index: dict[str, Any]) -> Table:
    """The registry, with each source's last outcome from the store's index."""
    table = Table(title="dalil sources")
    columns = ("id", "kind", "languages", "pair", "schedule", "publisher", "snapshots", "status")
    for column in (*columns, "latest version"):
        table.add_column(column)
    entries = index.get("sources", {})
    for s in sources:
        entry = entries.get(s.id, {})
        status = entry.get("status", "never run")
        if entry.get("last_error"):
            status += f": {entry['last_error']}"
        table.add_row(
            s.id,
            s.kind,
            ",".join(s.languages),
            s.pair or "—",
            s.cadence if s.url else "offline",
            s.publisher,
            str(len(s.snapshots)),
            status,
            entry.get("latest_version") or "—",
        )
    return table


def as_text(table: Table, width: int = 120) -> str:
    """A table rendered as plain text, for logs."""
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(table)
    return console.export_text()


def repair_report(results: Sequence[LineRepair]) -> dict[str, Any]:
    """The JSON report of ``dalil repair --report``: every line's damage and repairs."""
    lines = [
        {
            "line": number,
            "original": r.original,
            "text": r.text,
            "damage_before": round(r.damage_before, 3),
            "damage_after": round(r.damage_after, 3),
            "repairs": [rep.to_model().model_dump() for rep in r.repairs],
        }
        for number, r in enumerate(results, start=1)
        if r.repairs or r.damage_before
    ]
    repairs = [rep for r in results for rep in r.repairs]
    return {
        "lines": len(results),
        "damaged_lines": sum(1 for r in results if r.damage_before),
        "repairs": len(repairs),
        "uncertain": sum(rep.uncertain for rep in repairs),
        "details": lines,
    }


def extraction_table(rows: Iterable[dict[str, str]]) -> Table:
    """``dalil extract`` over several files: file, kind, blocks, damaged/all tokens, pages
    to OCR, and the error of a file that failed."""
    table = Table(title="dalil extract")
    for column in ("file", "kind", "blocks", "damage", "needs OCR", "error"):
        table.add_column(column, justify="right" if column == "blocks" else "left")
    for row in rows:
        table.add_row(
            row["file"], row["kind"], row["blocks"], row["damage"], row["ocr"], row["error"]
        )
    return table
