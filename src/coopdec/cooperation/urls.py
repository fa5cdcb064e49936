from django.urls import path

from coopdec.common.records import form_methods, record_urls

from . import results_views, views

app_name = "cooperation"
urlpatterns = [
    path("coordination/review/", views.review_queue, name="review_queue"),
    path("partnerships/new/", form_methods(views.partnership_create), name="partnership_create"),
    path("partnerships/<int:pk>/", views.partnership_detail, name="partnership_detail"),
    path("partnerships/<int:pk>/edit/", form_methods(views.partnership_update), name="partnership_update"),
    *record_urls("partnerships/", "partnership", views.PARTNERSHIP_VIEWS),
    path("partnerships/<int:pk>/themes/", views.partnership_themes, name="partnership_themes"),
    path("partnerships/<int:pk>/parties/", views.party_add, name="party_add"),
    path("partnerships/<int:pk>/parties/<int:party_id>/", views.party_change, name="party_change"),
    path("partnerships/<int:pk>/parties/<int:party_id>/remove/", views.party_remove, name="party_remove"),
    path("partnerships/<int:pk>/documents/", views.partnership_document_add, name="partnership_document_add"),
    path("projects/new/", form_methods(views.project_create), name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", form_methods(views.project_update), name="project_update"),
    *record_urls("projects/", "project", views.PROJECT_VIEWS),
    path("projects/<int:pk>/add/<str:what>/", views.project_add, name="project_add"),
    path("projects/<int:pk>/participants/", form_methods(views.participants), name="participants"),
    path("projects/<int:pk>/participants/<int:participant_id>/", views.participant_change, name="participant_change"),
    path(
        "projects/<int:pk>/participants/<int:participant_id>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("projects/<int:pk>/results/<int:result_id>/", form_methods(views.result_update), name="result_update"),
    # Results monitoring: one screen per result, the review of an update, the dashboards
    path("projects/<int:pk>/results/new/", results_views.result_create, name="result_create"),
    path(
        "projects/<int:pk>/results/<int:result_id>/indicators/",
        form_methods(results_views.result_edit),
        name="result_edit",
    ),
    path(
        "projects/<int:pk>/results/<int:result_id>/indicators/row/",
        results_views.result_edit_row,
        name="result_edit_row",
    ),
    path("projects/<int:pk>/updates/<int:value_id>/", form_methods(results_views.update_review), name="update_review"),
    path("organisations/<int:pk>/results/", results_views.organisation_results, name="organisation_results"),
    path("coordination/results/", results_views.coordination_results, name="coordination_results"),
    path("projects/<int:pk>/results/<int:result_id>/remove/", views.result_remove, name="result_remove"),
    path(
        "projects/<int:pk>/indicators/<int:indicator_id>/",
        form_methods(views.indicator_update),
        name="indicator_update",
    ),
    path("projects/<int:pk>/indicators/<int:indicator_id>/remove/", views.indicator_remove, name="indicator_remove"),
    path(
        "projects/<int:pk>/values/<int:value_id>/remove/", views.indicator_value_remove, name="indicator_value_remove"
    ),
    path(
        "projects/<int:pk>/contributions/<int:contribution_id>/remove/",
        views.contribution_remove,
        name="contribution_remove",
    ),
    path("documents/<int:document_id>/file/", views.document_file, name="document_file"),
    path("documents/<int:document_id>/remove/", views.document_remove, name="document_remove"),
]
