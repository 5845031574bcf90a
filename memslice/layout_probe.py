"""Positions of fixed fields in the generated layouts, found by encoding probes.

Hand-written code that must read a field before a whole structure can be decoded (a
compressed Memory Region's head, say) takes the field's offset and width from here, so
that no offset is written twice.
"""

from __future__ import annotations

import dataclasses
from typing import Any


def field_offset(cls: type, field_id: str, base: Any = None) -> int:
    """Offset of a fixed-position field of a generated structure (found by encoding a probe).

    Fields left ``None`` (optional tails, computed lengths) are set to 0 in the probe so that
    the structure encodes in full.

    Args:
        cls: A generated structure class.
        field_id: The field.
        base: The probe to start from (default: ``cls()``), for fields whose value sizes
            other fields (a Memory Region's RegionSize needs a PageSizeLog2).

    Raises:
        KeyError: No such field, or its position depends on the data.
    """
    fields = dataclasses.fields(cls)
    if field_id not in {f.name for f in fields}:
        raise KeyError(f"{cls.__name__} has no field {field_id}")
    probe = cls() if base is None else base
    ints = {f.name: 0 for f in fields if getattr(probe, f.name) is None and str(f.type).startswith("int")}
    probe = dataclasses.replace(probe, **ints)
    current = getattr(probe, field_id)
    mark: object = b"\xff" * len(current) if isinstance(current, bytes) else 1
    zero = cls.encode(probe, "<")  # type: ignore[attr-defined]
    marked = cls.encode(dataclasses.replace(probe, **{field_id: mark}), "<")  # type: ignore[attr-defined]
    for i, (a, b) in enumerate(zip(zero, marked, strict=True)):
        if a != b:
            return i
    raise KeyError(f"{cls.__name__}.{field_id} does not change the encoding")


def field_span(cls: type, field_id: str, base: Any = None) -> tuple[int, int]:
    """Offset and width of a fixed-position field: up to the next field of the layout.

    Args:
        cls: A generated structure class.
        field_id: The field (not the last of the layout).
        base: The probe to start from, as for :func:`field_offset`.

    Returns:
        ``(offset, width)`` in bytes.

    Raises:
        KeyError: No such field, the field is last, or its position depends on the data.
    """
    ids = [info.id for info in cls.FIELDS]  # type: ignore[attr-defined]
    following = ids[ids.index(field_id) + 1]
    start = field_offset(cls, field_id, base)
    return start, field_offset(cls, following, base) - start
