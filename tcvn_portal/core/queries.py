"""Query pieces shared by the domains' selectors."""

from __future__ import annotations

from django.db.models import IntegerField, QuerySet, Subquery


class CountOf(Subquery):
    """COUNT(*) of a queryset that refers to the outer row (OuterRef), as a scalar subquery.

    A list annotated with Count() over a join is grouped, so PostgreSQL must join and group every row of
    the tenant before it can sort and keep one page; a scalar subquery is computed for the page's rows
    only, and the list can walk its ordering index and stop after 25.
    """

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()

    def __init__(self, queryset: QuerySet, **extra):
        super().__init__(queryset.order_by().values("pk"), **extra)
