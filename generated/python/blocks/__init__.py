# Generated from spec/blocks/*.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""One module per block type of the registry."""
