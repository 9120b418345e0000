"""Evaluation suite: datasets, metrics, runner, report and the `assistant eval` CLI."""
