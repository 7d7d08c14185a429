"""Notifications: after a refresh, each user's subscriptions (``dalil users notify`` or the
review app's account page) get the run's substantive changes and new parity gaps through
apprise (mail, Matrix, Slack, Teams, Telegram, …), one message per alert or a digest.
Failures are logged and retried, never raised: notifying never fails the refresh."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

from flows.store import Store

from .deliver import Delivery, deliver, send
from .messages import Alert, Message, messages, run_alerts
from .subscriptions import ALL, Subscription, SubscriptionError, Subscriptions, check_url

__all__ = [
    "ALL",
    "Alert",
    "Delivery",
    "Message",
    "Subscription",
    "SubscriptionError",
    "Subscriptions",
    "check_url",
    "notify_run",
    "send",
    "users_file",
]
log = logging.getLogger("dalil.notify")


def users_file(store: Store, given: str | Path | None = None) -> Path | None:
    """The accounts file: ``given``, ``DALIL_USERS``, or ``users.sqlite`` in a local store."""
    given = given or os.environ.get("DALIL_USERS")
    if given:
        return Path(given)
    return Path(store.root) / "users.sqlite" if store.local else None


def notify_run(
    store: Store,
    versions: dict[str, Sequence[str]],
    titles: dict[str, str],
    run_id: str,
    users: str | Path | None = None,
    **retry: float,
) -> Delivery:
    """Tell subscribers of this run's alerts (``versions``: source id -> new versions) and
    retry what earlier runs could not deliver. Never raises."""
    try:
        path = users_file(store, users)
        subs = Subscriptions(path).list() if path is not None and path.exists() else []
        alerts = run_alerts(store, versions, titles, os.environ.get("DALIL_WEB_URL"))
        outgoing = messages(alerts, subs, run_id)
        has_outbox = bool(store.listdir("notifications", "outbox"))
        if not outgoing and not has_outbox:
            return Delivery()
        report = deliver(store, outgoing, **retry)  # type: ignore[arg-type]
    except Exception as exc:
        log.error("notifications not sent: %s: %s", type(exc).__name__, exc)
        return Delivery()
    log.info(
        "notifications: %d sent, %d kept for the next run, %d dropped",
        len(report.sent),
        len(report.kept),
        len(report.dropped),
    )
    return report
