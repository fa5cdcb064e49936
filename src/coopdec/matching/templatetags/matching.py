"""``{% unread_notifications %}``: the count shown in the navigation bar."""

from django import template

from coopdec.matching.selectors import unread_count

register = template.Library()


@register.inclusion_tag("matching/nav_notifications.html", takes_context=True)
def unread_notifications(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "count": unread_count(user)}
