"""File drops: the city's own figures that no API serves, delivered as CSV or XLSX files.

Each file belongs to one kind, named by its prefix (`safety_survey_2025.csv` is a `safety_survey`
file), and must match that kind's one format in `indicator_pipeline/catalog/filedrop_formats.toml`; `templates/` has a filled-in example
per kind and docs/file-drops.md describes the formats for the people who fill them in.

Which file counts: a file is always the complete current version of its kind, never an addition
to earlier files. When the landing folder holds several valid files of one kind, the one whose name
sorts last wins (so name them `<kind>_<yyyy-mm-dd>.csv`); the others are reported as superseded and
not archived. A rejected file is moved to quarantine first, so a bad new file leaves the previous
good one in force. Loaded files stay in the landing folder: they remain the current version until a
later-named file replaces them.

Library code only (no Dagster): `indicator_pipeline.steps.filedrop` reads, quarantines, archives
and stages the drops with it.
"""

from indicator_pipeline.catalog.filedrop_formats import FORMATS, KINDS, kind_of
from indicator_pipeline.filedrop.errors import FileRejected
from indicator_pipeline.filedrop.reader import DropFile, read_drop
from indicator_pipeline.filedrop.swedish import parse_swedish_date, parse_swedish_number

__all__ = [
    "FORMATS",
    "KINDS",
    "DropFile",
    "FileRejected",
    "kind_of",
    "parse_swedish_date",
    "parse_swedish_number",
    "read_drop",
]
