from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Cursor pagination: constant cost at any depth, stable under inserts."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
