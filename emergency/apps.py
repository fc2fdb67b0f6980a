from django.apps import AppConfig


class EmergencyConfig(AppConfig):
    """Break-glass: time-limited, read-only emergency access to a patient off one's care teams."""

    name = "emergency"
