"""Long lists are shown a page at a time (the DSFR pagination, `core/pagination.html`), the
other filters kept in the page links. An out-of-range or unreadable page number shows the last
or the first page, never an error. Exports are never paginated: they take the whole list."""

from django.conf import settings
from django.core.paginator import Page, Paginator


def paginate(request, items, size: int | None = None, *, param: str = "page") -> tuple[Page, str]:
    """The requested page of `items` (a QuerySet is sliced by the database: one query for the
    page, one for the count) and `page_link`, the link to a page without its number: the other
    parameters of the request kept, "?axe=2&page=" ("?page=" without filters). `param` names the
    page number when a page has two paginated lists."""
    page = Paginator(items, size or settings.PVD_PAGE_SIZE).get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    encoded = query.urlencode()
    return page, f"?{encoded}{'&' if encoded else ''}{param}="


def without_page(request, param: str = "page") -> str:
    """The query string without the page number (for an export, a sort link)."""
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()
