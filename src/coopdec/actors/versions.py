"""What an organisation's versions keep besides its own fields: its public contact entries.

The machinery (relations, versions, restore) is ``coopdec.common.versions``; this module registers
the organisation's relations when the app is ready (``apps.py``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from coopdec.common.versions import Relation, Rows, register

from .models import Contact, ContactKind, Organisation

# An organisation's versions: its public contact entries. Its members and their roles are access
# control, not content: no version keeps them and no restore changes them.

CONTACT_ROWS = Rows(
    Contact, "organisation_id", ("organisation_id", "kind", "name", "function", "email", "phone"), with_history=True
)


def _describe_contacts(rows) -> str:
    kinds = dict(ContactKind.choices)
    return "; ".join(
        ", ".join(part for part in (name, function or str(kinds.get(kind, kind)), email, phone) if part)
        for _pk, _organisation, kind, name, function, email, phone in rows
    )


def register_relations() -> None:
    register(
        Organisation,
        [
            Relation("contacts", gettext_lazy("Contacts"), CONTACT_ROWS.read, CONTACT_ROWS.write, _describe_contacts),
        ],
        not_kept=gettext_lazy(
            "Members and their roles are not part of a version: restoring one never changes who "
            "may edit or administer the organisation."
        ),
    )
