"""The typed errors the services raise, on top of the store's own."""

from __future__ import annotations

from typing import Any

from checklists.identifiers import Finding, describe, refused_summary
from store.errors import InvalidInput, PermissionDenied, StoreError


class IdentifierRefused(InvalidInput):
    """The text holds something that may never be written (a number, an address, a contact
    detail, a date of birth). Refused however often the person asks."""

    def __init__(self, findings: list[Finding], noun: str, field: str | None = None) -> None:
        self.findings = list(findings)
        self.noun = noun
        self.field = field
        # "Not saved: contains an NHS number"
        self.summary = refused_summary(self.findings)
        super().__init__(describe(self.findings, noun=noun))


class NeedsConfirmation(InvalidInput):
    """The text holds something that only may identify her (a bare date): the person must
    confirm before it is written. `warnings` are the findings to show them."""

    def __init__(self, warnings: list[Finding], noun: str, field: str | None = None) -> None:
        self.warnings = list(warnings)
        self.noun = noun
        self.field = field
        super().__init__(describe(self.warnings, noun=noun))


class AuditFailed(StoreError):
    """The change is saved, but its audit entry could not be written. `result` is what the
    service would have returned; the message is the underlying store error's."""

    def __init__(self, result: Any, cause: StoreError) -> None:
        self.result = result
        self.cause = cause
        super().__init__(str(cause))


class NotAllowed(PermissionDenied):
    """The person's roles do not allow this: a service lead who has no other role opening a
    session, or someone who is not a service lead reading the service's figures."""
