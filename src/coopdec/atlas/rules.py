"""Who may see the atlas: everyone. It only ever holds published records (see ``index``), so
the public pages, map data and downloads need no per-record check; the permission keeps every
atlas view behind the one place for access rules.

Permissions:
    atlas.view_atlas    the atlas page, map data, statistics and their downloads: everyone
"""

import rules

rules.add_perm("atlas.view_atlas", rules.always_allow)
