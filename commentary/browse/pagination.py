"""Paging through statement lists that may hold a million rows.

- **A bounded count.** ``CappedPaginator`` counts at most ``COUNT_CAP`` + 1 rows
  (``SELECT COUNT(*) FROM (… LIMIT 10001)``), so a common search term costs the same as a
  rare one; the page then says "10,000+ statements". Given a key (the list's filters),
  the count is kept under the archive's generation: every page of a list, and every
  order, shares it until the archive changes.
- **Numbered pages** cover the first ``COUNT_CAP`` rows (OFFSET stays small).
- **Beyond them, keyset links** ("Older statements"): ``?after=<date>.<id>`` continues
  after a row in date order, at the cost of an index range scan whatever the depth.
  A row without a date is written ``-.<id>``; undated statements come last.
"""

import datetime

from django.core.paginator import InvalidPage, Page, Paginator
from django.db.models import Q
from django.http import Http404
from django.utils.functional import cached_property

from ..caching import generation
from ..links import PAGE

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator over at most the first ``COUNT_CAP`` rows; ``more`` says if there are more."""

    @cached_property
    def count(self):
        return min(self.capped_count, COUNT_CAP)

    def __init__(self, *args, count_key=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def capped_count(self):
        def count():
            return self.object_list.order_by().values("pk")[: COUNT_CAP + 1].count()

        if self.count_key is None:
            return count()
        return generation.remember(f"count:{self.count_key}", count)

    @property
    def more(self):
        return self.capped_count > COUNT_CAP


def paginate(request, queryset, per_page):
    """The ``?page=`` of an ordinary list (a few thousand rows at most)."""
    return numbered_page(Paginator(queryset, per_page), request.GET.get(PAGE))


def numbered_page(paginator, number):
    """The requested page; ``"last"`` is the last one, anything else unknown is a 404."""
    number = number or 1
    if number == "last":
        number = paginator.num_pages
    try:
        return paginator.page(number)
    except InvalidPage:
        raise Http404("No such page") from None


def parse_cursor(text):
    """``(date or None, id)`` from ``2026-02-05.123`` or ``-.123``; 404 when malformed."""
    day, _dot, pk = (text or "").partition(".")
    try:
        pk = int(pk)
        day = None if day == "-" else datetime.date.fromisoformat(day)
    except (ValueError, OverflowError):
        raise Http404("No such page") from None
    if not 0 < pk < 2**63:
        raise Http404("No such page")
    return day, pk


def cursor_of(quote):
    day = quote.said_on.isoformat() if quote.said_on else "-"
    return f"{day}.{quote.pk}"


def rows_after(queryset, cursor, newest=True):
    """(rows with a date after ``cursor``, rows without one after it), in list order.

    Two querysets, so each is an index range scan: the redundant ``said_on`` bound is what
    lets the database start at the cursor instead of filtering every earlier row.
    """
    day, pk = cursor
    undated = queryset.filter(said_on=None)
    if day is None:
        return queryset.none(), undated.filter(pk__lt=pk) if newest else undated.filter(pk__gt=pk)
    if newest:
        dated = queryset.filter(said_on__lte=day).filter(Q(said_on__lt=day) | Q(pk__lt=pk))
    else:
        dated = queryset.filter(said_on__gte=day).filter(Q(said_on__gt=day) | Q(pk__gt=pk))
    return dated, undated


class KeysetPage(Page):
    """A page that continues after a cursor: no number, no total, a link to the next one."""

    def __init__(self, rows, per_page, paginator):
        super().__init__(rows[:per_page], 0, paginator)
        self.has_more = len(rows) > per_page
        self.next_cursor = cursor_of(rows[per_page - 1]) if self.has_more else None

    def has_next(self):
        return self.has_more

    def has_previous(self):
        return True

    def has_other_pages(self):
        return True

    def start_index(self):
        return 0

    def end_index(self):
        return 0


def statement_page(rows, per_page, *, by_relevance, newest, cursor, numbered, count_key=None):
    """``(paginator, page)`` of a statement list, the same for the list pages and the API.

    ``rows`` are the filtered, sorted statements. More than ``COUNT_CAP`` of them are shown
    in date order even when sorted by relevance (ranking every match of a common word costs
    seconds); a ``cursor`` continues in date order after a row; otherwise ``numbered`` (the
    caller's, since each surface answers a bad page number its own way) picks the numbered
    page, and the last numbered page of a capped list carries the cursor to go on.
    ``count_key`` names the selection, to keep its count (see ``CappedPaginator``).
    """
    paginator = CappedPaginator(rows.for_list(), per_page, count_key=count_key)
    if paginator.more and by_relevance:
        paginator.object_list = rows.newest_first().for_list()  # same rows, same count
    if cursor is not None:
        return paginator, keyset_page(paginator, rows, cursor, newest=newest)
    page = numbered(paginator)
    if paginator.more and not page.has_next() and len(page):
        page.next_cursor = cursor_of(page[len(page) - 1])
    return paginator, page


def keyset_page(paginator, queryset, cursor, newest=True):
    """The page of rows of ``queryset`` after ``cursor`` (one more row is fetched to know if
    there are more), with ``paginator``'s page size."""
    per_page = paginator.per_page
    ordered = queryset.newest_first() if newest else queryset.oldest_first()
    dated, undated = rows_after(ordered, parse_cursor(cursor), newest)
    ids = list(dated.values_list("pk", flat=True)[: per_page + 1])
    if len(ids) <= per_page:
        ids += undated.values_list("pk", flat=True)[: per_page + 1 - len(ids)]
    rows = {quote.pk: quote for quote in queryset.model.objects.filter(pk__in=ids).for_list()}
    return KeysetPage([rows[pk] for pk in ids], per_page, paginator)
