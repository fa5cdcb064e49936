from django.urls import path

from coopdec.interop.iati import views as iati_views
from coopdec.interop.spreadsheet import views as import_views

app_name = "interop"
urlpatterns: list = [
    path("iati/organisations/<int:pk>/activities.xml", iati_views.organisation_activities, name="iati_activities"),
    path("iati/organisations/<int:pk>/organisation.xml", iati_views.organisation_file, name="iati_organisation"),
    path("import/", import_views.import_upload, name="import_upload"),
    path("import/template.csv", import_views.import_template, name="import_template"),
    path("import/duplicates/", import_views.duplicates_list, name="duplicates"),
    path("import/duplicates/<int:keep>/<int:drop>/", import_views.duplicates_merge, name="duplicates_merge"),
    path("import/jobs/<int:pk>/", import_views.import_status, name="import_status"),
    path("import/<str:token>/", import_views.import_preview, name="import_preview"),
]
