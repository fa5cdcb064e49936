"""``{% iati_needs project as needs %}``: what the project's IATI activity still needs (editors only)."""

from django import template

from coopdec.interop.iati.needs import iati_needs as project_needs

register = template.Library()


@register.simple_tag
def iati_needs(project):
    return project_needs(project)
