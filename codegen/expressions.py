"""Size and condition expressions of the schema.

Expressions are written in a small subset of Python (names, integers, arithmetic,
shifts, bit operations, comparisons, ``and``/``or``/``not`` and ``pad8(x)``) so that
every backend can translate them: the Python backend keeps them almost verbatim, the
Kaitai backend rewrites ``//`` and ``pad8``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from memslice.codegen.errors import SpecError

_ALLOWED_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Name, ast.Load,
    ast.Constant, ast.Call, ast.Attribute, ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod,
    ast.LShift, ast.RShift, ast.BitAnd, ast.BitOr, ast.BitXor, ast.And, ast.Or, ast.Not,
    ast.USub, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE,
)
FUNCTIONS = frozenset({"pad8"})


@dataclass(frozen=True)
class Expr:
    """A parsed expression.

    Attributes:
        source: The text as written in the YAML.
        tree: The parsed Python AST (validated against the allowed subset).
    """

    source: str
    tree: ast.Expression

    @property
    def names(self) -> frozenset[str]:
        """Field or instance names the expression reads (``_`` excluded)."""
        found = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name) and node.id not in FUNCTIONS and node.id != "_":
                found.add(node.id)
        return frozenset(found)

    def constant(self) -> int | None:
        """The value when the expression is a plain integer, else None."""
        body = self.tree.body
        if isinstance(body, ast.Constant) and isinstance(body.value, int):
            return body.value
        return None

    def render(self, name: Callable[[str], str], *, floordiv: str = "//",
               pad8: Callable[[str], str] = lambda x: f"pad8({x})",
               attr: Callable[[str, str], str] = lambda obj, a: f"{obj}.{a}",
               boolops: tuple[str, str, str] = ("and", "or", "not")) -> str:
        """Render the expression for a target language.

        Args:
            name: Maps a field name to the target's spelling of it.
            floordiv: The target's integer division operator.
            pad8: Renders ``pad8(x)`` given the rendered argument.
            attr: Renders ``obj.attr`` (``_.tag`` in ``repeat_until``).
            boolops: The target's spelling of ``and``, ``or`` and ``not``.

        Returns:
            The expression as target source text, fully parenthesised.
        """
        return _render(self.tree.body, name, floordiv, pad8, attr, boolops)


_BINOPS = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Mod: "%", ast.LShift: "<<",
    ast.RShift: ">>", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
}
_CMPOPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def _render(node: ast.AST, name: Callable[[str], str], floordiv: str,
            pad8: Callable[[str], str], attr: Callable[[str, str], str],
            boolops: tuple[str, str, str]) -> str:
    def again(child: ast.AST) -> str:
        return _render(child, name, floordiv, pad8, attr, boolops)

    if isinstance(node, ast.Constant):
        return str(node.value)
    if isinstance(node, ast.Name):
        return name(node.id)
    if isinstance(node, ast.Attribute):
        assert isinstance(node.value, ast.Name)
        return attr(node.value.id, node.attr)
    if isinstance(node, ast.BinOp):
        op = floordiv if isinstance(node.op, ast.FloorDiv) else _BINOPS[type(node.op)]
        return f"({again(node.left)} {op} {again(node.right)})"
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            return f"({boolops[2]} {again(node.operand)})"
        return f"(-{again(node.operand)})"
    if isinstance(node, ast.BoolOp):
        op = boolops[0] if isinstance(node.op, ast.And) else boolops[1]
        return "(" + f" {op} ".join(again(v) for v in node.values) + ")"
    if isinstance(node, ast.Compare):
        parts = [again(node.left)]
        for op, right in zip(node.ops, node.comparators, strict=True):
            parts += [_CMPOPS[type(op)], again(right)]
        return "(" + " ".join(parts) + ")"
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        return pad8(again(node.args[0]))
    raise AssertionError(f"unexpected node {node!r}")


def strip_outer_parens(text: str) -> str:
    """Drop one pair of parentheses around a whole rendered expression (``(a + b)`` -> ``a + b``)."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and i < len(text) - 1:
            return text
    return text[1:-1]


def parse_expr(source: str | int, where: str) -> Expr:
    """Parse and validate one expression.

    Args:
        source: The YAML value (an int is accepted as a constant).
        where: The YAML path, for error messages.

    Returns:
        The parsed expression.

    Raises:
        SpecError: The text is not in the allowed subset.
    """
    text = str(source)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise SpecError(where, f"invalid expression {text!r}: {exc.msg}") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            raise SpecError(where, f"expression {text!r} uses {type(node).__name__}, which is not allowed")
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS and len(node.args) == 1):
                raise SpecError(where, f"expression {text!r}: only pad8(x) may be called")
        if isinstance(node, ast.Attribute) and not (isinstance(node.value, ast.Name) and node.value.id == "_"):
            raise SpecError(where, f"expression {text!r}: attributes only on '_'")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int):
            raise SpecError(where, f"expression {text!r}: only integer constants")
    return Expr(text, tree)


def evaluate(expr: Expr, env: Mapping[str, int]) -> int:
    """Evaluate an expression with integer variables (used by the offset checker).

    Args:
        expr: The expression.
        env: Values of the names it reads.

    Returns:
        The integer value.
    """
    code = compile(expr.tree, expr.source, "eval")
    return int(eval(code, {"__builtins__": {}, "pad8": lambda x: (x + 7) & ~7}, dict(env)))  # noqa: S307
