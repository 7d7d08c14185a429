"""The read API for downstream apps (``dalil api``): the procedure catalog, its changes
and the sources, behind read tokens (``dalil users token``)."""

from .app import make_api
from .tokens import TokenError, Tokens

__all__ = ["TokenError", "Tokens", "make_api"]
