"""Imported once by the extraction fork server (``flows.extraction.isolation``): loads
the models so that every per-document process forked from it starts warm."""

from extractors.extract import warm_up

warm_up()
