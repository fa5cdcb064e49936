from django.urls import path

from coopdec.common.records import form_methods, record_urls

from . import views

app_name = "strategy"
urlpatterns = [
    path("", views.strategy_list, name="strategy_list"),
    path("new/", form_methods(views.strategy_create), name="strategy_create"),
    path("principles/", views.scorecard_statistics, name="scorecard_statistics"),
    path("<int:pk>/", views.strategy_detail, name="strategy_detail"),
    path("<int:pk>/edit/", form_methods(views.strategy_update), name="strategy_update"),
    path("<int:pk>/objectives/new/", form_methods(views.objective_add), name="objective_add"),
    path("<int:pk>/objectives/<int:objective_id>/", form_methods(views.objective_change), name="objective_change"),
    path("<int:pk>/objectives/<int:objective_id>/remove/", views.objective_remove, name="objective_remove"),
    path(
        "<int:pk>/objectives/<int:objective_id>/projects/",
        form_methods(views.objective_projects),
        name="objective_projects",
    ),
    path(
        "<int:pk>/objectives/<int:objective_id>/indicators/new/",
        form_methods(views.indicator_add),
        name="indicator_add",
    ),
    path("<int:pk>/indicators/<int:indicator_id>/", form_methods(views.indicator_change), name="indicator_change"),
    path("<int:pk>/indicators/<int:indicator_id>/remove/", views.indicator_remove, name="indicator_remove"),
    *record_urls("", "strategy", views.STRATEGY_VIEWS),
]
