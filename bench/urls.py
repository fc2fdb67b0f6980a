"""careteam.urls plus /bench/plain-patients/: a trivial 50-row DRF list, the baseline."""

from django.urls import include, path
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.permissions import IsAuthenticated

from accounts.auth import TokenAuthentication
from careteam.api_common import StandardPagination
from patients.models import Patient


class PlainPatientSerializer(serializers.ModelSerializer):
    class Meta:
        model = Patient
        fields = ["id", "status", "created_at"]


class PlainPatientList(ListAPIView):
    """No access rules, no audit: the cost of DRF + the project's token authentication + a 50-row
    page and nothing else."""

    serializer_class = PlainPatientSerializer
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]
    pagination_class = StandardPagination
    queryset = Patient.objects.order_by("id")


urlpatterns = [
    path("bench/plain-patients/", PlainPatientList.as_view(), name="bench_plain_list"),
    path("", include("careteam.urls")),
]
