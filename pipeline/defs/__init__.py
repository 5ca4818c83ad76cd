"""Dagster definitions, grouped by kind: partitions, resources, assets, checks, jobs, schedules."""
