from django.urls import path

from qinqing.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("sheets/", views.sheets, name="sheets"),
    path("sheets/<slug:action>/", views.freeze, name="freeze"),
    path("print/", views.printable, name="print"),
    path("export.xlsx", views.export, name="export"),
    path("manual/", views.manual_entry, name="manual"),
]
