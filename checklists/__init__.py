"""Checklist content (YAML), its model, loader and validator.

This package imports neither `store` nor `tui`: it is pure content and rules.
"""

from .model import (
    COUNTS,
    NEEDS_REASON,
    REASON_LEVEL_LABELS,
    REASON_LEVELS,
    RESPONSE_LABELS,
    RESPONSE_SYMBOLS,
    RESPONSES,
    SETTINGS,
    STAFF_REQUIREMENTS,
    STAGES,
    Checklist,
    Item,
    Reason,
    ReflectionPrompt,
    Requirement,
    Section,
    requirement_key,
)

_LOADER_NAMES = ("Library", "Problem", "load_library", "validate_paths")
_LANGUAGE_NAMES = ("LanguageFinding", "LanguageGuide", "default_guide", "load_language")


def __getattr__(name: str):
    # The loader pulls in YAML parsing, which the app does not need until after its first
    # screen is up; import it on first use.
    if name in _LOADER_NAMES:
        from . import loader

        return getattr(loader, name)
    if name in _LANGUAGE_NAMES:
        from . import language

        return getattr(language, name)
    raise AttributeError(f"module 'checklists' has no attribute {name!r}")


__all__ = [
    "NEEDS_REASON",
    "REASON_LEVELS",
    "REASON_LEVEL_LABELS",
    "COUNTS",
    "RESPONSES",
    "RESPONSE_LABELS",
    "RESPONSE_SYMBOLS",
    "SETTINGS",
    "STAFF_REQUIREMENTS",
    "STAGES",
    "Checklist",
    "Item",
    "LanguageFinding",
    "LanguageGuide",
    "Library",
    "Problem",
    "Reason",
    "ReflectionPrompt",
    "Requirement",
    "Section",
    "default_guide",
    "load_language",
    "load_library",
    "requirement_key",
    "validate_paths",
]
