"""Sub-commands added by later layers (ask, serve, eval) register here to keep `qa.cli` short."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Nothing yet."""
