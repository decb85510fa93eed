from django.urls import URLPattern, path

from qinqing.analytics.cockpit import views

urlpatterns: list[URLPattern] = [
    path("cockpit/", views.cockpit_view, name="cockpit"),
    path("cockpit/refresh/", views.refresh_view, name="cockpit_refresh"),
]
