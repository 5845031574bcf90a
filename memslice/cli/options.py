"""Argument types shared by ``msl`` subcommands."""

from __future__ import annotations

import argparse


def parse_int(text: str) -> int:
    """A non-negative integer in decimal or 0x hex (an argparse type)."""
    try:
        value = int(text, 0)
    except ValueError:
        try:
            value = int(text, 16)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"negative: {text!r}")
    return value


def parse_byte(text: str) -> int:
    """A byte value 0..255 in decimal or 0x hex (an argparse type)."""
    value = parse_int(text)
    if value > 255:
        raise argparse.ArgumentTypeError(f"not a byte (0..255): {text!r}")
    return value
