"""Where a run's steps execute, chosen by the deployment (``CREDCAT_EXECUTOR``), never by the definitions.

- unset (default): Dagster's default, the multiprocess executor (every step its own process; in process for
  ``execute_in_process``, as ``credcat refresh`` runs);
- ``k8s``: ``dagster_k8s.k8s_job_executor``, every step a Kubernetes Job (``deploy/k8s/``);
- ``celery``: ``dagster_celery.celery_executor``, every step a Celery task on a worker (``deploy/celery/``).

The executor's own settings (image, namespace, broker, ...) come from the run config (``execution:`` in the
files under ``deploy/``). The cluster packages are the ``cluster`` extra, imported only when chosen.
"""

from __future__ import annotations

import os

EXECUTORS = {"k8s": ("dagster_k8s", "k8s_job_executor"), "celery": ("dagster_celery", "celery_executor")}


def chosen_executor():
    """The executor ``CREDCAT_EXECUTOR`` names, or None for Dagster's default; an unknown name is an error."""
    name = os.environ.get("CREDCAT_EXECUTOR", "").strip().lower()
    if not name or name in ("default", "multiprocess"):
        return None
    if name not in EXECUTORS:
        raise ValueError(f"CREDCAT_EXECUTOR={name!r}: expected one of default, {', '.join(EXECUTORS)}")
    module, attr = EXECUTORS[name]
    try:
        return getattr(__import__(module), attr)
    except ImportError as exc:
        raise ImportError(f"CREDCAT_EXECUTOR={name} needs {module.replace('_', '-')}: "
                          "pip install -e '.[cluster]'") from exc
