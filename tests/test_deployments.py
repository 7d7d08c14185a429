"""prefect.yaml: the deployments load, and `dalil serve` serves the same schedules."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flows.serve import build_runners, load_deployments
from tests.conftest import ROOT

PREFECT_YAML = ROOT / "prefect.yaml"


def test_prefect_yaml_defines_the_daily_and_weekly_refresh() -> None:
    spec = yaml.safe_load(PREFECT_YAML.read_text())
    by_name = {d["name"]: d for d in spec["deployments"]}
    daily, weekly = by_name["refresh-daily"], by_name["refresh-pdfs-weekly"]
    assert daily["schedules"] == [{"cron": "0 6 * * *", "timezone": "Africa/Casablanca"}]
    assert weekly["parameters"]["kinds"] == ["pdf"]
    assert {d["work_pool"]["name"] for d in spec["deployments"]} == {"dalil-process"}


def test_entrypoint_loads_the_refresh_flow() -> None:
    from prefect.flows import load_flow_from_entrypoint

    (entrypoint,) = {d["entrypoint"] for d in load_deployments(PREFECT_YAML)}
    flow = load_flow_from_entrypoint(str(ROOT / entrypoint))
    assert flow.name == "dalil-refresh"
    assert {"sources", "kinds", "offline", "store", "registry"} <= set(flow.parameters.properties)


def test_serve_builds_the_same_deployments() -> None:
    runners = {r.name: r for r in build_runners(PREFECT_YAML)}
    assert set(runners) == {
        "refresh-daily",
        "refresh-pdfs-weekly",
        "watch-official-daily",
        "watch-official-weekly",
    }
    official = runners["watch-official-weekly"]
    assert official.parameters["schedules"] == ["weekly"]
    assert official.parameters["registry"] == "corpus/official.yaml"
    daily = runners["refresh-daily"]
    (schedule,) = daily.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == (
        "0 6 * * *",
        "Africa/Casablanca",
    )
    assert daily.parameters == {"offline": False, "registry": "corpus/sources.yaml"}


def test_unknown_entrypoint_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "prefect.yaml"
    bad.write_text("deployments:\n  - name: x\n    entrypoint: other.py:flow\n")
    with pytest.raises(ValueError, match="unknown entrypoint"):
        load_deployments(bad)
