from django.urls import path

from qinqing.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.current_year, name="current"),
    path("<int:year>/", views.year_grid, name="year"),
]
