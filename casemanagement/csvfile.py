"""Reading a resource-directory CSV: the checks made before an import is accepted, and the rows
the import job then works through. Pure functions; nothing here touches the database."""

import csv
import io
from dataclasses import dataclass, field

MAX_BYTES = 5 * 1024 * 1024
TOO_BIG = f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it."
REQUIRED_COLUMNS = ("name", "category")
KNOWN_COLUMNS = (
    "external_id",
    "name",
    "category",
    "description",
    "address",
    "phone",
    "website",
    "eligibility",
    "hours",
    "active",
)
ALIASES = {"is_active": "active", "url": "website"}
# What browsers and tools send for a .csv file (Windows with Excel installed says ms-excel; curl
# says octet-stream). The content itself is checked below in any case.
CSV_CONTENT_TYPES = {
    "",
    "text/csv",
    "text/plain",
    "text/x-csv",
    "text/comma-separated-values",
    "application/csv",
    "application/x-csv",
    "application/vnd.ms-excel",
    "application/octet-stream",
}


class NotACsvFile(ValueError):
    """The upload is refused as a whole; the message says why (never quoting its content)."""


@dataclass
class CsvTable:
    columns: list[str]  # normalised names of the known columns, in file order
    ignored_columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (line number, values)
    problems: dict[int, str] = field(default_factory=dict)  # line number -> why it is unusable


def _normalise(name: str) -> str:
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(key, key)


def decode(*, filename: str, content_type: str, data: bytes) -> str:
    """The upload's text, or NotACsvFile: wrong extension or type, binary, not UTF-8, too big."""
    if not filename.lower().endswith(".csv"):
        raise NotACsvFile("Upload a CSV file: the file name must end in .csv.")
    base_type = (content_type or "").split(";")[0].strip().lower()
    if base_type not in CSV_CONTENT_TYPES and not base_type.startswith("text/"):
        raise NotACsvFile(f"This is not a CSV file (it was sent as {base_type}).")
    if len(data) > MAX_BYTES:
        raise NotACsvFile(TOO_BIG)
    if b"\x00" in data:
        raise NotACsvFile("This is a binary file, not a CSV text file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotACsvFile("The file is not UTF-8 text: save it as “CSV UTF-8” and try again.") from None
    if not text.strip():
        raise NotACsvFile("The file is empty.")
    return text


def read(text: str) -> CsvTable:
    """Parse the file. The header must hold the required columns; rows with the wrong number of
    cells are kept with a problem for the job to report. Blank lines are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise NotACsvFile("The file has no header row.") from None
    names = [_normalise(cell) for cell in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        found = ", ".join(name for name in names if name) or "none"
        raise NotACsvFile(
            f"The file lacks the required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (columns found: {found})."
        )
    twice = sorted({name for name in names if name and names.count(name) > 1})
    if twice:
        raise NotACsvFile(f"These columns appear more than once: {', '.join(twice)}.")
    table = CsvTable(
        columns=[name for name in names if name in KNOWN_COLUMNS],
        ignored_columns=[name for name in names if name and name not in KNOWN_COLUMNS],
    )
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            raise NotACsvFile(f"Line {start} is not valid CSV (check its quotes).") from None
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(names):
            table.problems[start] = f"Has {len(cells)} cells but the header has {len(names)} columns."
        values = {
            name: cells[index].strip() if index < len(cells) else ""
            for index, name in enumerate(names)
            if name in KNOWN_COLUMNS
        }
        table.rows.append((start, values))
    if not table.rows:
        raise NotACsvFile("The file has a header but no rows to import.")
    return table
