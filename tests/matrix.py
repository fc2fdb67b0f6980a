"""Shared vocabulary of the permission matrix (tests/test_permission_matrix.py).

An entry is (url name, method, kwargs builder, data builder, expectations): builders take the
``world`` fixture (tests/conftest.py) and may create records through services; expectations come
from ``expect``. Component apps keep their entries in tests/<app>/matrix.py.
"""

PRINCIPALS = ["therapist", "psychiatrist", "case_manager", "admin", "outsider", "anonymous"]
TEAM = ("therapist", "psychiatrist", "case_manager")
PAGE_ANON = 302  # redirect to the sign-in page
API_ANON = 401


def expect(*, team=None, admin=None, outsider=None, anonymous=None, **per_role):
    """Expected status per principal. ``team`` applies to each team role unless one is named."""
    result = dict.fromkeys(TEAM, team)
    result.update(per_role)
    result.update(admin=admin, outsider=outsider, anonymous=anonymous)
    return result
