"""The employee catalog leads to the service desk's request form."""

from django.urls import reverse

from stanchion.accounts.roles import Role


def test_employees_get_a_request_link_and_auditors_do_not(
    make_service, make_item, make_user, web_client
):
    vpn = make_service("VPN")
    item = make_item(vpn, "VPN for a contractor")
    page = reverse("catalog:portal-service", args=[vpn.pk])
    request_url = reverse("tickets:portal-request-item", args=[item.pk])
    assert request_url == f"/help/request/{item.pk}/"

    employee = web_client(make_user(Role.REQUESTER)).get(page)
    assert employee.status_code == 200
    assert f'href="{request_url}"' in employee.content.decode()

    auditor = web_client(make_user(Role.AUDITOR)).get(page)
    assert auditor.status_code == 200
    assert request_url not in auditor.content.decode()
