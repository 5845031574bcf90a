"""Helpers of the benchmarks (targets and wrappers they start)."""
