"""Navigation by role: each app registers its entries with the permission that shows them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    permission: str | tuple[str, ...] | None  # None: every logged-in member
    order: int = 100


_entries: list[NavEntry] = []


def register_nav(*entries: NavEntry) -> None:
    _entries.extend(entries)
    _entries.sort(key=lambda e: e.order)


@lru_cache(maxsize=1024)
def _entry_url(url_name: str, urlconf: str, script_prefix: str, language: str | None) -> str:
    # Every signed-in page draws the menu: reversing its dozen names anew cost about 1 ms a page. The URL
    # of a name without arguments changes only with what the key holds; a name that does not resolve
    # raises, and is not cached.
    return reverse(url_name, urlconf=urlconf)


def nav_for(request) -> list[dict]:
    membership = getattr(request, "membership", None)
    where = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language())
    items = []
    for entry in _entries:
        if entry.permission is not None:
            perms = (entry.permission,) if isinstance(entry.permission, str) else entry.permission
            if membership is None or not any(membership.has_perm(p) for p in perms):
                continue
        try:
            url = _entry_url(entry.url_name, *where)
        except NoReverseMatch:
            # One app's broken entry must not take every page down; tests/platform/test_navigation.py
            # fails on it instead.
            logger.error("navigation entry %s does not resolve", entry.url_name)
            continue
        active = request.path == url or (url != "/" and request.path.startswith(url) and len(url) > 1)
        items.append({"label": entry.label, "url": url, "active": active})
    return items


def registered_entries() -> list[NavEntry]:
    return list(_entries)
