"""The loopback sources live in benchmarks/ (the scale benchmark runs them too): importable from here."""

import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))
