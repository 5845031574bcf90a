"""Errors raised while loading or checking ``spec/``."""

from __future__ import annotations


class SpecError(Exception):
    """A problem in the YAML schema, located by its file, YAML path and (when known) line and column.

    ``str()`` reads ``blocks/key_hint.yaml:57:9: layouts[0].seq[4].offset: message`` when the
    line is known, ``blocks/key_hint.yaml:layouts[0].seq[4].offset: message`` otherwise.

    Attributes:
        path: Where in ``spec/`` the problem is, e.g. ``blocks/key_hint.yaml:layouts[0].seq[10]``.
        message: What is wrong.
        line: 1-based line in the file, or None.
        column: 1-based column, or None.
    """

    def __init__(self, path: str, message: str, *, line: int | None = None, column: int | None = None) -> None:
        self.path = path
        self.message = message
        self.line = line
        self.column = column
        super().__init__(self._render())

    @property
    def file(self) -> str | None:
        """The spec file (relative to ``spec/``) the path names, or None."""
        head, sep, _ = self.path.partition(":")
        return head if sep and head.endswith(".yaml") else (self.path if self.path.endswith(".yaml") else None)

    def _render(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        file = self.file or self.path
        rest = self.path[len(file) + 1:] if self.path.startswith(file + ":") else ""
        where = f"{file}:{self.line}:{self.column}"
        return f"{where}: {rest}: {self.message}" if rest else f"{where}: {self.message}"

    def at(self, line: int, column: int) -> SpecError:
        """The same error with its line and column filled in."""
        return SpecError(self.path, self.message, line=line, column=column)


class SpecErrors(Exception):
    """Several :class:`SpecError` found in one pass; ``str()`` lists them all."""

    def __init__(self, errors: list[SpecError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors
