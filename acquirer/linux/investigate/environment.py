"""Redaction of secrets in a process environment before it is stored.

By default a variable is redacted when its name has ``token``, ``key``, ``secret``,
``password``, ``pass``, ``credential`` or ``auth`` as one underscore-delimited component
(``AWS_SECRET_ACCESS_KEY``, ``GITHUB_TOKEN``, ``PASS``; not ``KEYBOARD_LAYOUT``), the rule
memslicer 0.5.2 uses, so the two tools redact the same keys. ``--redact-env`` adds exact
names. A redacted value is replaced by ``<redacted>``; the key stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SECRET_KEY = re.compile(r"(?i)(?:^|_)(?:token|key|secret|password|pass|credential|auth)(?:$|_)")
"""Names redacted by default."""
REDACTED = b"<redacted>"


def redact(raw: bytes, extra: Iterable[str] = ()) -> tuple[bytes, list[str]]:
    """Redact a NUL-separated ``environ`` blob.

    Args:
        raw: The bytes of ``/proc/PID/environ``.
        extra: Further variable names to redact (exact, case-sensitive).

    Returns:
        The blob with redacted values (same NUL-separated shape, empty entries dropped) and
        the names redacted, in order.
    """
    names = {n.encode("utf-8", "surrogateescape") for n in extra}
    out: list[bytes] = []
    redacted: list[str] = []
    for entry in raw.split(b"\0"):
        if not entry:
            continue
        key, sep, _ = entry.partition(b"=")
        name = key.decode("utf-8", "replace")
        if sep and (key in names or SECRET_KEY.search(name)):
            out.append(key + b"=" + REDACTED)
            redacted.append(name)
        else:
            out.append(entry)
    return b"\0".join(out), redacted
