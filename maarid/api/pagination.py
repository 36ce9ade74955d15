"""The API's lists, ``?page=`` by ``?page=``: django-ninja's page numbers, except that a page
past the last is empty however large its number (ninja's own turned ``?page=2282589375379155456``
into an offset SQLite cannot hold: a 500)."""

from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination

from maarid.core.params import MAX_INT


class PageNumberPagination(NinjaPageNumberPagination):
    def paginate_queryset(self, queryset, pagination, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        if (pagination.page - 1) * page_size > MAX_INT - page_size:
            return {
                self.items_attribute: queryset[:0],
                "count": self._items_count(queryset),
            }
        return super().paginate_queryset(queryset, pagination, request, **params)

    async def apaginate_queryset(self, queryset, pagination, request, **params):
        page_size = self._get_page_size(pagination.page_size)
        if (pagination.page - 1) * page_size > MAX_INT - page_size:
            return {
                self.items_attribute: [],
                "count": await self._aitems_count(queryset),
            }
        return await super().apaginate_queryset(queryset, pagination, request, **params)
