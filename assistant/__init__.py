"""Local assistant for medical coding and billing."""

__version__ = "0.1.0"
