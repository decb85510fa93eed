from django.urls import path

from qinqing.analytics import intel_views

urlpatterns = [
    path(
        "intel/appeals/<int:pk>/duplicates/",
        intel_views.appeal_duplicates,
        name="appeal_duplicates",
    ),
    path("intel/hotspots/", intel_views.hotspots, name="hotspots"),
    path("intel/hotspots/<int:pk>/pick/", intel_views.pick_topic, name="pick_topic"),
    path("intel/topics/", intel_views.monthly_topics, name="monthly_topics"),
    path("intel/topics/<int:pk>/", intel_views.monthly_topic, name="monthly_topic"),
    path("intel/topics/<int:pk>/update/", intel_views.update_topic, name="update_topic"),
    path("intel/seasonal/", intel_views.seasonal_warnings, name="seasonal_warnings"),
]
