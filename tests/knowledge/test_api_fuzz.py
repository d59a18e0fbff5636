"""Schema fuzzing of the knowledge endpoints against real rows: no answer
may be a server error or stray from the schema."""

import pytest
from schema_fuzz import call_and_check, endpoints_schema, fuzz_settings

from stanchion.accounts import services as accounts
from stanchion.accounts.roles import Role
from stanchion.knowledge import services as kb
from stanchion.tickets import services as tickets

PREFIXES = ("articles", "article-versions", "article-feedback", "ticket-articles")
schema = endpoints_schema(PREFIXES)
ROWS = {}


@pytest.fixture
def admin_token(db, make_user, in_test_transaction):
    admin = make_user(Role.IT_ADMIN)
    person = accounts.create_person(
        actor=None, name="Ada", email="ada@example.com", employee_id="E1"
    )
    article = kb.create_article(actor=admin, title="VPN", body="Connect.", publish=True)
    feedback = kb.give_feedback(article, actor=admin, helpful=True)
    ticket = tickets.open_incident(actor=admin, requester=person, title="VPN down")
    link = kb.link_ticket(ticket, article, actor=admin)
    ROWS.update(
        {
            "articles": article.pk,
            "article-versions": article.versions.get().pk,
            "article-feedback": feedback.pk,
            "ticket-articles": link.pk,
        }
    )
    _, raw = accounts.issue_token(actor=admin, user=admin, name="fuzz", scope="write")
    return raw


@schema.parametrize()
@fuzz_settings(max_examples=6)
def test_knowledge_endpoints_never_fail_and_match_the_schema(case, admin_token):
    call_and_check(case, admin_token, ROWS)
