"""Diacritic-insensitive search, with the vendor choice made here and nowhere else.

Every searchable model keeps `search_text`: its text folded by core.text.fold (lower case, no marks,
đ → d, which neither Unicode decomposition nor a naive unaccent does everywhere). On PostgreSQL the
column carries a trigram GIN index.

What was typed is looked for as it stands first: the rows that contain it, in the list's own order.
Only when none does is a typo forgiven: the rows whose words are similar enough, most similar first.
Forgiving typos whenever a search ran made a serial number match the province's every instrument with a
like serial (more than 10 000 at Cần Thơ, each ranked: 445 ms for the page, with the one sought on top).

Both conditions are operators the trigram index answers (`LIKE` and `%>`); a comparison with
word_similarity() had PostgreSQL compute it for every row of the province. `%>` takes its threshold from
`pg_trgm.word_similarity_threshold`, which every connection sets at start (settings: WORD_SIMILARITY).
On SQLite a plain substring match of each word does the job for a small office.
"""

from __future__ import annotations

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db.models import Q, QuerySet

from .text import fold

# Up to this many rows containing the text are looked up once and then read by key.
FEW_MATCHES = 500


def search_queryset(queryset: QuerySet, query: str) -> QuerySet:
    folded = fold(query)
    if not folded:
        return queryset
    from django.db import connections

    if connections[queryset.db].vendor == "postgresql":
        literal = queryset.filter(search_text__contains=folded)
        found = list(literal.order_by().values_list("pk", flat=True)[: FEW_MATCHES + 1])
        if len(found) > FEW_MATCHES:
            return literal
        if found:
            # A serial, a tax code, a name: the count and the page then read these rows by key, not
            # the trigram index twice more (about 16 ms each for a serial at Cần Thơ).
            return queryset.filter(pk__in=found)
        return (
            queryset.filter(search_text__trigram_word_similar=folded)
            .annotate(search_rank=TrigramWordSimilarity(folded, "search_text"))
            .order_by("-search_rank", *queryset.query.order_by or ["pk"])
        )
    terms = folded.split()
    condition = Q()
    for term in terms:
        condition &= Q(search_text__contains=term)
    return queryset.filter(condition)
