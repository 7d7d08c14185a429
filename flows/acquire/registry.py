"""The source registry (``corpus/sources.yaml``): load it and validate every entry.

Errors name the entry and the problem, all problems at once, so a maintainer can fix the
file in one pass.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from extractors.models import SourceKind

from .errors import RegistryError

DEFAULT_REGISTRY = Path("corpus/sources.yaml")
SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class Selectors(BaseModel):
    """Per-source CSS selectors for HTML: what to keep as main content, what is furniture."""

    model_config = ConfigDict(extra="forbid")
    select: list[str] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)


class Discover(BaseModel):
    """Where new documents of a source's family appear: a sitemap, or a listing page (the
    source's own page by default), and the pattern their addresses match."""

    model_config = ConfigDict(extra="forbid")
    sitemap: str | None = Field(default=None, pattern=r"^https?://\S+$")
    listing: str | None = Field(default=None, pattern=r"^https?://\S+$")
    pattern: str = Field(min_length=1, description="A regular expression the address matches.")
    limit: int = Field(default=50, ge=1, le=1000, description="Documents taken from one run.")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from None
        return value


_KIND_BY_SUFFIX: dict[str, SourceKind] = {".html": "html", ".htm": "html", ".pdf": "pdf"}
# which rendition of one capture is read when the source's own kind is not among them
_RENDITION_ORDER: tuple[SourceKind, ...] = ("html", "pdf", "text")


class Snapshot(BaseModel):
    """One captured file. A capture (one date) may come in several renditions, e.g. a web
    page's HTML and its visible text; ``kind`` defaults from the file's suffix."""

    model_config = ConfigDict(extra="forbid")
    date: date
    path: str
    kind: SourceKind | None = None
    synthetic: bool = Field(default=False, description="Written for dalil, not captured.")
    note: str | None = Field(default=None, description="What a synthetic snapshot changes.")

    @property
    def rendition(self) -> SourceKind:
        return self.kind or _KIND_BY_SUFFIX.get(Path(self.path).suffix.lower(), "text")


class Source(BaseModel):
    """One registry entry."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=SLUG, max_length=80)
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    kind: SourceKind
    languages: list[str] = Field(min_length=1)
    url: str | None = Field(default=None, pattern=r"^https?://\S+$")
    selectors: Selectors | None = None
    synthetic: bool = Field(default=False, description="Made for tests, not captured from the web.")
    allow_private_redirects: bool = Field(
        default=False, description="Follow redirects to private or loopback addresses."
    )
    render: Literal["http", "browser"] = Field(
        default="http", description="browser: a page that needs JavaScript (headless Chromium)."
    )
    pair: str | None = Field(
        default=None,
        pattern=SLUG,
        description="Links the language versions of one page: the same key on each.",
    )
    schedule: Literal["daily", "weekly"] | None = Field(
        default=None, description="How often a live refresh asks (default: PDFs weekly)."
    )
    discover: Discover | None = None
    discovered_from: str | None = Field(
        default=None, description="Set on sources that discovery added: the declaring source."
    )
    publish: Literal["auto", "reviewed"] = Field(
        default="auto",
        description="auto: latest/ shows every new version; reviewed: only confirmed ones.",
    )
    snapshots: list[Snapshot] = Field(default_factory=list)

    @property
    def cadence(self) -> Literal["daily", "weekly"]:
        """The schedule class: the registry's, else daily for pages, weekly for PDFs."""
        return self.schedule or ("weekly" if self.kind == "pdf" else "daily")


class CapturedSnapshot(BaseModel):
    """A snapshot resolved against the registry's folder."""

    source_id: str
    date: date
    file: Path
    kind: SourceKind


class Registry(BaseModel):
    path: Path
    sources: list[Source]

    def get(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)

    def only(self, source: Source) -> Registry:
        """The same registry file, reduced to one source (a small task input)."""
        return Registry(path=self.path, sources=[source])

    def select(
        self,
        ids: list[str] | None = None,
        kinds: list[str] | None = None,
        cadences: list[str] | None = None,
    ) -> list[Source]:
        """The sources named by ``ids`` (all when empty), filtered by ``kinds`` and by
        schedule class (``cadences``: daily, weekly)."""
        unknown = sorted(set(ids or ()) - {s.id for s in self.sources})
        if unknown:
            raise RegistryError(self.path, [f"unknown source id {i!r}" for i in unknown])
        chosen = [s for s in self.sources if not ids or s.id in ids]
        chosen = [s for s in chosen if not cadences or s.cadence in cadences]
        return [s for s in chosen if not kinds or s.kind in kinds]

    def with_sources(self, extra: list[Source]) -> Registry:
        """The registry with more sources (discovered ones), ids already present skipped."""
        ids = {s.id for s in self.sources}
        more = [s for s in extra if s.id not in ids]
        return Registry(path=self.path, sources=[*self.sources, *more])

    def partners(self, source: Source) -> list[Source]:
        """The other language versions of a source's page (its ``pair``)."""
        return [s for s in self.sources if source.pair and s.pair == source.pair and s != source]

    def snapshots(self, source: Source) -> list[CapturedSnapshot]:
        """A source's captures, oldest first, one rendition each: the one of the source's
        kind, else the most structured (html, then pdf, then text)."""
        order = (source.kind, *_RENDITION_ORDER)
        chosen: dict[date, Snapshot] = {}
        for snap in source.snapshots:
            held = chosen.get(snap.date)
            if held is None or order.index(snap.rendition) < order.index(held.rendition):
                chosen[snap.date] = snap
        root = self.path.parent
        return [
            CapturedSnapshot(source_id=source.id, date=s.date, file=root / s.path, kind=s.rendition)
            for _, s in sorted(chosen.items())
        ]


class _Loader(yaml.SafeLoader):
    """Safe YAML without implicit timestamps: dates stay strings for pydantic to check."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _entry_label(index: int, raw: object) -> str:
    sid = raw.get("id") if isinstance(raw, dict) else None
    return f"source #{index + 1}" + (f" ({sid})" if sid else "")


def _field_problems(label: str, exc: ValidationError) -> list[str]:
    problems = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "entry"
        value = f" (got {err['input']!r})" if not isinstance(err["input"], dict | list) else ""
        problems.append(f"{label}: {where}: {err['msg']}{value}")
    return problems


def _file_problems(label: str, source: Source, root: Path) -> list[str]:
    problems = []
    for snap in source.snapshots:
        file = (root / snap.path).resolve()
        if not file.is_relative_to(root.resolve()):
            problems.append(f"{label}: snapshot {snap.path!r} points outside {root}")
        elif not file.is_file():
            problems.append(f"{label}: snapshot file {snap.path!r} does not exist")
    captures = [(s.date, s.rendition) for s in source.snapshots]
    if len(set(captures)) != len(captures):
        problems.append(f"{label}: two snapshots share one date and one kind")
    return problems


def load_registry(path: Path | str = DEFAULT_REGISTRY) -> Registry:
    """Load and validate a registry file. Raises RegistryError listing every problem."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except FileNotFoundError:
        raise RegistryError(path, ["file not found"]) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RegistryError(path, [f"not valid YAML: {exc}"]) from None
    if not isinstance(data, dict) or not isinstance(data.get("sources"), list):
        raise RegistryError(path, ["top level must be a mapping with a 'sources' list"])
    sources: list[Source] = []
    problems: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["sources"]):
        label = _entry_label(index, raw)
        try:
            source = Source.model_validate(raw)
        except ValidationError as exc:
            problems.extend(_field_problems(label, exc))
            continue
        if source.id in seen:
            problems.append(f"{label}: duplicate id {source.id!r}")
        seen.add(source.id)
        problems.extend(_file_problems(label, source, path.parent))
        sources.append(source)
    problems.extend(_pair_problems(sources))
    if problems:
        raise RegistryError(path, problems)
    return Registry(path=path, sources=sources)


def _pair_problems(sources: list[Source]) -> list[str]:
    """A pair links two or more language versions of one page, each in its own language."""
    pairs: dict[str, list[Source]] = {}
    for source in sources:
        if source.pair:
            pairs.setdefault(source.pair, []).append(source)
    problems = []
    for key, members in pairs.items():
        ids = ", ".join(s.id for s in members)
        if len(members) < 2:
            problems.append(f"pair {key!r} links one source only ({ids})")
        elif len({tuple(s.languages) for s in members}) < len(members):
            problems.append(f"pair {key!r} links sources in the same language ({ids})")
    return problems
