from django.urls import path

from coopdec.common.records import form_methods

from . import views

app_name = "declarations"
urlpatterns = [
    path("", views.home, name="home"),
    path("campaigns/new/", form_methods(views.campaign_add), name="campaign_add"),
    path("campaigns/<int:pk>/", form_methods(views.campaign_detail), name="campaign_detail"),
    path("campaigns/<int:pk>/start/", views.start, name="start"),
    path("campaigns/<int:pk>/export.<str:fmt>", views.campaign_export, name="campaign_export"),
    path("<int:pk>/", views.declaration_detail, name="declaration_detail"),
    path("<int:pk>/export.<str:fmt>", views.declaration_export, name="declaration_export"),
    path("<int:pk>/import/", form_methods(views.declaration_import), name="declaration_import"),
    path("<int:pk>/lines/new/", form_methods(views.line_add), name="line_add"),
    path("<int:pk>/lines/<int:line_id>/", form_methods(views.line_change), name="line_change"),
    path("<int:pk>/lines/<int:line_id>/remove/", views.line_remove, name="line_remove"),
    path("<int:pk>/lines/<int:line_id>/cofinancing/", views.line_cofinancing, name="line_cofinancing"),
    path("<int:pk>/refresh/", views.declaration_refresh, name="refresh"),
    path("<int:pk>/nil/", views.declaration_nil, name="nil"),
    path("<int:pk>/submit/", views.declaration_submit, name="submit"),
    path("<int:pk>/reopen/", views.declaration_reopen, name="reopen"),
    path("<int:pk>/extend/", views.declaration_extend, name="extend"),
    path("totals/", views.totals, name="totals"),
    path("totals/<int:pk>/", views.campaign_totals, name="campaign_totals"),
]
