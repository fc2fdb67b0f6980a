import factory

from careteam.models import User
from careteam.roles import Role

PASSWORD = "Correct-Horse-42!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.THERAPIST
    password = factory.django.Password(PASSWORD)


def delivered_flag(*, patient, by, category="side_effect", severity="routine",
                   message="Tremor since the dose went up"):
    """A flag raised through the service and delivered as the worker would (tests run inside a
    transaction, so on-commit publishing does not happen by itself)."""
    from careteam import flags
    from careteam.models import OutboxMessage

    flag = flags.flag_raise(actor=by, patient=patient, category=category, severity=severity,
                            message=message)
    for outbox in OutboxMessage.objects.filter(flag=flag, delivered_at__isnull=True):
        flags.flag_event_deliver(outbox_id=outbox.pk)
    return flag
