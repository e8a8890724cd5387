"""Navigation by role: each app registers its entries with the permission that shows them."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


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
        url = reverse(entry.url_name)
        active = request.path == url or (url != "/" and request.path.startswith(url) and len(url) > 1)
        items.append({"label": entry.label, "url": url, "active": active})
    return items
