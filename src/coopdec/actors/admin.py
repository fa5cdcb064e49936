from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Contact, CountryCoordinator, Invitation, Membership, Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "is_coordinator", "is_staff", "is_active", "last_login"]
    list_filter = ["is_coordinator", "is_staff", "is_active"]
    fieldsets = [*(BaseUserAdmin.fieldsets or ()), (_("Platform"), {"fields": ["is_coordinator"]})]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "country", "publication_status", "source", "is_demo", "updated_at"]
    list_filter = ["kind", "publication_status", "source", "is_demo"]
    search_fields = ["name", "acronym", "iati_identifier"]
    raw_id_fields = ["locality", "subdivision", "country", "created_by"]
    inlines = [MembershipInline, ContactInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    raw_id_fields = ["organisation", "invited_by", "accepted_by"]
    exclude = ["token"]


@admin.register(CountryCoordinator)
class CountryCoordinatorAdmin(admin.ModelAdmin):
    list_display = ["user", "country", "created_at"]
    list_filter = ["country"]
    raw_id_fields = ["user", "country"]
