"""Canonical identity of every place: countries, subdivisions (ISO 3166) and localities (GeoNames)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from coopdec.common.i18n import localize


class Continent(models.TextChoices):
    AFRICA = "AF", _("Africa")
    ANTARCTICA = "AN", _("Antarctica")
    ASIA = "AS", _("Asia")
    EUROPE = "EU", _("Europe")
    NORTH_AMERICA = "NA", _("North America")
    OCEANIA = "OC", _("Oceania")
    SOUTH_AMERICA = "SA", _("South America")


class Country(models.Model):
    code = models.CharField(_("ISO 3166-1 alpha-2 code"), max_length=2, primary_key=True)
    alpha3 = models.CharField(_("ISO 3166-1 alpha-3 code"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO 3166-1 numeric code"), max_length=3)
    names = models.JSONField(_("names"), default=dict, help_text=_("Name per language."))
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    continent = models.CharField(_("continent"), max_length=2, choices=Continent.choices, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return localize(self.names) or self.code


class Subdivision(models.Model):
    code = models.CharField(_("ISO 3166-2 code"), max_length=10, primary_key=True)
    country = models.ForeignKey(
        Country, on_delete=models.CASCADE, related_name="subdivisions", verbose_name=_("country")
    )
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    type = models.CharField(_("type"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children", verbose_name=_("parent")
    )

    class Meta:
        verbose_name = _("subdivision")
        verbose_name_plural = _("subdivisions")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Locality(models.Model):
    """A populated place from GeoNames (cities500): the canonical identity of a local government."""

    geonameid = models.PositiveIntegerField(_("GeoNames id"), primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False)
    alternate_names = models.JSONField(_("alternate names"), default=list, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    population = models.PositiveBigIntegerField(_("population"), default=0)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="localities", verbose_name=_("country"))
    admin1_code = models.CharField(_("first-level administrative code (GeoNames)"), max_length=20, blank=True)
    timezone = models.CharField(_("time zone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("locality")
        verbose_name_plural = _("localities")
        indexes = [
            models.Index(fields=["name_folded", "population"], name="locality_name_idx"),
            models.Index(fields=["country", "name_folded"], name="locality_country_name_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.country_id})"
