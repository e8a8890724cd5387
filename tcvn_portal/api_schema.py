"""OpenAPI enum names that stay unique as apps add models.

Many models have a `status` or `kind` field, each with its own choices; drf-spectacular would name them
all StatusEnum and warn. At start-up every model field name used with more than one distinct choice set
gets one override per set, named after the first model that uses it (InspectionStatusEnum, …).
"""

from __future__ import annotations

from collections import defaultdict

from django.apps import apps
from django.conf import settings


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def colliding_enum_overrides() -> dict[str, list]:
    # drf-spectacular tells choice sets apart by their (value, label) pairs, so the same is done here.
    by_field: dict[str, dict[tuple, tuple[list, list[str]]]] = defaultdict(dict)
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not getattr(field, "choices", None):
                continue
            pairs = [(value, label) for value, label in field.flatchoices if value not in ("", None)]
            key = tuple((value, str(label)) for value, label in pairs)
            by_field[field.name].setdefault(key, (pairs, []))[1].append(model.__name__)
    overrides: dict[str, list] = {}
    named: set[tuple] = set()
    for field_name, sets in sorted(by_field.items()):
        if len(sets) < 2:
            continue
        for key, (pairs, models) in sorted(sets.items(), key=lambda item: sorted(item[1][1])[0]):
            if key in named:
                continue
            name = f"{sorted(models)[0]}{_camel(field_name)}Enum"
            while name in overrides:
                name = name.removesuffix("Enum") + "AltEnum"
            overrides[name] = pairs
            named.add(key)
    return overrides


def name_colliding_enums() -> None:
    configured = settings.SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})
    for name, values in colliding_enum_overrides().items():
        configured.setdefault(name, values)


# Every error answer has the one envelope of tcvn_portal/api_errors.py; the schema says so, so that a
# client (and the fuzzer) can rely on it.
ERROR_STATUSES = {
    "400": "The data sent is not valid.",
    "401": "Not authenticated.",
    "403": "Not allowed for this role.",
    "404": "Not found (or another province's object).",
    "405": "Method not allowed.",
    "429": "Too many requests.",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code"],
            "properties": {
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object"},
                "retry_after": {"type": "integer"},
            },
        }
    },
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: the error envelope under every operation's 4xx answers."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description, "content": reference})
    return result
