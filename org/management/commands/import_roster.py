from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from common.errors import ApplicationError
from org.services import roster_import


class Command(BaseCommand):
    help = "Import a roster workbook (.xlsx) of units and officials, all or nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, file: Path, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"文件不存在：{file}")
        with file.open("rb") as handle:
            try:
                result = roster_import(file=handle, by=None, filename=file.name)
            except ApplicationError as error:
                raise CommandError(error.message) from error
        if not result.ok:
            for e in result.errors:
                self.stderr.write(f"{e.sheet} 第{e.row}行 [{e.column}] {e.message}")
            raise CommandError(f"导入失败：共 {len(result.errors)} 处错误，未做任何修改。")
        self.stdout.write(self.style.SUCCESS(
            f"导入完成：新增单位 {result.units_created}，更新单位 {result.units_updated}；"
            f"新增人员 {result.officials_created}，更新人员 {result.officials_updated}。"
        ))
