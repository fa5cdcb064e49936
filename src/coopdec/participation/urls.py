from django.urls import path

from . import views

app_name = "participation"
urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("join/", views.join, name="join"),
    path("join/<str:signed>/", views.signup_confirm, name="signup_confirm"),
    path("account/", views.account, name="account"),
    path("account/delete/", views.account_delete, name="account_delete"),
    path("spaces/new/<str:kind>/<int:pk>/", views.space_add, name="space_add"),
    path("spaces/<int:pk>/", views.space_detail, name="space_detail"),
    path("spaces/<int:pk>/edit/", views.space_edit, name="space_edit"),
    path("spaces/<int:pk>/propose/", views.proposal_add, name="proposal_add"),
    path("spaces/<int:pk>/proposals.geojson", views.space_geojson, name="space_geojson"),
    path("spaces/<int:pk>/vote/", views.vote, name="vote"),
    path("spaces/<int:pk>/statistics/", views.space_statistics, name="space_statistics"),
    path("spaces/<int:pk>/moderation/", views.moderation, name="moderation"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/support/", views.support, name="support"),
    path("proposals/<int:pk>/comment/", views.comment, name="comment"),
    path("proposals/<int:pk>/report/", views.report, name="report"),
    path("proposals/<int:pk>/answer/", views.answer, name="answer"),
    path("proposals/<int:pk>/review/", views.review, name="review"),
    path("proposals/<int:pk>/project/", views.to_project, name="to_project"),
    path("proposals/<int:pk>/moderate/", views.moderate_proposal, name="moderate_proposal"),
    path("comments/<int:pk>/moderate/", views.moderate_comment, name="moderate_comment"),
]
