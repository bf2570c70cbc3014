"""Build working-day calendar workbooks in memory for the import tests."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

from openpyxl import Workbook

D = dt.date

HEADER = ["日期*", "类型*", "名称", "备注"]
GOOD_2027 = [
    ["2027-01-01", "放假", "元旦", ""],
    [D(2027, 2, 8), "放假", "春节", "按通知"],  # an Excel date cell
    ["2027/2/20", "上班", "春节调休上班", ""],  # a Saturday
]


def workbook(rows, *, header=HEADER, sheet="工作日历", name="calendar.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer
