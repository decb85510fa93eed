from django.urls import path

from qinqing.policies import views
from qinqing.policies.views.due import payouts_due

app_name = "policies"
urlpatterns = [
    path("", views.library, name="library"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("mine/", views.mine, name="mine"),
    path("notifications/<int:pk>/read/", views.read_notification, name="read_notification"),
    path("materials/", views.upload_material, name="upload_material"),
    path("items/<int:pk>/apply/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path(
        "applications/<int:pk>/<str:action>/", views.application_action, name="application_action"
    ),
    path("desk/", views.desk, name="desk"),
    path("payouts/due/", payouts_due, name="payouts_due"),
    path("documents/new/", views.document_edit, name="document_new"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/", views.document_guide, name="guide"),
    path("documents/<int:pk>/<str:action>/", views.document_status, name="document_status"),
    path("items/new/", views.item_edit, name="item_new"),
    path("items/<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<int:pk>/status/<str:action>/", views.item_status, name="item_status"),
    path("items/<int:pk>/rule/", views.rule_edit, name="rule"),
    path("items/<int:pk>/rule/import/", views.rule_import, name="rule_import"),
    path("rules/<int:pk>/export.json", views.rule_export, name="rule_export"),
    path("rules/<int:pk>/publish/", views.rule_publish, name="rule_publish"),
    path("items/<int:pk>/matches/", views.item_matches, name="matches"),
    path("items/<int:pk>/push/", views.item_push, name="push"),
    path("items/<int:pk>/batches/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/<str:action>/", views.batch_action, name="batch_action"),
    path("disbursements/<int:pk>/pay/", views.disbursement_pay, name="disbursement_pay"),
    path("runs/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
]
