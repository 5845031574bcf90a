"""Positions of fixed fields in the generated layouts, read from their ``FIELDS`` tables.

Hand-written code that must read a field before a whole structure can be decoded (a
compressed Memory Region's head, say) takes the field's offset and width from here, so
that no offset is written twice: both come from the offsets the code generator computed
from ``spec/`` (:class:`memslice.generated._support.FieldInfo`).
"""

from __future__ import annotations

from memslice.generated._support import field_info


def field_offset(cls: type, field_id: str) -> int:
    """Offset of a fixed-position field of a generated structure.

    Args:
        cls: A generated structure class.
        field_id: The field.

    Raises:
        KeyError: No such field, or its position depends on the data.
    """
    offset = field_info(cls, field_id).offset
    if offset is None:
        raise KeyError(f"{cls.__name__}.{field_id} has no fixed offset")
    return offset


def field_span(cls: type, field_id: str) -> tuple[int, int]:
    """Offset and stored width of a fixed-position, fixed-size field.

    Args:
        cls: A generated structure class.
        field_id: The field.

    Returns:
        ``(offset, width)`` in bytes.

    Raises:
        KeyError: No such field, or its position or size depends on the data.
    """
    info = field_info(cls, field_id)
    if info.offset is None or info.size is None:
        raise KeyError(f"{cls.__name__}.{field_id} has no fixed offset and size")
    return info.offset, info.size


def fixed_head_size(cls: type) -> int:
    """Bytes of the fixed-position head of a structure: the offset of its first variable field.

    Raises:
        KeyError: Every field has a fixed size (the structure has no variable part).
    """
    for info in cls.FIELDS:  # type: ignore[attr-defined]
        if info.size is None:
            if info.offset is None:
                break
            return info.offset
    raise KeyError(f"{cls.__name__} has no variable field after a fixed head")
