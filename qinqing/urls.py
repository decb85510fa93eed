from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from qinqing.api import api
from qinqing.core import views as core_views

admin.site.site_header = _("qinqing back office")
admin.site.site_title = _("qinqing")
admin.site.index_title = _("Back-office data")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("health/", core_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("enterprises/", include("qinqing.enterprises.urls")),
    path("appeals/", include("qinqing.appeals.urls")),
    path("ratings/", include("qinqing.ratings.urls")),
    path("assessment/", include("qinqing.assessment.urls")),
    path("analytics/", include("qinqing.analytics.urls")),
    path("", include("qinqing.accounts.urls")),
]

handler403 = "qinqing.core.views.permission_denied"
handler404 = "qinqing.core.views.page_not_found"
