"""Sign-in for the demonstration's accounts (``make demo``): each gets a password once, kept in the
var folder so that running ``make demo`` again prints the same one, and replaced only when it no
longer signs in (a password changed by hand, a fresh database)."""

import secrets

from django.conf import settings


def demo_password(user) -> str:
    """The password of demo account ``user`` (saved): the one kept from an earlier run, else a new one."""
    password_file = settings.VAR_DIR / (
        "demo_admin_password" if user.username == "admin" else f"demo_{user.username}_password"
    )
    if user.pk and password_file.exists():
        kept = password_file.read_text().strip()
        if user.check_password(kept):
            return kept
    password = secrets.token_urlsafe(9)
    user.set_password(password)
    user.save()
    # Kept (readable by this account only) so that a second `make demo` prints it again.
    password_file.parent.mkdir(parents=True, exist_ok=True)
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)
    return password
