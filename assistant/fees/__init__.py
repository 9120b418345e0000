"""Fee schedule: the practice's charge per code (and modifier) over a period of dates."""
