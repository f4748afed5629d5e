"""Checklist content (YAML), its model, loader and validator.

This package imports neither `store` nor `tui`: it is pure content and rules.
"""

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

_LOADER_NAMES = ("Library", "Problem", "load_library", "validate_paths")


def __getattr__(name: str):
    # The loader pulls in YAML parsing, which the app does not need until after its first
    # screen is up; import it on first use.
    if name in _LOADER_NAMES:
        from . import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'checklists' has no attribute {name!r}")


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
