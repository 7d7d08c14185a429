"""Prefect settings dalil needs before Prefect is imported."""

from __future__ import annotations

import os

PREFECT_DEFAULTS = {
    # A cold start of Prefect's temporary local server takes 11-25 s on small machines.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    # The temporary server's telemetry write can race its own start-up on a new database.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
}


def apply_prefect_defaults() -> None:
    """Set dalil's Prefect defaults, leaving any value the user already set alone."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
