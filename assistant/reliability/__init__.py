"""Reliability tooling: the loopback load test (``assistant load-test``) and the app-server helper it uses."""
