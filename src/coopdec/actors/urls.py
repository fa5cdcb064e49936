from django.urls import path
from django.views.decorators.http import require_safe

from coopdec.common.records import form_methods, record_urls

from . import views

app_name = "actors"
urlpatterns = [
    path("organisations/", views.my_organisations, name="mine"),
    path("organisations/new/", form_methods(views.organisation_create), name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/map.geojson", views.organisation_geojson, name="organisation_geojson"),
    path("organisations/<int:pk>/edit/", form_methods(views.organisation_update), name="organisation_update"),
    *record_urls("organisations/", "organisation", views.ORGANISATION_VIEWS),
    path(
        "organisations/<int:pk>/dashboard/", require_safe(views.organisation_dashboard), name="organisation_dashboard"
    ),
    path("organisations/<int:pk>/contacts/", views.contact_create, name="contact_create"),
    path("organisations/<int:pk>/contacts/<int:contact_id>/delete/", views.contact_delete, name="contact_delete"),
    path("organisations/<int:pk>/members/", form_methods(views.members), name="members"),
    path("organisations/<int:pk>/members/<int:membership_id>/", views.membership_change, name="membership_change"),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("invitations/<str:signed>/", form_methods(views.invitation_accept), name="invitation_accept"),
    path("access/", form_methods(views.access_request), name="access_request"),
    path("access/confirm/<str:signed>/", form_methods(views.access_request_confirm), name="access_request_confirm"),
    path("access/requests/<int:pk>/", form_methods(views.access_request_answer), name="access_request_answer"),
    path("coordination/", require_safe(views.coordinator_dashboard), name="coordinator_dashboard"),
    path("account/reminders/", views.reminders, name="reminders"),
    path("places/search/", views.place_search, name="place_search"),
    path("organisations/search/", views.organisation_search, name="organisation_search"),
]
