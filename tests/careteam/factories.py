import factory

from careteam.models import User
from careteam.roles import Role

PASSWORD = "Correct-Horse-42!"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.THERAPIST
    password = factory.django.Password(PASSWORD)
