"""Errors raised while loading or checking ``spec/``."""

from __future__ import annotations


class SpecError(Exception):
    """A problem in the YAML schema, located by its YAML path.

    Attributes:
        path: Where in ``spec/`` the problem is, e.g. ``blocks/key_hint.yaml:layouts[0].seq[10]``.
        message: What is wrong.
    """

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class SpecErrors(Exception):
    """Several :class:`SpecError` found in one pass; ``str()`` lists them all."""

    def __init__(self, errors: list[SpecError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors
