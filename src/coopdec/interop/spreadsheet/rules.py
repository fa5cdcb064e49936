"""Who may import a spreadsheet from the web.

Permissions (no object):
    interop.import_spreadsheet     signed-in editors of at least one organisation, and coordinators
    interop.publish_import         coordinators: their imports are published at once; the others'
                                   imports are drafts that a coordinator reviews and publishes
    interop.merge_organisations    coordinators: list probable duplicates and merge two organisations

Permissions on a SpreadsheetImport:
    interop.view_import            its uploader and coordinators: its progress and result
"""

import rules

from coopdec.actors.rules import is_coordinator, is_editor_somewhere, is_signed_in

rules.add_perm("interop.import_spreadsheet", is_signed_in & (is_editor_somewhere | is_coordinator))
rules.add_perm("interop.publish_import", is_signed_in & is_coordinator)
rules.add_perm("interop.merge_organisations", is_signed_in & is_coordinator)


@rules.predicate
def is_uploader(user, job) -> bool:
    return job is not None and job.user_id is not None and job.user_id == user.pk


rules.add_perm("interop.view_import", is_signed_in & (is_uploader | is_coordinator))
