"""Deterministic generators of the conformance corpus.

Every case is a *recipe*: a function of its id that returns the input bytes, the case
metadata and what the spec says the outcome must be. ``build.py`` turns recipes into case
folders and checks that the folders on disk are what the recipes produce
(``msl conformance generate --verify``).

The recipe modules are imported by :func:`all_recipes`; a new case is a new decorated
function in one of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

RECIPE_MODULES = ("header", "blocks", "truncated", "payloads", "integrity", "real", "versions", "golden", "encrypted")
"""``recipes_<name>.py`` modules, imported in this order."""


@dataclass
class Alternative:
    """A second expectation for adapters with ``feature`` (read with ``dialect`` forced or not)."""

    feature: str
    note: str
    dialect: str = "auto"


@dataclass
class Built:
    """What a recipe returns.

    Attributes:
        data: The input capture.
        description: One or two sentences: what the file is and what a reader must do.
        spec: Format version the case belongs to (``1.0`` or ``1.1``).
        rules: Rule ids (``spec/rules.yaml``) the case exercises.
        level: ``required`` (MUST), ``recommended`` (SHOULD) or ``optional`` (MAY).
        kind: ``valid``, ``invalid`` or ``truncated``: what the file is.
        origin: ``generator`` and, for edited bytes, ``mutation``; ``sample`` for copies.
        features: Features an adapter needs for the case to run.
        reject: Error class when the spec requires rejecting the file; the expected
            document is then the rejection, independent of any reader.
        reject_rule: The rule id the rejection cites (default: the class's rule,
            ``vocabulary.REJECTION_RULES``).
        expect: Dotted-path facts the reference document must show (``result``,
            ``integrity.chain``, ``blocks.#`` for the count, ``blocks.2.skipped``);
            generation fails when it does not, so expected.json cannot silently follow a
            reader bug.
        dialect: Dialect of the input when it is not a normative one.
        read_as: Dialect the reference reader is forced to for expected.json (``auto``).
        alternatives: Feature-specific second expectations.
        notes: Free text for ``case.yaml``.
        secret: ``(kind, bytes)`` for an encrypted input: ``key``, ``passphrase`` or ``identity``
            (written beside the input; adapters with ``decryption`` get it as a file option).
    """

    data: bytes
    description: str
    spec: str
    rules: list[str]
    level: str
    kind: str
    origin: dict[str, str]
    features: list[str] = field(default_factory=list)
    reject: str | None = None
    reject_rule: str | None = None
    expect: dict[str, Any] = field(default_factory=dict)
    dialect: str | None = None
    read_as: str = "auto"
    alternatives: list[Alternative] = field(default_factory=list)
    notes: str | None = None
    secret: tuple[str, bytes] | None = None


Recipe = Callable[[str], Built]
RECIPES: dict[str, Recipe] = {}
"""Case id -> recipe, filled by the ``recipes_*`` modules."""


def recipe(case_id: str) -> Callable[[Recipe], Recipe]:
    """Register ``fn`` as the recipe of ``case_id`` (ids are unique and never renamed)."""

    def register(fn: Recipe) -> Recipe:
        if case_id in RECIPES:
            raise ValueError(f"two recipes for {case_id}")
        RECIPES[case_id] = fn
        return fn

    return register


def all_recipes() -> dict[str, Recipe]:
    """Every recipe, after importing the recipe modules."""
    for name in RECIPE_MODULES:
        importlib.import_module(f"memslice.conformance.generators.recipes_{name}")
    return dict(sorted(RECIPES.items()))
