"""Optional phrasing of answers by an OpenAI-compatible server on the user's own machine."""
