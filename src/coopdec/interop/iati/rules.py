"""Who may download an organisation's IATI files: everyone, once the organisation is published.

Permission (the object is an Organisation):
    interop.view_iati_files    published organisations: everyone; drafts: nobody (not published data)
"""

import rules

from coopdec.common.models import PublicationStatus


@rules.predicate
def is_published_organisation(user, organisation):
    return organisation is not None and organisation.publication_status == PublicationStatus.PUBLISHED


rules.add_perm("interop.view_iati_files", is_published_organisation)
