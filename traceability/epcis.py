"""A batch's events as an EPCIS 2.0 JSON-LD document (GS1 EPCIS 2.0 / CBV 2.0).

Production stages become ObjectEvents with their business step; activating stamps is `commissioning`,
a recall `recalling` with disposition `recalled`. The batch is identified at class level (GTIN + lot) by
its GS1 Digital Link URI, which EPCIS 2.0 accepts in place of a URN.
"""

from __future__ import annotations

from django.utils import timezone

from .gs1 import digital_link
from .models import Batch

CONTEXT = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
CBV = "https://ref.gs1.org/cbv/"


def _offset(when) -> str:
    raw = timezone.localtime(when).strftime("%z")  # "+0700"
    return f"{raw[:3]}:{raw[3:]}"


def _event(
    *, when, bizstep: str, disposition: str, epc_class: str, quantity, place: str = "", note: str = ""
):
    event = {
        "type": "ObjectEvent",
        "eventTime": when.isoformat(),
        "eventTimeZoneOffset": _offset(when),
        "action": "OBSERVE",
        "bizStep": f"{CBV}BizStep-{bizstep}",
        "disposition": f"{CBV}Disp-{disposition}",
        "quantityList": [{"epcClass": epc_class, **({"quantity": quantity} if quantity else {})}],
    }
    if place:
        event["tcvn:place"] = place
    if note:
        event["tcvn:note"] = note
    return event


def batch_document(batch: Batch, *, resolver_base: str) -> dict:
    epc_class = digital_link(resolver_base, gtin=batch.product.gtin, lot=batch.lot)
    events = [
        (
            stage.started_at,
            _event(
                when=stage.started_at,
                bizstep=stage.bizstep,
                disposition="in_progress",
                epc_class=epc_class,
                quantity=batch.quantity,
                place=stage.place,
                note=stage.name,
            ),
        )
        for stage in batch.stages.all()
    ]
    events += [
        (
            e.event_time,
            _event(
                when=e.event_time,
                bizstep=e.bizstep,
                disposition=e.disposition,
                epc_class=epc_class,
                quantity=batch.quantity,
                note=e.note,
            ),
        )
        for e in batch.events.all()
    ]
    events.sort(key=lambda pair: pair[0])
    return {
        "@context": [CONTEXT, {"tcvn": f"{resolver_base.rstrip('/')}/ns/"}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": timezone.now().isoformat(),
        "epcisBody": {"eventList": [event for _when, event in events]},
    }
