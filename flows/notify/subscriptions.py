"""Who is told of what: each user's notification targets (apprise URLs), for one source or
all, one message per change set or one digest per run. Kept in the review app's accounts
file (``users.sqlite``), which holds secrets (tokens inside the URLs): keep it private."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

ALL = "*"  # a subscription to every source


class SubscriptionError(ValueError):
    """A subscription that cannot be kept: unknown user, or a URL apprise cannot use."""


@dataclass(frozen=True)
class Subscription:
    user: str
    url: str
    source: str = ALL
    digest: bool = False

    def covers(self, source_id: str) -> bool:
        return self.source in (ALL, source_id)


def check_url(url: str) -> None:
    """Raise SubscriptionError unless apprise has a service for ``url``."""
    import apprise

    if not url or apprise.Apprise.instantiate(url) is None:
        raise SubscriptionError(f"{url!r}: not a notification URL apprise can use")


class Subscriptions:
    """The subscriptions kept beside the accounts in ``path``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        with closing(self._db()) as db, db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS subscriptions (user TEXT NOT NULL, "
                "source TEXT NOT NULL, url TEXT NOT NULL, digest INTEGER NOT NULL, "
                "PRIMARY KEY (user, source, url))"
            )

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def add(self, sub: Subscription) -> None:
        """Add or update (digest or not) a subscription of an existing user."""
        check_url(sub.url)
        with closing(self._db()) as db, db:
            known = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'users'").fetchone()
            if (
                known
                and not db.execute("SELECT 1 FROM users WHERE name = ?", (sub.user,)).fetchone()
            ):
                raise SubscriptionError(f"no user {sub.user!r}")
            db.execute(
                "INSERT INTO subscriptions (user, source, url, digest) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (user, source, url) DO UPDATE SET digest = excluded.digest",
                (sub.user, sub.source, sub.url, int(sub.digest)),
            )

    def remove(self, user: str, url: str, source: str = ALL) -> None:
        with closing(self._db()) as db, db:
            gone = db.execute(
                "DELETE FROM subscriptions WHERE user = ? AND url = ? AND source = ?",
                (user, url, source),
            ).rowcount
        if not gone:
            raise SubscriptionError(f"{user} has no subscription to {source} at that URL")

    def list(self, user: str | None = None) -> list[Subscription]:
        """Every subscription, or one user's; only of users that still exist."""
        query = "SELECT user, url, source, digest FROM subscriptions"
        with closing(self._db()) as db:
            if _has_users(db):
                query += " WHERE user IN (SELECT name FROM users)"
            rows = db.execute(query + " ORDER BY user, source, url").fetchall()
        subs = [Subscription(u, url, source, bool(d)) for u, url, source, d in rows]
        return [s for s in subs if user is None or s.user == user]


def _has_users(db: sqlite3.Connection) -> bool:
    """Whether the file holds the accounts table (the review app's ``users.sqlite``)."""
    return db.execute("SELECT 1 FROM sqlite_master WHERE name = 'users'").fetchone() is not None
