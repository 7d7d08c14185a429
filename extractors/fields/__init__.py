"""Fields: repaired blocks in, the Document's structured fields out (procedures with their
steps, URLs, addresses, figures), from one spaCy pass and the shipped gazetteers."""

from .document import Fields, document_fields
from .figures import text_figures
from .gazetteer import gazetteer
from .nlp import pipeline

__all__ = ["Fields", "document_fields", "gazetteer", "pipeline", "text_figures"]
