"""Code suggestion: read a note like a coder, retrieve codes (dense + lexical), apply the coding rules.

The engine is ``assistant.suggest.service.SuggestionService``.
"""
