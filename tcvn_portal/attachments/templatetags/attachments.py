"""Tags behind attachments/_panel.html: the files of a record, and whether the member may add some."""

from django import template

from tcvn_portal.attachments import access, selectors
from tcvn_portal.attachments.forms import AttachmentForm

register = template.Library()


@register.simple_tag(takes_context=True)
def attachment_panel(context, owner) -> dict:
    membership = context.get("current_membership")
    can_view = access.may_view(membership, owner)
    can_change = access.may_change(membership, owner)
    return {
        "items": list(selectors.attachments_of(owner)) if can_view else [],
        "can_view": can_view,
        "can_change": can_change,
        "token": access.owner_token(owner) if can_change else "",
        "form": AttachmentForm() if can_change else None,
    }
