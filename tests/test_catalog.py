"""The procedure catalog: one entry per procedure across sources and languages, its
conflicts appearing and clearing, ids that survive rewording, its schema and JSON-LD."""

from __future__ import annotations

import json

import jsonschema
import pytest

from extractors.catalog import Catalog, build_catalog, catalog_jsonld, clusters, compare
from extractors.catalog.anchors import View
from extractors.models import Document, json_schemas
from tests.conftest import CORPUS, make_document

ALOUADIFA = CORPUS / "snapshots" / "alouadifa-amo-tadamon" / "2025-09-01.html"
FRENCH = CORPUS / "snapshots" / "synthetic-amo-tadamon-fr" / "2025-09-01.html"
AR_ANCHOR = "<li>ألا يكون أفراد الأسرة مشمولين بنظام تأمين إجباري آخر عن المرض.</li>"
FR_ANCHOR = "<li>Les personnes qui ne sont couvertes"


def _doc(html: str, source: str, day: int) -> Document:
    return make_document(html, day, source, kind="html")


def _arabic(rate: str) -> str:
    page = ALOUADIFA.read_text(encoding="utf-8")
    assert AR_ANCHOR in page
    return page.replace(
        AR_ANCHOR, AR_ANCHOR + f"\n<li>نسبة التغطية {rate} من التعريفة الوطنية.</li>"
    )


def _french(rate: str, title: str | None = None) -> str:
    page = FRENCH.read_text(encoding="utf-8")
    assert FR_ANCHOR in page
    page = page.replace(
        FR_ANCHOR, f"<li>Le taux de couverture est de {rate} du tarif national.</li>\n" + FR_ANCHOR
    )
    return page.replace("Étapes de l'inscription à l'AMO Tadamon", title) if title else page


def _tadamon(catalog: Catalog):
    found = [
        e
        for e in catalog.entries
        if "AMO-TADAMON" in e.schemes
        and "enrol" in e.actions
        and any(m.source == "fr-page" for m in e.sources)
    ]
    assert len(found) == 1, [e.titles for e in catalog.entries]
    return found[0]


@pytest.fixture(scope="module")
def versions() -> dict[str, Document]:
    return {
        "ar1": _doc(_arabic("90%"), "ar-page", 1),
        "fr1": _doc(_french("90 %"), "fr-page", 2),
        "ar2": _doc(_arabic("95%"), "ar-page", 10),
        "fr2": _doc(_french("95 %"), "fr-page", 12),
        "fr3": _doc(_french("95 %", "Comment s'inscrire à l'AMO Tadamon"), "fr-page", 20),
    }


def test_one_entry_for_the_tadamon_enrolment_in_arabic_and_french(versions) -> None:
    catalog = build_catalog([versions["ar1"], versions["fr1"]])
    entry = _tadamon(catalog)
    assert entry.languages == ["ar", "fr"]
    assert {m.source for m in entry.sources} == {"ar-page", "fr-page"}
    assert set(entry.steps) == {"ar", "fr"}
    assert [s.urls for s in entry.steps["fr"][:2]] == [["www.rnp.ma"], ["www.rsu.ma"]]
    assert all(s.sources and s.sources[0].source == "fr-page" for s in entry.steps["fr"])
    assert all(s.sources[0].block_id for s in entry.steps["ar"])
    assert {"RNP", "RSU"} <= set(entry.institutions)
    assert {c.value for c in entry.channels if c.type == "online"} >= {"www.rnp.ma", "www.rsu.ma"}
    rates = [f for f in entry.figures if f.unit == "percent"]
    assert [(f.value, sorted({r.source for r in f.sources})) for f in rates] == [
        ("90%", ["ar-page", "fr-page"])
    ]
    # the other procedure of the Arabic page (no SMS after registering) stays apart
    assert len(catalog.entries) == 2
    assert not [c for c in entry.conflicts if c.field == "figure"]


def test_a_rate_changed_on_one_source_is_a_conflict_until_the_other_follows(versions) -> None:
    first = build_catalog([versions["ar1"], versions["fr1"]])
    ahead = build_catalog([versions["ar2"], versions["fr1"]], previous=first)
    entry = _tadamon(ahead)
    rate = [c for c in entry.conflicts if c.field == "figure" and c.key == "percent"]
    assert len(rate) == 1
    values = {v.value: sorted({r.source for r in v.sources}) for v in rate[0].values}
    assert values == {"90%": ["fr-page"], "95%": ["ar-page"]}
    assert all(r.block_id for v in rate[0].values for r in v.sources)
    assert entry.id == _tadamon(first).id

    followed = build_catalog([versions["ar2"], versions["fr2"]], previous=ahead)
    entry = _tadamon(followed)
    assert not [c for c in entry.conflicts if c.field == "figure"]
    assert [f.value for f in entry.figures if f.unit == "percent"] == ["95%"]
    assert entry.id == _tadamon(first).id


def test_the_entry_id_survives_a_reworded_title(versions) -> None:
    before = build_catalog([versions["ar2"], versions["fr2"]])
    after = build_catalog([versions["ar2"], versions["fr3"]], previous=before)
    old, new = _tadamon(before), _tadamon(after)
    moved = {m.procedure for m in old.sources} ^ {m.procedure for m in new.sources}
    assert len(moved) == 2  # the French procedure's own id moved with its title
    assert new.id == old.id
    # without the previous catalog the id would have been a new one
    assert _tadamon(build_catalog([versions["ar2"], versions["fr3"]])).id != old.id


def test_changes_that_touched_the_procedure_are_listed() -> None:
    from extractors.changes import diff

    old = _doc(_arabic("90%"), "ar-page", 1)
    page = _arabic("90%").replace(
        "<h2>3. إجراءات ما بعد تقديم الطلب</h2>",
        "<h2>الخطوة الرابعة: تتبع الطلب عبر الموقع الرسمي Amotadamon.ma</h2>\n"
        "<ul><li>يتم إدخال رقم الوصل لمعرفة حالة الطلب.</li></ul>\n"
        "<h2>3. إجراءات ما بعد تقديم الطلب</h2>",
    )
    new = _doc(page, "ar-page", 9)
    changes = diff(old, new)
    catalog = build_catalog([new], {"ar-page": [changes]})
    entry = next(e for e in catalog.entries if len(e.steps.get("ar", [])) == 4)
    assert [c.kind for c in entry.changes] == ["step_added"]
    assert entry.updated_at == new.source.fetched_at


def _view(key, lang, title, steps, urls=()) -> View:
    return View(key=key, lang=lang, title=title, steps=steps, urls=list(urls))


def test_different_schemes_or_actions_never_merge() -> None:
    tadamon = _view(
        ("a", "p1"), "fr", "Inscription à l'AMO Tadamon", ["S'inscrire au RSU"], ["www.rsu.ma"]
    )
    students = _view(
        ("b", "p1"), "fr", "Inscription à l'AMO des étudiants", ["S'inscrire"], ["www.rsu.ma"]
    )
    refund = _view(
        ("c", "p1"),
        "fr",
        "Remboursement AMO Tadamon",
        ["Déposer la feuille de soins"],
        ["www.rsu.ma"],
    )
    same = _view(
        ("d", "p9"),
        "ar",
        "التسجيل في أمو تضامن",
        ["التسجيل في السجل الاجتماعي الموحد"],
        ["https://www.rsu.ma/"],
    )
    assert compare(tadamon, students).vetoed
    assert compare(tadamon, refund).vetoed
    verdict = compare(tadamon, same)
    assert verdict.same and {"url", "scheme", "action"} <= set(verdict.reasons)
    # two procedures of one page in one language are two
    assert compare(tadamon, _view(("a", "p2"), "fr", "Inscription à l'AMO Tadamon", [])).vetoed


def test_the_catalog_validates_against_its_published_schema(versions) -> None:
    schema = json_schemas()["catalog"]  # tests/test_schema.py checks the committed copy
    catalog = build_catalog([versions["ar2"], versions["fr1"]])
    jsonschema.validate(json.loads(catalog.model_dump_json()), schema)
    broken = json.loads(catalog.model_dump_json())
    del broken["entries"][0]["sources"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_json_ld_is_schema_org_government_services_with_howtos(versions) -> None:
    from pyld import jsonld

    catalog = build_catalog([versions["ar1"], versions["fr1"]])
    doc = catalog_jsonld(catalog)
    expanded = jsonld.expand(doc)  # an inline context: nothing is fetched
    so = "https://schema.org/"
    services = [n for n in expanded if so + "GovernmentService" in n.get("@type", [])]
    assert len(services) == len(catalog.entries)
    tadamon = next(n for n in services if len(n[so + "subjectOf"]) == 2)
    howtos = tadamon[so + "subjectOf"]
    assert {h["@type"][0] for h in howtos} == {so + "HowTo"}
    langs = {h[so + "inLanguage"][0]["@value"] for h in howtos}
    assert langs == {"ar", "fr"}
    steps = next(h for h in howtos if h[so + "inLanguage"][0]["@value"] == "fr")[so + "step"]
    assert [s["@type"][0] for s in steps] == [so + "HowToStep"] * 3
    assert steps[0][so + "text"][0]["@language"] == "fr"
    names = {n["@language"] for n in tadamon[so + "name"]}
    assert names == {"ar", "fr"}
    # and it round-trips through RDF: every node and value is well formed
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    assert "<https://schema.org/HowToStep>" in nquads


def test_through_refreshes_the_stored_catalog_shows_the_conflict_then_clears_it(
    tmp_path,
) -> None:
    """Later snapshots in a registry: the Arabic page changes its rate first, the French
    one follows a run later; catalog.json (and its JSON-LD) follow, the id stays."""
    from flows.acquire import load_registry
    from flows.pipeline import run_refresh
    from flows.store import Store
    from tests.conftest import write_registry

    plan = [("ar-page", "2025-10-01", _arabic("90%")), ("fr-page", "2025-10-01", _french("90 %"))]
    later = [("ar-page", "2025-10-10", _arabic("95%")), ("fr-page", "2025-10-20", _french("95 %"))]
    store = Store(tmp_path / "store")
    seen = []
    for step in range(3):
        files = plan + later[:step]
        for source, day, html in files:
            path = tmp_path / "snapshots" / source / f"{day}.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(html, encoding="utf-8")
        body = ""
        for source, lang in (("ar-page", "ar"), ("fr-page", "fr")):
            snaps = sorted({day for s, day, _ in files if s == source})
            body += f"  - id: {source}\n    title: {source}\n    publisher: test\n    kind: html\n"
            body += f"    languages: [{lang}]\n    snapshots:\n"
            body += "".join(
                f"      - date: {d}\n        path: snapshots/{source}/{d}.html\n" for d in snaps
            )
        registry = load_registry(write_registry(tmp_path / "sources.yaml", body))
        run_refresh(store, registry, registry.sources)
        catalog = Catalog.model_validate_json(store.read_bytes("catalog.json"))
        entry = _tadamon(catalog)
        rates = [c for c in entry.conflicts if c.field == "figure" and c.key == "percent"]
        seen.append((entry.id, [sorted(v.value for v in c.values) for c in rates]))
        jsonld = json.loads(store.read_bytes("catalog.jsonld"))
        assert len(jsonld["@graph"]) == len(catalog.entries)
    assert [conflicts for _, conflicts in seen] == [[], [["90%", "95%"]], []]
    assert len({entry_id for entry_id, _ in seen}) == 1


def test_no_wrong_merge_on_the_labelled_pairs_from_real_pages() -> None:
    """A regression guard on both labelled sets (benchmarks/bench_catalog.py measures them):
    no pair of different procedures is merged, and the same ones keep their recall."""
    from benchmarks.bench_catalog import DATA, view

    for name, least in (("catalog_pairs", 16), ("catalog_pairs_heldout", 9)):
        records = json.loads((DATA / name / "procedures.json").read_text(encoding="utf-8"))
        views = {r["id"]: view(r) for r in records}
        pairs = json.loads((DATA / name / "pairs.json").read_text(encoding="utf-8"))
        judged = [(compare(views[p["a"]], views[p["b"]]).same, p["same"]) for p in pairs]
        assert not [p for p, (said, truth) in zip(pairs, judged, strict=True) if said and not truth]
        assert sum(said and truth for said, truth in judged) >= least, name
        # and as the catalog groups them (joins are transitive): no different pair together
        group = {v.key[1]: n for n, g in enumerate(clusters(list(views.values()))) for v in g}
        together = [p for p in pairs if not p["same"] and group[p["a"]] == group[p["b"]]]
        assert together == [], name


def test_steps_naming_the_same_bodies_in_the_same_order_are_evidence() -> None:
    french = _view(
        ("a", "p1"),
        "fr",
        "Inscription",
        ["S'inscrire au RNP sur www.rnp.ma", "S'inscrire au RSU (www.rsu.ma)", "Déposer"],
    )
    arabic = ["التسجيل في السجل الوطني للسكان", "التسجيل في السجل الاجتماعي الموحد", "الإيداع"]
    ordered = _view(("b", "p1"), "ar", "التسجيل", arabic)
    swapped = _view(("c", "p1"), "ar", "التسجيل", [arabic[1], arabic[0], arabic[2]])
    assert "order" in compare(french, ordered).reasons
    assert "order" not in compare(french, swapped).reasons
    assert compare(french, ordered).score - compare(french, swapped).score == 1.0


def test_ids_are_unique_when_entries_split_and_carried_strongest_first(versions) -> None:
    """A previous entry of three members splits in two: the part that keeps two of them
    keeps the id, the other gets a new one, and no two entries share an id."""
    now = build_catalog([versions["ar1"], versions["fr1"]])
    entry = _tadamon(now)
    member = entry.sources[0]
    ghost = member.model_copy(update={"source": "gone", "procedure": "p-x"})
    merged = entry.model_copy(update={"sources": [*entry.sources, ghost]})
    other = next(e for e in now.entries if e.id != entry.id)
    previous = Catalog(generated_at=now.generated_at, entries=[merged, other])
    again = build_catalog([versions["ar1"], versions["fr1"]], previous=previous)
    ids = [e.id for e in again.entries]
    assert len(set(ids)) == len(ids) and _tadamon(again).id == merged.id


def test_changes_of_versions_not_published_yet_are_left_out() -> None:
    from extractors.changes import diff

    old = _doc(_arabic("90%"), "ar-page", 1)
    new = _doc(_arabic("95%"), "ar-page", 9)
    held = diff(old, new)  # recorded, but latest/ still shows the old version
    assert any(c.kind == "figure_changed" for c in held.changes)
    shown = build_catalog([old], {"ar-page": [held]})
    assert all(not e.changes for e in shown.entries)
    published = build_catalog([new], {"ar-page": [held]})
    assert any(c.kind == "figure_changed" for e in published.entries for c in e.changes)
