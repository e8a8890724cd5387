from django import template

from ..selectors import field_label, history_of

register = template.Library()


@register.inclusion_tag("audit/_history.html")
def audit_history(obj, limit: int = 50):
    events = list(history_of(obj)[:limit])
    model = type(obj)
    rows = [
        {
            "event": event,
            "changes": [(field_label(model, key), before, after) for key, before, after in event.changes()],
        }
        for event in events
    ]
    return {"rows": rows}
