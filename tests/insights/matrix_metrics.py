"""Permission-matrix entries for the metrics routes (see tests/test_permission_matrix.py).

Team metrics are aggregates: every clinician sees their own caseload's figures (the outsider
sees theirs, which hold none of Jordan's records), the admin sees everyone's aggregates.
"""

from tests.matrix import API_ANON, PAGE_ANON, expect

MATRIX: list = [
    ("team_metrics", "get", None, None, expect(team=200, admin=200, outsider=200, anonymous=PAGE_ANON)),
    ("api_team_metrics", "get", None, None, expect(team=200, admin=200, outsider=200, anonymous=API_ANON)),
]
