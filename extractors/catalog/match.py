"""Whether two procedures are one: a veto when they name different schemes or ask for
different things, else evidence weighed from their anchors. A wrong merge is worse than
a missed one, so the bar is high and the vetoes are hard."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from .anchors import Anchors, View, anchors

THRESHOLD = 4.5
WEIGHTS = {
    "url": 3.0,  # a shared URL (language segment aside)
    "host": 1.0,  # only a shared host
    "scheme": 2.0,
    "action": 1.5,
    "institution": 0.5,  # each, up to two
    "figure": 1.0,  # each, up to two
    "steps": 0.5,  # the same number of steps, more than one
    "order": 1.0,  # two or more steps naming the same bodies or sites, in the same order
    "title": 3.0,  # times the title words' overlap, same language only
}


@dataclass(frozen=True)
class Verdict:
    same: bool
    score: float
    reasons: tuple[str, ...]
    vetoed: bool = False


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard overlap of two sets (0 when both are empty)."""
    return len(a & b) / len(a | b) if a | b else 0.0


def in_order(a: tuple[frozenset[str], ...], b: tuple[frozenset[str], ...]) -> int:
    """How many steps of ``a`` and ``b`` name a same body or site in the same order (the
    longest common subsequence of steps, two steps matching when their keys meet)."""
    row = [0] * (len(b) + 1)
    for keys in a:
        diagonal = 0
        for j, other in enumerate(b, start=1):
            above = row[j]
            row[j] = diagonal + 1 if keys & other else max(row[j], row[j - 1])
            diagonal = above
    return row[-1]


def veto(a: View, b: View, x: Anchors, y: Anchors) -> str | None:
    """Why the two can never be one procedure, or None."""
    if a.source == b.source and a.lang == b.lang:
        return "one page, two procedures"
    if x.schemes and y.schemes and not x.schemes & y.schemes:
        return "different schemes"
    if len(x.insurers) == len(y.insurers) == 1 and x.insurers != y.insurers:
        return "different insurers"
    if x.titled and y.titled and not x.actions & y.actions:
        return "titles ask for different things"
    return None


def compare(a: View, b: View, x: Anchors | None = None, y: Anchors | None = None) -> Verdict:
    """The evidence that ``a`` and ``b`` describe one procedure."""
    x, y = x or anchors(a), y or anchors(b)
    if why := veto(a, b, x, y):
        return Verdict(False, 0.0, (why,), vetoed=True)
    score, reasons = 0.0, []

    def add(name: str, times: float = 1.0) -> None:
        nonlocal score
        if times > 0:
            score += WEIGHTS[name] * times
            reasons.append(name)

    add("url", float(bool(x.urls & y.urls)))
    add("host", float(bool(not x.urls & y.urls and x.hosts & y.hosts)))
    add("scheme", float(bool(x.schemes & y.schemes)))
    add("action", float(bool(x.actions & y.actions)))
    add("institution", min(2, len(x.institutions & y.institutions)))
    add("figure", min(2, len(x.figures & y.figures)))
    add("steps", float(x.steps == y.steps > 1))
    add("order", float(in_order(x.step_keys, y.step_keys) >= 2))
    if a.lang == b.lang:
        add("title", overlap(x.title_words, y.title_words))
    # one scheme (or insurer) and one thing asked: the same procedure in any words
    # an insurer runs many procedures: without a scheme, both titles must say the action
    insurer = not x.schemes and not y.schemes and x.insurers & y.insurers and x.titled and y.titled
    identity = bool((x.schemes & y.schemes or insurer) and x.actions & y.actions)
    if identity:
        reasons.append("identity")
    return Verdict(identity or score >= THRESHOLD, round(score, 2), tuple(reasons))


def clusters(views: list[View]) -> list[list[View]]:
    """Group the procedures: the pairs judged the same are joined strongest first, unless
    a member of one group vetoes a member of the other (so a weak match never pulls a
    procedure away from a stronger one, and a group never holds two procedures of one
    page in one language)."""
    found = [anchors(v) for v in views]
    vetoed: set[tuple[int, int]] = set()
    edges: list[tuple[float, int, int]] = []
    for i, j in combinations(range(len(views)), 2):
        verdict = compare(views[i], views[j], found[i], found[j])
        if verdict.vetoed:
            vetoed.add((i, j))
        elif verdict.same:
            edges.append((-verdict.score, i, j))
    group = list(range(len(views)))
    members = {i: [i] for i in group}
    for _, i, j in sorted(edges):
        gi, gj = group[i], group[j]
        if gi == gj or any(
            (min(a, b), max(a, b)) in vetoed for a in members[gi] for b in members[gj]
        ):
            continue
        for k in members[gj]:
            group[k] = gi
        members[gi] += members.pop(gj)
    return [[views[k] for k in sorted(ks)] for _, ks in sorted(members.items())]
