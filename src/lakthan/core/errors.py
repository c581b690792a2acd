"""Typed domain errors. Each carries a Thai and an English message and the CLI exit code."""

from __future__ import annotations


class LakthanError(Exception):
    exit_code = 2

    def __init__(self, message_th: str, message_en: str | None = None):
        self.message_th = message_th
        self.message_en = message_en or message_th
        super().__init__(self.message_en)

    def message(self, lang: str = "en") -> str:
        return self.message_th if lang.startswith("th") else self.message_en


class InvalidInput(LakthanError):
    """The user gave something we cannot accept (exit 2)."""


class NotFound(LakthanError):
    """A named thing does not exist (exit 2)."""


class Locked(LakthanError):
    """The round report is signed; it must be reopened before it can change (exit 2)."""


class IntegrityFailure(LakthanError):
    """Stored data no longer matches its hash, or a pack does not verify (exit 1)."""

    exit_code = 1
