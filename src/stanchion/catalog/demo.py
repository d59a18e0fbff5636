"""The demo company's service catalog: office calendars, about 25 services a
software company runs with their tiers, owners and dependencies, catalog
items with forms and fulfilment tasks, and team OLAs.

Leaves in the demo context: ``ctx["calendars"]`` ({key: BusinessCalendar}),
``ctx["services"]`` ({name: Service}) and ``ctx["catalog_items"]`` ({name: CatalogItem}).
"""

from datetime import time, timedelta

from stanchion.core.services import create_record, service

from . import services as catalog
from .defaults import ensure_defaults
from .models import BusinessCalendar, OlaPolicy, ServiceLink

H = timedelta(hours=1)
WEEKDAYS = range(5)

CALENDARS = {
    # key: (name, zone, country, subdivision, weekday hours)
    "berlin": ("Berlin office hours", "Europe/Berlin", "DE", "BE", [(time(8), time(18))]),
    "munich": ("Munich office hours", "Europe/Berlin", "DE", "BY", [(time(8), time(18))]),
    "new_york": ("New York office hours", "America/New_York", "US", "NY", [(time(8), time(18))]),
    "san_francisco": (
        "San Francisco office hours",
        "America/Los_Angeles",
        "US",
        "CA",
        [(time(8), time(12)), (time(13), time(18))],
    ),
    # The service desk follows the sun: Berlin morning to California evening.
    "follow_the_sun": ("Service desk follow-the-sun", "UTC", "", "", [(time(6), time(2))]),
}

# name: (tier, owner team, support team, calendar, depends on, portal?, description)
SERVICES = {
    "Single sign-on (Okta)": (
        "1",
        "identity",
        "identity",
        "24x7",
        ["Employee directory"],
        True,
        "Sign-in to every company application.",
    ),
    "Employee directory": (
        "1",
        "identity",
        "identity",
        "24x7",
        ["HRIS integration"],
        False,
        "Source of truth for accounts and groups.",
    ),
    "HRIS integration": (
        "2",
        "enterprise_apps",
        "enterprise_apps",
        "berlin",
        [],
        False,
        "Joiner/mover/leaver feed from the HR system.",
    ),
    "Multi-factor authentication": (
        "1",
        "identity",
        "identity",
        "24x7",
        ["Single sign-on (Okta)"],
        True,
        "Second factor for sign-in.",
    ),
    "Password manager": (
        "2",
        "identity",
        "identity",
        "follow_the_sun",
        ["Single sign-on (Okta)"],
        True,
        "Shared vaults and personal passwords.",
    ),
    "Email and calendar": (
        "1",
        "collaboration",
        "collaboration",
        "24x7",
        ["Single sign-on (Okta)"],
        True,
        "Google Workspace mail and calendar.",
    ),
    "Chat (Slack)": (
        "1",
        "collaboration",
        "collaboration",
        "24x7",
        ["Single sign-on (Okta)"],
        True,
        "Company chat and incident channels.",
    ),
    "Video conferencing": (
        "2",
        "collaboration",
        "collaboration",
        "follow_the_sun",
        ["Single sign-on (Okta)", "Office network and Wi-Fi"],
        True,
        "Zoom rooms and meetings.",
    ),
    "VPN / zero-trust access": (
        "1",
        "network",
        "network",
        "24x7",
        ["Single sign-on (Okta)", "Multi-factor authentication"],
        True,
        "Remote access to internal systems.",
    ),
    "Office network and Wi-Fi": (
        "1",
        "network",
        "network",
        "24x7",
        [],
        True,
        "Wired and wireless network in all offices.",
    ),
    "Mobile device management": (
        "2",
        "endpoint",
        "endpoint",
        "follow_the_sun",
        ["Employee directory"],
        False,
        "Jamf and Intune.",
    ),
    "Endpoint security": (
        "1",
        "security_operations",
        "security_operations",
        "24x7",
        ["Mobile device management"],
        False,
        "EDR on every laptop.",
    ),
    "Laptops and peripherals": (
        "3",
        "endpoint",
        "endpoint",
        "follow_the_sun",
        ["Mobile device management"],
        True,
        "Company laptops, monitors, docks and headsets.",
    ),
    "Printing": (
        "3",
        "endpoint",
        "service_desk_emea",
        "berlin",
        ["Office network and Wi-Fi"],
        True,
        "Office printers and scanning.",
    ),
    "Source control (GitHub)": (
        "1",
        "internal_tools",
        "internal_tools",
        "24x7",
        ["Single sign-on (Okta)"],
        True,
        "GitHub organisation.",
    ),
    "CI runners": (
        "2",
        "internal_tools",
        "internal_tools",
        "follow_the_sun",
        ["Source control (GitHub)", "Cloud accounts"],
        True,
        "Self-hosted runners.",
    ),
    "Cloud accounts": (
        "1",
        "cloud_platform",
        "cloud_platform",
        "24x7",
        ["Single sign-on (Okta)"],
        True,
        "AWS and GCP accounts and access.",
    ),
    "Backup and restore": (
        "2",
        "cloud_platform",
        "cloud_platform",
        "berlin",
        ["Cloud accounts"],
        False,
        "Backups of SaaS data and file shares.",
    ),
    "Data warehouse": (
        "2",
        "data_platform",
        "data_platform",
        "berlin",
        ["Cloud accounts"],
        True,
        "Analytics warehouse and BI access.",
    ),
    "ITSM (Stanchion)": (
        "2",
        "internal_tools",
        "service_desk_emea",
        "follow_the_sun",
        ["Single sign-on (Okta)", "Email and calendar"],
        True,
        "This system: the service desk and catalog.",
    ),
    "Wiki and documentation": (
        "3",
        "collaboration",
        "collaboration",
        "follow_the_sun",
        ["Single sign-on (Okta)"],
        True,
        "Confluence.",
    ),
    "Software licences": (
        "3",
        "asset_management",
        "asset_management",
        "berlin",
        [],
        True,
        "Requests for paid software seats.",
    ),
    "Finance applications": (
        "2",
        "enterprise_apps",
        "enterprise_apps",
        "new_york",
        ["Single sign-on (Okta)"],
        True,
        "ERP, expenses and procurement.",
    ),
    "CRM (Salesforce)": (
        "2",
        "enterprise_apps",
        "enterprise_apps",
        "new_york",
        ["Single sign-on (Okta)"],
        True,
        "Sales and customer success CRM.",
    ),
    "Security awareness training": (
        "3",
        "security_operations",
        "security_operations",
        "munich",
        [],
        True,
        "Phishing simulations and courses.",
    ),
}

LAPTOP_FORM = [
    {
        "name": "model",
        "label": "Model",
        "type": "choice",
        "required": True,
        "choices": ["MacBook Pro 14 (engineering)", "MacBook Air 13", "ThinkPad X1 Carbon"],
    },
    {
        "name": "reason",
        "label": "Reason",
        "type": "choice",
        "required": True,
        "choices": ["New joiner", "Replacement (broken)", "Replacement (end of life)"],
    },
    {"name": "needed_by", "label": "Needed by", "type": "date"},
    {"name": "accessories", "type": "multichoice", "choices": ["Dock", "Headset", "Monitor"]},
]
ACCESS_FORM = [
    {
        "name": "github_username",
        "label": "GitHub username",
        "type": "text",
        "required": True,
        "max_length": 39,
    },
    {"name": "teams", "label": "Teams to join", "type": "text", "help": "Comma-separated"},
    {"name": "justification", "type": "textarea", "required": True, "max_length": 1000},
]

# name: (service, approval, approval team, delivery, form, tasks [(stage, title, team)])
ITEMS = {
    "New laptop": (
        "Laptops and peripherals",
        "manager",
        None,
        40 * H,
        LAPTOP_FORM,
        [
            (1, "Reserve device from stock or order", "asset_management"),
            (2, "Enrol in MDM and install baseline", "endpoint"),
            (3, "Hand over and collect old device", "service_desk_emea"),
        ],
    ),
    "Access to GitHub organisation": (
        "Source control (GitHub)",
        "manager",
        None,
        8 * H,
        ACCESS_FORM,
        [(1, "Invite to organisation and teams", "internal_tools")],
    ),
    "VPN access for a contractor": (
        "VPN / zero-trust access",
        "team",
        "security_operations",
        16 * H,
        [
            {"name": "contractor_email", "type": "email", "required": True},
            {"name": "end_date", "label": "Access until", "type": "date", "required": True},
        ],
        [(1, "Create contractor account", "identity"), (1, "Grant VPN profile", "network")],
    ),
    "Software licence": (
        "Software licences",
        "manager",
        None,
        24 * H,
        [
            {"name": "product", "type": "text", "required": True},
            {"name": "seats", "type": "integer", "min": 1, "max": 50, "required": True},
        ],
        [(1, "Check licence pool and purchase", "asset_management")],
    ),
    "Shared mailbox": (
        "Email and calendar",
        "none",
        None,
        8 * H,
        [
            {"name": "address", "label": "Address wanted", "type": "text", "required": True},
            {"name": "owners", "type": "textarea", "required": True},
        ],
        [(1, "Create mailbox and delegate", "collaboration")],
    ),
    "Cloud account access": (
        "Cloud accounts",
        "team",
        "cloud_platform",
        8 * H,
        [
            {
                "name": "account",
                "type": "choice",
                "required": True,
                "choices": ["aws-prod", "aws-staging", "gcp-data"],
            },
            {
                "name": "role",
                "type": "choice",
                "required": True,
                "choices": ["read-only", "developer", "admin"],
            },
        ],
        [(1, "Grant role through SSO group", "cloud_platform")],
    ),
    "Monitor or headset": (
        "Laptops and peripherals",
        "none",
        None,
        24 * H,
        [
            {
                "name": "item",
                "type": "choice",
                "required": True,
                "choices": ["27-inch monitor", "Headset", "Webcam"],
            },
        ],
        [(1, "Ship from stock", "asset_management")],
    ),
    "Data warehouse access": (
        "Data warehouse",
        "manager",
        None,
        16 * H,
        [
            {"name": "datasets", "type": "textarea", "required": True},
        ],
        [(1, "Grant dataset roles", "data_platform")],
    ),
}

# Team OLAs: L1 acknowledges within 30 minutes; L2/L3 first response within
# 4 business hours (the KPI tables' L2/L3 target).
OLA_BY_TIER = {
    "l1": (30 * timedelta(minutes=1), 8 * H),
    "l2": (4 * H, 24 * H),
    "l3": (4 * H, 40 * H),
}


@service
def _create_catalog(ctx, *, actor):
    teams = ctx["teams"]
    ensure_defaults()
    calendars = {"24x7": BusinessCalendar.objects.get(name="24x7")}
    for key, (name, zone, country, subdivision, hours) in CALENDARS.items():
        calendars[key] = catalog.create_calendar(
            actor=actor,
            name=name,
            time_zone=zone,
            holiday_country=country,
            holiday_subdivision=subdivision,
            intervals=[(day, start, end) for day in WEEKDAYS for start, end in hours],
        )
    owners = [p for p in ctx["people"] if p.title and "Director" in p.title] or ctx["people"]
    svcs = {}
    for index, (name, (tier, owner, support, cal, _, portal, text)) in enumerate(SERVICES.items()):
        svcs[name] = catalog.create_service(
            actor=actor,
            name=name,
            tier=tier,
            owner_team=teams[owner],
            support_team=teams[support],
            calendar=calendars[cal],
            visible_in_portal=portal,
            description=text,
            business_owner=owners[index % len(owners)],
        )
    for name, (*_, needs, _, _) in SERVICES.items():
        for other in needs:
            catalog.add_dependency(svcs[name], svcs[other], actor=actor)
    create_record(
        ServiceLink,
        {
            "service": svcs["Single sign-on (Okta)"],
            "kind": "runbook",
            "title": "SSO outage runbook",
            "url": "https://wiki.northwind.example/it/runbooks/sso",
        },
    )
    items = {}
    for name, (svc, approval, approval_team, delivery, form, tasks) in ITEMS.items():
        items[name] = catalog.create_catalog_item(
            actor=actor,
            service=svcs[svc],
            name=name,
            approval=approval,
            approval_team=teams[approval_team] if approval_team else None,
            delivery_target=delivery,
            form_definition=form,
            tasks=[(stage, title, teams[team]) for stage, title, team in tasks],
        )
    office_hours = calendars["follow_the_sun"]
    for team in teams.values():
        response, resolution = OLA_BY_TIER[team.tier]
        create_record(
            OlaPolicy,
            {
                "team": team,
                "priority": "",
                "response_target": response,
                "resolution_target": resolution,
                "calendar": office_hours,
            },
        )
    return calendars, svcs, items


def create_catalog(rng, ctx, options):
    calendars, svcs, items = _create_catalog(ctx, actor=ctx.get("admin"))
    ctx.update(calendars=calendars, services=svcs, catalog_items=items)
    ctx["summary"].extend(
        [
            ("Business calendars", len(calendars)),
            ("Services", len(svcs)),
            ("Catalog items", len(items)),
        ]
    )
