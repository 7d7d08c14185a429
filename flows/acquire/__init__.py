"""Acquisition: the source registry in, snapshot bytes out (captured files of the corpus,
or a live, bounded, conditional fetch); failures are ``AcquireError``s."""

from .errors import AcquireError, FetchError, RegistryError
from .fetch import USER_AGENT, FetchResult, fetch
from .registry import DEFAULT_REGISTRY, Registry, Source, load_registry

__all__ = [
    "DEFAULT_REGISTRY",
    "USER_AGENT",
    "AcquireError",
    "FetchError",
    "FetchResult",
    "Registry",
    "RegistryError",
    "Source",
    "fetch",
    "load_registry",
]
