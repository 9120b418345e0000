"""E/M level helper for office and outpatient visits (2021+ rules): a pure, table-driven module."""
