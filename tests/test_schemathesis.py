"""Schema-driven fuzzing (API.md "Robustness": no request gets a 500).

Schemathesis generates requests from the OpenAPI schema (drf-spectacular) for every operation,
valid ones and ones that break the schema, and sends them to the app in-process (WSGI): one run
per role — therapist, psychiatrist, case manager, admin — with that user's real token (session
auth would trip CSRF: PITFALLS.md). The only check is that no response is a server error;
statuses and bodies are the other tests'. Bounded: ``EXAMPLES`` requests per operation and
mode, derandomized, no shrinking and no example database, so a run costs the same every time.

Path ids are the fixture's patient and goal where the path has them (else nearly every request
stops at 404); the others are whatever the generator picks.
"""

from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from knox.models import AuthToken
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

EXAMPLES = 4
ROLES = ("therapist", "psychiatrist", "case_manager", "admin")
# The token endpoint takes a password, not a token: a wrong one is a sign-in failure that
# django-axes counts and locks out on, which would then refuse the rest of the run.
# Signing out ends the token the run uses: every later request would be a 401.
SKIPPED = {("POST", "/api/v1/auth/token/"), ("POST", "/api/v1/auth/logout/")}


def _operations():
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    return [result.ok() for result in schema.get_all_operations()]


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, which (as Django's test client does) leaves the database
    connection open between requests: the test's transaction holds the fixture's data."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ROLES)
def test_no_server_error(world, wsgi_app, role):
    user = getattr(world, role)
    _, token = AuthToken.objects.create(user=user)
    headers = {"Authorization": f"Token {token}"}
    known = {"patient_id": world.patient.pk, "goal_id": world.goal.pk}
    app = wsgi_app
    operations = [op for op in _operations() if (op.method.upper(), op.path) not in SKIPPED]
    assert len(operations) > 40
    statuses: Counter[int] = Counter()
    for operation in operations:
        strategy = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES * 2,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            for name, value in known.items():
                if case.path_parameters and name in case.path_parameters:
                    case.path_parameters[name] = value
            response = case.call(app=app, headers=headers)
            statuses[response.status_code] += 1
            case.validate_response(response, checks=[not_a_server_error])

        fuzz()
    # The run reached the views: requests were carried out, and some were refused as invalid.
    assert sum(n for status, n in statuses.items() if 200 <= status < 300) > len(operations) // 2, statuses
    assert statuses[400] > len(operations) // 2, statuses
