"""Deduplication and record linkage of listings (issue 5). Plain modules: no Dagster, no CLI framework.

Public entry points::

    from pipeline.matching import dedupe_frame, link_frames, evaluate, dedupe_files

See docs/deduplication.md for the signals, blocking keys, calibration, clustering and survivorship rules.
"""

from pipeline.matching.cli import DedupeInputError, dedupe_files, read_table, run_dedupe_cli
from pipeline.matching.engine import (
    DedupeResult,
    MissingColumnsError,
    dedupe_frame,
    link_frames,
    render_explanations,
    score_pairs,
    standardise,
)
from pipeline.matching.metrics import evaluate, evaluate_labels, evaluate_links
from pipeline.matching.scoring import MatchParams

__all__ = [
    "DedupeInputError", "DedupeResult", "MatchParams", "MissingColumnsError", "dedupe_files",
    "dedupe_frame", "evaluate", "evaluate_labels", "evaluate_links", "link_frames",
    "read_table", "render_explanations", "run_dedupe_cli", "score_pairs", "standardise",
]
