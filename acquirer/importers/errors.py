"""The importers' error: a member of the one ``MslError`` hierarchy."""

from __future__ import annotations

from memslice.errors import MslError


class SourceError(MslError):
    """The source dump is malformed, truncated, or cannot be imported faithfully.

    ``offset`` (when set) is a byte offset in the *source* file, not in a ``.msl`` file;
    ``path`` (when set) names that file and leads the message.
    """

    def __init__(self, message: str, *, offset: int | None = None, block_index: int | None = None,
                 rule: str | None = None, path: str | None = None) -> None:
        self.path = path
        super().__init__(message, offset=offset, block_index=block_index, rule=rule)

    def _render(self) -> str:
        text = super()._render()
        return f"{self.path}: {text}" if self.path else text

    def for_file(self, path: str) -> SourceError:
        """This error naming ``path`` (unchanged when it names a file already)."""
        if self.path:
            return self
        return type(self)(self.message, offset=self.offset, block_index=self.block_index, rule=self.rule,
                          path=path)
