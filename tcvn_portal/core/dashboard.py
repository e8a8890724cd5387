"""Dashboard cards. Each app registers a provider that returns cards for the request's role;
counts are single aggregate queries over the active tenant."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Card:
    label: str
    value: int | str
    url: str = ""
    hint: str = ""


CardProvider = Callable[[HttpRequest], list[Card]]
_providers: list[CardProvider] = []


def register_cards(provider: CardProvider) -> CardProvider:
    _providers.append(provider)
    return provider


def cards_for(request: HttpRequest) -> list[Card]:
    cards: list[Card] = []
    for provider in _providers:
        cards.extend(provider(request))
    return cards
