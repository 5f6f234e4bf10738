"""XLSX of any dashboard table or drill-down list (masked: the rows already are).

Text cells go through the ingest exports' formula neutraliser, so a value such as
``=HYPERLINK(...)`` stays text in the spreadsheet.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise

from pcrm.ingest.exports import neutralise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> Any:
    if isinstance(value, Promise):
        value = str(value)
    return neutralise(value) if isinstance(value, str) else value


def xlsx_response(
    *, filename: str, title: str, columns: Iterable[Any], rows: Iterable[list[Any]]
) -> HttpResponse:
    """A download of one sheet: a header row, then the rows."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31] or "sheet")
    sheet.append([str(c) for c in columns])
    for row in rows:
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
