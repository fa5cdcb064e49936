"""Models of the strategy app."""

from django.db import models  # noqa: F401
