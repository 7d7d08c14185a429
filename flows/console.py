"""What every `dalil` command shares: the error console and how a command fails."""

from __future__ import annotations

import typer
from rich.console import Console

# soft wrap: a message is never cut into lines at the console width (logs, tests and
# scripts read it whole; a terminal wraps it itself)
err = Console(stderr=True, soft_wrap=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` on stderr; return the Exit to raise (2: usage or setup)."""
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)
