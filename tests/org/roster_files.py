"""Build roster workbooks in memory for the import tests."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook

from org.excel import OFFICIAL_COLUMNS, UNIT_COLUMNS

UNIT_HEADER = [name for name, _r, _w in UNIT_COLUMNS]
OFFICIAL_HEADER = [name for name, _r, _w in OFFICIAL_COLUMNS]

GOOD_UNITS = [
    ["QH", "清河县", "", "其他", "", 0, "是"],
    ["WL", "文化和旅游局", "QH", "局", "政府部门", 2, "是"],
    ["WL01", "办公室", "WL", "科室", "", 1, "是"],
    ["WL02", "旅游发展科", "WL", "科室", "", 2, "是"],
    ["DH", "东湖镇", "QH", "乡镇街道", "乡镇街道", 5, "是"],
]
GOOD_OFFICIALS = [
    ["A0001", "王建国", "男", "1975-03-02", "WL", "局长", "班子成员", "在编", "是", "13800000001", "1996-07-01",
     "2019-04-01", "在职"],
    ["A0002", "李娜", "女", "1990-11-20", "WL01", "科员", "一般干部", "在编", "否", "", "2013-08-01", "2016-05-01",
     "在职"],
    ["A0003", "赵强", "男", "1988-01-05", "WL02", "科长", "中层干部", "编外聘用", "是", "", "2010-09-01",
     "2022-01-01", ""],
    ["A0004", "陈静", "女", "1992-06-30", "DH", "镇长", "班子成员", "在编", "是", "", "", "", "在职"],
]


def workbook(units=GOOD_UNITS, officials=GOOD_OFFICIALS, *, unit_header=UNIT_HEADER,
             official_header=OFFICIAL_HEADER) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "单位"
    ws.append(unit_header)
    for row in units:
        ws.append(row)
    ws = wb.create_sheet("人员")
    ws.append(official_header)
    for row in officials:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "roster.xlsx"
    return buffer
