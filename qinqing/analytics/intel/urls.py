from django.urls import path

from qinqing.analytics.intel import views

urlpatterns = [
    path(
        "intel/appeals/<int:pk>/duplicates/",
        views.appeal_duplicates,
        name="appeal_duplicates",
    ),
    path("intel/hotspots/", views.hotspots, name="hotspots"),
    path("intel/hotspots/<int:pk>/pick/", views.pick_topic, name="pick_topic"),
    path("intel/topics/", views.monthly_topics, name="monthly_topics"),
    path("intel/topics/<int:pk>/", views.monthly_topic, name="monthly_topic"),
    path("intel/topics/<int:pk>/update/", views.update_topic, name="update_topic"),
    path("intel/seasonal/", views.seasonal_warnings, name="seasonal_warnings"),
]
