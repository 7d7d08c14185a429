"""The dalil CLI, through typer's runner and as a real subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractors.models import json_schemas
from flows.cli import app
from tests.conftest import CORPUS, SHIPPED

runner = CliRunner()
DALIL = str(Path(sys.executable).parent / "dalil")
LEAFLET = CORPUS / "snapshots" / "cnops-amoe-leaflet" / "2025-09-01.txt"


def test_schema_prints_the_contract() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == json_schemas()["document"]
    assert (
        json.loads(runner.invoke(app, ["schema", "changeset"]).stdout)
        == json_schemas()["changeset"]
    )
    assert runner.invoke(app, ["schema", "nope"]).exit_code == 2


def test_extract_prints_utf8_document_json() -> None:
    result = runner.invoke(app, ["extract", str(LEAFLET), "--source-id", "leaflet"])
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["source"]["id"] == "leaflet" and doc["source"]["kind"] == "text"
    assert "طالب" in result.stdout, "not ASCII-escaped"
    assert doc["quality"]["damaged_tokens"] > 100


def test_extract_errors(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["extract", str(tmp_path / "absent.txt")])
    assert missing.exit_code == 2 and "absent.txt" in missing.stderr
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    failed = runner.invoke(app, ["extract", str(empty)])
    assert failed.exit_code == 1 and "empty: snapshot is empty" in failed.stderr
    assert runner.invoke(app, ["extract", str(LEAFLET), "--kind", "docx"]).exit_code == 2


def test_extract_many_files_into_a_folder_with_a_summary(tmp_path: Path) -> None:
    """A folder and a file in one call: one Document JSON per input, the bad file named in
    the summary table, the others written (exit code 1 for the failure)."""
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    (inputs / "leaflet.txt").write_bytes(LEAFLET.read_bytes())
    page = CORPUS / "snapshots" / "map-amo-tadamon-figures" / "2025-09-01.html"
    (inputs / "sub" / "page.html").write_bytes(page.read_bytes())
    (inputs / "sub" / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    (inputs / ".hidden").write_bytes(b"ignored")
    extra = tmp_path / "extra.txt"
    extra.write_text("Étape 1 : Remplir le formulaire\n\nÉtape 2 : Déposer le dossier\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(inputs), str(extra), "--out", str(out)])
    assert result.exit_code == 1, result.stderr
    written = sorted(p.name for p in out.iterdir())
    assert written == ["extra.json", "leaflet.json", "sub__page.json"]
    page_doc = json.loads((out / "sub__page.json").read_text(encoding="utf-8"))
    assert page_doc["source"]["kind"] == "html" and page_doc["source"]["id"] == "sub__page"
    assert len(json.loads((out / "extra.json").read_text())["procedures"]) == 1
    table = result.stdout
    assert re.search(r"in/sub/broken\.pdf .*sub__broken: unreadable PDF", table)
    assert re.search(r"in/leaflet\.txt\s*│\s*text", table)
    assert "3 of 4 files extracted" in result.stderr


def test_parallel_batch_writes_the_same_documents_in_input_order(tmp_path: Path) -> None:
    """Two files at a time give byte-identical Documents to one at a time, and the summary
    lists the files in the order given, whichever finished first."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    names = []
    for n, snapshot in enumerate(sorted((CORPUS / "snapshots").rglob("*.*"))[:5]):
        target = inputs / f"{n}-{snapshot.parent.name}{snapshot.suffix}"
        target.write_bytes(snapshot.read_bytes())
        names.append(target.name)
    outs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = runner.invoke(app, ["extract", str(inputs), "--out", str(out), "-j", jobs])
        assert result.exit_code == 0, result.stderr
        shown = [name for name in re.findall(r"in/(\S+)", result.stdout)]
        assert shown == names
        outs[jobs] = {p.name: p.read_bytes() for p in out.iterdir()}
    assert len(outs["1"]) == 5 and outs["1"] == outs["2"]


def test_several_inputs_need_an_output_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(LEAFLET), str(LEAFLET)])
    assert result.exit_code == 2 and "--out" in result.stderr


def test_configuration_errors_exit_2_before_any_work(tmp_path: Path) -> None:
    bad = tmp_path / "sources.yaml"
    bad.write_text("sources:\n  - id: x\n    kind: docx\n")
    result = runner.invoke(app, ["refresh", "--registry", str(bad), "--store", str(tmp_path / "s")])
    assert result.exit_code == 2 and "source #1 (x)" in result.stderr
    unknown = runner.invoke(
        app, ["refresh", "--registry", str(CORPUS / "sources.yaml"), "--source", "nope"]
    )
    assert unknown.exit_code == 2 and "unknown source id 'nope'" in unknown.stderr
    assert not (tmp_path / "s").exists()


def test_sources_lists_the_registry_with_last_outcome(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sources", "--store", str(tmp_path / "empty-store")])
    assert result.exit_code == 0
    for source_id in ("cnops-amoe-leaflet", "alouadifa-amo-tadamon", "consonews-amo-cnss"):
        assert source_id in result.stdout
    assert "never run" in result.stdout


def rows(table: str, outcome: str) -> int:
    """Summary rows with this outcome: "new" counts "new version" and "N new versions"."""
    label = r"(?:new version|\d+ new versions)" if outcome == "new" else re.escape(outcome)
    return len(re.findall(rf"│ {label} +│", table))


@pytest.mark.engine
def test_refresh_through_the_runner(prefect_api: str, corpus: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    args = ["refresh", "--offline", "--registry", str(corpus), "--store", str(store)]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert rows(first.stdout, "new") == SHIPPED
    second = runner.invoke(app, args)
    assert second.exit_code == 0 and rows(second.stdout, "no change") == SHIPPED
    listing = runner.invoke(app, ["sources", "--registry", str(corpus), "--store", str(store)])
    assert listing.stdout.count(" ok ") == SHIPPED

    (corpus.parent / "snapshots" / "consonews-amo-cnss" / "2025-09-01.html").write_bytes(b"")
    other = tmp_path / "other-store"
    failed = runner.invoke(
        app, ["refresh", "--offline", "--registry", str(corpus), "--store", str(other)]
    )
    assert failed.exit_code == 1
    assert "consonews-amo-cnss: snapshot is empty" in failed.stderr
    assert rows(failed.stdout, "new") == SHIPPED - 1


@pytest.mark.engine
def test_refresh_and_extract_as_real_subprocesses(
    prefect_api: str, corpus: Path, tmp_path: Path
) -> None:
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "DALIL_STORE": str(tmp_path / "store")}
    run = subprocess.run(
        [DALIL, "refresh", "--offline", "--registry", str(corpus)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert rows(run.stdout, "new") == SHIPPED
    index = json.loads((tmp_path / "store" / "index.json").read_text(encoding="utf-8"))
    assert len(index["sources"]) == SHIPPED

    extracted = subprocess.run(
        [DALIL, "extract", str(LEAFLET)], capture_output=True, env=env, timeout=120, check=True
    )
    assert json.loads(extracted.stdout.decode("utf-8"))["languages"][0] == "ar"


def test_repair_reads_stdin_and_writes_one_line_per_line() -> None:
    garbled = "ينبغي على كل طالب )ة( ي\ufffdستعد\nclean line\n\n"
    result = runner.invoke(app, ["repair", "-"], input=garbled.encode("utf-8"))
    assert result.exit_code == 0
    assert result.stdout.split("\n") == ["ينبغي على كل طالب (ة) يستعد", "clean line", "", ""]


def test_repair_report_lists_every_repair(tmp_path: Path) -> None:
    source = tmp_path / "garbled.txt"
    source.write_text("\ufffdلتعليم \ufffdلعالي\nسليم\n", encoding="utf-8")
    result = runner.invoke(app, ["repair", str(source), "--report"])
    report = json.loads(result.stdout)
    assert (report["lines"], report["damaged_lines"], report["repairs"]) == (3, 1, 2)
    (line,) = report["details"]
    assert line["line"] == 1 and line["text"] == "التعليم العالي"
    assert line["damage_before"] == 1.0 and line["damage_after"] == 0.0
    assert [r["original"] for r in line["repairs"]] == ["\ufffdلتعليم", "\ufffdلعالي"]
    assert runner.invoke(app, ["repair", str(tmp_path / "absent.txt")]).exit_code == 2


def test_extract_sniffs_a_pdf() -> None:
    pdf = CORPUS / "snapshots" / "synthetic-amoe-leaflet-damaged-pdf" / "2025-09-01.pdf"
    doc = json.loads(runner.invoke(app, ["extract", str(pdf)]).stdout)
    assert doc["source"]["kind"] == "pdf"
    assert doc["quality"]["repaired_tokens"] > 50
    assert any(b["type"] == "table_row" and b["cells"] for b in doc["blocks"])
