"""Read tokens for downstream apps, kept in the review app's accounts file
(``users.sqlite``): one per app name, shown once when made, stored as its SHA-256 (a
token is 256 random bits, so a fast hash is safe and keeps each request cheap)."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")


class TokenError(ValueError):
    """A bad token name, or no such token."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Tokens:
    """The API's read tokens, in an SQLite file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._db()) as db, db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS api_tokens "
                "(name TEXT PRIMARY KEY, digest TEXT NOT NULL UNIQUE, created TEXT NOT NULL)"
            )

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def create(self, name: str) -> str:
        """A new token for ``name`` (replacing its old one); returned once, never stored."""
        if not NAME.match(name):
            raise TokenError("a token name is 1-64 letters, digits, '.', '_', '@' or '-'")
        token = "dalil_" + secrets.token_urlsafe(32)
        with closing(self._db()) as db, db:
            db.execute(
                "INSERT OR REPLACE INTO api_tokens (name, digest, created) VALUES (?, ?, ?)",
                (name, _digest(token), datetime.now(UTC).isoformat(timespec="seconds")),
            )
        return token

    def revoke(self, name: str) -> None:
        with closing(self._db()) as db, db:
            if db.execute("DELETE FROM api_tokens WHERE name = ?", (name,)).rowcount == 0:
                raise TokenError(f"no token named {name!r}")

    def digests(self) -> dict[str, str]:
        """Every token's SHA-256 and the name it was made for (none when the accounts
        file is gone)."""
        if not self.path.exists():
            return {}
        with closing(self._db()) as db:
            return dict(db.execute("SELECT digest, name FROM api_tokens").fetchall())

    def list(self) -> list[tuple[str, str]]:
        """(name, created) of every token."""
        with closing(self._db()) as db:
            return db.execute("SELECT name, created FROM api_tokens ORDER BY name").fetchall()


class TokenCache:
    """The tokens as a server checks them: in memory, read again whenever the accounts
    file changes (a revoked token stops working at the next request)."""

    def __init__(self, tokens: Tokens) -> None:
        self.tokens = tokens
        self._stamp: tuple[int, int, bytes] | None = None
        self._names: dict[str, str] = {}

    def _now(self) -> tuple[int, int, bytes]:
        """The file's time, size and SQLite change counter (bytes 24-27 of its header,
        bumped by every committed write): a change none of them shows is no change."""
        try:
            with open(self.tokens.path, "rb") as f:
                info = os.fstat(f.fileno())
                f.seek(24)
                return info.st_mtime_ns, info.st_size, f.read(4)
        except FileNotFoundError:
            return 0, 0, b""

    def stale(self) -> bool:
        """Whether the file changed since it was read (one stat call)."""
        return self._now() != self._stamp

    def reload(self) -> None:
        """Read the tokens again (blocking: call it off the event loop)."""
        stamp = self._now()
        self._names, self._stamp = self.tokens.digests(), stamp

    def name(self, token: str) -> str | None:
        """The name the token was made for, or None (as of the last reload)."""
        return self._names.get(_digest(token))
