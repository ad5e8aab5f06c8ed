"""The errors a file drop is refused or skipped with."""

from __future__ import annotations

from pathlib import Path

from indicator_pipeline.errors import PipelineError


class FileRejected(PipelineError):
    """A dropped file does not match its format; the whole file is refused. The message reads like
    `safety_survey_2025.csv row 4, column value: 'tolv' is not a number` (rows as Excel counts them)."""

    def __init__(self, path: Path, detail: str, row: int | None = None, column: str | None = None):
        self.path = Path(path)
        self.detail = detail
        self.row = row
        self.column = column
        where = (f" row {row}" if row is not None else "") + (f", column {column}" if column else "")
        super().__init__(f"{self.path.name}{where}: {detail}")


class NotARegularFile(PipelineError):
    """An entry in the landing folder that is not a plain file (a symbolic link, a named pipe...): it is
    skipped and reported, never read, archived or moved."""

    def __init__(self, path: Path, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: skipped, {reason}")
