"""How many cores this process may use (its CPU affinity, where the system has one): the threads
that validate and the children that write the exports are as many."""

from __future__ import annotations

import os


def usable_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
