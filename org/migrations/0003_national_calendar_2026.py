"""The national holiday schedule for 2026, as published by the State Council's General Office.

Source: 《国务院办公厅关于2026年部分节假日安排的通知》, dated 2025年11月4日, released by Xinhua on 2025-11-04.
Read in the Xinhua text reprinted at https://politics.gmw.cn/2025-11/04/content_38391083.htm (光明网, 来源：新华网)
and checked against the same text at https://www.hrbtv.net/folder963/2025-11-04/1096647.html and in 中山日报
2025-11-05 A01. The notice reads:

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
    三、清明节：4月4日（周六）至6日（周一）放假，共3天。
    四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
    五、端午节：6月19日（周五）至21日（周日）放假，共3天。
    六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
    七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。

Only the days that change the weekly rhythm are stored: the weekdays inside each holiday span (weekend days in
a span are days off anyway, and the calendar refuses a weekend marked as a holiday) and the weekend days worked.
No 2027 schedule is shipped: its notice had not been found when this was written; the organization department
enters or imports it from the calendar page once it is published.

Idempotent (``update_or_create`` by date); the rows have no ``updated_by``, which is how the calendar page tells
the shipped schedule from days entered by hand.
"""

import datetime as dt

from django.db import migrations

NOTICE = "国务院办公厅关于2026年部分节假日安排的通知"

# (first day, last day, name) of each holiday span, as in the notice.
HOLIDAYS = [
    (dt.date(2026, 1, 1), dt.date(2026, 1, 3), "元旦"),
    (dt.date(2026, 2, 15), dt.date(2026, 2, 23), "春节"),
    (dt.date(2026, 4, 4), dt.date(2026, 4, 6), "清明节"),
    (dt.date(2026, 5, 1), dt.date(2026, 5, 5), "劳动节"),
    (dt.date(2026, 6, 19), dt.date(2026, 6, 21), "端午节"),
    (dt.date(2026, 9, 25), dt.date(2026, 9, 27), "中秋节"),
    (dt.date(2026, 10, 1), dt.date(2026, 10, 7), "国庆节"),
]
# Weekend days worked (上班), as in the notice.
WORKING_DAYS = [
    (dt.date(2026, 1, 4), "元旦调休上班"),
    (dt.date(2026, 2, 14), "春节调休上班"),
    (dt.date(2026, 2, 28), "春节调休上班"),
    (dt.date(2026, 5, 9), "劳动节调休上班"),
    (dt.date(2026, 9, 20), "国庆节调休上班"),
    (dt.date(2026, 10, 10), "国庆节调休上班"),
]


def schedule():
    """Yield ``(date, is_working_day, name)`` for every stored day."""
    for first, last, name in HOLIDAYS:
        day = first
        while day <= last:
            if day.weekday() < 5:
                yield day, False, name
            day += dt.timedelta(days=1)
    for day, name in WORKING_DAYS:
        assert day.weekday() >= 5, day
        yield day, True, name


def load(apps, schema_editor):
    CalendarDay = apps.get_model("org", "CalendarDay")
    for day, is_working_day, name in schedule():
        CalendarDay.objects.update_or_create(
            date=day, defaults={"is_working_day": is_working_day, "name": name, "note": NOTICE, "updated_by": None})


class Migration(migrations.Migration):
    dependencies = [("org", "0002_calendarday_historicalcalendarday")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
