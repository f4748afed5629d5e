"""The roles a person can hold: plain data, light to import (the command line's choices)."""

from __future__ import annotations

ROLES: tuple[str, ...] = ("practitioner", "supervisor", "admin", "lead")

# A service lead sees team-level figures only (the service report), never a session.
LEAD = "lead"


def sees_sessions(roles) -> bool:
    """Whether someone with these roles may have, or read, sessions: anyone with a role
    besides `lead` (a lead who is also a practitioner keeps their own sessions)."""
    return any(role != LEAD for role in roles)
