from django.urls import path

from qinqing.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.registry, name="registry"),
    path("mine/", views.mine, name="mine"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:job_id>/", views.import_job, name="import_job"),
    path("imports/template/<str:kind>.<str:fmt>", views.import_template, name="import_template"),
    path("warnings/", views.warnings, name="warnings"),
    path("warnings/<int:warning_id>/handle/", views.warning_handle, name="warning_handle"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<int:request_id>/review/", views.correction_review, name="correction_review"),
    path("pools/stays/<int:stay_id>/exit/", views.pool_exit, name="pool_exit"),
    path("<str:uscc>/", views.detail, name="detail"),
    path("<str:uscc>/correct/", views.correct, name="correct"),
    path("<str:uscc>/pools/", views.pool_enter, name="pool_enter"),
    path("<str:uscc>/tags/", views.tags, name="tags"),
    path("<str:uscc>/qualifications/", views.qualification_add, name="qualification_add"),
]
