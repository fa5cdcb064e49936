"""Access checks of the API endpoints: the registry's rules (``user.has_perm``), raised as 403."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require(user, permission: str, record=None, message: str = "") -> None:
    """Raise PermissionDenied (JSON 403) unless ``user`` has ``permission`` on ``record``."""
    if not user.has_perm(permission, record):
        raise PermissionDenied(message or _("You are not allowed to do this with this record."))


def require_publication_change(user, permission: str, record, fields: dict) -> None:
    """Changing ``publication_status`` needs the record's publish permission."""
    if fields.get("publication_status", record.publication_status) != record.publication_status:
        require(user, permission, record, _("You may not change the publication of this record."))
