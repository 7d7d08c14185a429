"""The read API for downstream apps (``dalil api``): the store's catalog in, JSON over
HTTP out (procedures, their changes, the sources), behind read tokens (``dalil users
token``)."""

from .app import make_api
from .commands import api, token
from .tokens import TokenError, Tokens

__all__ = ["TokenError", "Tokens", "api", "make_api", "token"]
