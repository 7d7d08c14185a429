"""dalil's pure extraction library: bytes in, Document out; Documents in, ChangeSet out.

Nothing in this package talks to Prefect, the network or the file system (beyond reading
the package's own data). Flows in ``flows/`` do the orchestration and the I/O.
"""

EXTRACTOR_NAME = "dalil"
EXTRACTOR_VERSION = "0.8.0"
"""Bump whenever extraction output can change for the same input bytes."""
