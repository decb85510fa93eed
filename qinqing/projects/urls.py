from django.urls import path

from qinqing.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.pool, name="pool"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.project_new, name="new"),
    path("figures/", views.figures_page, name="figures"),
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/<int:item_id>/edit/", views.schedule_edit, name="schedule_edit"),
    path("schedule/<int:item_id>/move/", views.schedule_move, name="schedule_move"),
    path("schedule/<int:item_id>/escalate/", views.schedule_escalate, name="schedule_escalate"),
    path("<int:project_id>/", views.project, name="project"),
    path("<int:project_id>/edit/", views.project_edit, name="edit"),
    path("<int:project_id>/link/", views.link_matter, name="link"),
    path("<int:project_id>/schedule/new/", views.schedule_new, name="schedule_new"),
]
