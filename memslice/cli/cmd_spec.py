"""Work with the format description itself: ``msl spec diff OLD NEW``.

Like ``msl codegen``, this command must run when ``generated/`` is broken, so it imports
only ``memslice.codegen`` (never ``memslice.generated``).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from memslice.cli.common import EXIT_FAIL, EXIT_OK, EXIT_USAGE
from memslice.resources import checkout_root


def _cmd_diff(args: argparse.Namespace) -> int:
    from memslice.codegen.diff import diff_specs, spec_at
    from memslice.codegen.errors import SpecError, SpecErrors

    repo = checkout_root() or Path.cwd()  # git revisions: of the checkout, or of the repository here
    with tempfile.TemporaryDirectory(prefix="msl-spec-diff-") as tmp:
        try:
            old, old_label = spec_at(args.old, repo, Path(tmp) / "old")
            new, new_label = spec_at(args.new, repo, Path(tmp) / "new")
        except (SpecError, SpecErrors) as exc:
            print(f"msl spec diff: {exc}", file=sys.stderr)
            return EXIT_USAGE
    result = diff_specs(old, new, old_label=old_label, new_label=new_label)
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        print(result.to_markdown(), end="")
    return EXIT_FAIL if args.fail_on_breaking and result.breaking else EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl spec`` to the parser."""
    p = sub.add_parser("spec", help="the format description: diff two versions of spec/")
    spec_sub = p.add_subparsers(dest="spec_command", required=True)
    d = spec_sub.add_parser("diff", help="changelog between two spec folders or git revisions (Markdown or JSON)")
    d.add_argument("old", help="earlier spec: a folder (spec/ or one holding it) or a git revision, e.g. HEAD~3 "
                   "(of the source checkout, or of the git repository in the current directory)")
    d.add_argument("new", help="later spec: a folder or a git revision")
    d.add_argument("--json", action="store_true", help="print JSON (msl-spec-diff/1) instead of Markdown")
    d.add_argument("--fail-on-breaking", action="store_true",
                   help="exit 1 when a change breaks readers built from the old spec")
    d.set_defaults(func=_cmd_diff)
