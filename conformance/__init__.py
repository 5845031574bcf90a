"""Conformance suite (issue 4)."""
