"""Models of the funding app."""

from django.db import models  # noqa: F401
