"""Readers that turn a partner's file into (line number, {partner column: text}) pairs.

A file that cannot be read as a whole raises FileRefused with a message for the feed owner; nothing of it
is loaded. Rows are yielded lazily so large files are never held in memory twice.
"""

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

from mast.feeds.mapping import Mapping

MAX_FILE_BYTES = 2 * 1024**3
MAX_FIELD_CHARS = 100_000
MAX_XLSX_UNCOMPRESSED = 1024**3

Row = tuple[int, dict[str, str]]


class FileRefused(ValueError):
    """The file as a whole cannot be loaded. The message says why, in words a feed owner can act on."""


def read_rows(path: Path, mapping: Mapping) -> tuple[list[str], Iterator[Row]]:
    """Return the file's header and an iterator over its data rows."""
    size = path.stat().st_size
    if size == 0:
        raise FileRefused("The file is empty (0 bytes).")
    if size > MAX_FILE_BYTES:
        raise FileRefused(f"The file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}.")
    reader = {"csv": _read_csv, "jsonl": _read_jsonl, "xlsx": _read_xlsx}[mapping.format]
    header, rows = reader(path, mapping)
    _check_header(header, mapping)
    return header, rows


def _check_header(header: list[str], mapping: Mapping) -> None:
    missing = sorted(mapping.partner_columns - set(header))
    if missing:
        raise FileRefused(
            f"The header does not match the '{mapping.name}' mapping: missing column(s) {', '.join(missing)}."
        )


SCAN_CHUNK = 1024**2
BOM = b"\xef\xbb\xbf"


def _decoded_text(path: Path, encoding: str) -> io.TextIOWrapper:
    """The file as text, decoded as it is read: never held whole. Bytes that are not valid in the encoding
    become U+FFFD and the rows holding them are flagged (validation.py), rather than the file refused."""
    _, encoding = _scan(path, encoding)
    return path.open(encoding=encoding, errors="replace", newline="")


def _scan(path: Path, encoding: str) -> tuple[int, str]:
    """One pass over the bytes, a megabyte at a time: refuse binary content and settle the encoding.

    A byte-order mark is tolerated whatever encoding the mapping names; so is a partner whose legacy
    (Windows-1252) export has become UTF-8: text that decodes as UTF-8 is almost never meant as cp1252."""
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8, is_ascii, size, first = True, True, 0, b""
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(SCAN_CHUNK), b""):
            if not size:
                first = chunk[:3]
            size += len(chunk)
            if b"\x00" in chunk:
                raise FileRefused(
                    "The file contains NUL bytes: it is binary, or not the format the mapping expects."
                )
            is_ascii = is_ascii and chunk.isascii()
            if is_utf8:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    if first == BOM:
        return size, "utf-8-sig"
    if codecs.lookup(encoding).name != "utf-8" and not is_ascii and is_utf8:
        return size, "utf-8"
    return size, encoding


def _read_csv(path: Path, mapping: Mapping) -> tuple[list[str], Iterator[Row]]:
    stream = _decoded_text(path, mapping.encoding)
    csv.field_size_limit(MAX_FIELD_CHARS)
    reader = csv.reader(stream, delimiter=mapping.delimiter, strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise FileRefused("The file has no header row.") from None
    except csv.Error as exc:
        raise FileRefused(f"The header row cannot be read as CSV: {exc}.") from exc

    def rows() -> Iterator[Row]:
        try:
            for values in reader:
                line = reader.line_num
                if not any(v.strip() for v in values):
                    continue
                yield line, _row_dict(header, values, line)
        except csv.Error as exc:
            raise FileRefused(f"Line {reader.line_num} cannot be read as CSV: {exc}.") from exc
        finally:
            stream.close()

    return header, rows()


def _row_dict(header: list[str], values: list[str], line: int) -> dict[str, str]:
    row = dict(zip(header, values, strict=False))
    if len(values) != len(header):
        # Kept for validation to reject with the line number; the row is never silently dropped.
        row["__error__"] = f"The row has {len(values)} fields; the header has {len(header)}."
    return row


def _read_jsonl(path: Path, mapping: Mapping) -> tuple[list[str], Iterator[Row]]:
    stream = _decoded_text(path, mapping.encoding)
    lines = iter(enumerate(stream, start=1))
    first: dict | None = None
    for number, text in lines:
        if text.strip():
            first = _json_object(text)
            first_line = number
            break
    if first is None or "__error__" in first:
        raise FileRefused("The first record is not a JSON object, so the file cannot be read as JSON lines.")
    header = list(first)

    def rows() -> Iterator[Row]:
        yield first_line, first
        for number, text in lines:
            if text.strip():
                yield number, _json_object(text)

    return header, rows()


def _json_object(text: str) -> dict[str, str]:
    """One line's record as text values; a line that is not a JSON object becomes a row to reject."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        return {"__error__": f"The line is not valid JSON ({exc.msg}).", "line": text[:1000]}
    if not isinstance(value, dict):
        return {"__error__": "The line is not a JSON object.", "line": text[:1000]}
    return {k: "" if v is None else str(v) for k, v in value.items()}


def _read_xlsx(path: Path, mapping: Mapping) -> tuple[list[str], Iterator[Row]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_UNCOMPRESSED:
                raise FileRefused(
                    "The spreadsheet expands to more than 1 GB: refused as a possible zip bomb."
                )
            bad = archive.testzip()
            if bad:
                raise FileRefused(f"The spreadsheet is damaged (part {bad} is corrupt).")
        workbook = load_workbook(path, read_only=True, data_only=True)
    except FileRefused:
        raise
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise FileRefused(
            f"The file cannot be opened as an XLSX spreadsheet ({type(exc).__name__})."
        ) from exc
    sheet = workbook.worksheets[0]
    cells = sheet.iter_rows(values_only=True)
    try:
        header = ["" if h is None else str(h).strip() for h in next(cells)]
    except StopIteration:
        raise FileRefused("The spreadsheet's first sheet is empty.") from None

    def rows() -> Iterator[Row]:
        for number, values in enumerate(cells, start=2):
            texts = [_cell_text(v) for v in values]
            if any(texts):
                yield number, _row_dict(header, texts, number)
        workbook.close()

    return header, rows()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value)
