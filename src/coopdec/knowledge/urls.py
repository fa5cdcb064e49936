from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("practices/", views.practice_list, name="practice_list"),
    path("practices/new/", views.practice_create, name="practice_create"),
    path("practices/review/", views.review_queue, name="review"),
    path("practices/map.json", views.practice_points, name="practice_points"),
    path("practices/<int:pk>/", views.practice_detail, name="practice_detail"),
    path("practices/<int:pk>/edit/", views.practice_update, name="practice_update"),
    path("practices/<int:pk>/submit/", views.practice_submit, name="practice_submit"),
    path("practices/<int:pk>/review/", views.practice_review, name="practice_review"),
    path("practices/<int:pk>/unpublish/", views.practice_unpublish, name="practice_unpublish"),
    path("practices/<int:pk>/confirm/", views.practice_confirm, name="practice_confirm"),
    path("practices/<int:pk>/changes/discard/", views.practice_changes_discard, name="practice_changes_discard"),
    path("practices/<int:pk>/history/", views.practice_history, name="practice_history"),
    path("practices/<int:pk>/history/<int:history_id>/restore/", views.practice_restore, name="practice_restore"),
    path("practices/<int:pk>/delete/", views.practice_delete, name="practice_delete"),
    path("practices/<int:pk>/documents/", views.practice_document_add, name="practice_document_add"),
    path(
        "practices/<int:pk>/documents/<int:document_id>/",
        views.practice_document_file,
        name="practice_document_file",
    ),
    path(
        "practices/<int:pk>/documents/<int:document_id>/remove/",
        views.practice_document_remove,
        name="practice_document_remove",
    ),
    path("pages/<slug:slug>/", views.page, name="page"),
    path("pages/<slug:slug>/edit/", views.page_update, name="page_update"),
    path("pages/<slug:slug>/history/", views.page_history, name="page_history"),
    path("pages/<slug:slug>/history/<int:history_id>/restore/", views.page_restore, name="page_restore"),
]
