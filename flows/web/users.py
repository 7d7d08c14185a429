"""Review-app accounts: users with a role, their passwords hashed with argon2id, kept in
SQLite beside the store (``<store>/users.sqlite`` for a local store).

Roles: ``viewer`` reads; ``reviewer`` also decides; ``admin`` also manages users.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import WebError

ROLES = ("viewer", "reviewer", "admin")
NAME = re.compile(r"^[A-Za-z0-9._@-]{1,64}$")
MIN_PASSWORD = 10
_HASHER = PasswordHasher()  # argon2id with the library's recommended parameters


@cache
def _dummy() -> str:
    """Checking an unknown user against this costs as much as a real check: no timing
    oracle tells which names exist."""
    return _HASHER.hash("not a password of anybody")


@dataclass(frozen=True)
class User:
    name: str
    role: str


class Users:
    """The accounts of one review app."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._db()) as db, db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS users "
                "(name TEXT PRIMARY KEY, role TEXT NOT NULL, hash TEXT NOT NULL)"
            )

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def add(self, name: str, role: str, password: str) -> User:
        """Create an account; raises WebError on a bad name, role or password, or a taken name."""
        _check(name, role, password)
        try:
            with closing(self._db()) as db, db:
                db.execute(
                    "INSERT INTO users (name, role, hash) VALUES (?, ?, ?)",
                    (name, role, _HASHER.hash(password)),
                )
        except sqlite3.IntegrityError:
            raise WebError(f"user {name!r} already exists") from None
        return User(name, role)

    def remove(self, name: str) -> None:
        with closing(self._db()) as db, db:
            if db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount == 0:
                raise WebError(f"no user {name!r}")

    def set_password(self, name: str, password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise WebError(f"a password needs {MIN_PASSWORD} characters or more")
        with closing(self._db()) as db, db:
            changed = db.execute(
                "UPDATE users SET hash = ? WHERE name = ?", (_HASHER.hash(password), name)
            ).rowcount
        if not changed:
            raise WebError(f"no user {name!r}")

    def list(self) -> list[User]:
        with closing(self._db()) as db:
            rows = db.execute("SELECT name, role FROM users ORDER BY name").fetchall()
        return [User(name, role) for name, role in rows]

    def get(self, name: str) -> User | None:
        with closing(self._db()) as db:
            row = db.execute("SELECT name, role FROM users WHERE name = ?", (name,)).fetchone()
        return User(*row) if row else None

    def verify(self, name: str, password: str) -> User | None:
        """The user, when the password is theirs; None otherwise (same cost either way)."""
        with closing(self._db()) as db:
            row = db.execute("SELECT role, hash FROM users WHERE name = ?", (name,)).fetchone()
        try:
            _HASHER.verify(row[1] if row else _dummy(), password)
        except (VerificationError, InvalidHashError):
            return None
        return User(name, row[0]) if row else None


def _check(name: str, role: str, password: str) -> None:
    if not NAME.match(name):
        raise WebError("a user name is 1-64 letters, digits, '.', '_', '@' or '-'")
    if role not in ROLES:
        raise WebError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if len(password) < MIN_PASSWORD:
        raise WebError(f"a password needs {MIN_PASSWORD} characters or more")
