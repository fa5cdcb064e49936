from django.urls import path

from . import views

app_name = "cooperation"
urlpatterns = [
    path("partnerships/new/", views.partnership_create, name="partnership_create"),
    path("partnerships/<int:pk>/", views.partnership_detail, name="partnership_detail"),
    path("partnerships/<int:pk>/edit/", views.partnership_update, name="partnership_update"),
    path("partnerships/<int:pk>/delete/", views.partnership_delete, name="partnership_delete"),
    path("partnerships/<int:pk>/confirm/", views.partnership_confirm, name="partnership_confirm"),
    path("partnerships/<int:pk>/publish/", views.partnership_publish, name="partnership_publish"),
    path("partnerships/<int:pk>/history/", views.partnership_history, name="partnership_history"),
    path("partnerships/<int:pk>/history/<int:history_id>/restore/", views.partnership_restore, name="partnership_restore"),
    path("partnerships/<int:pk>/parties/", views.party_add, name="party_add"),
    path("partnerships/<int:pk>/parties/<int:party_id>/remove/", views.party_remove, name="party_remove"),
    path("partnerships/<int:pk>/documents/", views.partnership_document_add, name="partnership_document_add"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_update, name="project_update"),
    path("projects/<int:pk>/delete/", views.project_delete, name="project_delete"),
    path("projects/<int:pk>/confirm/", views.project_confirm, name="project_confirm"),
    path("projects/<int:pk>/publish/", views.project_publish, name="project_publish"),
    path("projects/<int:pk>/history/", views.project_history, name="project_history"),
    path("projects/<int:pk>/history/<int:history_id>/restore/", views.project_restore, name="project_restore"),
    path("projects/<int:pk>/add/<str:what>/", views.project_add, name="project_add"),
    path("projects/<int:pk>/contributions/<int:contribution_id>/remove/", views.contribution_remove, name="contribution_remove"),
    path("documents/<int:document_id>/remove/", views.document_remove, name="document_remove"),
]
