"""careteam.paging: the page and the count from one query, like Django's Paginator."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.test.utils import CaptureQueriesContext

from careteam.models import User
from careteam.paging import WindowCountPaginator, with_total
from tests.careteam.factories import UserFactory


@pytest.fixture
def five_users(db):
    for i in range(5):
        UserFactory(username=f"user{i}")
    return with_total(User.objects.order_by("username"), "username")


def test_one_query_gives_the_page_and_the_count(five_users):
    with CaptureQueriesContext(connection) as captured:
        page = WindowCountPaginator(five_users, 2).page(2)
        assert page.paginator.count == 5 and page.paginator.num_pages == 3
    assert list(page.object_list) == [("user2",), ("user3",)]
    assert page.has_next() and page.has_previous()
    assert len(captured) == 1


def test_the_last_page_and_an_empty_list(five_users):
    assert list(WindowCountPaginator(five_users, 2).page(3).object_list) == [("user4",)]
    empty = WindowCountPaginator(five_users.filter(username="nobody"), 2).page(1)
    assert empty.paginator.count == 0 and list(empty.object_list) == []


def test_a_page_past_the_end_or_not_a_number(five_users):
    with pytest.raises(EmptyPage):
        WindowCountPaginator(five_users, 2).page(4)
    with pytest.raises(EmptyPage):
        WindowCountPaginator(five_users, 2).page(0)
    with pytest.raises(PageNotAnInteger):
        WindowCountPaginator(five_users, 2).page("two")
    # get_page falls back as Django's does: past the end, the last page.
    assert list(WindowCountPaginator(five_users, 2).get_page(9).object_list) == [("user4",)]
    assert WindowCountPaginator(five_users, 2).get_page("x").number == 1
