"""An offline refresh of WAREHOUSE that leaves the "nothing changed?" decision to the asset graph, as a
scheduled run does (no check before Dagster starts)."""

import sys
from pathlib import Path

from indicator_pipeline.run import refresh
from indicator_pipeline.settings import Settings

print(refresh(Settings(warehouse_path=Path(sys.argv[1]), source_mode="replay"), decide_first=False))
