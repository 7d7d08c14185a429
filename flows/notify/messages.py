"""What a refresh tells people: its alerts (substantive changes of real change sets, and
parity gaps it opened), turned into one message per alert or one digest per subscriber."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from hashlib import sha256

from flows.parity import load_gaps
from flows.reports import is_alert, one_line
from flows.store import Store

from .subscriptions import Subscription


@dataclass(frozen=True)
class Alert:
    """One thing worth a message: a change set's substantive changes, or a parity gap."""

    id: str
    sources: tuple[str, ...]
    title: str
    lines: tuple[str, ...]
    link: str | None = None

    def text(self) -> str:
        return "\n".join([*self.lines, *([self.link] if self.link else [])])


@dataclass(frozen=True)
class Message:
    """One message to one notification URL."""

    id: str
    user: str
    url: str
    title: str
    body: str


def _link(base_url: str | None, path: str) -> str | None:
    return f"{base_url.rstrip('/')}/{path}" if base_url else None


def run_alerts(
    store: Store,
    versions: dict[str, Sequence[str]],
    titles: dict[str, str],
    base_url: str | None = None,
) -> list[Alert]:
    """The alerts of a run whose sources got ``versions`` (source id -> new versions).
    ``base_url`` is the review app's address, for links to the change pages."""
    alerts = []
    for source, made in versions.items():
        for version in made:
            cs = store.read_changes(source, version)
            if cs is None or not is_alert(cs):
                continue
            changes = [c for c in cs.changes if c.significance == "substantive"]
            lines = [
                f"- {c.kind}: {one_line(c.before or '—', 80)} → {one_line(c.after or '—', 80)}"
                for c in changes
            ]
            alerts.append(
                Alert(
                    id=f"{source}/{version}",
                    sources=(source,),
                    title=f"{titles.get(source, source)}: {len(changes)} substantive change(s)",
                    lines=tuple(lines),
                    link=_link(base_url, f"changes/{source}/{version}.html"),
                )
            )
    for gap in load_gaps(store):
        if gap.status == "open" and gap.changed_version in versions.get(gap.changed_source, ()):
            alerts.append(
                Alert(
                    id=gap.key,
                    sources=(gap.changed_source, gap.other_source),
                    title=f"parity gap ({gap.kind}): {gap.changed_source} changed, "
                    f"{gap.other_source} did not follow",
                    lines=(
                        f"- {gap.changed_source}: {', '.join(gap.changed_values) or '—'}",
                        f"- {gap.other_source}: {', '.join(gap.other_values) or '—'}",
                    ),
                    link=_link(base_url, f"sources/{gap.changed_source}.html"),
                )
            )
    return alerts


def messages(
    alerts: Sequence[Alert], subscriptions: Iterable[Subscription], run_id: str
) -> list[Message]:
    """One message per alert a subscription covers, or one digest per subscription (a
    digest of a run whose alerts it does not cover is not sent)."""
    out = []
    for sub in subscriptions:
        mine = [a for a in alerts if any(sub.covers(s) for s in a.sources)]
        if not mine:
            continue
        if sub.digest:
            body = "\n\n".join(f"{a.title}\n{a.text()}" for a in mine)
            parts = [(f"{run_id}/digest", f"dalil: {len(mine)} alert(s) in this refresh", body)]
        else:
            parts = [(a.id, f"dalil: {a.title}", a.text()) for a in mine]
        for key, title, body in parts:
            ident = sha256(f"{sub.user}\n{sub.url}\n{key}".encode()).hexdigest()[:24]
            out.append(Message(ident, sub.user, sub.url, title, body))
    return out
