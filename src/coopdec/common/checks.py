"""System checks of the configuration (``coopdec check``, run before every command)."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

DEFAULT_SITE_URL = "http://127.0.0.1:8000"
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


@register(Tags.security)
def site_url_set_in_production(app_configs: Iterable[Any] | None = None, **kwargs: Any) -> list[Warning]:
    """Warn when a public server keeps the development ``SITE_URL``.

    A server is public when ``DEBUG`` is off and ``ALLOWED_HOSTS`` names a host other than the
    loopback ones: the demonstration on 127.0.0.1 (``DEBUG`` off too) is left in peace.
    """
    if settings.DEBUG or settings.SITE_URL != DEFAULT_SITE_URL:
        return []
    if not set(settings.ALLOWED_HOSTS) - LOOPBACK_HOSTS:
        return []
    return [
        Warning(
            f"SITE_URL is still {DEFAULT_SITE_URL}, the development default, while DEBUG is off.",
            hint=(
                "Set SITE_URL to the public address (e.g. https://coopdec.example.org): links in "
                "e-mails and IATI files, and the trusted origin of forms, are built from it."
            ),
            id="coopdec.W001",
        )
    ]
