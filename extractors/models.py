"""The JSON contract: pydantic models for Document and ChangeSet.

Downstream apps consume these through the JSON Schema printed by ``dalil schema`` (a copy
is committed under ``extractors/schemas/``). Bump ``SCHEMA_VERSION`` on any change to the
shape: minor for additive fields, major for anything that breaks a consumer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.9.0"
CELL_SEPARATOR = " | "  # how a table row's cells are joined in its text

SourceKind = Literal["html", "pdf", "text"]
BlockType = Literal["heading", "paragraph", "list_item", "table_row", "caption", "other"]
Significance = Literal["substantive", "editorial", "noise"]
ChangeKind = Literal[
    "procedure_added",
    "procedure_removed",
    "step_added",
    "step_removed",
    "step_changed",
    "step_moved",
    "eligibility_changed",
    "required_document_added",
    "required_document_removed",
    "url_added",
    "url_removed",
    "url_changed",
    "address_changed",
    "figure_changed",
    "title_changed",
    "text_added",
    "text_removed",
    "text_changed",
]


def version_id(captured_at: datetime, sha256: str) -> str:
    """Sortable, deterministic version id: capture time (UTC) and a short content hash."""
    return f"{captured_at.astimezone(UTC):%Y%m%dT%H%M%SZ}-{sha256[:12]}"


def version_time(version: str) -> datetime:
    """The capture time a version id starts with (``20250901T000000Z-…``)."""
    return datetime.strptime(version.split("-", 1)[0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceRef(_Model):
    """Where a Document came from: the source and the exact snapshot bytes."""

    id: str = Field(description="Registry slug of the source.")
    url: str | None = Field(default=None, description="Live URL, when one is known.")
    kind: SourceKind
    fetched_at: AwareDatetime = Field(description="When the snapshot was captured (UTC).")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the snapshot bytes.")
    snapshot: str = Field(description="Where the snapshot bytes live (store key or path).")


class Candidate(_Model):
    text: str
    score: float


class Repair(_Model):
    """One edit made to a block's raw text, with its evidence."""

    original: str
    result: str
    rule: str
    confidence: float = Field(ge=0, le=1)
    uncertain: bool = False
    candidates: list[Candidate] = Field(default_factory=list)
    supplied_by: str | None = Field(
        default=None,
        description="A user-supplied repair: the reviewer who gave ``result``. None for the "
        "engine's own repairs.",
    )
    engine_result: str | None = Field(
        default=None, description="A user-supplied repair: what the engine had read."
    )


class UserRepair(_Model):
    """A reviewer's correction of one engine repair: wherever the engine reads ``original``
    as ``result``, the right reading is ``corrected``."""

    original: str
    result: str
    corrected: str
    by: str


class Block(_Model):
    """An ordered unit of text with its provenance."""

    id: str
    type: BlockType
    text: str = Field(description="Normalised, repaired text.")
    raw_text: str = Field(description="The text exactly as it was in the snapshot.")
    lang: str | None = Field(default=None, description="ISO 639-1 code, from the script.")
    dir: Literal["rtl", "ltr"] | None = None
    page: int | None = Field(default=None, description="1-based PDF page, when there is one.")
    bbox: list[float] | None = Field(
        default=None, description="PDF bounding box [x0, top, x1, bottom] in points."
    )
    line: int | None = Field(default=None, description="1-based first line in a text snapshot.")
    level: int | None = Field(default=None, description="Heading level.")
    number: str | None = Field(default=None, description="List item's number, as written.")
    depth: int | None = Field(default=None, description="List nesting depth, 0-based.")
    ordered: bool | None = Field(default=None, description="Whether a list item's list is ordered.")
    cells: list[str] | None = Field(
        default=None, description="A table row's cells, in reading (logical) order."
    )
    furniture: bool = Field(default=False, description="Page furniture: menus, ads, footers.")
    furniture_signals: list[str] | None = Field(
        default=None,
        description="HTML: the signals weighed to decide ``furniture`` (markup, link "
        "density, the page's main text, the registry's selectors).",
    )
    repairs: list[Repair] = Field(default_factory=list)
    ocr: bool = Field(default=False, description="Read by OCR from a page image.")
    font: str | None = Field(
        default=None, description="PDF: the font most of the block's glyphs use."
    )
    ocr_confidence: float | None = Field(
        default=None, ge=0, le=1, description="OCR: the mean confidence of the block's words."
    )


class Step(_Model):
    """One step of a procedure, in order."""

    id: str = Field(description="Stable: derived from the step's normalised text.")
    number: int = Field(description="The step's number, as written or by position.")
    text: str = Field(description="The step itself (its lead, when written 'lead: details').")
    content: list[str] = Field(default_factory=list, description="Details and sub-steps, in order.")
    urls: list[str] = Field(default_factory=list)
    block_ids: list[str] = Field(default_factory=list)


class Channel(_Model):
    """Where a procedure is carried out: online (a URL) or at an office."""

    type: Literal["online", "office"]
    value: str
    step_id: str | None = None


class Procedure(_Model):
    id: str = Field(description="Stable: derived from the normalised title.")
    title: str
    steps: list[Step] = Field(default_factory=list)
    eligibility: list[str] = Field(default_factory=list, description="Conditions, in order.")
    required_documents: list[str] = Field(default_factory=list)
    outcomes: list[str] = Field(
        default_factory=list, description="What the applicant gets or is told, in order."
    )
    channels: list[Channel] = Field(default_factory=list)
    block_ids: list[str] = Field(default_factory=list)


class Url(_Model):
    url: str = Field(description="Normalised URL.")
    raw: str = Field(description="The URL as written in the source.")
    label: str | None = None
    block_id: str | None = None
    furniture: bool = False
    valid: bool = Field(default=True, description="Whether the URL is syntactically valid.")


class Address(_Model):
    raw: str
    street: str | None = None
    district: str | None = None
    po_box: str | None = None
    postal_code: str | None = None
    city: str | None = None
    block_id: str | None = None


class Figure(_Model):
    """A number with its unit as written: percent, MAD (or MAD/month, MAD/year), people,
    households, count, or date (then ``date`` holds the ISO date)."""

    text: str = Field(description="The figure as written.")
    value: float | None = None
    min: float | None = Field(default=None, description="A range's low end.")
    max: float | None = Field(default=None, description="A range's high end.")
    unit: str | None = None
    date: str | None = Field(default=None, description="ISO date: YYYY-MM-DD or YYYY-MM.")
    block_id: str | None = None


class Quality(_Model):
    """Counts that tell how much of a document was damaged and what was done about it."""

    blocks: int = 0
    tokens: int = 0
    damaged_tokens: int = 0
    repaired_tokens: int = 0
    uncertain_tokens: int = 0
    user_repairs: int = Field(default=0, description="Repairs supplied by reviewers.")
    needs_ocr: bool = Field(default=False, description="Pages wait for OCR (``ocr_pages``).")
    ocr_pages: list[int] = Field(
        default_factory=list,
        description="1-based PDF pages without usable text (no text layer, or glyphs without "
        "letters): to be read by OCR. Blank pages are not listed.",
    )
    ocr_read: list[int] = Field(
        default_factory=list,
        description="1-based PDF pages whose blocks were read by OCR (blocks with ``ocr``).",
    )
    warnings: list[str] = Field(default_factory=list)


class ExtractorInfo(_Model):
    name: str
    version: str
    legacy_fonts: int = Field(
        default=0, description="How many admin-confirmed legacy-font code tables it had."
    )
    domain_words: int = Field(
        default=0, description="How many admin-confirmed domain words the repair engine knew."
    )


class Document(_Model):
    """One version of one source, as structured JSON."""

    schema_version: str = SCHEMA_VERSION
    source: SourceRef
    languages: list[str] = Field(default_factory=list)
    title: str | None = None
    blocks: list[Block] = Field(default_factory=list)
    procedures: list[Procedure] = Field(default_factory=list)
    urls: list[Url] = Field(default_factory=list)
    addresses: list[Address] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    quality: Quality = Field(default_factory=Quality)
    extractor: ExtractorInfo

    @property
    def version(self) -> str:
        """This version's id in the store."""
        return version_id(self.source.fetched_at, self.source.sha256)


class WordOp(_Model):
    """One run of a word-level diff: kept, inserted or deleted words, in logical order."""

    op: Literal["equal", "insert", "delete"]
    text: str


class Change(_Model):
    id: str = Field(description="Stable id: derived from source, versions, kind and path.")
    kind: ChangeKind
    significance: Significance
    path: str = Field(description="Where in the Document the change is, e.g. blocks/b0012.")
    before: str | None = None
    after: str | None = None
    summary: str
    word_diff: list[WordOp] = Field(default_factory=list)


class ParityGap(_Model):
    """Two language versions of one page (a registry ``pair``) that no longer state the
    same language-independent fact, after one of them changed it."""

    pair: str
    kind: Literal["figure", "date", "url", "postal_code", "po_box", "phone", "steps"]
    changed_source: str = Field(description="The side whose new version changed the fact.")
    changed_version: str
    other_source: str = Field(description="The side that did not follow.")
    other_version: str
    changed_values: list[str] = Field(description="What the changed side states, alone.")
    other_values: list[str] = Field(description="What the other side states, alone.")
    dropped: list[str] = Field(description="Values the change removed (still on the other side).")
    added: list[str] = Field(description="Values the change added (missing on the other side).")
    status: Literal["open", "closed"] = "open"
    closed_by: str | None = Field(
        default=None, description="The version that made the two sides agree again."
    )

    @property
    def key(self) -> str:
        """One gap per change: pair, kind, changed source and version."""
        return f"{self.pair}/{self.kind}/{self.changed_source}/{self.changed_version}"


class ChangeSet(_Model):
    """What changed between two versions of one source."""

    schema_version: str = SCHEMA_VERSION
    source_id: str
    from_version: str | None = Field(description="None for a source's first version.")
    to_version: str
    technical_upgrade: bool = Field(
        default=False, description="Re-extracted with a new extractor: never an alert."
    )
    revert_of: str | None = Field(
        default=None, description="The earlier version this one equals (a revert): no alert."
    )
    changes: list[Change] = Field(default_factory=list)


def json_schemas() -> dict[str, dict]:
    """The published JSON Schemas, by name."""
    from .catalog import Catalog  # the catalog's models build on these

    schemas = {
        "document": Document,
        "changeset": ChangeSet,
        "parity": ParityGap,
        "catalog": Catalog,
    }
    return {
        name: {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$comment": f"dalil {name} contract, schema_version {SCHEMA_VERSION}",
            **model.model_json_schema(),
        }
        for name, model in schemas.items()
    }
