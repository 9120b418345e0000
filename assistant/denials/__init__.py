"""Denials: explain CARC/RARC adjustments from claim data, draft appeals and corrected claims, learn."""
