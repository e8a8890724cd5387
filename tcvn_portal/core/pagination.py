"""The paginator of every list page and API list."""

from __future__ import annotations

from django.core import paginator
from django.db.models import QuerySet, Subquery


class Paginator(paginator.Paginator):
    """Django's Paginator, except that a page of a queryset is found by its primary keys first.

    The keys of the page come from the list's own table, in its order, which an index serves in 25
    steps; the joins the page shows (owner, type, commune…) are made for those 25 rows only. Joined
    first, PostgreSQL misjudges how many rows survive the joins (every table is shared by 34 provinces)
    and joins the province's whole table before sorting it: 540 ms instead of 2 for the verification
    list at national scale.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        query = getattr(self.object_list, "query", None)
        if isinstance(self.object_list, QuerySet) and query.can_filter() and not query.combinator:
            keys = self.object_list.values("pk")[bottom:top]
            return self._get_page(self.object_list.filter(pk__in=Subquery(keys)), number, self)
        return self._get_page(self.object_list[bottom:top], number, self)
