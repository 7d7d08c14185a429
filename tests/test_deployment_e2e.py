"""The deployments of prefect.yaml end to end: a real `prefect server start`, `prefect
deploy --all`, a `process` worker, a run of the daily deployment, and the store it writes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, SHIPPED

pytestmark = pytest.mark.engine
PREFECT = str(Path(sys.executable).with_name("prefect"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], env: dict[str, str], timeout: float = 180) -> str:
    done = subprocess.run(
        [PREFECT, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_daily_deployment_runs_on_a_process_worker(tmp_path: Path) -> None:
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_API_URL": api,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_CLI_PROMPT": "false",
        "DALIL_STORE": str(tmp_path / "store"),
    }
    env.pop("PREFECT_API_KEY", None)
    server = subprocess.Popen(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "prefect server did not start"
            assert server.poll() is None, "prefect server exited"
            time.sleep(1)
        _run(["work-pool", "create", "dalil-process", "--type", "process"], env)
        _run(["--no-prompt", "deploy", "--all"], env)
        deployments = httpx.post(f"{api}/deployments/filter", json={}, timeout=10).json()
        daily = next(d for d in deployments if d["name"] == "refresh-daily")
        assert daily["schedules"] and daily["schedules"][0]["schedule"]["cron"] == "0 6 * * *"
        _run(
            [
                "deployment",
                "run",
                "dalil-refresh/refresh-daily",
                "--param",
                "offline=true",
            ],
            env,
        )
        _run(["worker", "start", "--pool", "dalil-process", "--run-once"], env, timeout=300)
        index = json.loads((tmp_path / "store" / "index.json").read_text(encoding="utf-8"))
        assert len(index["sources"]) == SHIPPED
        assert all(entry["status"] == "ok" for entry in index["sources"].values())
        runs = httpx.post(f"{api}/flow_runs/filter", json={}, timeout=10).json()
        assert [r["state"]["type"] for r in runs] == ["COMPLETED"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
