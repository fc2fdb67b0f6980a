from django.urls import path

from . import metrics_api, metrics_views

urlpatterns = [
    path("metrics/", metrics_views.team_metrics, name="team_metrics"),
    path("api/v1/metrics/", metrics_api.TeamMetricsView.as_view(), name="api_team_metrics"),
]
