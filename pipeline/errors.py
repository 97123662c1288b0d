"""One exception hierarchy for vanthu, each class carrying its exit code and a hint.

Library code raises these; only ``pipeline.cli`` turns them into exit codes and messages.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the ``vanthu`` command (documented in docs/errors.md)."""

    OK = 0
    UNEXPECTED = 1
    USAGE = 2
    MISSING_DEPENDENCY = 3
    BAD_INPUT = 4
    PARTIAL_FAILURE = 5
    ENGINE_FAILURE = 6
    STORE_FAILURE = 7


class VanthuError(Exception):
    """Base of every error vanthu raises on purpose.

    ``hint`` tells the user what to do next; ``exit_code`` is what the CLI exits with.
    """

    exit_code: ExitCode = ExitCode.UNEXPECTED

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class MissingDependencyError(VanthuError):
    """A program or data file vanthu needs is not installed."""

    exit_code = ExitCode.MISSING_DEPENDENCY


class InputFileError(VanthuError):
    """An input file cannot be read: missing, empty, corrupt, encrypted, too large, wrong format."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, path: object, reason: str, *, hint: str | None = None) -> None:
        super().__init__(f"{path}: {reason}", hint=hint)
        self.path = str(path)
        self.reason = reason


class UnsupportedFormatError(InputFileError):
    """The file is not one of the formats vanthu reads."""


class EncodingError(InputFileError):
    """A text file is in an encoding vanthu cannot read or convert."""


class OcrEngineError(VanthuError):
    """Tesseract ran but failed (crash, bad output)."""

    exit_code = ExitCode.ENGINE_FAILURE


class OcrTimeoutError(OcrEngineError):
    """Tesseract did not finish within the time allowed for one page."""


class ModelError(VanthuError):
    """A shipped language, confusion or dictionary model is missing or corrupt."""

    exit_code = ExitCode.MISSING_DEPENDENCY


class StoreError(VanthuError):
    """The results database cannot be opened, migrated, written or queried."""

    exit_code = ExitCode.STORE_FAILURE


class PartialFailure(VanthuError):
    """Some documents of a batch failed; the others were processed."""

    exit_code = ExitCode.PARTIAL_FAILURE
