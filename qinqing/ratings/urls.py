from django.urls import path

from qinqing.ratings import views

app_name = "ratings"
urlpatterns = [
    path("", views.rating_list, name="list"),
    path("figures/", views.figures, name="figures"),
    path("services/", views.service_list, name="services"),
    path("mine/", views.my_events, name="mine"),
    path("<int:pk>/", views.rating_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.rating_action, name="action"),
    path("events/<int:pk>/rate/", views.rate_event, name="rate"),
    path("events/<int:pk>/phone/", views.phone_rating, name="phone"),
    path("events/<int:pk>/qr.svg", views.event_qr, name="event_qr"),
    path("r/<str:token>/", views.rate_by_token, name="token"),
    path("w/<str:token>/", views.rate_at_window, name="window"),
    path("points/", views.points, name="points"),
    path("points/<int:pk>/qr.svg", views.point_qr, name="point_qr"),
    path("observers/", views.observers, name="observers"),
    path("observe/", views.observe, name="observe"),
    path("observations/<int:pk>/appeal/", views.observation_to_appeal, name="observation_appeal"),
]
