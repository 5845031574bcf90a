"""``python -m memslice.codegen``: same as ``msl codegen``."""

from memslice.cli.main import main

raise SystemExit(main(["codegen", *__import__("sys").argv[1:]]))
