from django.urls import path

from qinqing.liaison import views, views_activities, views_stationing

app_name = "liaison"

urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.home, name="mine"),
    path("overview/", views.overview, name="overview"),
    path("assignments/", views.assignments, name="assignments"),
    path("assignments/import/", views.assignments_import, name="assignments_import"),
    path("coverage/", views.coverage, name="coverage"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:team_id>/", views.team, name="team"),
    path("visits/", views.visits, name="visits"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:visit_id>/", views.visit, name="visit"),
    path("visits/<int:visit_id>/difficulty/", views.visit_difficulty, name="visit_difficulty"),
    path("visits/<int:visit_id>/push/", views.visit_push, name="visit_push"),
    path("photos/<str:token>/", views.photo, name="photo"),
    path("not-visited/", views.not_visited, name="not_visited"),
    path("difficulties/", views.difficulties, name="difficulties"),
    path("rounds/", views_stationing.rounds, name="rounds"),
    path("rounds/<int:round_id>/", views_stationing.round_detail, name="round"),
    path("rounds/<int:round_id>/report/", views_stationing.round_report, name="round_report"),
    path("rounds/<int:round_id>/verify/", views_stationing.verify, name="verify"),
    path("rounds/<int:round_id>/<str:action>/", views_stationing.round_move, name="round_move"),
    path(
        "verifications/<int:verification_id>/",
        views_stationing.verification_record,
        name="verification_record",
    ),
    path("stays/<int:stay_id>/", views_stationing.stay, name="stay"),
    path("stays/<int:stay_id>/check/", views_stationing.stay_check, name="stay_check"),
    path("stays/<int:stay_id>/note/", views_stationing.stay_note, name="stay_note"),
    path(
        "stays/<int:stay_id>/difficulty/", views_stationing.stay_difficulty, name="stay_difficulty"
    ),
    path("stays/<int:stay_id>/push/", views_stationing.stay_push, name="stay_push"),
    path("stays/<int:stay_id>/evidence/", views_stationing.stay_evidence, name="stay_evidence"),
    path("stays/<int:stay_id>/score/", views_stationing.stay_score, name="stay_score"),
    path("evidence/<str:token>/", views_stationing.evidence_file, name="evidence_file"),
    path("my-cadres/", views_stationing.my_cadres, name="my_cadres"),
    path("requests/", views_stationing.requests, name="requests"),
    path("requests/new/", views_stationing.request_new, name="request_new"),
    path("activities/", views_activities.activities, name="activities"),
    path("activities/<int:activity_id>/", views_activities.activity, name="activity"),
    path(
        "activities/<int:activity_id>/<str:action>/",
        views_activities.activity_action,
        name="activity_action",
    ),
    path("series/<int:series_id>/", views_activities.series, name="series"),
]
