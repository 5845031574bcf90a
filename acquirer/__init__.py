"""Live acquisition (issue 5)."""
