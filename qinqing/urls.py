from django.contrib import admin
from django.urls import include, path

from qinqing.api import api
from qinqing.core import views as core_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("health/", core_views.health, name="health"),
    path("favicon.ico", core_views.favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("enterprises/", include("qinqing.enterprises.urls")),
    path("appeals/", include("qinqing.appeals.urls")),
    path("open311/v2/", include("qinqing.appeals.open311_urls")),
    path("ratings/", include("qinqing.ratings.urls")),
    path("assessment/", include("qinqing.assessment.urls")),
    path("analytics/", include("qinqing.analytics.urls")),
    path("policies/", include("qinqing.policies.urls")),
    path("catalog/", include("qinqing.catalog.urls")),
    path("liaison/", include("qinqing.liaison.urls")),
    path("tasklist/", include("qinqing.tasklist.urls")),
    path("projects/", include("qinqing.projects.urls")),
    path("workdays/", include("qinqing.workdays.urls")),
    path("", include("qinqing.accounts.urls")),
]

handler403 = "qinqing.core.views.permission_denied"
handler404 = "qinqing.core.views.page_not_found"
