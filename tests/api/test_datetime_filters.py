"""Instants in list filters, on every list that filters by time: an offset
PostgreSQL cannot take (beyond 15:59, which Python accepts) is read as the
instant it names, and an instant that does not exist in UTC is a 400 naming
the parameter; never a database error."""

import pytest

from stanchion.accounts.roles import Role

BEFORE_YEAR_ONE_IN_UTC = "0001-01-01T00:00:00+01:00"
LISTS = [
    ("/api/blackouts/", "active_from"),
    ("/api/changes/", "planned_from"),
    ("/api/cab-meetings/", "starts_after"),
    ("/api/incidents/", "created_after"),
    ("/api/audit/", "since"),
]


@pytest.mark.parametrize(("url", "parameter"), LISTS)
def test_an_instant_before_year_one_is_refused_naming_the_parameter(
    api_client, make_user, url, parameter
):
    client = api_client(make_user(Role.IT_ADMIN))
    response = client.get(url, {parameter: BEFORE_YEAR_ONE_IN_UTC})
    assert response.status_code == 400, response.content
    assert parameter in response.json()["error"]["fields"]


# Found by the schema fuzzing of the change endpoints: PostgreSQL answered
# "time zone displacement out of range" for this offset.
@pytest.mark.parametrize(("url", "parameter"), LISTS)
def test_an_offset_beyond_postgresqls_range_is_read_as_its_instant(
    api_client, make_user, url, parameter
):
    client = api_client(make_user(Role.IT_ADMIN))
    response = client.get(url, {parameter: "0058-11-03T08:19:50-18:28"})
    assert response.status_code == 200, response.content
