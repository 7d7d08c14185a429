"""Sending messages through apprise, with retries: a message that cannot be delivered is
kept in the store's ``notifications/outbox/`` and tried again at the next runs, then put
aside in ``notifications/dropped/``. Nothing here raises: notifying never fails a refresh."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from flows.store import Store

from .messages import Message

ATTEMPTS = 3  # per message and run
BACKOFF = 1.0  # seconds before the second attempt, doubled for the next
MAX_RUNS = 5  # runs a message stays in the outbox
log = logging.getLogger("dalil.notify")


@dataclass
class Delivery:
    """What a notification step did."""

    sent: list[str] = field(default_factory=list)  # message ids
    kept: list[str] = field(default_factory=list)  # in the outbox, for the next run
    dropped: list[str] = field(default_factory=list)


def _send(message: Message) -> bool:
    import apprise

    sender = apprise.Apprise()
    if not sender.add(message.url):
        log.error("notification to %s for %s: URL refused by apprise", message.url, message.user)
        return False
    return bool(sender.notify(title=message.title, body=message.body))


def send(message: Message, attempts: int = ATTEMPTS, backoff: float = BACKOFF) -> bool:
    """Send one message, trying ``attempts`` times with a doubling pause; True if delivered."""
    delay = backoff
    for attempt in range(1, attempts + 1):
        try:
            if _send(message):
                return True
            reason = "the service refused it"
        except Exception as exc:  # a plugin's own bug must not stop the others
            reason = f"{type(exc).__name__}: {exc}"
        log.warning(
            "notification %s to %s (%s): attempt %d/%d failed: %s",
            message.id,
            message.user,
            message.title,
            attempt,
            attempts,
            reason,
        )
        if attempt < attempts:
            time.sleep(delay)
            delay *= 2
    return False


def deliver(
    store: Store,
    new: Sequence[Message],
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF,
) -> Delivery:
    """Send the outbox's messages, then ``new``; keep what fails in the outbox."""
    report = Delivery()
    queue: list[tuple[Message, int]] = []
    for name in store.listdir("notifications", "outbox"):
        try:
            data = json.loads(store.read_bytes("notifications", "outbox", name) or b"")
            queue.append((Message(**data["message"]), int(data["runs"])))
        except (ValueError, KeyError, TypeError) as exc:
            log.error("notification outbox %s unreadable: %s", name, exc)
    waiting = {m.id for m, _ in queue}
    queue += [(m, 0) for m in new if m.id not in waiting]
    for message, runs in queue:
        name = f"{message.id}.json"
        try:
            if send(message, attempts, backoff):
                report.sent.append(message.id)
                if runs:
                    store.delete("notifications", "outbox", name)
                continue
            record = json.dumps({"message": asdict(message), "runs": runs + 1}).encode()
            if runs + 1 >= MAX_RUNS:
                store.write_bytes(record, "notifications", "dropped", name)
                store.delete("notifications", "outbox", name)
                report.dropped.append(message.id)
                log.error(
                    "notification %s to %s dropped after %d runs",
                    message.id,
                    message.user,
                    MAX_RUNS,
                )
            else:
                store.write_bytes(record, "notifications", "outbox", name)
                report.kept.append(message.id)
        except Exception as exc:  # the store itself failing: log, go on
            log.error("notification %s: %s: %s", message.id, type(exc).__name__, exc)
    return report
