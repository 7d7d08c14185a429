"""Acquisition: the source registry in, snapshot bytes out (captured files of the corpus,
or a live, bounded, conditional and polite fetch); failures are ``AcquireError``s."""

from .discover import Found, discover_documents
from .errors import AcquireError, FetchError, RegistryError
from .fetch import FetchResult, fetch
from .polite import HostGate, Politeness, default_gate, set_default_gate
from .registry import DEFAULT_REGISTRY, Discover, Registry, Source, load_registry

__all__ = [
    "DEFAULT_REGISTRY",
    "AcquireError",
    "Discover",
    "FetchError",
    "FetchResult",
    "Found",
    "HostGate",
    "Politeness",
    "Registry",
    "RegistryError",
    "Source",
    "default_gate",
    "discover_documents",
    "fetch",
    "load_registry",
    "set_default_gate",
]
