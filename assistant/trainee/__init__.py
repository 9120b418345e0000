"""Trainee mode: quizzes generated from the code sets, scored against them, per-user history.

No patient data is involved.
"""
