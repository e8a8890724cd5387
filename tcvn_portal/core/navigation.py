"""Navigation by role: each app registers its entries with the permission that shows them."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

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


def nav_for(request) -> list[dict]:
    membership = getattr(request, "membership", None)
    items = []
    for entry in _entries:
        if entry.permission is not None:
            perms = (entry.permission,) if isinstance(entry.permission, str) else entry.permission
            if membership is None or not any(membership.has_perm(p) for p in perms):
                continue
        try:
            url = reverse(entry.url_name)
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
