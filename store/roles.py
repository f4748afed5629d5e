"""The roles a person can hold: plain data, light to import (the command line's choices)."""

from __future__ import annotations

ROLES: tuple[str, ...] = ("practitioner", "supervisor", "admin")
