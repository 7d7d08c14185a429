"""Which format a snapshot is in, from its first bytes."""

from __future__ import annotations

from ..models import SourceKind

_HTML_TAGS = (b"<html", b"<head", b"<body", b"<div", b"<p>", b"<p ", b"<meta ", b"<title>")


def sniff_kind(data: bytes) -> SourceKind:
    """Tell a PDF, an HTML page and plain text apart from their first bytes."""
    head = data[:2048].lstrip().lower()
    if head.startswith(b"%pdf"):
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or any(
        tag in head for tag in _HTML_TAGS
    ):
        return "html"
    return "text"
