"""Roles and the permissions each one grants. ``area:*`` grants every ``area:<verb>``.

A trainee never holds a ``phi:`` permission (checked at import time).
"""

from __future__ import annotations

ROLES: tuple[str, ...] = ("admin", "frontdesk", "coder", "biller", "trainee")

PHI_READ = "phi:read"
PHI_WRITE = "phi:write"
AUDIT_READ = "audit:read"
USERS_ADMIN = "users:admin"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(
        {
            PHI_READ,
            PHI_WRITE,
            "claims:*",
            "remits:*",
            "billing:*",
            "denials:*",
            "codes:read",
            "codes:import",
            "patients:*",
            "schedule:*",
            "encounters:*",
            "fees:*",
            "trainee:*",
            AUDIT_READ,
            USERS_ADMIN,
            "backup:run",
        }
    ),
    # Registers patients and coverage and runs the schedule (check-in opens the encounter); does no coding.
    "frontdesk": frozenset({PHI_READ, PHI_WRITE, "patients:*", "schedule:*"}),
    "coder": frozenset(
        {
            PHI_READ,
            PHI_WRITE,
            "codes:read",
            "claims:read",
            "denials:read",
            "trainee:*",
            "patients:read",
            "schedule:read",
            "encounters:*",
        }
    ),
    "biller": frozenset(
        {
            PHI_READ,
            PHI_WRITE,
            "claims:*",
            "remits:*",
            "billing:*",
            "denials:*",
            "codes:read",
            "patients:*",
            "schedule:read",
            "encounters:read",
            "fees:*",
        }
    ),
    "trainee": frozenset({"codes:read", "trainee:*"}),
}

assert not any(p.startswith("phi:") or p == "*" for p in ROLE_PERMISSIONS["trainee"]), "trainee holds PHI"


def permissions_for(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())


def grants(permissions: frozenset[str] | set[str], permission: str) -> bool:
    """True when ``permission`` (``area:verb``) is held exactly or through ``area:*``."""
    if permission in permissions:
        return True
    area = permission.split(":", 1)[0]
    return f"{area}:*" in permissions
