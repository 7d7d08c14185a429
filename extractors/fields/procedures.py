"""Procedures from blocks: ordered steps with their content, eligibility, required
documents and channels, in Arabic, French and English.

A procedure is found from structure and wording, never from one document's layout:
- step markers at the start of a block: الخطوة الأولى, المرحلة 1, أولا, Étape 1,
  Première étape, Step 1 (the block's own text after the marker is the step);
- a run of consecutively numbered items (1., 2), ١-) under a title or an introduction that
  speaks of steps (خطوات, مراحل, كيفية, Steps, How to, Étapes, Démarches, …);
- bullets introduced by "the following steps" (الخطوات التالية, les étapes suivantes), or
  right under a heading that names steps, stages or a how-to (كيفية التسجيل, Comment
  faire ?, How to apply) but not documents or eligibility.

An isolated numbered line followed by content of its own is a numbered section heading,
not a step, so an article's "1. …, 2. …" sections are not a procedure; bullets that only
describe things are not steps. A step written "Lead: details" has the lead as its text and
the details, with the bullets under a step heading, as its content.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from hashlib import sha1

from ..lines import reads_as_heading
from ..models import Block, Channel, Procedure, Step
from ..normalize import ASCII_DIGITS, TATWEEL, normalize_text
from .gazetteer import gazetteer

_AR_ORDINALS = {
    "الأولى": 1, "الاولى": 1, "الأول": 1, "الاول": 1, "أولى": 1,
    "الثانية": 2, "الثاني": 2, "الثالثة": 3, "الثالث": 3, "الرابعة": 4, "الرابع": 4,
    "الخامسة": 5, "الخامس": 5, "السادسة": 6, "السادس": 6, "السابعة": 7, "السابع": 7,
    "الثامنة": 8, "الثامن": 8, "التاسعة": 9, "التاسع": 9, "العاشرة": 10, "العاشر": 10,
    "الأخيرة": 99, "الاخيرة": 99,
}  # fmt: skip
_AR_ADVERBS = {
    "أولا": 1, "اولا": 1, "ثانيا": 2, "ثالثا": 3, "رابعا": 4, "خامسا": 5, "سادسا": 6,
    "سابعا": 7, "ثامنا": 8, "تاسعا": 9, "عاشرا": 10,
}  # fmt: skip
_FR_ORDINALS = {
    "première": 1, "premiere": 1, "1ère": 1, "1re": 1, "deuxième": 2, "deuxieme": 2,
    "seconde": 2, "2ème": 2, "troisième": 3, "troisieme": 3, "3ème": 3, "quatrième": 4,
    "quatrieme": 4, "cinquième": 5, "cinquieme": 5, "sixième": 6, "dernière": 99,
}  # fmt: skip
_EN_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
                "final": 99, "last": 99}  # fmt: skip
_NUM = r"[0-9\u0660-\u0669\u06f0-\u06f9]{1,2}"
_SEP = r"\s*(?:[:：.\-–—)]\s*|\s+|$)"

_MARKERS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], int | None]]] = [
    (
        re.compile(rf"^(?:ال)?(?:خطوة|مرحلة)\s+(?:رقم\s*)?(?P<n>{_NUM}){_SEP}"),
        lambda m: int(m["n"].translate(ASCII_DIGITS)),
    ),
    (
        re.compile(rf"^(?:ال)?(?:خطوة|مرحلة)\s+(?P<w>{'|'.join(_AR_ORDINALS)}){_SEP}"),
        lambda m: _AR_ORDINALS[m["w"]],
    ),
    (
        re.compile(rf"^(?P<w>{'|'.join(_AR_ADVERBS)})[ًا]?\s*[:：\-–—]\s*"),
        lambda m: _AR_ADVERBS[m["w"]],
    ),
    (
        re.compile(rf"^(?:[ée]tape|step|phase)\s*(?:n°\s*)?(?P<n>{_NUM}){_SEP}", re.I),
        lambda m: int(m["n"].translate(ASCII_DIGITS)),
    ),
    (
        re.compile(rf"^(?P<w>{'|'.join(_FR_ORDINALS)})\s+[ée]tape{_SEP}", re.I),
        lambda m: _FR_ORDINALS[m["w"].lower()],
    ),
    (
        re.compile(rf"^(?P<w>{'|'.join(_EN_ORDINALS)})\s+step{_SEP}", re.I),
        lambda m: _EN_ORDINALS[m["w"].lower()],
    ),
    (  # a numbered paragraph: "1)", "1.", "١-", "(1)"
        re.compile(rf"^\(?(?P<n>{_NUM})\s?[).\-–]\s+(?=\S)"),
        lambda m: int(m["n"].translate(ASCII_DIGITS)),
    ),
]
_NUMBERED_PARAGRAPH = _MARKERS[-1][0]

_STEP_CUE = re.compile(
    r"خطوات|مراحل|كيفية|طريقة|إجراءات|اجراءات|مسطرة|للتسجيل|التسجيل|للحصول|"
    r"\bsteps?\b|\bhow to\b|\bprocedure|\bprocess\b|\benrol|\bregist|\bapply\b|\bapplying\b|"
    r"[ée]tapes?|d[ée]marches?|proc[ée]dure|comment\b|marche à suivre|inscri|s'inscrire",
    re.I,
)
_HOWTO = re.compile(  # a heading that names steps, stages or a how-to
    r"خطوات|مراحل|كيفية|طريقة|إجراءات|اجراءات|مسطرة|"
    r"\bsteps?\b|\bhow (?:to|do)\b|\bprocedures?\b|\bprocess\b|"
    r"[ée]tapes?\b|d[ée]marches?|proc[ée]dures?\b|\bcomment\b|marche à suivre",
    re.I,
)
_FOLLOWING_STEPS = re.compile(
    r"الخطوات التالية|المراحل التالية|الإجراءات التالية|كما يلي|following steps|these steps|"
    r"as follows|[ée]tapes suivantes|comme suit|proc[ée]dez",
    re.I,
)
_ELIGIBILITY = re.compile(
    r"الفئات المستهدفة|شروط|المستفيد|من يحق|يحق ل|الأشخاص المعنيون|eligib|[ée]ligib|"
    r"who can|who is|conditions?\b|b[ée]n[ée]ficiaires|qui peut|public cible|ayants droit",
    re.I,
)
_DOCUMENTS = re.compile(
    r"الوثائق|المستندات|الملف المطلوب|ملف التسجيل|documents?\b|pi[èe]ces|dossier|"
    r"what you need|paperwork",
    re.I,
)
_AFTER = re.compile(
    r"ما بعد|بعد (?:التسجيل|تقديم|إيداع|الإيداع)|النتيجة|نتيجة الطلب|"
    r"apr[èe]s (?:l'inscription|le d[ée]p[ôo]t|la demande)|r[ée]sultat|"
    r"after (?:you|applying|registration|the application)|what happens next|outcome",
    re.I,
)
_OUTCOME = re.compile(
    r"(?<!\w)(?:تتوصل|يتوصل|ستتوصل|سيتوصل|تتلقى|ستتلقى|يتلقى|تحصل على|يحصل على|ستحصل|"
    r"يتم تسليم|سيتم تحويل|يتم إشعار|you will (?:receive|get|be)|will be (?:sent|issued|notified)|"
    r"vous (?:recevrez|obtiendrez|serez)|sera (?:délivrée?|envoyée?|notifiée?))(?!\w)",
    re.I,
)
_OFFICE = re.compile(
    r"(?<!\w)(?:(?:ال)?(?:وكالة|مكتب|ملحقة الإدارية|قيادة|مقاطعة|سلطة الإدارية|سلطات الإدارية|"
    r"مصالح|مركز|شباك)|agence|bureau|guichet|annexe administrative|caïdat|police station|"
    r"office|branch|préfecture|commune)(?!\w)",
    re.I,
)
_LEAD_MAX_WORDS = 10
_LEAD_IN = re.compile(r"^[^.!?؟:：\n]{2,60}[:：]$")  # a short line ending in ":"


@dataclass
class _Unit:
    """A block as the procedure finder sees it."""

    index: int
    block: Block
    text: str  # without its step marker
    rank: int  # heading rank: 1 top; 9 for text
    number: int | None = None  # step number from a marker
    marker: bool = False  # a step marker (الخطوة الأولى, Étape 1, Step 1 …)
    numbered: bool = False  # numbered item or paragraph ("1." …)
    bullet: bool = False

    @property
    def is_heading(self) -> bool:
        return self.rank < 9


@dataclass
class _Found:
    title: str
    title_index: int | None
    steps: list[tuple[_Unit, list[_Unit]]] = field(default_factory=list)  # a Run


def _marker(text: str) -> tuple[int, str, bool] | None:
    """(number, text after the marker, whether it is a named step marker)."""
    text = text.replace(TATWEEL, "")
    for pattern, number in _MARKERS:
        if match := pattern.match(text):
            rest = text[match.end() :].strip()
            return number(match), rest, pattern is not _NUMBERED_PARAGRAPH
    return None


def _units(blocks: Sequence[Block]) -> list[_Unit]:
    units: list[_Unit] = []
    for block in blocks:
        if block.furniture or not block.text.strip():
            continue
        text = block.text.strip()
        unit = _Unit(len(units), block, text, rank=9)
        found = _marker(text)
        if block.type == "list_item" and block.number:
            unit.number, unit.numbered = int(block.number.translate(ASCII_DIGITS)), True
            if found and found[2]:  # "1. الخطوة الأولى: …"
                unit.number, unit.text, unit.marker = found[0], found[1], True
        elif block.type == "list_item":
            unit.bullet = True
            if found and found[2]:
                unit.number, unit.text, unit.marker = found
        elif found:
            unit.number, unit.text, unit.marker = found
            unit.numbered = not found[2]
        if block.type == "heading":
            unit.rank = 3 if text.endswith((":", "：")) else max(1, block.level or 2)
        elif _LEAD_IN.match(text) and not found:
            unit.rank = 3  # "مراحل التسجيل:" set as plain text (a PDF's same-size line)
        units.append(unit)
    _mark_sections(units)
    return units


def _depth(unit: _Unit) -> int:
    return unit.block.depth or 0


def _neighbour(units: list[_Unit], i: int, step: int) -> _Unit | None:
    """The nearest numbered unit at the same depth before (step -1) or after (+1) unit i,
    across deeper items and bullets but not across a heading or prose."""
    depth = _depth(units[i])
    j = i + step
    while 0 <= j < len(units):
        other = units[j]
        if other.is_heading and not other.numbered:
            return None
        if other.numbered and _depth(other) == depth:
            return other
        if not (other.bullet or other.numbered or _depth(other) > depth):
            return None
        j += step
    return None


def _mark_sections(units: list[_Unit]) -> None:
    """An isolated numbered line, short and without closing punctuation, is a numbered
    section heading: "2. خطوات التسجيل" followed by its own content, then "3. …"."""
    runs = set()
    for i, unit in enumerate(units):
        if unit.numbered and not unit.marker:
            after, before = _neighbour(units, i, 1), _neighbour(units, i, -1)
            if (after and after.number == unit.number + 1) or (
                before and before.number == unit.number - 1
            ):
                runs.add(i)
    for i, unit in enumerate(units):
        if not unit.numbered or unit.marker:
            continue
        if i not in runs and reads_as_heading(unit.text):
            unit.rank, unit.numbered, unit.number = 2, False, None
        elif unit.block.type == "heading":
            unit.rank = 9  # a numbered heading inside a run reads as an item


def _title_before(units: list[_Unit], start: int, floor: int = 0) -> tuple[str, int | None]:
    for j in range(start - 1, floor - 1, -1):
        if units[j].is_heading and not units[j].marker:
            return _heading_text(units[j]), j
    return "", None


def _heading_text(unit: _Unit) -> str:
    found = _marker(unit.text)
    return found[1] if found and not found[2] else unit.text  # "2. Steps" -> "Steps"


def _content(units: list[_Unit], start: int, stop: Callable[[_Unit], bool]) -> list[_Unit]:
    """The blocks after a step that belong to it: sub-bullets and their paragraphs, up to
    the next step, heading, or prose after the bullets."""
    out: list[_Unit] = []
    for unit in units[start:]:
        if stop(unit) or unit.is_heading:
            break
        if not unit.bullet and out and any(u.bullet for u in out):
            break  # prose after the bullets is the article again
        out.append(unit)
    return out


Run = list[tuple[_Unit, list[_Unit]]]


def _run(
    units: list[_Unit],
    start: int,
    is_step: Callable[[_Unit, int], bool],
    ends_content: Callable[[_Unit], bool],
    keeps: Callable[[_Unit], bool] = lambda u: True,
) -> tuple[Run, int]:
    """Consecutive steps from ``start`` (``is_step`` given the number expected next), each
    with the content that follows it; returns them and the index after the run."""
    run: Run = []
    i, expected = start, units[start].number or 0
    while i < len(units) and is_step(units[i], expected):
        body = [u for u in _content(units, i + 1, ends_content) if keeps(u)]
        run.append((units[i], body))
        i += 1 + len(body)
        expected += 1
    return run, i


def _marker_procedures(units: list[_Unit], taken: set[int]) -> list[_Found]:
    found: list[_Found] = []
    i = 0
    while i < len(units):
        if not units[i].marker or i in taken:
            i += 1
            continue
        title, at = _title_before(units, i)
        run, end = _run(units, i, lambda u, n: u.marker and u.number in (n, 99), lambda u: u.marker)
        taken.update(range(i, end))
        found.append(_Found(title, at, run))
        i = end
    return found


def _numbered_procedures(units: list[_Unit], taken: set[int]) -> list[_Found]:
    found: list[_Found] = []
    i = 0
    while i < len(units):
        unit = units[i]
        if not unit.numbered or i in taken:
            i += 1
            continue
        depth = _depth(unit)
        run, end = _run(
            units,
            i,
            lambda u, n, d=depth: u.numbered and u.number == n and _depth(u) == d,
            lambda u, d=depth: u.numbered and _depth(u) <= d,
            lambda u, d=depth: u.bullet or _depth(u) > d,
        )
        title, at = _title_before(units, i)
        intro = units[i - 1].text if i and not units[i - 1].is_heading else ""
        if len(run) >= 2 and (_STEP_CUE.search(title) or _FOLLOWING_STEPS.search(intro)):
            found.append(_Found(title, at, run))
            taken.update(range(i, end))
        i = max(end, i + 1)
    return found


def _names_steps(unit: _Unit) -> bool:
    """A heading that names steps, stages or a how-to, and not documents or eligibility."""
    text = unit.text.replace(TATWEEL, "")
    return (
        unit.is_heading
        and _HOWTO.search(text) is not None
        and not _DOCUMENTS.search(text)
        and not _ELIGIBILITY.search(text)
    )


def _bullet_procedures(units: list[_Unit], taken: set[int]) -> list[_Found]:
    """Bullets introduced as steps ("اتبع الخطوات التالية:") or right under a heading that
    names steps or a how-to ("كيفية التسجيل", "Comment faire ?") are steps, in order."""
    found: list[_Found] = []
    for i, unit in enumerate(units):
        if i in taken or unit.bullet:
            continue
        if not (_FOLLOWING_STEPS.search(unit.text) or _names_steps(unit)):
            continue
        j = i + 1
        while j < len(units) and units[j].bullet and j not in taken:
            j += 1
        if j - i - 1 >= 2:
            title, at = _title_before(units, i)
            found.append(_Found(title or unit.text, at, [(u, []) for u in units[i + 1 : j]]))
            taken.update(range(i, j))
    return found


def _split_lead(text: str) -> tuple[str, str]:
    """ "Obtain a residency permit: Before you can …" -> (lead, details)."""
    for sep in (":", "：", " - ", " – "):
        head, found, tail = text.partition(sep)
        if found and tail.strip() and 0 < len(head.split()) <= _LEAD_MAX_WORDS:
            return head.strip(), tail.strip()
    return text, ""


def step_id(text: str) -> str:
    """A step's id: the same normalised text gives the same id in every version."""
    key = " ".join(re.sub(r"[^\w\s]", " ", normalize_text(text).casefold()).split())
    return "s-" + sha1(key.encode("utf-8")).hexdigest()[:12]


def _section(units: list[_Unit], pattern: re.Pattern[str]) -> list[tuple[int, list[_Unit]]]:
    """Sections whose heading matches ``pattern``: (heading index, the units under it)."""
    out = []
    for i, unit in enumerate(units):
        if not unit.is_heading or unit.marker or not pattern.search(unit.text):
            continue
        under = []
        for below in units[i + 1 :]:
            if below.is_heading and below.rank <= unit.rank:
                break
            if not below.is_heading:
                under.append(below)
        if under:
            out.append((i, under))
    return out


def _nearest(procedures: list[_Found], index: int) -> _Found:
    def distance(proc: _Found) -> int:
        first = proc.steps[0][0].index
        last = proc.steps[-1][0].index
        return 0 if first <= index <= last else min(abs(index - first), abs(index - last))

    return min(procedures, key=distance)


SentenceSplitter = Callable[[Block], list[str]]


def find_procedures(
    blocks: Sequence[Block],
    urls_by_block: dict[str, list[str]] | None = None,
    sentences: SentenceSplitter | None = None,
) -> list[Procedure]:
    """The procedures in a document's blocks, in document order.

    ``urls_by_block`` gives each block's URLs (for step URLs and online channels);
    ``sentences`` splits a text into sentences (for eligibility conditions).
    """
    units = _units(blocks)
    taken: set[int] = set()
    found = _marker_procedures(units, taken)
    found += _numbered_procedures(units, taken)
    found += _bullet_procedures(units, taken)
    found.sort(key=lambda p: p.steps[0][0].index)
    if not found:
        return []
    urls_by_block = urls_by_block or {}
    split = sentences or (lambda block: [block.text])
    extras: dict[int, dict[str, list[str]]] = {
        id(p): {"elig": [], "docs": [], "outcomes": [], "blocks": []} for p in found
    }
    for p in found:
        if p.title_index is not None:
            extras[id(p)]["blocks"].append(units[p.title_index].block.id)
    titles = {p.title_index for p in found}
    for name, pattern in (("elig", _ELIGIBILITY), ("docs", _DOCUMENTS), ("outcomes", _AFTER)):
        for index, under in _section(units, pattern):
            if name == "outcomes" and index in titles:
                continue  # "What if no SMS came after registering?" is a procedure's title
            extra = extras[id(_nearest(found, index))]
            if name == "docs":
                extra[name] += [u.text for u in under]
            else:
                extra[name] += [s for u in under for s in split(u.block)]
            extra["blocks"] += [units[index].block.id, *(u.block.id for u in under)]
    return [_procedure(p, extras[id(p)], urls_by_block) for p in found]


def _procedure(
    proc: _Found, extra: dict[str, list[str]], urls_by_block: dict[str, list[str]]
) -> Procedure:
    steps: list[Step] = []
    channels: list[Channel] = []
    for number, (unit, body) in enumerate(proc.steps, start=1):
        lead, details = _split_lead(unit.text)
        blocks = [unit.block, *(u.block for u in body)]
        urls = [u for b in blocks for u in urls_by_block.get(b.id, [])]
        content = [details] if details else []
        content += [u.text for u in body]
        step = Step(
            id=step_id(lead),
            number=unit.number if unit.number and unit.number != 99 else number,
            text=lead,
            content=content,
            urls=list(dict.fromkeys(urls)),
            block_ids=[b.id for b in blocks],
        )
        steps.append(step)
        channels += [Channel(type="online", value=u, step_id=step.id) for u in step.urls]
        for text in (lead, *content):
            match = _OFFICE.search(text)
            office = _clause(text, match) if match else ""
            if office and office not in gazetteer().organisations:  # an agency, not a desk
                channels.append(Channel(type="office", value=office, step_id=step.id))
    title = proc.title or steps[0].text
    return Procedure(
        id="p-" + step_id(title)[2:],
        title=title,
        steps=steps,
        eligibility=list(dict.fromkeys(extra["elig"])),
        required_documents=list(dict.fromkeys(extra["docs"])),
        outcomes=_outcomes(steps, extra["outcomes"]),
        channels=_unique(channels),
        # the title, the steps and the sections that feed the procedure: what a diff of
        # the procedure reports, so the prose diff leaves it alone
        block_ids=list(dict.fromkeys([*(b for s in steps for b in s.block_ids), *extra["blocks"]])),
    )


def _outcomes(steps: list[Step], after: list[str]) -> list[str]:
    """What the applicant gets: sentences of the steps that announce a result ("you will
    receive your card"), then those of a section about what happens after."""
    announced = [
        text for step in steps for text in (step.text, *step.content) if _OUTCOME.search(text)
    ]
    return list(dict.fromkeys([*announced, *after]))


def _clause(text: str, match: re.Match[str]) -> str:
    """The clause around an office word: from the match to the next punctuation."""
    end = re.search(r"[.،,;؛:)(]", text[match.end() :])
    return text[match.start() : match.end() + (end.start() if end else len(text))].strip()


def _unique(channels: list[Channel]) -> list[Channel]:
    seen: set[tuple[str, str]] = set()
    out = []
    for channel in channels:
        if (channel.type, channel.value) not in seen:
            seen.add((channel.type, channel.value))
            out.append(channel)
    return out
