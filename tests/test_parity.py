"""Arabic–French parity: a fact changed on one language version of a page and not on the
other opens a gap on both sources; the gap closes when they agree again. Synthetic later
snapshots of a pair, in both directions, refreshed run after run."""

from __future__ import annotations

from pathlib import Path

from flows.acquire import load_registry
from flows.parity import load_gaps
from flows.pipeline import run_refresh
from flows.review import build_site
from flows.store import Store

FR = {
    1: "Le taux de cotisation AMO est de 6,37 %.\n\nInscription sur www.cnss.ma/fr/amo.\n",
    2: "Le taux de cotisation AMO est de 6,50 %.\n\nInscription sur www.cnss.ma/fr/amo.\n",
}
AR = {
    1: "نسبة الاشتراك في التأمين الإجباري هي 6,37 %.\n\nالتسجيل عبر www.cnss.ma/fr/amo.\n",
    2: "نسبة الاشتراك في التأمين الإجباري هي 6,50 %.\n\nالتسجيل عبر www.cnss.ma/fr/amo.\n",
    3: "نسبة الاشتراك في التأمين الإجباري هي 6,50 %.\n\nالتسجيل عبر www.cnss.ma/ar/amo.\n",
}


def _run(tmp_path: Path, fr_days: list[tuple[int, int]], ar_days: list[tuple[int, int]]):
    """One offline refresh with the pair's snapshots so far: (day, text version) each."""
    root = tmp_path / "corpus"
    lines = ["sources:"]
    for sid, lang, texts, days in (("amo-fr", "fr", FR, fr_days), ("amo-ar", "ar", AR, ar_days)):
        lines += [
            f"  - {{id: {sid}, title: AMO {lang}, publisher: CNSS, kind: text,"
            f" languages: [{lang}], pair: amo-rate}}"
        ]
        lines[-1] = lines[-1][:-1] + ", snapshots: ["
        snaps = []
        for day, version in days:
            path = root / "snapshots" / sid / f"2025-10-{day:02d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(texts[version], encoding="utf-8")
            snaps.append(
                f"{{date: 2025-10-{day:02d}, path: snapshots/{sid}/2025-10-{day:02d}.txt}}"
            )
        lines[-1] += ", ".join(snaps) + "]}"
    (root / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    registry = load_registry(root / "sources.yaml")
    store = Store(tmp_path / "store")
    run_refresh(store, registry, registry.sources)
    return store


def test_a_rate_changed_in_french_only_opens_a_gap_that_closes_when_arabic_follows(
    tmp_path: Path,
) -> None:
    store = _run(tmp_path, [(1, 1)], [(1, 1)])
    assert load_gaps(store) == []  # the two sides agree
    store = _run(tmp_path, [(1, 1), (5, 2)], [(1, 1)])
    (gap,) = load_gaps(store)
    assert (gap.kind, gap.status, gap.changed_source, gap.other_source) == (
        "figure",
        "open",
        "amo-fr",
        "amo-ar",
    )
    assert gap.dropped == gap.other_values and gap.added == gap.changed_values
    assert "6.37" in gap.other_values[0] and "6.5" in gap.changed_values[0]
    for feed in ("feeds/amo-fr.atom", "feeds/amo-ar.atom", "feed.atom"):
        text = store.read_bytes(*feed.split("/")).decode()
        assert "parity gap on figure (open)" in text, feed
    build_site(store, tmp_path / "site")
    home = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Arabic–French parity gaps" in home and home.count('class="parity-gap open"') == 1
    for side in ("amo-fr", "amo-ar"):  # shown on both sources' pages
        page = (tmp_path / "site" / "sources" / f"{side}.html").read_text(encoding="utf-8")
        assert 'class="parity-gap open"' in page and "6.37" in page, side
    store = _run(tmp_path, [(1, 1), (5, 2)], [(1, 1), (9, 2)])
    (gap,) = load_gaps(store)
    assert gap.status == "closed" and gap.closed_by == store.latest_version("amo-ar")
    assert "parity gap on figure (closed by" in store.read_bytes("feeds", "amo-fr.atom").decode()


def test_a_url_changed_in_arabic_only_opens_a_gap_the_other_way(tmp_path: Path) -> None:
    store = _run(tmp_path, [(1, 2)], [(1, 2)])
    store = _run(tmp_path, [(1, 2)], [(1, 2), (6, 3)])
    (gap,) = load_gaps(store)
    assert (gap.kind, gap.changed_source, gap.status) == ("url", "amo-ar", "open")
    assert [u.split("//")[-1] for u in gap.added] == ["www.cnss.ma/ar/amo"]
    assert [u.split("//")[-1] for u in gap.dropped] == ["www.cnss.ma/fr/amo"]


def test_both_sides_changed_in_one_run_raise_nothing(tmp_path: Path) -> None:
    _run(tmp_path, [(1, 1)], [(1, 1)])
    store = _run(tmp_path, [(1, 1), (5, 2)], [(1, 1), (5, 2)])
    assert load_gaps(store) == []


def test_a_change_undone_closes_its_gap(tmp_path: Path) -> None:
    _run(tmp_path, [(1, 1)], [(1, 1)])
    _run(tmp_path, [(1, 1), (5, 2)], [(1, 1)])
    store = _run(tmp_path, [(1, 1), (5, 2), (8, 1)], [(1, 1)])
    statuses = [g.status for g in load_gaps(store)]
    assert statuses == ["closed"]
