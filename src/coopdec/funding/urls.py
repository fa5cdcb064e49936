from django.urls import path

from coopdec.common.records import form_methods

from . import views

app_name = "funding"
urlpatterns = [
    path("", views.call_list, name="call_list"),
    path("new/", form_methods(views.call_add), name="call_add"),
    path("mine/", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.call_detail, name="call_detail"),
    path("<int:pk>/edit/", form_methods(views.call_edit), name="call_edit"),
    path("<int:pk>/publish/", views.call_publish, name="call_publish"),
    path("<int:pk>/manage/", views.call_manage, name="call_manage"),
    path("<int:pk>/export.<str:fmt>", views.call_export, name="call_export"),
    path("<int:pk>/apply/", views.call_apply, name="call_apply"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/plan/", views.application_plan, name="application_plan"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/concept/", views.application_concept, name="application_concept"),
    path("applications/<int:pk>/shortlist/", views.application_shortlist, name="application_shortlist"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/reopen/", views.application_reopen, name="application_reopen"),
    path("applications/<int:pk>/confirm/", views.application_confirm, name="application_confirm"),
    path("applications/<int:pk>/reviewers/", views.application_assign, name="application_assign"),
    path("applications/<int:pk>/decision/", views.application_decide, name="application_decide"),
    path("reviews/<int:pk>/", form_methods(views.review_detail), name="review_detail"),
    path("reviews/<int:pk>/scores/", views.review_scores, name="review_scores"),
    path("reports/<int:pk>/", form_methods(views.report_detail), name="report_detail"),
    path("reports/<int:pk>/answer/", views.report_answer, name="report_answer"),
    path("tranches/<int:pk>/release/", views.tranche_release, name="tranche_release"),
]
