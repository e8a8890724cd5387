from django import template

from tcvn_portal.core.navigation import nav_for

register = template.Library()


@register.filter
def nav_items(request):
    return nav_for(request)


@register.simple_tag(takes_context=True)
def has_perm(context, permission):
    membership = context.get("current_membership")
    return bool(membership and membership.has_perm(permission))


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (for paging and filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"
