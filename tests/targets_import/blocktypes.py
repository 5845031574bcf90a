"""Block type codes the import/export tests look for, from the generated bindings."""

from memslice.generated.blocks import (
    import_provenance,
    module_entry,
    module_list_index,
    process_identity,
    thread_context,
    vas_map,
)

IP = import_provenance.BLOCK_TYPE
PI = process_identity.BLOCK_TYPE
MLI = module_list_index.BLOCK_TYPE
ME = module_entry.BLOCK_TYPE
TC = thread_context.BLOCK_TYPE
VAS = vas_map.BLOCK_TYPE
