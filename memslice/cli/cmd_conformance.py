"""The conformance suite (``msl conformance run|list|copy|matrix|generate|capabilities``).

``run`` judges one adapter on the corpus; ``matrix`` runs every available implementation
and writes the Markdown matrix; ``list`` and ``copy`` hand the corpus to others;
``generate`` rebuilds it from the recipes (``--verify``: check only); ``capabilities``
checks an adapter's ``capabilities`` output against its schema.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from memslice.cli.common import EXIT_FAIL, EXIT_OK, EXIT_USAGE
from memslice.resources import inside_installation

if TYPE_CHECKING:
    from memslice.conformance.cases import Case
    from memslice.conformance.runner import Adapter


def _cases(args: argparse.Namespace) -> list[Case]:
    from memslice.conformance.cases import load_cases, select

    return select(load_cases(Path(args.cases)), args.run or (), args.skip or (), args.spec)


def _adapter(spec: str) -> tuple[Adapter, Path | None]:
    """A registered implementation name, or a command line for any other adapter."""
    from memslice.conformance.adapters.registry import IMPLEMENTATIONS, adapter_for, unavailable
    from memslice.conformance.runner import Adapter, AdapterError

    impl = IMPLEMENTATIONS.get(spec)
    if impl is None:
        command = shlex.split(spec)
        if not command:
            raise AdapterError("--adapter is empty")
        return Adapter(Path(command[0]).name, command, named_by_capabilities=True), None
    why = unavailable(impl)
    if why is not None:
        raise AdapterError(f"{spec}: {why}")
    return adapter_for(impl), impl.known_failures


def _cmd_run(args: argparse.Namespace) -> int:
    from memslice.atomic_output import check_destination
    from memslice.conformance import report as rep
    from memslice.conformance.cases import load_cases
    from memslice.conformance.console import progress_bar
    from memslice.conformance.runner import load_known_failures, run, updated_known_failures

    for out in (args.json, args.junit):
        if out:
            check_destination(out, force=args.force)  # before any case runs
    adapter, default_known = _adapter(args.adapter)
    known_path = Path(args.known_failures) if args.known_failures else default_known
    known = load_known_failures(known_path)
    cases = _cases(args)
    all_ids = {c.id for c in load_cases(Path(args.cases))}
    with progress_bar(f"conformance {adapter.name}", len(cases)) as advance:
        result = run(adapter, cases, all_ids=all_ids, known=known, jobs=args.jobs, timeout=args.timeout,
                     memory_mb=args.memory_limit, strict=args.strict, progress=advance, batch=args.batch)
    for r in result.results:
        if r.status in ("fail", "errored", "unexpected-pass") or (args.verbose and r.status != "pass"):
            warn = "" if r.error or args.strict or r.status != "fail" else f" [{r.level}: warning]"
            print(f"{r.status.upper()} {r.id}{warn}")
            if r.headline:
                print(f"  {r.headline}")
            if r.status in ("fail", "errored", "unexpected-pass", "expected-fail"):
                print(f"  rules {', '.join(r.rules)}; input {r.input}")
                if r.description:
                    print(f"  case: {r.description}")
            if r.reason:
                print(f"  known failure: {r.reason}")
            for line in r.detail.splitlines():
                print(f"    {line}")
    for entry in result.stale:
        print(f"STALE known failure {entry}: no such case")
    warnings = [r for r in result.results if r.status == "fail" and r.level != "required"]
    if warnings:
        verdict = "fatal with --strict" if args.strict else "warnings; --strict makes them fatal"
        print(f"{len(warnings)} {'/'.join(sorted({r.level for r in warnings}))} case(s) failed ({verdict}): "
              + ", ".join(r.id for r in warnings))
    print(rep.summary_line(result))
    if args.json:
        rep.write_text(Path(args.json), rep.dumps_json(rep.to_json(result)), force=args.force)
    if args.junit:
        rep.write_text(Path(args.junit), rep.to_junit(result), force=args.force)
    if args.update_known_failures:
        if known_path is None:
            print("msl conformance: --update-known-failures needs --known-failures FILE", file=sys.stderr)
            return EXIT_USAGE
        if inside_installation(known_path):
            print(f"msl conformance: --update-known-failures would rewrite {known_path} inside the installed "
                  "package; give --known-failures FILE (a copy) or run from a source checkout", file=sys.stderr)
            return EXIT_USAGE
        import yaml

        doc = updated_known_failures(result, known, result.capabilities.get("version"))
        # rewriting the file it was asked to update: replacing it is the point
        rep.write_text(known_path, yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=110), force=True)
        print(f"wrote {known_path} ({len(doc['failures'])} entries)")
        return EXIT_OK
    return EXIT_FAIL if result.failed else EXIT_OK


def _cmd_list(args: argparse.Namespace) -> int:
    cases = _cases(args)
    if args.json:
        from memslice.cli.scripting import emit

        return emit(args, {"cases": [{"id": c.id, "spec": c.spec, "level": c.level, "kind": c.kind,
                                      "features": c.features, "rules": c.rules} for c in cases]})
    for c in cases:
        features = f"  [{', '.join(c.features)}]" if c.features else ""
        print(f"{c.id}  {c.spec} {c.level} {c.kind}  {' '.join(c.rules)}{features}")
    return EXIT_OK


def _cmd_copy(args: argparse.Namespace) -> int:
    from memslice.conformance.kit import KitError, write_kit
    from memslice.resources import installed_spec_dir

    cases = _cases(args)
    try:
        stamp = write_kit(Path(args.dir), cases, Path(args.cases), installed_spec_dir())
    except KitError as exc:
        print(f"msl conformance copy: {exc}", file=sys.stderr)
        return EXIT_USAGE
    commit = stamp["commit"] or "no git commit"
    dirty = " (uncommitted changes)" if stamp["dirty"] else ""
    print(f"copied {len(cases)} cases, cases/IDS, cases.json, rules.json, spec/, the schemas and contract.md to "
          f"{args.dir} (memslice {stamp['memslice']}, {commit}{dirty})")
    return EXIT_OK


def _cmd_matrix(args: argparse.Namespace) -> int:
    from memslice.atomic_output import check_destination
    from memslice.conformance import report as rep
    from memslice.conformance.adapters.registry import IMPLEMENTATIONS, adapter_for, unavailable
    from memslice.conformance.cases import load_cases
    from memslice.conformance.console import progress_bar
    from memslice.conformance.runner import load_known_failures, run

    names = [name for name in IMPLEMENTATIONS if not args.only or name in args.only]
    if args.output != "-":
        check_destination(args.output, force=args.force)  # before any implementation runs
    if args.reports:
        Path(args.reports).mkdir(mode=0o700, parents=True, exist_ok=True)
        for name in names:
            for suffix in ("json", "xml"):
                check_destination(Path(args.reports) / f"conformance-{name}.{suffix}", force=args.force)
    cases = _cases(args)
    all_ids = {c.id for c in load_cases(Path(args.cases))}
    reports, pending = [], {}
    for name, impl in IMPLEMENTATIONS.items():
        if name not in names:
            continue
        why = unavailable(impl)
        if why is not None:
            pending[name] = why
            print(f"{name}: not run ({why})")
            continue
        with progress_bar(f"matrix {name}", len(cases)) as advance:
            result = run(adapter_for(impl), cases, all_ids=all_ids, known=load_known_failures(impl.known_failures),
                         jobs=args.jobs, timeout=args.timeout, progress=advance, batch=args.batch)
        print(rep.summary_line(result))
        reports.append(result)
        if args.reports:
            rep.write_text(Path(args.reports) / f"conformance-{name}.json", rep.dumps_json(rep.to_json(result)),
                           force=args.force)
            rep.write_text(Path(args.reports) / f"conformance-{name}.xml", rep.to_junit(result), force=args.force)
    titles = {name: impl.title for name, impl in IMPLEMENTATIONS.items()}
    text = rep.matrix_markdown(cases, reports, pending, titles)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        rep.write_text(Path(args.output), text, force=args.force)
        print(f"wrote {args.output}")
    if pending and os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        print(f"msl conformance matrix: CI=true but not run: {'; '.join(f'{n} ({w})' for n, w in pending.items())}",
              file=sys.stderr)
        return EXIT_FAIL
    return EXIT_FAIL if any(r.failed for r in reports) else EXIT_OK


def _cmd_generate(args: argparse.Namespace) -> int:
    from memslice.conformance.generators.build import generate

    if not args.verify and inside_installation(Path(args.cases)):
        print(f"msl conformance generate: rebuilding the corpus needs a source checkout ({args.cases} is the "
              "installed package, never written to); give --cases DIR, or --verify to check it", file=sys.stderr)
        return EXIT_USAGE
    statuses = generate(Path(args.cases), verify=args.verify, select=args.case or None)
    bad = [s for s in statuses if s.status not in ("ok", "written")]
    for s in statuses:
        if s.status not in ("ok", "written") or args.verbose:
            print(f"{s.status:<10} {s.id}{': ' + s.detail if s.detail else ''}")
    done = sum(1 for s in statuses if s.status in ("ok", "written"))
    print(f"{done} case(s) {'up to date' if args.verify else 'written'}, {len(bad)} problem(s)")
    if args.verify and not args.case:
        from memslice.conformance.coverage import corpus_coverage

        print("\n".join(corpus_coverage(Path(args.cases)).lines()))  # informational: never fails the run
    return EXIT_FAIL if bad else EXIT_OK


def _cmd_capabilities(args: argparse.Namespace) -> int:
    from memslice.conformance.runner import capabilities

    adapter, _known = _adapter(args.adapter)
    print(json.dumps(capabilities(adapter, timeout=args.timeout), indent=2, sort_keys=True))
    return EXIT_OK


def _guarded(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Report an unusable adapter or corpus in one line, exit status 2."""

    def run(args: argparse.Namespace) -> int:
        from memslice.conformance.cases import CorpusError
        from memslice.conformance.runner import AdapterError

        try:
            return func(args)
        except (AdapterError, CorpusError) as exc:
            print(f"msl conformance {args.conformance_command}: {exc}", file=sys.stderr)
            from memslice.cli.scripting import emit, error_doc, wants_json

            if wants_json(args):
                return emit(args, None, exit_code=EXIT_USAGE, error=error_doc(exc))
            return EXIT_USAGE

    return run


def _selection(p: argparse.ArgumentParser) -> None:
    from memslice.conformance import CASES_DIR

    p.add_argument("--run", action="append", metavar="GLOB", help="only case ids matching GLOB (repeatable)")
    p.add_argument("--skip", action="append", metavar="GLOB", help="drop case ids matching GLOB (repeatable)")
    p.add_argument("--spec", choices=["1.0", "1.1"], help="only cases of this format version")
    p.add_argument("--cases", default=str(CASES_DIR), help="corpus root (default: the installed corpus)")


def _execution(p: argparse.ArgumentParser) -> None:
    from memslice.conformance import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT

    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per case (default %(default)s)")
    p.add_argument("--memory-limit", type=int, default=DEFAULT_MEMORY_MB, metavar="MIB",
                   help="address-space limit per adapter process, 0 = none (default %(default)s)")
    p.add_argument("--jobs", "-j", type=int, default=min(4, os.cpu_count() or 1),
                   help="adapter processes at a time (default %(default)s)")
    p.add_argument("--no-batch", dest="batch", action="store_false",
                   help="one adapter process per case even when the adapter declares read-batch")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl conformance`` and its subcommands to the parser."""
    p = sub.add_parser("conformance", help="run the conformance suite against an adapter, list or copy the corpus")
    cmds = p.add_subparsers(dest="conformance_command", required=True)

    r = cmds.add_parser("run", help="judge one adapter on the corpus")
    r.add_argument("--adapter", required=True,
                   help="reference, memslicer, memdiver, kaitai, or the command line of any adapter")
    _selection(r)
    _execution(r)
    r.add_argument("--known-failures", metavar="FILE", help="YAML list of expected failures (default: the "
                   "implementation's own under conformance/known-failures/)")
    r.add_argument("--strict", action="store_true", help="recommended and optional failures fail the run too")
    r.add_argument("--json", metavar="REPORT", help="write a JSON report")
    r.add_argument("--junit", metavar="REPORT", help="write a JUnit XML report")
    r.add_argument("-f", "--force", action="store_true", help="replace existing --json/--junit files")
    r.add_argument("--update-known-failures", action="store_true",
                   help="rewrite the known-failure file so that this run is clean (reasons kept)")
    r.add_argument("--verbose", "-v", action="store_true", help="also print expected failures and skips")
    r.set_defaults(func=_guarded(_cmd_run))

    ls = cmds.add_parser("list", help="list the cases (id, spec, level, kind, rules, features)")
    _selection(ls)
    ls.add_argument("--json", action="store_true", help="as JSON")
    ls.set_defaults(func=_guarded(_cmd_list))

    cp = cmds.add_parser("copy", help="copy a self-contained kit to DIR: the corpus, cases.json, rules.json, spec/, "
                         "the schemas, contract.md and STAMP.json")
    cp.add_argument("dir")
    _selection(cp)
    cp.set_defaults(func=_guarded(_cmd_copy))

    m = cmds.add_parser("matrix", help="run every available implementation and write the Markdown matrix")
    _selection(m)
    _execution(m)
    m.add_argument("--output", "-o", default="docs/conformance-matrix.md", help="file to write, - for stdout")
    m.add_argument("--only", action="append", metavar="NAME", help="only this implementation (repeatable)")
    m.add_argument("--reports", metavar="DIR", help="also write conformance-<name>.json and .xml (JUnit) here")
    m.add_argument("-f", "--force", action="store_true", help="replace existing output and report files")
    m.set_defaults(func=_guarded(_cmd_matrix))

    g = cmds.add_parser("generate", help="rebuild the corpus from its recipes (--verify: check the installed one)")
    g.add_argument("--verify", action="store_true",
                   help="write nothing; report ok / outdated / missing / unexpected / retired")
    g.add_argument("--case", action="append", metavar="ID", help="only this case (repeatable)")
    g.add_argument("--verbose", "-v", action="store_true", help="list every case")
    from memslice.conformance import CASES_DIR

    g.add_argument("--cases", default=str(CASES_DIR), help="corpus root (default: %(default)s)")
    g.set_defaults(func=_guarded(_cmd_generate))

    c = cmds.add_parser("capabilities", help="print an adapter's capabilities after checking them against the schema")
    c.add_argument("--adapter", required=True)
    c.add_argument("--timeout", type=float, default=20.0)
    c.set_defaults(func=_guarded(_cmd_capabilities))
