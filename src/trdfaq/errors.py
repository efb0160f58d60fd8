"""The errors trdfaq raises: each names the file and line at fault and what to do."""

from __future__ import annotations

from pathlib import Path


class TrdfaqError(Exception):
    """Base class: a problem a user can fix, reported as one line, never a traceback."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class CorpusError(TrdfaqError):
    """The corpus (sources, passages, glossary, settings) is malformed."""


class ExistsError(CorpusError):
    """A file or entry would be overwritten, and overwriting was not asked for."""


class PromptError(TrdfaqError):
    """A file under prompts/ is malformed."""


class QuestionError(TrdfaqError):
    """A question cannot be answered as given (empty, too long)."""


class EvalError(TrdfaqError):
    """An evaluation file is malformed."""
