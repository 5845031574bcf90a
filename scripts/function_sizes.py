"""Print the largest files and functions of a package (line counts, from the AST).

Usage: ``python scripts/function_sizes.py [DIR] [--top N]`` (default ``acquirer``, 10).
A function's size is ``end_lineno - lineno + 1`` of its ``def`` (decorators excluded,
docstring and nested functions included).
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path


def _functions(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: list[tuple[int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = f"{prefix}{child.name}"
                out.append((int(child.end_lineno or child.lineno) - child.lineno + 1, f"{path}:{child.lineno} {name}"))
                visit(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return out


def main() -> None:
    """Print the top files by lines and the top functions by lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default="acquirer")
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    files = sorted(Path(args.root).rglob("*.py"))
    sizes = sorted(((len(f.read_text(encoding="utf-8").splitlines()), str(f)) for f in files), reverse=True)
    funcs = sorted((item for f in files for item in _functions(f)), reverse=True)
    print(f"largest files under {args.root}/")
    for lines, name in sizes[:args.top]:
        print(f"  {lines:5d}  {name}")
    print(f"largest functions under {args.root}/ ({sum(1 for n, _ in funcs if n > 80)} over 80 lines)")
    for lines, name in funcs[:args.top]:
        print(f"  {lines:5d}  {name}")


if __name__ == "__main__":
    main()
