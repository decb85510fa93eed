from django.urls import re_path

from qinqing.appeals import open311

app_name = "open311"
urlpatterns = [
    re_path(r"^services\.(?P<fmt>json|xml)$", open311.services_list, name="services"),
    re_path(
        r"^services/(?P<code>[\w-]+)\.(?P<fmt>json|xml)$",
        open311.service_definition,
        name="service",
    ),
    re_path(r"^requests\.(?P<fmt>json|xml)$", open311.requests_view, name="requests"),
    re_path(
        r"^requests/(?P<number>[\w-]+)\.(?P<fmt>json|xml)$",
        open311.request_detail,
        name="request",
    ),
]
