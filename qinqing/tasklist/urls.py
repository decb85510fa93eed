from django.urls import path

from qinqing.tasklist import views, views_findings

app_name = "tasklist"

urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.mine, name="mine"),
    path("indicators/setup/", views.indicators_setup, name="indicators_setup"),
    path("indicators/<int:indicator_id>/", views.indicator, name="indicator"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:task_id>/", views.task, name="task"),
    path("tasks/<int:task_id>/report/", views.task_report, name="task_report"),
    path("tasks/<int:task_id>/comment/", views.task_comment, name="task_comment"),
    path("tasks/<int:task_id>/cancel/", views.task_cancel, name="task_cancel"),
    path("evidence/<str:token>/", views.evidence, name="evidence"),
    path("import/", views.import_tasks, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("monthly/", views.monthly_report, name="monthly"),
    path("findings/", views_findings.findings, name="findings"),
    path("findings/new/", views_findings.finding_new, name="finding_new"),
    path("findings/<int:finding_id>/", views_findings.finding, name="finding"),
    path(
        "findings/<int:finding_id>/<str:action>/",
        views_findings.finding_action,
        name="finding_action",
    ),
]
