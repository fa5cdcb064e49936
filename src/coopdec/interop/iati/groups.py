"""The element groups of an <iati-activity>, in the order of the IATI 2.03 schema.

Each group has a reader, ``read.read_<name>``, that fills the keys ``record_keys`` of the canonical
record from the group's elements, and a writer, ``exporter.write_<name>``, that writes the same
elements back from the project. ``read.READERS`` and ``exporter.WRITERS`` list them in this order
(the writers must: the schema fixes the order of an activity's children), and
``tests/interop/iati/test_groups.py`` checks that each group has both, that the readers fill exactly
the record's keys and that each writer writes only its own elements. See README.md beside this file.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Group:
    """``elements``: the children of <iati-activity> the group covers ("@name": an attribute of the
    activity element itself); ``record_keys``: the keys of the canonical record its reader fills."""

    name: str
    elements: tuple[str, ...]
    record_keys: tuple[str, ...]


GROUPS: tuple[Group, ...] = (
    Group(
        "identification",
        ("@xml:lang", "@default-currency", "@humanitarian", "@hierarchy", "iati-identifier", "reporting-org"),
        ("identifier", "language", "currency", "humanitarian", "hierarchy", "reporting_org"),
    ),
    Group("texts", ("title", "description"), ("title", "description", "target_groups", "other_descriptions")),
    Group("participants", ("participating-org",), ("participants",)),
    Group("other_identifiers", ("other-identifier",), ("other_identifiers",)),
    Group("status", ("activity-status",), ("status",)),
    Group("dates", ("activity-date",), ("dates",)),
    Group("scope", ("activity-scope",), ("scope",)),
    Group("recipients", ("recipient-country", "recipient-region"), ("countries", "regions")),
    Group("locations", ("location",), ("locations",)),
    Group("sectors_tags", ("sector", "tag"), ("sectors", "sector_narratives", "sdgs", "tags")),
    Group("policy_markers", ("policy-marker",), ("policy_markers",)),
    Group(
        "aid_codes",
        ("collaboration-type", "default-flow-type", "default-finance-type", "default-aid-type", "default-tied-status"),
        ("collaboration_type", "default_flow_type", "default_finance_type", "default_aid_types", "default_tied_status"),
    ),
    Group("budgets", ("budget",), ("budgets",)),
    Group("transactions", ("transaction",), ("transactions",)),
    Group("documents", ("document-link",), ("documents",)),
    Group("results", ("result",), ("results",)),
)
