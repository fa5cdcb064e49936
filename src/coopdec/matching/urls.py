from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("matching/offers/", views.offer_list, name="offers"),
    path("matching/requests/", views.request_list, name="requests"),
    path("matching/offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("matching/requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("matching/offers/<int:pk>/edit/", views.offer_update, name="offer_update"),
    path("matching/requests/<int:pk>/edit/", views.request_update, name="request_update"),
    path(
        "matching/offers/<int:pk>/delete/",
        views.listing_delete,
        {"kind": "offers"},
        name="offer_delete",
    ),
    path(
        "matching/requests/<int:pk>/delete/",
        views.listing_delete,
        {"kind": "requests"},
        name="request_delete",
    ),
    path(
        "matching/requests/<int:pk>/recommendations/",
        views.request_recommendations,
        name="request_recommendations",
    ),
    path("matching/map/offers.json", views.listing_points, {"kind": "offers"}, name="offer_points"),
    path(
        "matching/map/requests.json",
        views.listing_points,
        {"kind": "requests"},
        name="request_points",
    ),
    path("matching/organisations/<int:pk>/", views.organisation_matching, name="organisation"),
    path("matching/organisations/<int:pk>/offers/new/", views.offer_create, name="offer_create"),
    path("matching/organisations/<int:pk>/requests/new/", views.request_create, name="request_create"),
    path("matching/organisations/<int:pk>/propose/", views.proposal_create, name="proposal_create"),
    path("matching/proposals/", views.proposal_list, name="proposals"),
    path("matching/proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("matching/notifications/", views.notification_list, name="notifications"),
]
