"""A strict YAML loader that remembers where every mapping key and list item came from.

``yaml.safe_load`` keeps the last of two equal keys and forgets positions. The loader here
rejects a duplicate key (``0x0001`` twice in an enum: one value would silently vanish) with
the file, line and column of both, and returns :class:`MarkedDict` / :class:`MarkedList`
containers that carry the line and column of each key or item, so that a later problem found
by a YAML path (``layouts[0].seq[3].offset``) can be reported at its line and column.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from memslice.codegen.errors import SpecError


class MarkedDict(dict):  # type: ignore[type-arg]
    """A mapping read from YAML; ``marks[key]`` is the (line, column) of the key, 1-based."""

    marks: dict[Any, tuple[int, int]]
    mark: tuple[int, int]


class MarkedList(list):  # type: ignore[type-arg]
    """A sequence read from YAML; ``marks[i]`` is the (line, column) of item ``i``, 1-based."""

    marks: list[tuple[int, int]]
    mark: tuple[int, int]


def _pos(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def key_text(key: object) -> str:
    """A mapping key as a message shows it: integers (codes) in hex."""
    if isinstance(key, bool) or not isinstance(key, int):
        return str(key)
    return f"0x{key:04X}" if key >= 0 else str(key)


# libyaml's parser (same events, same marks) when PyYAML was built with it: the pure-Python
# scanner spends about a second on the spec, in every process that loads it.
_BASE: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BASE):  # type: ignore[misc, valid-type]
    """SafeLoader that rejects duplicate keys and records positions."""

    rel = "?"

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> MarkedDict:  # type: ignore[override]
        self.flatten_mapping(node)
        out = MarkedDict()
        out.marks = {}
        out.mark = _pos(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            try:
                hash(key)
            except TypeError:
                line, col = _pos(key_node)
                raise SpecError(self.rel, "a mapping key must be a scalar", line=line, column=col) from None
            if key in out:
                line, col = _pos(key_node)
                first = out.marks[key]
                raise SpecError(self.rel, (
                    f"duplicate key {key_text(key)} (first at line {first[0]}, column {first[1]}); "
                    "YAML would keep only the last one, so one entry would silently vanish"), line=line, column=col)
            out[key] = self.construct_object(value_node, deep=deep)  # type: ignore[no-untyped-call]
            out.marks[key] = _pos(key_node)
        return out

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> MarkedList:  # type: ignore[override]
        out = MarkedList(self.construct_object(child, deep=deep) for child in node.value)  # type: ignore[no-untyped-call]
        out.marks = [_pos(child) for child in node.value]
        out.mark = _pos(node)
        return out


def _construct_map(loader: _StrictLoader, node: yaml.MappingNode) -> Any:
    return loader.construct_mapping(node, deep=True)


def _construct_seq(loader: _StrictLoader, node: yaml.SequenceNode) -> Any:
    return loader.construct_sequence(node, deep=True)


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_StrictLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load_yaml(raw: bytes, rel: str) -> Any:
    """Parse one spec file strictly.

    Args:
        raw: The file's bytes.
        rel: Its path relative to ``spec/`` (for messages).

    Returns:
        The document, with :class:`MarkedDict` and :class:`MarkedList` containers.

    Raises:
        SpecError: Not YAML, or a duplicate key (file, line and column of the second).
    """
    loader = _StrictLoader(raw)
    loader.rel = rel
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise SpecError(rel, f"not valid YAML: {exc.problem or exc}", line=mark.line + 1 if mark else None,
                        column=mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise SpecError(rel, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()


_STEP = re.compile(r"\.?([^.\[\]]+)|\[([^\]]+)\]")


def locate(doc: Any, yaml_path: str) -> tuple[int, int] | None:
    """The line and column of the deepest node of ``yaml_path`` that exists in ``doc``.

    Args:
        doc: A document from :func:`load_yaml`.
        yaml_path: ``layouts[0].seq[3].offset``, ``enums.fd_type.values[0x0003]``, ...

    Returns:
        (line, column), 1-based, or None when not even the first step exists.
    """
    found: tuple[int, int] | None = getattr(doc, "mark", None)
    node = doc
    for m in _STEP.finditer(yaml_path):
        step = m.group(1) if m.group(1) is not None else m.group(2)
        if isinstance(node, MarkedList):
            try:
                index = int(step, 0)
            except ValueError:
                return found
            if not 0 <= index < len(node):
                return found
            found, node = node.marks[index], node[index]
        elif isinstance(node, MarkedDict):
            key: Any = step
            if key not in node:
                try:
                    key = int(step, 0)
                except ValueError:
                    return found
                if key not in node:
                    return found
            found, node = node.marks[key], node[key]
        else:
            return found
    return found


def render_path(doc: Any, parts: list[Any]) -> str:
    """A jsonschema ``absolute_path`` as a YAML path; integer mapping keys (codes) in hex.

    Args:
        doc: The document the path walks.
        parts: The path's steps.

    Returns:
        ``layouts[0].seq[3]``, ``enums.fd_type.values[0x0003]``, or ``(top)``.
    """
    out = ""
    node = doc
    for p in parts:
        if isinstance(node, list):
            out += f"[{p}]"
        elif isinstance(p, int) and not isinstance(p, bool):
            out += f"[{key_text(p)}]"
        else:
            out += f".{p}" if out else str(p)
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            node = None
    return out or "(top)"
