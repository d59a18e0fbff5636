from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


class CursorPagination(pagination.CursorPagination):
    """Cursor pagination: constant cost at any depth, stable under inserts."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def decode_cursor(self, request):
        # A mangled cursor is bad input naming its parameter, not a missing page.
        try:
            return super().decode_cursor(request)
        except NotFound as error:
            raise ValidationError(
                {self.cursor_query_param: ["Invalid cursor: use the next/previous links."]}
            ) from error
