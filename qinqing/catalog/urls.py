from django.urls import path

from qinqing.catalog import downloads, views

app_name = "catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("guide/", views.guide, name="guide"),
    path("items/<str:code>/", views.item_detail, name="item"),
    path("items/<str:code>/apply/", views.item_apply, name="apply"),
    path("bundles/<slug:code>/", views.bundle_detail, name="bundle"),
    path("bundle-applications/<int:pk>/", views.bundle_application, name="bundle_application"),
    path("matters/mine/", views.mine, name="mine"),
    path("matters/worklist/", views.worklist, name="worklist"),
    path("matters/<int:pk>/", views.matter_detail, name="matter"),
    path("matters/<int:pk>/act/<str:action>/", views.matter_act, name="act"),
    path(
        "matters/<int:pk>/materials/<int:row>/file/",
        downloads.material_file,
        name="material_file",
    ),
    path("certificates/", views.certificates, name="certificates"),
    path("certificates/<int:pk>/file/", downloads.certificate_file, name="certificate_file"),
    path("figures/", views.figures_page, name="figures"),
    path("watch/", views.watch, name="watch"),
    path("watch/<int:pk>/explain/", views.explain_flag, name="explain_flag"),
    path("import/", views.import_page, name="import"),
]
