"""File drops: the city's own figures that no API serves, as CSV or XLSX files whose name starts with
their kind (docs/file-drops.md). Library code only: `indicator_pipeline.steps.filedrop` stages them.
"""

from indicator_pipeline.catalog.filedrop_formats import FORMATS, KINDS, kind_of
from indicator_pipeline.filedrop.errors import FileRejected
from indicator_pipeline.filedrop.reader import DropFile, read_drop

__all__ = ["FORMATS", "KINDS", "DropFile", "FileRejected", "kind_of", "read_drop"]
