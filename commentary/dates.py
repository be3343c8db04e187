"""Partial dates: a day, a month or only a year, stored as a date plus its precision.

"February 2026" is stored as 2026-02-01 with precision ``month`` and always displayed at
that precision ("February 2026" / "2026年2月"), never as 1 February.
"""

import calendar
import datetime
import re

from django.utils.formats import date_format
from django.utils.translation import pgettext

from .choices import DatePrecision

# What a typed partial date may look like (filters, the API's description of them).
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def truncate(value, precision):
    """The canonical stored date for ``value`` at ``precision`` (first of month/year)."""
    if value is None:
        return None
    if precision == DatePrecision.YEAR:
        return value.replace(month=1, day=1)
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value


def parse_partial_date(text):
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into ``(date, precision)``.

    Raises ``ValueError`` for anything else, including impossible dates and year 0.
    """
    match = PARTIAL_DATE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"not a YYYY, YYYY-MM or YYYY-MM-DD date: {text!r}")
    year, month, day = match.groups()
    if day is not None:
        return datetime.date(int(year), int(month), int(day)), DatePrecision.DAY
    if month is not None:
        return datetime.date(int(year), int(month), 1), DatePrecision.MONTH
    return datetime.date(int(year), 1, 1), DatePrecision.YEAR


def period_end(value, precision):
    """The last day of the year, month or day that ``value`` stands for at ``precision``."""
    if precision == DatePrecision.YEAR:
        return value.replace(month=12, day=31)
    if precision == DatePrecision.MONTH:
        return value.replace(day=calendar.monthrange(value.year, value.month)[1])
    return value


def format_partial_date(value, precision):
    """Format a date at its precision in the active language."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        # Translators: PHP-style date format for a year on its own; Chinese adds 年.
        return date_format(value, pgettext("year-only date format", "Y"))
    if precision == DatePrecision.MONTH:
        return date_format(value, "YEAR_MONTH_FORMAT")
    return date_format(value, "DATE_FORMAT")


def iso_partial_date(value, precision):
    """ISO 8601 at the date's precision: ``2026-02-04``, ``2026-02`` or ``2026``; "" if none.

    Machine formats (exports, the API, structured metadata) never claim a day or month the
    source does not give."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()
