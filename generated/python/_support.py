# Generated from spec/format.yaml (support template) by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Helpers shared by the generated codecs: bounds-checked reads and padded writes.

Every read checks the bytes it needs against what is left before it touches them, so a
lying length in a hostile file raises :class:`~memslice.errors.TruncatedError` instead of
allocating or reading past the payload.
"""

from __future__ import annotations

from typing import NamedTuple

from memslice.errors import ConstraintError, EncodeError, MslError, TruncatedError

ZERO_UUID = bytes(16)
"""An all-zero UUID (a null ParentUUID, an unknown DumpUUID)."""
ZERO_HASH = bytes(32)
"""An all-zero hash (a PrevHash of an encrypted file, an unknown DiskHash)."""


class FieldInfo(NamedTuple):
    """What a field is, for canonical output and docs.

    Attributes:
        id: Field id.
        kind: ``int``, ``uuid``, ``hash``, ``bytes``, ``str``, ``struct``, ``list`` or ``switch``.
        format: ``addr``, ``hex`` or ``dec`` rendering of integers.
        enum: Enum id, or None.
        flags: Flag-set id, or None.
        role: Runtime role, or None.
        reserved: The field is reserved (zero).
        orig: The spec's own field name.
        offset: Byte offset in the structure when it does not depend on data, else None.
        size: Stored bytes (padding included) when they do not depend on data, else None.
        since: Format version that introduced the field, or None.
    """

    id: str
    kind: str
    format: str = "dec"
    enum: str | None = None
    flags: str | None = None
    role: str | None = None
    reserved: bool = False
    orig: str | None = None
    offset: int | None = None
    size: int | None = None
    since: str | None = None


def field_info(cls: type, field_id: str) -> FieldInfo:
    """The :class:`FieldInfo` of one field of a generated structure.

    Args:
        cls: A generated structure class.
        field_id: The field id.

    Raises:
        KeyError: The structure has no such field.
    """
    for info in cls.FIELDS:  # type: ignore[attr-defined]
        if info.id == field_id:
            return info
    raise KeyError(f"{cls.__name__} has no field {field_id}")


class Finding(NamedTuple):
    """A constraint a decoded value breaks (reported, not fatal).

    Attributes:
        field: Field id.
        rule: Rule id, or None.
        message: What is wrong.
    """

    field: str
    rule: str | None
    message: str


ALIGNMENT = 8
"""Variable fields are padded to a multiple of this many bytes."""


def pad8(n: int) -> int:
    """Round ``n`` up to a multiple of :data:`ALIGNMENT` (8)."""
    return (n + ALIGNMENT - 1) & -ALIGNMENT


def need(view: memoryview, pos: int, size: int, end: int, what: str) -> None:
    """Raise unless ``size`` bytes are available at ``pos`` before ``end``.

    Args:
        view: The payload.
        pos: Where the read starts (payload offset).
        size: Bytes needed.
        end: End of the readable area.
        what: ``Struct.field`` for the message.

    Raises:
        TruncatedError: Not enough bytes.
    """
    if size < 0 or pos + size > end:
        raise TruncatedError(f"{what} needs {size} bytes but {max(end - pos, 0)} remain", offset=pos)


def read_bytes(view: memoryview, pos: int, size: int, end: int, pad: bool, what: str,
               *, copy: bool = True) -> tuple[bytes | memoryview, int]:
    """Read ``size`` bytes (plus padding to 8 when ``pad``).

    Args:
        view: The payload.
        pos: Payload offset.
        size: Bytes of data.
        end: End of the readable area.
        pad: The stored size is ``pad8(size)``.
        what: ``Struct.field`` for the message.
        copy: Return ``bytes`` (True) or a zero-copy ``memoryview`` (False).

    Returns:
        The data (without padding) and the position after it.
    """
    stored = pad8(size) if pad else size
    need(view, pos, stored, end, what)
    data = view[pos:pos + size]
    return (bytes(data) if copy else data), pos + stored


def read_str(view: memoryview, pos: int, size: int, end: int, pad: bool, term: str,
             what: str) -> tuple[str | None, int]:
    """Read a UTF-8 string of ``size`` stored bytes.

    Args:
        view: The payload.
        pos: Payload offset.
        size: Length field value (0 means absent).
        end: End of the readable area.
        pad: The stored size is ``pad8(size)``.
        term: ``nul`` (one NUL counted in size), ``none`` (no NUL) or ``nul_padded``
            (size includes NUL and padding).
        what: ``Struct.field`` for the message.

    Returns:
        The text (None when size is 0; undecodable bytes kept as surrogate escapes) and
        the position after the stored string.
    """
    raw, pos = read_bytes(view, pos, size, end, pad, what)
    if size == 0:
        return None, pos
    assert isinstance(raw, bytes)
    if term == "nul" and raw.endswith(b"\0"):
        raw = raw[:-1]
    elif term == "nul_padded":
        raw = raw.rstrip(b"\0")
    return raw.decode("utf-8", "surrogateescape"), pos


def encode_str(value: str | None, term: str) -> bytes:
    """The stored bytes of a string before padding (with its NUL when ``term`` is nul)."""
    if value is None:
        return b""
    raw = value.encode("utf-8", "surrogateescape")
    if term == "none":
        return raw
    raw += b"\0"
    if term == "nul_padded":
        raw += bytes(pad8(len(raw)) - len(raw))
    return raw


def padding(size: int) -> bytes:
    """Zero bytes that pad ``size`` to a multiple of 8."""
    return bytes(pad8(size) - size)


def sized(data: bytes | memoryview, size: int, what: str) -> bytes | memoryview:
    """Check that ``data`` has exactly ``size`` bytes before it is written."""
    if len(data) != size:
        raise EncodeError(f"{what} holds {len(data)} bytes but its length field says {size}")
    return data


def reject(what: str, value: object, rule: str | None, expected: str, pos: int) -> ConstraintError:
    """Build the error for a value a consumer must reject."""
    return ConstraintError(f"{what} = {value!r}, {expected}", offset=pos, rule=rule)


def nest(exc: MslError, path: str) -> MslError:
    """The error of an element, its path prefixed with the element's place in the outer structure.

    ``ModuleEntry.path needs 8 bytes ...`` raised while decoding element 3 of
    ``ModuleListIndex.modules`` becomes ``ModuleListIndex.modules[3].path needs 8 bytes ...``.

    Args:
        exc: The element's error (its message starts with ``Struct.field``).
        path: ``Outer.field[index]``.

    Returns:
        A new error of the same class, offset and rule.
    """
    head, dot, rest = exc.message.partition(".")
    message = f"{path}.{rest}" if dot and head.isidentifier() else f"{path}: {exc.message}"
    return type(exc)(message, offset=exc.offset, block_index=exc.block_index, rule=exc.rule)


def check_count(count: int, min_item: int, pos: int, end: int, what: str) -> None:
    """Fail fast when ``count`` items of at least ``min_item`` bytes cannot fit."""
    if min_item and count * min_item > end - pos:
        raise TruncatedError(
            f"{what} claims {count} entries of at least {min_item} bytes but {max(end - pos, 0)} bytes remain",
            offset=pos)
