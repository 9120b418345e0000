"""Chat: a deterministic, grounded intent router and the answer composition service (no web imports)."""
