"""Composition: the process-wide container that wires settings, databases, code sets and the suggestion
engine together for the web app and every CLI. It may import any domain; no domain's logic lives here."""
