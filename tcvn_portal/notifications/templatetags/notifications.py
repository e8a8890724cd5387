from django import template

from tcvn_portal.notifications import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """Unread notifications of the signed-in member in the current province (one COUNT query)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated or getattr(request, "tenant", None) is None:
        return 0
    return selectors.unread_count(request.user)
