"""Spreadsheet limits, checked before the reader allocates anything (issue 20).

python-calamine builds a dense grid from A1 to the last cell that holds a value: a 74 KB file
with one value at XFD1048576 asks for 1048576 × 16384 cells (512 GiB) and the process aborts
(Rust aborts on a failed allocation; Python never sees an exception). A zip bomb of 1 MB
unpacks to gigabytes. So before a workbook reaches the reader:

- the archive's zip directory is read: its total uncompressed size and each member's
  compression ratio are bounded, and a damaged archive is named as such;
- every worksheet's XML is streamed once (never held whole) to find where its data really
  ends. The declared `<dimension ref=…>` is only what the writer claimed: a sheet whose
  dimension says A1:XFD1048576 but whose values end at H50 is read by its data; a sheet
  that declares A1:H50 but holds a value at XFD1048576 is refused. Cells that only carry a
  format (no value) do not count, as the reader skips them too.

Over a limit: a `LedgerError` naming the file and sheet and saying what to do.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

from fuchan_lib.core.exceptions import LedgerError

MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_CELLS = 8_000_000  # the reader's dense grid: 32 bytes a cell, about 256 MB at most
MAX_UNCOMPRESSED = 200 * 2**20
MAX_RATIO = 200  # ledger XML compresses 5–30 times; a bomb about 1000 times
RATIO_FLOOR = 10 * 2**20  # small members may compress as they like
MAX_FILE_BYTES = 200 * 2**20  # any ledger file, zipped or not (.xls, .csv)

_CHUNK = 4 * 2**20
_OVERLAP = 4096  # an element's start tag split between two chunks is seen whole in the next
# each pattern starts with a literal (` r="`, `<row`) so a 60 MB sheet is scanned in about 0.3 s
# cells past column Z, with what follows their start tag (to tell a value from a bare format)
_WIDE_CELL = re.compile(rb' r="([A-Z]{2,})[0-9]+"[^>]*?(/?)>(\s*</(?:\w+:)?c>)?')
# a cell or row past row 200,000 (candidates: 200000–999999 and 7 digits or more)
_DEEP = re.compile(rb' r="[A-Z]{0,3}(?:[2-9][0-9]{5}|[0-9]{7,})"')
_ROW = re.compile(rb'<row\b[^>]*?\sr="([0-9]+)"[^>]*?(/?)>')
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is|f)\b")
_END_OF_CELL = re.compile(rb"\s*</(?:\w+:)?c>")
_END_OF_ROW = re.compile(rb"</(?:\w+:)?row>")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"')

_FIX_EXTENT = ("请在 Excel 或 WPS 中选中表格下方和右侧多余的行、列，右键“删除”（不只是清除内容），"
               "保存后重试；台账确实这么大时，请按乡镇分成几个文件")
_FIX_DAMAGED = "请确认文件没有损坏：用 Excel 或 WPS 打开后另存为 .xlsx 文件"
_FIX_SIZE = "请删去与台账无关的工作表、图片和内容后另存；台账确实这么大时，请按乡镇分成几个文件"
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def column_number(letters: str) -> int:
    """A -> 1, Z -> 26, AA -> 27, XFD -> 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def check_file_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise LedgerError(f"文件有{size / 2**20:.0f} MB，超过了程序能读的大小（最多{MAX_FILE_BYTES // 2**20} MB）",
                          file=path.name, fix=_FIX_SIZE)


def check_grid(rows: int, columns: int, file: str, sheet: str | None = None) -> None:
    """A grid read as text (CSV) within the same limits as a sheet."""
    if rows > MAX_ROWS or columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
        raise _too_large(rows, columns, sheet, file, None)


def check_workbook(path: Path) -> None:
    """Refuse a workbook the reader could not read within bounds (LedgerError): not a workbook
    at all (a web page saved as .xls is named as such), too large, damaged; from its first bytes
    (read once) and its zip directory, before the reader allocates."""
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic.lstrip().lower().startswith((b"<", b"\xef\xbb\xbf<")):  # before its size, as a web page
        raise LedgerError("这个文件实际上是网页（HTML）格式，只是扩展名为 Excel", file=path.name,
                          fix="请用 Excel 或 WPS 打开后“另存为” .xlsx 文件")
    check_file_size(path)
    if not magic.startswith((_ZIP, _OLE)):
        raise LedgerError("文件不是 Excel 表格（既不是 .xlsx 也不是 .xls 格式），可能是改了扩展名的文本或其他文件",
                          file=path.name, fix="请用 Excel 或 WPS 打开后另存为 .xlsx 文件；如果它是 CSV 文件，"
                                              "请把扩展名改为 .csv")
    if magic.startswith(_OLE):
        _check_biff(path)
        return
    if not zipfile.is_zipfile(path):
        raise LedgerError("文件不完整（可能没有下载或复制完），无法作为 Excel 表格打开", file=path.name,
                          fix="请重新复制或下载这个文件；仍不行时，请让报送单位用 Excel 另存后重新发送")
    try:
        with zipfile.ZipFile(path) as archive:
            _check_directory(archive, path.name)
            for member, sheet in _worksheets(archive).items():
                _check_extent(archive, member, sheet, path.name)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ElementTree.ParseError) as err:
        raise LedgerError(f"文件已损坏，无法作为 Excel 表格打开（{type(err).__name__}）", file=path.name,
                          fix=_FIX_DAMAGED) from None


def _check_directory(archive: zipfile.ZipFile, file: str) -> None:
    """Total uncompressed size and compression ratios, from the zip directory alone."""
    members = archive.infolist()
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise LedgerError(
            f"文件解压后有{total / 2**20:.0f} MB，超过了程序能读的大小（最多{MAX_UNCOMPRESSED // 2**20} MB）",
            file=file, fix=_FIX_SIZE)
    for m in members:
        if m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise LedgerError(
                f"文件中的“{m.filename}”压缩比异常（{m.compress_size}字节解压为{m.file_size}字节），"
                "不像是正常的表格文件", file=file, fix=_FIX_DAMAGED)


def _worksheets(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet XML member -> sheet name (the member's own name when the workbook does not say)."""
    names = set(archive.namelist())
    sheets = {n: PurePosixPath(n).stem for n in names
              if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return sheets
    book = ElementTree.fromstring(_small(archive, "xl/workbook.xml"))
    rels = ElementTree.fromstring(_small(archive, "xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{_RELS}}}Relationship")}
    for sheet in book.iter(f"{{{_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{_DOC_RELS}}}id"), "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if member in sheets:
            sheets[member] = sheet.get("name", sheets[member])
    return sheets


def _small(archive: zipfile.ZipFile, member: str) -> bytes:
    with archive.open(member) as stream:
        data = stream.read(MAX_UNCOMPRESSED // 10 + 1)
    if len(data) > MAX_UNCOMPRESSED // 10:
        raise zipfile.BadZipFile(f"{member} too large")
    return data


def _check_extent(archive: zipfile.ZipFile, member: str, sheet: str, file: str) -> None:
    """Stream one worksheet's XML; refuse it when its values reach past the limits."""
    declared = None
    tail = b""
    width, depth, height = 26, 0, 0  # value columns past Z; value rows past MAX_ROWS; any row
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            buffer = tail + chunk
            if declared is None and (m := _DIMENSION.search(buffer[:65536])):
                declared = m[0]
            wide = {letters for letters, bare, empty in set(_WIDE_CELL.findall(buffer)) if not (bare or empty)}
            width = max([width, *(column_number(w.decode()) for w in wide)])
            depth = max([depth, *(row for m in _DEEP.finditer(buffer) if (row := _value_row(buffer, m)))])
            height = max([height, *(int(r) for r, bare in set(_ROW.findall(buffer)) if not bare)])
            if width > MAX_COLUMNS or depth > MAX_ROWS:
                raise _too_large(depth or None, width if width > 26 else None, sheet, file, declared)
            tail = buffer[-_OVERLAP:]
    # the CRC of the whole member was checked at its end: a member lying about its size fails
    # a row's height counts for the grid when the sheet is wide enough for rows × columns to
    # pass MAX_CELLS within MAX_ROWS (rows holding only formats are counted: the safe side)
    if width > MAX_CELLS // MAX_ROWS and width * height > MAX_CELLS:
        raise _too_large(height, width, sheet, file, declared)


def _value_row(buffer: bytes, match: re.Match) -> int:
    """The row number of a deep cell or row element that holds a value, else 0."""
    start = buffer.rfind(b"<", 0, match.start())
    end = buffer.find(b">", match.end())
    if start < 0 or end < 0 or buffer[end - 1:end] == b"/":
        return 0  # cut by the chunk (seen whole in the next one), or a bare format
    name = buffer[start + 1:match.start()].split()[0].rsplit(b":", 1)[-1]
    if name == b"c" and _END_OF_CELL.match(buffer, end + 1):
        return 0
    if name == b"row":
        closing = _END_OF_ROW.search(buffer, end)
        if not _VALUE.search(buffer, end, closing.start() if closing else len(buffer)):
            return 0
    elif name != b"c":
        return 0
    return int(re.search(rb"[0-9]+", match[0])[0])


def _too_large(rows: int | None, columns: int | None, sheet: str | None, file: str,
               declared: bytes | None) -> LedgerError:
    said = ""
    if declared is not None and (m := _DIMENSION.match(declared)):
        said = f"（文件自称范围为{m[1].decode()}{m[2].decode()}" + (
            f":{m[3].decode()}{m[4].decode()}" if m[3] else "") + "）"
    reach = "、".join(([f"第{rows}行"] if rows else []) + ([f"第{columns}列"] if columns else []))
    return LedgerError(
        f"表中的数据一直到{reach}{said}，超过了程序能读的范围"
        f"（最多{MAX_ROWS}行、{MAX_COLUMNS}列，共{MAX_CELLS}个单元格）", file=file, sheet=sheet, fix=_FIX_EXTENT)


# .xls (BIFF8): records of cells holding a value -> where their row and column are
_BIFF_CELLS = {0x0006, 0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x00D6}  # FORMULA NUMBER RK LABELSST …
_BIFF_MULRK, _BIFF_BOF, _BIFF_SHEET = 0x00BD, 0x0809, 0x0085


def _check_biff(path: Path) -> None:
    """An .xls workbook: its cell records scanned for the grid each sheet needs (the reader
    builds it dense too: one value at IV65536 asks for 512 MB)."""
    from xlrd import compdoc

    try:
        doc = compdoc.CompDoc(path.read_bytes(), logfile=io.StringIO())
        mem, base, length = doc.locate_named_stream("Workbook")
        if mem is None:
            mem, base, length = doc.locate_named_stream("Book")
    except (compdoc.CompDocError, struct.error, IndexError, ValueError):
        raise LedgerError("文件已损坏，无法作为 Excel 表格打开", file=path.name, fix=_FIX_DAMAGED) from None
    if mem is None:
        return  # not a workbook stream we know: the reader judges it
    names, sheet, extent = [], -1, {}
    position, end = base, min(base + length, len(mem))
    while position + 4 <= end:
        kind, size = struct.unpack_from("<HH", mem, position)
        body = position + 4
        if kind == _BIFF_SHEET and size >= 8:
            names.append(_biff_sheet_name(mem, body, size))
        elif kind == _BIFF_BOF:
            sheet += 1
        elif size >= 4 and (kind in _BIFF_CELLS or kind == _BIFF_MULRK):
            row, column = struct.unpack_from("<HH", mem, body)
            if kind == _BIFF_MULRK and size >= 6:
                column = struct.unpack_from("<H", mem, body + size - 2)[0]
            rows, columns = extent.get(sheet, (0, 0))
            extent[sheet] = (max(rows, row + 1), max(columns, column + 1))
        position = body + size
    for index, (rows, columns) in extent.items():
        if columns > MAX_COLUMNS or rows * columns > MAX_CELLS:
            name = names[index - 1] if 0 < index <= len(names) else f"第{index}个工作表"
            raise _too_large(rows, columns, name, path.name, None)


def _biff_sheet_name(mem: bytes, body: int, size: int) -> str:
    """The name in a BOUNDSHEET record (a short BIFF8 string)."""
    count, wide = mem[body + 6], mem[body + 7] & 1
    raw = mem[body + 8: body + 8 + count * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", errors="replace")
