"""A Paginator that reads the total from the page's own query (the registry's hot path).

The queryset is a ``values_list`` whose last column is ``total``, a window ``COUNT(*) OVER ()``
(``with_total``): one query gives the page and the count, where Django's Paginator asks for the
count first and the rows second. Only a page past the end costs the usual COUNT query.
"""

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window


def with_total(rows: QuerySet, *columns: str) -> QuerySet:
    """``rows`` as tuples of ``columns`` followed by the number of rows of the whole query."""
    return rows.annotate(total=Window(Count("*"))).values_list(*columns, "total")


class WindowCountPaginator(Paginator):
    def page(self, number: Any) -> Page:
        number = self._at_least_one(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if rows:
            self.__dict__["count"] = rows[0][-1]  # Paginator.count is a cached_property
        elif number == 1:
            self.__dict__["count"] = 0
        number = self.validate_number(number)  # past the end: the COUNT query, then EmptyPage
        return Page([row[:-1] for row in rows], number, self)

    def _at_least_one(self, number: Any) -> int:
        """Paginator.validate_number without the upper bound (which needs the count)."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number
