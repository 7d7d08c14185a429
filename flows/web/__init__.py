"""The served review app: the store's review site behind a login, with decisions taken in
the browser. In: a store and its users (``users.sqlite``); out: an ASGI app (``make_app``)
that ``dalil web`` serves with uvicorn. Errors are ``WebError``s."""

from .app import make_app
from .errors import WebError
from .users import ROLES, User, Users

__all__ = ["ROLES", "User", "Users", "WebError", "make_app"]
