"""The importers' error: a member of the one ``MslError`` hierarchy."""

from __future__ import annotations

from memslice.errors import MslError


class SourceError(MslError):
    """The source dump is malformed, truncated, or cannot be imported faithfully.

    ``offset`` (when set) is a byte offset in the *source* file, not in a ``.msl`` file.
    """
