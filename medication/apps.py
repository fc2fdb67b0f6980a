from django.apps import AppConfig


class MedicationConfig(AppConfig):
    name = "medication"
