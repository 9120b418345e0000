"""Security domain: users and roles, password/TOTP/token authentication, server-side sessions with idle
timeout, CSRF tokens, a hash-chained append-only audit log, PHI field encryption and backups.

Other domains import from the submodules (``assistant.security.service``, ``.audit``, ``.crypto``...).
"""
