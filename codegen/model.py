"""Target-neutral model of the format, built by the loader from ``spec/``.

Backends read only this model, never the YAML, so a new output (another language,
another document) needs no knowledge of how the YAML is spelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from memslice.codegen.expressions import Expr

INT_SIZES = {"u1": 1, "u2": 2, "u4": 4, "u8": 8, "s1": 1, "s2": 2, "s4": 4, "s8": 8}
FIXED_SIZES = {**INT_SIZES, "uuid": 16, "hash": 32}


@dataclass
class Constraint:
    """A ``valid:`` constraint.

    Attributes:
        min: Smallest allowed value, or None.
        max: Largest allowed value, or None.
        any_of: Allowed values, or None.
        eq: The only allowed value, or None.
        rule: Rule id the constraint enforces, or None.
    """

    min: int | None = None
    max: int | None = None
    any_of: tuple[int, ...] | None = None
    eq: int | None = None
    rule: str | None = None

    @property
    def rejects(self) -> bool:
        """True when a consumer MUST reject a value that breaks it (a ``C`` rule)."""
        return bool(self.rule) and self.rule[0] == "C" and self.rule[1:].isdigit()


@dataclass
class Erratum:
    """Why a field may break the 8-byte alignment promise."""

    id: str
    reason: str


@dataclass
class Field:
    """One field of a structure's ``seq``.

    Attributes:
        id: Field id (snake_case).
        type: ``u1``..``s8``, ``uuid``, ``hash``, ``bytes``, ``str``, a sub-type id, or
            ``switch`` (see ``switch_on``/``cases``).
        doc: Description.
        spec: Spec reference.
        orig: The spec's own name.
        path: YAML path, for messages.
        size: Byte size (for bytes, str, sized sub-types): an expression, or None.
        size_eos: True when the field takes the rest of the payload.
        pad: Alignment of the stored size (8) or None.
        term: String termination: ``nul``, ``none`` or ``nul_padded``.
        enum: Enum id for integers, or None.
        flags: Flag-set id for integers, or None.
        reserved: Producers write zero, consumers ignore.
        contents: Fixed bytes, or None.
        valid: Constraint, or None.
        repeat: None, ``expr``, ``eos`` or ``until``.
        repeat_expr: Count expression for ``repeat: expr``.
        repeat_until: Stop condition over ``_`` for ``repeat: until``.
        cond: Presence condition (``if:``), or None.
        optional_tail: Present only when the payload has bytes left.
        tail_default: For optional tail fields: whether a newly built structure includes
            them (``present``: the field belongs to the main layout and only some producers
            omit it) or not (``absent``: an extension only some producers add).
        role: Runtime role (``page_state_map``, ``page_data``, ``file_hash``, ``uuid_ref``).
        format: Canonical rendering: ``addr``, ``hex`` or ``dec``.
        since: Version that introduced the field, or None.
        erratum: Alignment excuse, or None.
        switch_on: Expression selecting the sub-type, for ``type: switch``.
        cases: Selector value -> sub-type id.
        offset_doc: The offset written in the YAML, or None.
        offset: The offset computed by the checker when constant, else None.
        status: ``defined`` or ``draft`` (generated only with ``msl codegen --drafts``).
    """

    id: str
    type: str
    doc: str
    spec: str
    orig: str | None
    path: str
    size: Expr | None = None
    size_eos: bool = False
    pad: int | None = None
    term: str = "nul"
    enum: str | None = None
    flags: str | None = None
    reserved: bool = False
    contents: bytes | None = None
    valid: Constraint | None = None
    repeat: str | None = None
    repeat_expr: Expr | None = None
    repeat_until: Expr | None = None
    cond: Expr | None = None
    optional_tail: bool = False
    tail_default: str = "absent"
    role: str | None = None
    format: str = "dec"
    since: str | None = None
    erratum: Erratum | None = None
    switch_on: Expr | None = None
    cases: dict[int, str] = field(default_factory=dict)
    offset_doc: int | None = None
    offset: int | None = None
    status: str = "defined"

    @property
    def is_int(self) -> bool:
        """True for the integer types."""
        return self.type in INT_SIZES

    @property
    def fixed_size(self) -> int | None:
        """Byte size when it does not depend on data, else None."""
        if self.repeat or self.cond is not None:
            return None
        if self.type in FIXED_SIZES:
            return FIXED_SIZES[self.type]
        if self.type in ("bytes", "str") and self.size is not None and self.size.constant() is not None:
            value = self.size.constant()
            assert value is not None
            return (value + 7) & ~7 if self.pad else value
        return None


@dataclass
class Instance:
    """A computed value of a structure."""

    id: str
    value: Expr
    doc: str
    spec: str


@dataclass
class Struct:
    """A structure: a file header part, a block payload layout or a sub-type.

    Attributes:
        id: Structure id.
        doc: Description.
        spec: Spec reference.
        path: YAML path.
        seq: Fields in order.
        instances: Computed values.
        packed: Reason the structure is exempt from alignment checks, or None.
        size: Declared fixed size, or None.
        dialects: For payload layouts, the dialects that use it.
        payload_versions: For payload layouts, the PayloadVersions it decodes.
        block: For payload layouts, the owning block type id.
        status: ``defined`` or ``draft`` (payload layouts).
        since: Version that introduced the layout, or None.
        base: For payload layouts, the layout whose fields this one extends, or None.
    """

    id: str
    doc: str
    spec: str
    path: str
    seq: list[Field]
    instances: dict[str, Instance] = field(default_factory=dict)
    packed: str | None = None
    size: int | None = None
    dialects: tuple[str, ...] = ()
    payload_versions: tuple[int, ...] = ()
    block: str | None = None
    status: str = "defined"
    since: str | None = None
    base: str | None = None

    @property
    def fixed_size(self) -> int | None:
        """Total size when every field is fixed, else None."""
        total = 0
        for f in self.seq:
            if f.fixed_size is None or f.optional_tail:
                return None
            total += f.fixed_size
        return total

    def field(self, field_id: str) -> Field:
        """The field with this id."""
        for f in self.seq:
            if f.id == field_id:
                return f
        raise KeyError(field_id)


@dataclass
class GuessField:
    """One field of a guessed decoder: id, type (``u1``..``u8``, ``str``, ``bytes``), offset, size."""

    id: str
    type: str
    offset: int
    size: str | None = None


@dataclass
class Guess:
    """A decoder a tool carries for a block type the spec had not defined (not a definition)."""

    tool: str
    doc: str
    spec: str
    seq: list[GuessField]


@dataclass
class BlockType:
    """One entry of the block registry.

    Attributes:
        id: Block id (snake_case).
        code: BlockType code.
        title: Human name.
        doc: Description.
        spec: Spec reference.
        since: ``1.0``, ``1.1``, ``g0`` or a dialect id.
        status: ``draft``, ``defined``, ``reserved`` or ``withdrawn``.
        namespace: ``capture`` or ``structural``.
        cap_bit: Capability bit id, or None.
        parent: Block id its ParentUUID names, or None.
        in_extension: Allowed inside extension segments.
        layouts: Payload layouts.
        types: Sub-types used by the layouts.
        path: YAML file.
        guesses: Decoders tools carry for it while it is not defined (``msl spec diff`` uses them).
    """

    id: str
    code: int
    title: str
    doc: str
    spec: str
    since: str
    status: str
    namespace: str
    cap_bit: str | None
    parent: str | None
    in_extension: bool
    layouts: list[Struct]
    types: dict[str, Struct]
    path: str
    guesses: list[Guess] = field(default_factory=list)

    @property
    def dialects(self) -> tuple[str, ...]:
        """Every dialect that any layout of this block serves."""
        seen: list[str] = []
        for layout in self.layouts:
            seen += [d for d in layout.dialects if d not in seen]
        return tuple(seen)


@dataclass
class EnumValue:
    """One value of an enumeration.

    Attributes:
        value: The code.
        id: Value id.
        doc: Description.
        since: Version that introduced it, or None.
        status: ``draft``, ``defined``, ``reserved`` or ``withdrawn``.
        path: YAML path, for messages.
    """

    value: int
    id: str
    doc: str
    since: str | None = None
    status: str = "defined"
    path: str = ""


@dataclass
class Enum:
    """An enumeration."""

    id: str
    doc: str
    spec: str
    values: list[EnumValue]
    path: str = ""


@dataclass
class FlagBit:
    """One bit (or bit field, when ``width`` > 1) of a flag set."""

    bit: int
    id: str
    doc: str
    since: str
    width: int = 1
    enum: str | None = None
    blocks: tuple[int, ...] = ()

    @property
    def mask(self) -> int:
        """The bits this entry covers."""
        return ((1 << self.width) - 1) << self.bit


@dataclass
class FlagSet:
    """A set of flag bits."""

    id: str
    doc: str
    spec: str
    bits: list[FlagBit]


@dataclass
class Rule:
    """A numbered conformance rule."""

    id: str
    level: str
    role: str
    since: str
    spec: str
    text: str
    path: str = ""


@dataclass
class ErratumEntry:
    """One entry of the errata register: where the public spec, the tools and the schema differ.

    Attributes:
        id: ``E<n>`` (the public spec contradicts itself) or ``D<n>`` (an implementation
            deviates), numbered as in the format catalogue.
        title: One-line summary.
        where: The places in the spec or the tools.
        problem: What disagrees.
        choice: What this schema does about it.
        reason: Why.
    """

    id: str
    title: str
    where: str
    problem: str
    choice: str
    reason: str


@dataclass(frozen=True)
class DialectSignal:
    """One observation that marks a file as written in a dialect (``dialects.yaml`` ``signals:``).

    Attributes:
        kind: What is tested (``payload_size``, ``tail_absent``, ...).
        doc: The reason a reader reports.
        block: Block id the signal looks at, or None.
        block_code: Its type code (filled in by the loader), or None.
        size: Payload size for ``payload_size``, or None.
        value: Field value for ``every_payload_version``, or None.
        alone: False for supporting evidence that never selects the dialect by itself.
    """

    kind: str
    doc: str
    block: str | None = None
    block_code: int | None = None
    size: int | None = None
    value: int | None = None
    alone: bool = True


@dataclass
class Dialect:
    """A family of files sharing payload layouts (``extends``: the dialect it inherits layouts from)."""

    id: str
    title: str
    versions: tuple[int, ...]
    doc: str
    spec: str
    detect: str | None = None
    extends: str | None = None
    path: str = ""
    reads_payload_version: bool = True
    signals: tuple[DialectSignal, ...] = ()


@dataclass
class Version:
    """A format version."""

    id: str
    value: int
    doc: str
    spec: str


@dataclass
class Constant:
    """A named constant of the framing."""

    id: str
    value: int | str
    doc: str
    spec: str


@dataclass
class Spec:
    """The whole format.

    Attributes:
        meta: The ``meta`` mapping of ``format.yaml``.
        versions: Format versions.
        constants: Framing constants by id.
        framing: Prose sections of the framing (id -> (doc, spec)).
        types: Framing structures (file header, block header, ...).
        blocks: Block types in code order.
        enums: Enumerations by id (including ``block_type``).
        flags: Flag sets by id.
        rules: Rules by id, in file order.
        dialects: Dialects in file order.
        default_write: Dialect the writer emits by default.
        sources: Relative path -> SHA-256 of each YAML file read.
        errata: The errata register (``errata.yaml``), in file order.
        drafts: True when items with ``status: draft`` were kept (``msl codegen --drafts``).
    """

    meta: dict[str, object]
    versions: list[Version]
    constants: dict[str, Constant]
    framing: dict[str, tuple[str, str]]
    types: dict[str, Struct]
    blocks: list[BlockType]
    enums: dict[str, Enum]
    flags: dict[str, FlagSet]
    rules: dict[str, Rule]
    dialects: list[Dialect]
    default_write: str
    sources: dict[str, str]
    errata: list[ErratumEntry] = field(default_factory=list)
    drafts: bool = False

    def version_dialects(self) -> dict[str, str]:
        """Format version id -> the dialect a writer uses for it: the first dialect listing its value."""
        out: dict[str, str] = {}
        for v in self.versions:
            for d in self.dialects:
                if v.value in d.versions:
                    out[v.id] = d.id
                    break
        return out

    def default_version(self) -> str | None:
        """The format version id the default write dialect is written with."""
        for version, dialect in self.version_dialects().items():
            if dialect == self.default_write:
                return version
        return None

    def block(self, block_id: str) -> BlockType:
        """The block type with this id."""
        for b in self.blocks:
            if b.id == block_id:
                return b
        raise KeyError(block_id)
