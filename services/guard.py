"""The identifier guard's one policy for both front ends.

Anything refused (numbers, addresses, contact details, a date of birth) is never written:
`IdentifierRefused`. A warning only (a bare date) is written once the person has confirmed
it: until then `NeedsConfirmation`, carrying the warnings to show. The app confirms with a
second ctrl+s; the command line has no way to confirm, so it refuses warnings too.
"""

from __future__ import annotations

from checklists.identifiers import Finding, find_identifiers

from .errors import IdentifierRefused, NeedsConfirmation


def warnings_in(text: str, noun: str, field: str | None = None) -> list[Finding]:
    """The findings the person must confirm; raises `IdentifierRefused` if any is refused."""
    findings = find_identifiers(text)
    if any(f.refused for f in findings):
        raise IdentifierRefused(findings, noun, field)
    return findings


def check(text: str, noun: str, field: str | None = None, confirmed: bool = False) -> None:
    """Refused findings always raise; warnings raise `NeedsConfirmation` unless confirmed."""
    warnings = warnings_in(text, noun, field)
    if warnings and not confirmed:
        raise NeedsConfirmation(warnings, noun, field)
