from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Contribution,
    Document,
    Partnership,
    PartnershipParty,
    Project,
    ProjectSdg,
    ProjectSector,
)


class PartyInline(admin.TabularInline):
    model = PartnershipParty
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "status", "publication_status", "source", "is_demo", "updated_at"]
    list_filter = ["kind", "status", "publication_status", "source", "is_demo"]
    inlines = [PartyInline]


class SectorInline(admin.TabularInline):
    model = ProjectSector
    extra = 0


class SdgInline(admin.TabularInline):
    model = ProjectSdg
    extra = 0


class ContributionInline(admin.TabularInline):
    model = Contribution
    extra = 0
    raw_id_fields = ["organisation"]


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "status", "publication_status", "source", "is_demo", "updated_at"]
    list_filter = ["status", "publication_status", "source", "is_demo"]
    raw_id_fields = ["partnership", "lead_organisation", "created_by"]
    inlines = [SectorInline, SdgInline, ContributionInline]


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "project", "partnership", "format", "is_agreement", "created_at"]
    raw_id_fields = ["project", "partnership", "uploaded_by"]
