"""The Dagster code location: ``dagster dev -m pipeline.definitions``."""

import dagster as dg

from pipeline.defs import assets
from pipeline.defs.checks import ALL_CHECKS
from pipeline.defs.executors import chosen_executor
from pipeline.defs.jobs import ALL_JOBS
from pipeline.defs.resources import default_resources
from pipeline.defs.schedules import ALL_SCHEDULES
from pipeline.defs.sensors import ALL_SENSORS

defs = dg.Definitions(
    assets=dg.load_assets_from_modules([assets]),
    asset_checks=ALL_CHECKS,
    jobs=ALL_JOBS,
    schedules=ALL_SCHEDULES,
    sensors=ALL_SENSORS,
    resources=default_resources(),
    executor=chosen_executor(),  # CREDCAT_EXECUTOR: default (multiprocess), k8s or celery
)
