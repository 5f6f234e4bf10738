"""Seeded random streams: one per subdomain and chunk, so the same seed gives the same bank.

A string seed is hashed by :class:`random.Random` itself (SHA-512), which is stable
across runs and machines; separate streams keep e.g. the transactions from shifting
when the interactions generator changes.
"""

from __future__ import annotations

import random


def stream(seed: int, *names: object) -> random.Random:
    return random.Random("/".join([str(seed), *map(str, names)]))
