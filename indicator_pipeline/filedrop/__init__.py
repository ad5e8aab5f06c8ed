"""File drops: the city's own figures that no API serves, delivered as CSV or XLSX files.

A file's kind is the start of its name (`safety_survey_2025.csv` is a `safety_survey` file) and it
must match that kind's one format in `indicator_pipeline/catalog/filedrop_formats.toml`.
docs/file-drops.md describes the formats and which file counts; `templates/` has an example per kind.
Library code only (no Dagster): `indicator_pipeline.steps.filedrop` reads, quarantines, archives
and stages the drops with it.
"""

from indicator_pipeline.catalog.filedrop_formats import FORMATS, KINDS, kind_of
from indicator_pipeline.filedrop.errors import FileRejected
from indicator_pipeline.filedrop.reader import DropFile, read_drop

__all__ = [
    "FORMATS",
    "KINDS",
    "DropFile",
    "FileRejected",
    "kind_of",
    "read_drop",
]
