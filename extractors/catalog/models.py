"""The catalog's JSON contract: one entry per procedure, merged across sources and
languages, every value with the places it was read. Versioned with the other contracts
(``SCHEMA_VERSION``); ``dalil schema catalog`` prints it."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from ..models import SCHEMA_VERSION


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Ref(_Model):
    """Where a value was read: a source, its version and the block."""

    source: str
    version: str
    block_id: str | None = None


class Text(_Model):
    """A text in one language, with where it was read."""

    lang: str | None = None
    text: str
    sources: list[Ref] = Field(default_factory=list)


class CatalogStep(_Model):
    number: int
    text: str
    content: list[str] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    sources: list[Ref] = Field(default_factory=list)


class CatalogChannel(_Model):
    type: Literal["online", "office"]
    value: str
    sources: list[Ref] = Field(default_factory=list)


class CatalogAddress(_Model):
    raw: str
    po_box: str | None = None
    postal_code: str | None = None
    city: str | None = None
    sources: list[Ref] = Field(default_factory=list)


class CatalogFigure(_Model):
    text: str = Field(description="As written in the first source that states it.")
    value: str = Field(description="Comparable value: '6.37%', '500 MAD', an ISO date.")
    unit: str | None = None
    sources: list[Ref] = Field(default_factory=list)


class ConflictValue(_Model):
    value: str
    sources: list[Ref]


class Conflict(_Model):
    """Sources that state different values of one fact. The catalog never picks one."""

    field: Literal["figure", "url", "steps"]
    key: str = Field(description="Which fact: a figure's unit, a URL's host, 'count' of steps.")
    values: list[ConflictValue]
    summary: str


class Member(_Model):
    """One source's description of the procedure."""

    source: str
    version: str
    procedure: str = Field(description="The procedure's id in that version's Document.")
    lang: str | None = None
    title: str
    fetched_at: AwareDatetime


class EntryChange(_Model):
    """A change-set event that touched the procedure in one of its sources."""

    source: str
    version: str
    change: str = Field(description="The change's id in its ChangeSet.")
    kind: str
    significance: str
    summary: str
    at: AwareDatetime = Field(description="Capture time of the version that brought it.")


class Entry(_Model):
    """One procedure, across every source and language that describes it."""

    id: str = Field(description="Stable: kept across rewording while a source still holds it.")
    titles: list[Text]
    languages: list[str]
    schemes: list[str] = Field(default_factory=list, description="Scheme ids, e.g. AMO-TADAMON.")
    institutions: list[str] = Field(default_factory=list, description="Ids, e.g. CNSS, RSU.")
    actions: list[str] = Field(default_factory=list, description="e.g. enrol, reimburse.")
    steps: dict[str, list[CatalogStep]] = Field(
        default_factory=dict, description="Steps by language, from that language's fullest source."
    )
    eligibility: list[Text] = Field(default_factory=list)
    required_documents: list[Text] = Field(default_factory=list)
    channels: list[CatalogChannel] = Field(default_factory=list)
    addresses: list[CatalogAddress] = Field(default_factory=list)
    figures: list[CatalogFigure] = Field(default_factory=list)
    conflicts: list[Conflict] = Field(default_factory=list)
    sources: list[Member]
    updated_at: AwareDatetime = Field(
        description="The newest change that touched it, else its first capture."
    )
    changes: list[EntryChange] = Field(default_factory=list)


class Catalog(_Model):
    schema_version: str = SCHEMA_VERSION
    generated_at: AwareDatetime = Field(description="When its entries last changed.")
    entries: list[Entry] = Field(default_factory=list)
