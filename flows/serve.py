"""``dalil serve``: run prefect.yaml's deployments on their schedules, on this machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from prefect import serve
from prefect.schedules import Cron

from flows.refresh import refresh

FLOWS = {"flows/refresh.py:refresh": refresh}


def load_deployments(prefect_file: Path) -> list[dict[str, Any]]:
    """The deployment entries of a prefect.yaml; ValueError when one names an unknown flow."""
    spec = yaml.safe_load(prefect_file.read_text(encoding="utf-8")) or {}
    deployments = spec.get("deployments") or []
    for entry in deployments:
        if entry.get("entrypoint") not in FLOWS:
            raise ValueError(
                f"deployment {entry.get('name')!r}: unknown entrypoint {entry.get('entrypoint')!r}"
            )
    if not deployments:
        raise ValueError("no deployments defined")
    return deployments


def build_runners(prefect_file: Path) -> list[Any]:
    """One served deployment per prefect.yaml entry, with the same schedules and parameters."""
    runners = []
    for entry in load_deployments(prefect_file):
        schedules = [
            Cron(s["cron"], timezone=s.get("timezone")) for s in entry.get("schedules") or []
        ]
        runners.append(
            FLOWS[entry["entrypoint"]].to_deployment(
                name=entry["name"],
                description=entry.get("description"),
                tags=entry.get("tags"),
                parameters=entry.get("parameters") or {},
                schedules=schedules,
            )
        )
    return runners


def serve_deployments(prefect_file: Path) -> None:
    """Block, running each deployment when its schedule comes due."""
    serve(*build_runners(prefect_file))
