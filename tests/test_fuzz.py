"""Bad input never crashes: random bytes, truncated and mutated PDFs and HTML, deeply
nested markup, random text for the repair engine. Each ends in a Document or in an
ExtractionError naming the source, within a bounded time."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from hashlib import sha256

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.arabic import repair_text
from extractors.errors import ExtractionError
from extractors.extract import extract, sniff_kind
from extractors.models import Document
from tests.conftest import ROOT

PDF = (ROOT / "tests" / "fixtures" / "pdf" / "leaflet-shaped.pdf").read_bytes()
PAGE = (ROOT / "corpus" / "snapshots" / "consonews-amo-cnss" / "2025-09-01.html").read_bytes()
LIMIT = 20.0  # seconds one document may take here, whatever it holds
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def outcome(data: bytes) -> Document | ExtractionError:
    started = time.monotonic()
    try:
        result: Document | ExtractionError = extract(
            data,
            kind=sniff_kind(data),
            source_id="fuzzed",
            fetched_at=datetime(2025, 9, 1, tzinfo=UTC),
            sha256=sha256(data).hexdigest(),
            snapshot="x",
        )
    except ExtractionError as exc:
        assert str(exc).startswith("fuzzed: ")
        result = exc
    assert time.monotonic() - started < LIMIT
    return result


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(data: bytes) -> None:
    outcome(data)


@FUZZ
@given(st.integers(min_value=0, max_value=len(PDF)), st.binary(min_size=1, max_size=64))
def test_truncated_and_mutated_pdfs(cut: int, junk: bytes) -> None:
    outcome(PDF[:cut])
    middle = len(PDF) // 2
    outcome(PDF[:middle] + junk + PDF[middle + len(junk) :])


@FUZZ
@given(st.integers(min_value=0, max_value=len(PAGE)), st.binary(min_size=1, max_size=64))
def test_truncated_and_mutated_html(cut: int, junk: bytes) -> None:
    outcome(PAGE[:cut])
    outcome(PAGE[: cut // 2] + junk + PAGE[cut // 2 :])


@FUZZ
@given(
    st.recursive(
        st.text(alphabet="نص عربي texte <>&;\"'", max_size=20),
        lambda inner: st.builds(
            lambda tag, body: f"<{tag}>{body}</{tag}>",
            st.sampled_from(["div", "p", "ol", "li", "table", "tr", "td", "nav", "a", "script"]),
            inner,
        ),
        max_leaves=60,
    )
)
def test_random_markup(markup: str) -> None:
    result = outcome(f"<!DOCTYPE html><html><body>{markup}</body></html>".encode())
    if isinstance(result, Document):
        assert all("<script" not in b.text for b in result.blocks)


def test_ten_thousand_nested_elements_are_bounded() -> None:
    deep = "<div>" * 10_000 + "نص" + "</div>" * 10_000
    outcome(f"<html><body>{deep}</body></html>".encode())


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_repair_engine_on_random_text(text: str) -> None:
    repaired = repair_text(text)
    assert isinstance(repaired, str)
    assert repaired.count("\n") == text.count("\n")


def test_atheris_coverage_guided_fuzzing_finds_no_crash(tmp_path) -> None:
    """libFuzzer (through atheris) mutates a text, an HTML and a PDF seed for 30 seconds,
    guided by coverage of the extractors; any uncaught error, an input over 30 s or over
    3 GB of memory fails the run."""
    import os
    import subprocess
    import sys

    import pytest

    pytest.importorskip("atheris")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    text = (ROOT / "corpus" / "snapshots" / "cnops-amoe-leaflet" / "2025-09-01.txt").read_bytes()
    (seeds / "text").write_bytes(b"\x00" + text[:3000])
    (seeds / "html").write_bytes(b"\x01" + PAGE[:6000])
    (seeds / "pdf").write_bytes(b"\x02" + PDF)
    script = ROOT / "tests" / "fixtures" / "fuzz" / "atheris_extract.py"
    # a fixed seed: the same mutations on every run, so CI sees what a developer sees
    args = ["-seed=1", "-runs=2000", "-max_total_time=30", "-timeout=30", "-rss_limit_mb=3000"]
    done = subprocess.run(
        [sys.executable, str(script), *args, str(seeds)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "Done" in done.stderr or "INITED" in done.stderr


def test_a_pdf_page_without_a_mediabox_is_a_clear_error() -> None:
    """An input atheris found: pdfplumber's ``close`` raised TypeError on it, past the
    clear error reading had already raised."""
    data = (ROOT / "tests" / "fixtures" / "pdf" / "atheris-no-mediabox.pdf").read_bytes()
    result = outcome(data)
    assert isinstance(result, (Document, ExtractionError))


def test_a_page_too_dense_for_the_text_table_search_stays_bounded() -> None:
    """An input atheris found: 11,000 characters on one page sent pdfplumber's
    text-alignment table search past 3 minutes; such pages skip that search."""
    data = (ROOT / "tests" / "fixtures" / "pdf" / "atheris-dense-page.pdf").read_bytes()
    assert isinstance(outcome(data), (Document, ExtractionError))  # within LIMIT
