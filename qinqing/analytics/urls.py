from django.urls import path

from qinqing.analytics import cockpit_views

app_name = "analytics"
urlpatterns: list = [
    path("cockpit/", cockpit_views.cockpit_view, name="cockpit"),
    path("cockpit/refresh/", cockpit_views.refresh_view, name="cockpit_refresh"),
]

from qinqing.analytics import intel_urls  # noqa: E402  (issue 8 pages)

urlpatterns += intel_urls.urlpatterns
