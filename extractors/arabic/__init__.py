"""Arabic repair engine: detect and repair mis-encoded Arabic, recording every repair."""

from .repair import LineRepair, Repairer, document_context, repair_lines, repair_text

__all__ = ["LineRepair", "Repairer", "document_context", "repair_lines", "repair_text"]
