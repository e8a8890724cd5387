"""Every route of the URLconf, for the tests that visit them all."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def routes() -> Iterator[tuple[str, URLPattern]]:
    """(route, pattern) for every URL pattern, its route the concatenated pattern strings."""

    def walk(resolver, prefix):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry

    yield from walk(get_resolver(), "")


def route_path(route: str) -> str:
    """The request path of a route with no captured arguments (regex anchors dropped)."""
    return "/" + route.replace("^", "").replace("$", "").replace("\\Z", "")
