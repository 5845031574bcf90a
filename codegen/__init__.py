"""Code generator: reads ``spec/``, validates it, and emits ``generated/``.

The pipeline is ``loader`` (YAML and the schema of the schema) -> ``model`` (a
target-neutral description of structures, enums, rules and dialects) -> ``checks``
(offsets, alignment, references) -> one backend per output under ``backends/``.
"""

from memslice.codegen.loader import load_spec
from memslice.codegen.model import Spec

__all__ = ["Spec", "load_spec"]
