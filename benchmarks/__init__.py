"""Benchmarks: scripts that print figures (speed and memory targets live here, never in tests)."""

import os


def cpu_seconds() -> float:
    """CPU seconds of this process and of its reaped children (e.g. the skill mapper's workers): unlike wall
    seconds they do not grow with the machine's load, so they are the figures to compare side by side."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system
