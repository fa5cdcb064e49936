"""Who may do what with API tokens.

Permissions (the object is an ApiToken):
    api.add_apitoken      any signed-in, active user
    api.revoke_apitoken   its owner
"""

import rules


@rules.predicate
def is_token_owner(user, token):
    return token is not None and token.user_id == user.pk


is_signed_in = rules.is_authenticated & rules.is_active

rules.add_perm("api.add_apitoken", is_signed_in)
rules.add_perm("api.revoke_apitoken", is_signed_in & is_token_owner)
