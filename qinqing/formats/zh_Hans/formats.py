"""Date formats for Simplified Chinese (FORMAT_MODULE_PATH): Django's own, except that
input formats start with ISO 8601. A date <input> accepts only YYYY-MM-DD, and Django
writes a form's initial value in the first input format; Django's zh_Hans list starts
with 2026/11/01, which left every date field empty in the browser."""

from django.conf.locale.zh_Hans import formats as django_formats

DATE_FORMAT = "Y年n月j日"  # 2026年11月30日
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y年n月j日 H:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"  # 11月30日
SHORT_DATE_FORMAT = "Y年n月j日"
SHORT_DATETIME_FORMAT = "n月j日 H:i"  # 11月30日 14:05
FIRST_DAY_OF_WEEK = 1  # 星期一

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-11-30, what <input type="date"> sends and shows
    *(f for f in django_formats.DATE_INPUT_FORMATS if f != "%Y-%m-%d"),
]
TIME_INPUT_FORMATS = list(django_formats.TIME_INPUT_FORMATS)
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",  # <input type="datetime-local">
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    *(
        f
        for f in django_formats.DATETIME_INPUT_FORMATS
        if f not in {"%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"}
    ),
]
DECIMAL_SEPARATOR = django_formats.DECIMAL_SEPARATOR
THOUSAND_SEPARATOR = django_formats.THOUSAND_SEPARATOR
NUMBER_GROUPING = django_formats.NUMBER_GROUPING
