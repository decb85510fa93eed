"""The analytics app's pages, one URL namespace ("analytics:") over its two parts."""

from django.urls import URLPattern

from qinqing.analytics.cockpit import urls as cockpit_urls
from qinqing.analytics.intel import urls as intel_urls

app_name = "analytics"
urlpatterns: list[URLPattern] = [*cockpit_urls.urlpatterns, *intel_urls.urlpatterns]
