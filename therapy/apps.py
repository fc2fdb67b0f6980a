from django.apps import AppConfig


class TherapyConfig(AppConfig):
    name = "therapy"
