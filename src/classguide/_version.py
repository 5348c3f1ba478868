"""The library's version (single source for packaging and provenance)."""

__version__ = "0.1.0"
