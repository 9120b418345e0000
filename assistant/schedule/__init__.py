"""The front desk's schedule: appointments per rendering provider; check-in opens the encounter."""
