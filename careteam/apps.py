from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CareTeamConfig(AppConfig):
    name = "careteam"
    verbose_name = "CareTeam core"

    def ready(self) -> None:
        from . import services

        # After every migrate (and test-database flush): make each role's group hold exactly
        # the permissions the table in careteam/roles.py gives it.
        post_migrate.connect(services.role_groups_sync_on_migrate, dispatch_uid="role-groups")
