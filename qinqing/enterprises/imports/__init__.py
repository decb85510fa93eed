"""Bulk import of profiles with yearly facts, and of operating indicators, from .xlsx or
.csv (UTF-8 with or without BOM, or GBK) in the documented templates
(docs/enterprise-import.md).

Every row is checked first; each bad row is reported with its row number, the column
and the reason in Chinese. Then the valid rows are written in chunks through the bulk
services (or nothing is written, if the user chose all-or-nothing and a row is bad).
Writes are upserts that compare before writing, so importing the same file again
changes nothing and reports the rows as unchanged.

The package's modules, along the import's seams: template (columns, labels, error
shapes), reading (xlsx/csv), profile_rows and indicators (checking; indicators also
writes its readings), runner (the whole import and its job).
"""

from qinqing.enterprises.imports.indicators import (
    IndicatorRow,
    IndicatorValidator,
    apply_indicator_rows,
)
from qinqing.enterprises.imports.profile_rows import ProfileValidator
from qinqing.enterprises.imports.reading import decode_csv, map_header, read_table
from qinqing.enterprises.imports.runner import (
    INLINE_LIMIT_BYTES,
    ImportResult,
    file_digest,
    import_file,
    run_job,
    start_import,
)
from qinqing.enterprises.imports.template import (
    CHUNK,
    INDICATOR_COLUMNS,
    INDICATOR_EXAMPLE,
    MAX_REPORTED_ERRORS,
    METRIC_LABELS,
    PROFILE_COLUMNS,
    PROFILE_EXAMPLE,
    SOURCE_LABELS,
    FileRejected,
    RowError,
    columns_for,
)

__all__ = [
    "CHUNK",
    "INDICATOR_COLUMNS",
    "INDICATOR_EXAMPLE",
    "INLINE_LIMIT_BYTES",
    "MAX_REPORTED_ERRORS",
    "METRIC_LABELS",
    "PROFILE_COLUMNS",
    "PROFILE_EXAMPLE",
    "SOURCE_LABELS",
    "FileRejected",
    "ImportResult",
    "IndicatorRow",
    "IndicatorValidator",
    "ProfileValidator",
    "RowError",
    "apply_indicator_rows",
    "columns_for",
    "decode_csv",
    "file_digest",
    "import_file",
    "map_header",
    "read_table",
    "run_job",
    "start_import",
]
