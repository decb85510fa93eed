from django.urls import path

from qinqing.appeals import views

app_name = "appeals"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("intake/", views.intake, name="intake"),
    path("intake/enterprises/", views.enterprise_lookup, name="enterprise_lookup"),
    path("intake/suggest/", views.suggest, name="suggest"),
    path("worklist/", views.worklist, name="worklist"),
    path("board/", views.board, name="board"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/export.xlsx", views.ledger_export, name="ledger_export"),
    path("extensions/<int:pk>/decide/", views.decide_extension, name="decide_extension"),
    path("attachments/<str:token>/", views.attachment, name="attachment"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
]
