"""Start-up cost: what a process imports before it needs it.

The block registry holds tables written by the generator and imports a block module only
when its layout is asked for; the conformance normalisation does not import jsonschema; a
``msl COMMAND`` run imports that command's module alone. Each import check runs in a fresh
interpreter (this one has imported everything). The tables are also checked against the
block modules they stand for, so that laziness cannot change an answer.
"""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

from memslice.codegen import load_spec
from memslice.generated import framing, registry

REPO = Path(__file__).resolve().parents[1]
CASE = REPO / "conformance" / "cases" / "regions" / "continuation" / "input.msl"


def _fresh(code: str) -> object:
    """Run ``code`` in a new interpreter; it prints one JSON value, which is returned."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    return json.loads(done.stdout)


_LOADED_BLOCKS = ("sorted(m.rsplit('.', 1)[1] for m in sys.modules "
                  "if m.startswith('memslice.generated.blocks.'))")


def test_importing_the_reader_imports_no_block_module() -> None:
    loaded = _fresh(f"import json, sys\nimport memslice.reader\nprint(json.dumps({_LOADED_BLOCKS}))")
    assert loaded == []


def test_normalize_imports_no_jsonschema_no_reader_no_block_module() -> None:
    """The Kaitai adapter uses normalize's rules without our reader: importing it stays cheap."""
    loaded, heavy = _fresh("import json, sys\nimport memslice.conformance.normalize\n"
                           f"print(json.dumps([{_LOADED_BLOCKS}, [m for m in ('jsonschema', 'yaml', "
                           "'memslice.reader', 'memslice.canon') if m in sys.modules]]))")
    assert heavy == []
    assert loaded == []


def test_reading_a_capture_imports_the_modules_of_its_blocks_only() -> None:
    names, loaded = _fresh(
        "import json, sys\n"
        "from memslice.conformance.normalize import contract_document\n"
        "from memslice.reader import MslReader\n"
        f"with MslReader({str(CASE)!r}) as reader:\n"
        "    status, doc = contract_document(reader)\n"
        f"print(json.dumps([sorted({{b['type_name'] for b in doc['blocks']}}), {_LOADED_BLOCKS}]))")
    assert names and set(loaded) <= set(names) | {"memory_region"}, (names, loaded)


def test_msl_command_imports_its_own_command_module_only() -> None:
    loaded = _fresh(
        "import contextlib, io, json, sys\n"
        "from memslice.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main(['capture', '--help'])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('memslice.cli.cmd_'))))")
    assert loaded == ["memslice.cli.cmd_capture"]


def test_registry_tables_match_the_block_modules() -> None:
    """The generated tables give the answers the modules themselves give (the former eager registry)."""
    modules = registry.block_modules()
    assert [m.BLOCK_ID for m in modules] == list(registry.BLOCKS)
    layouts: dict[tuple[int, str, int], type] = {}
    names: dict[int, dict[str, str]] = {}
    for module in modules:
        assert registry.BLOCKS[module.BLOCK_ID] == (module.BLOCK_TYPE, module.STATUS, module.IN_EXTENSION)
        assert registry.module_for(module.BLOCK_ID) is module
        for layout in module.LAYOUTS:
            for dialect in layout.DIALECTS:
                for version in layout.PAYLOAD_VERSIONS:
                    layouts[(module.BLOCK_TYPE, dialect, version)] = layout
        served = names.setdefault(module.BLOCK_TYPE, {})
        for dialect in {d for layout in module.LAYOUTS for d in layout.DIALECTS} or {"*"}:
            served[dialect] = module.BLOCK_ID
        served.setdefault("*", module.BLOCK_ID)
    assert registry.LAYOUTS == layouts and registry.BLOCK_MODULES == modules
    assert all(registry.layout_for(*key) is layout for key, layout in layouts.items())
    assert registry.BLOCK_NAMES == names
    reserved = {info.id for module in (*modules, framing) for _, cls in inspect.getmembers(module, inspect.isclass)
                for info in getattr(cls, "FIELDS", ()) if info.reserved}
    assert registry.RESERVED_FIELD_IDS == reserved


def test_loading_the_spec_without_schema_validation_builds_the_same_model() -> None:
    """The Kaitai renderer loads the installed spec with ``validate=False``: same model, no jsonschema."""
    strip = re.compile(r" at 0x[0-9a-f]+")
    checked = load_spec(REPO / "spec")
    assert strip.sub("", repr(load_spec(REPO / "spec", validate=False))) == strip.sub("", repr(checked))
    assert _fresh("import json, sys\nfrom memslice.codegen import load_spec\n"
                  "from memslice.resources import installed_spec_dir\n"
                  "load_spec(installed_spec_dir(), validate=False)\n"
                  "print(json.dumps('jsonschema' in sys.modules))") is False
