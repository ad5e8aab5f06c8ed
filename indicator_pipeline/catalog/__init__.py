"""The goal catalogue: plan files and their typed model, with the domain contracts beside it (the peer
model, the file-drop formats) that clients may import as plain data."""

from indicator_pipeline.catalog.load import bundled_plan_path, load_plan, parse_plan
from indicator_pipeline.catalog.model import Goal, Indicator, Plan, TargetRule

__all__ = ["Goal", "Indicator", "Plan", "TargetRule", "bundled_plan_path", "load_plan", "parse_plan"]
