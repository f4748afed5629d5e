"""Checklist content (YAML), its model, loader and validator.

This package imports neither `store` nor `tui`: it is pure content and rules.
"""

from .loader import Library, Problem, load_library, validate_paths
from .model import (
    NEEDS_REASON,
    REASON_LEVEL_LABELS,
    REASON_LEVELS,
    RESPONSE_LABELS,
    RESPONSE_SYMBOLS,
    RESPONSES,
    SETTINGS,
    STAGES,
    Checklist,
    Item,
    Reason,
    ReflectionPrompt,
    Requirement,
    Section,
)

__all__ = [
    "NEEDS_REASON",
    "REASON_LEVELS",
    "REASON_LEVEL_LABELS",
    "RESPONSES",
    "RESPONSE_LABELS",
    "RESPONSE_SYMBOLS",
    "SETTINGS",
    "STAGES",
    "Checklist",
    "Item",
    "Library",
    "Problem",
    "Reason",
    "ReflectionPrompt",
    "Requirement",
    "Section",
    "load_library",
    "validate_paths",
]
