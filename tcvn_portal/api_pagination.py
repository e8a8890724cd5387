from rest_framework.pagination import PageNumberPagination

from tcvn_portal.core.pagination import ExactCountPaginator


class BoundedPageNumberPagination(PageNumberPagination):
    """Pages of at most 200 rows: no client can ask for a whole table at once."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    django_paginator_class = ExactCountPaginator  # a page's keys first, then its joins
