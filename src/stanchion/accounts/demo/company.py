"""The shape of the demo company, Northwind Cloud: offices, departments with
their share of the headcount and their job titles, and the IT teams.

Plain data, no Django: ``plan.py`` turns it into people for a given size.
"""

from dataclasses import dataclass

COMPANY_NAME = "Northwind Cloud"
EMAIL_DOMAIN = "northwind.example"
ADMIN_EMAIL = "admin@demo.stanchion.test"


@dataclass(frozen=True)
class Office:
    name: str
    time_zone: str
    country: str
    subdivision: str
    name_mix: str  # key of names.OFFICE_NAME_MIX
    region: str  # "emea" or "americas": which service desk serves it


OFFICES = (
    Office("Berlin HQ", "Europe/Berlin", "DE", "BE", "europe", "emea"),
    Office("Munich", "Europe/Berlin", "DE", "BY", "europe", "emea"),
    Office("New York", "America/New_York", "US", "NY", "us", "americas"),
    Office("San Francisco", "America/Los_Angeles", "US", "CA", "us", "americas"),
)
HQ = "Berlin HQ"

# Where people work, by office: most departments sit mostly in Germany;
# the customer-facing ones lean towards the US market.
DEFAULT_OFFICE_WEIGHTS = {"Berlin HQ": 46, "Munich": 20, "New York": 16, "San Francisco": 18}
CUSTOMER_FACING_OFFICE_WEIGHTS = {
    "Berlin HQ": 24,
    "Munich": 10,
    "New York": 40,
    "San Francisco": 26,
}

# The executive team sits mostly at headquarters.
HEAD_OFFICE_WEIGHTS = {"Berlin HQ": 60, "Munich": 10, "New York": 15, "San Francisco": 15}

# A report works at their manager's office this often; otherwise anywhere.
SAME_OFFICE_AS_MANAGER = 0.6


@dataclass(frozen=True)
class DepartmentShape:
    name: str
    share: float  # of the headcount below the CEO
    minimum: int  # people, so that a small demo still has every department
    head_title: str
    director_title: str
    manager_title: str
    ic_titles: tuple  # (title, weight) pairs
    office_weights: dict


def _dept(name, share, head, director, manager, ics, minimum=2, offices=None):
    return DepartmentShape(
        name,
        share,
        minimum,
        head,
        director,
        manager,
        tuple(ics),
        offices or DEFAULT_OFFICE_WEIGHTS,
    )


IT_DEPARTMENT = "IT"
CEO_DEPARTMENT = "Operations"
CEO_TITLE = "Chief Executive Officer"

DEPARTMENTS = (
    _dept(
        "Engineering",
        0.355,
        "VP of Engineering",
        "Director of Engineering",
        "Engineering Manager",
        [
            ("Software Engineer", 30),
            ("Senior Software Engineer", 26),
            ("Staff Software Engineer", 6),
            ("Frontend Engineer", 10),
            ("Site Reliability Engineer", 8),
            ("QA Engineer", 6),
            ("Mobile Engineer", 5),
            ("Principal Engineer", 2),
        ],
    ),
    _dept(
        "Product",
        0.06,
        "VP of Product",
        "Director of Product Management",
        "Group Product Manager",
        [
            ("Product Manager", 8),
            ("Senior Product Manager", 4),
            ("Product Designer", 6),
            ("UX Researcher", 2),
            ("Technical Writer", 2),
        ],
    ),
    _dept(
        "Sales",
        0.14,
        "Chief Revenue Officer",
        "Regional Sales Director",
        "Sales Manager",
        [
            ("Account Executive", 12),
            ("Enterprise Account Executive", 5),
            ("Sales Development Representative", 8),
            ("Solutions Engineer", 5),
            ("Sales Operations Analyst", 2),
        ],
        offices=CUSTOMER_FACING_OFFICE_WEIGHTS,
    ),
    _dept(
        "Marketing",
        0.065,
        "VP of Marketing",
        "Director of Marketing",
        "Marketing Manager",
        [
            ("Product Marketing Manager", 4),
            ("Content Marketing Specialist", 4),
            ("Demand Generation Specialist", 4),
            ("Marketing Operations Analyst", 2),
            ("Brand Designer", 2),
            ("Events Coordinator", 1),
        ],
        offices=CUSTOMER_FACING_OFFICE_WEIGHTS,
    ),
    _dept(
        "Customer Success",
        0.10,
        "VP of Customer Success",
        "Director of Customer Support",
        "Customer Success Manager Lead",
        [
            ("Customer Success Manager", 8),
            ("Support Engineer", 10),
            ("Technical Account Manager", 4),
            ("Implementation Consultant", 3),
        ],
        offices=CUSTOMER_FACING_OFFICE_WEIGHTS,
    ),
    _dept(
        "Finance",
        0.04,
        "Chief Financial Officer",
        "Financial Controller",
        "Accounting Manager",
        [
            ("Accountant", 4),
            ("Financial Analyst", 4),
            ("Payroll Specialist", 2),
            ("Procurement Specialist", 2),
            ("Billing Specialist", 2),
        ],
    ),
    _dept(
        "People",
        0.035,
        "Chief People Officer",
        "Director of People Operations",
        "HR Business Partner Lead",
        [
            ("HR Business Partner", 3),
            ("Recruiter", 5),
            ("People Operations Specialist", 3),
            ("Learning and Development Specialist", 1),
        ],
    ),
    _dept(
        "Legal",
        0.015,
        "General Counsel",
        "Deputy General Counsel",
        "Legal Operations Manager",
        [
            ("Corporate Counsel", 3),
            ("Privacy Counsel", 1),
            ("Paralegal", 2),
            ("Contracts Manager", 2),
        ],
    ),
    _dept(
        IT_DEPARTMENT,
        0.07,
        "VP of IT",
        "Director of IT Operations",
        "IT Operations Manager",
        [("IT Systems Engineer", 1)],  # IT titles come from the teams (below)
        minimum=10,
    ),
    _dept(
        "Security",
        0.03,
        "Chief Information Security Officer",
        "Director of Security Engineering",
        "Security Engineering Manager",
        [
            ("Security Engineer", 4),
            ("Application Security Engineer", 3),
            ("GRC Analyst", 2),
            ("Security Architect", 1),
        ],
    ),
    _dept(
        "Data",
        0.05,
        "VP of Data",
        "Director of Data Engineering",
        "Analytics Manager",
        [
            ("Data Engineer", 5),
            ("Data Analyst", 5),
            ("Data Scientist", 3),
            ("Analytics Engineer", 3),
            ("Machine Learning Engineer", 2),
        ],
    ),
    _dept(
        CEO_DEPARTMENT,
        0.035,
        "Chief Operating Officer",
        "Director of Business Operations",
        "Workplace Manager",
        [
            ("Business Operations Analyst", 3),
            ("Office Manager", 2),
            ("Executive Assistant", 2),
            ("Facilities Coordinator", 2),
            ("Travel Coordinator", 1),
        ],
    ),
)

# Span of control: people managers have about this many direct reports.
SPAN = 7
# A department head with more managers than this gets directors in between.
MAX_MANAGERS_UNDER_HEAD = 7


@dataclass(frozen=True)
class TeamShape:
    key: str  # stable handle for later demo steps: ctx["teams"][key]
    name: str
    tier: str  # SupportTier value
    weight: int  # share of the IT agents whose main team this is
    lead_title: str
    agent_titles: tuple
    description: str
    region: str | None = None  # serves one region: its people sit there


TEAMS = (
    TeamShape(
        "service_desk_emea",
        "Service Desk EMEA",
        "l1",
        7,
        "Service Desk Lead",
        ("IT Support Specialist", "Service Desk Analyst"),
        "First line for Berlin and Munich: calls, chat, walk-ins, triage.",
        region="emea",
    ),
    TeamShape(
        "service_desk_americas",
        "Service Desk Americas",
        "l1",
        6,
        "Service Desk Lead",
        ("IT Support Specialist", "Service Desk Analyst"),
        "First line for New York and San Francisco: calls, chat, walk-ins, triage.",
        region="americas",
    ),
    TeamShape(
        "endpoint",
        "Endpoint & Devices",
        "l2",
        4,
        "Endpoint Engineering Lead",
        ("Endpoint Engineer", "Desktop Support Engineer"),
        "Laptops, mobile devices, MDM, imaging, patching of end-user devices.",
    ),
    TeamShape(
        "identity",
        "Identity & Access",
        "l2",
        4,
        "Identity & Access Manager",
        ("Identity Engineer", "IAM Analyst"),
        "SSO, MFA, directory, joiner/mover/leaver provisioning, access reviews.",
    ),
    TeamShape(
        "network",
        "Network",
        "l2",
        3,
        "Network Engineering Manager",
        ("Network Engineer",),
        "Office LAN and Wi-Fi, VPN, firewalls, SD-WAN between the offices.",
    ),
    TeamShape(
        "collaboration",
        "Collaboration Tools",
        "l2",
        3,
        "Collaboration Services Lead",
        ("Collaboration Engineer", "Systems Administrator"),
        "Email, calendar, chat, video conferencing, wiki and their integrations.",
    ),
    TeamShape(
        "cloud_platform",
        "Infrastructure & Cloud Platform",
        "l3",
        5,
        "Systems Engineering Manager",
        ("Cloud Platform Engineer", "IT Systems Engineer", "Senior IT Systems Engineer"),
        "Cloud accounts, compute, storage, backups and the internal platform.",
    ),
    TeamShape(
        "security_operations",
        "Security Operations",
        "l2",
        4,
        "Security Operations Lead",
        ("Security Operations Analyst", "Detection Engineer"),
        "Alert triage, EDR, vulnerability follow-up, security incidents.",
    ),
    TeamShape(
        "data_platform",
        "Database & Data Platform",
        "l3",
        3,
        "Data Platform Lead",
        ("Database Administrator", "Data Platform Engineer"),
        "Internal databases, the warehouse and its pipelines, database access.",
    ),
    TeamShape(
        "enterprise_apps",
        "Enterprise Applications",
        "l2",
        3,
        "Enterprise Applications Manager",
        ("Business Systems Analyst", "Salesforce Administrator", "ERP Analyst"),
        "CRM, ERP, HRIS and finance systems: configuration, access, integrations.",
    ),
    TeamShape(
        "internal_tools",
        "Internal Tools",
        "l3",
        3,
        "Internal Tools Lead",
        ("Automation Engineer", "Software Engineer, Internal Tools"),
        "Automation, scripts and integrations that keep IT self-service.",
    ),
    TeamShape(
        "asset_management",
        "IT Procurement & Asset Management",
        "l2",
        2,
        "IT Asset Manager",
        ("IT Asset Coordinator", "Software Licence Analyst"),
        "Hardware purchasing, asset records, licences, vendor renewals.",
    ),
)

MIN_TEAM_AGENTS = 3
MAX_TEAM_AGENTS = 8

# The departments whose (ordinary) employees get the requester logins.
REQUESTER_DEPARTMENTS = (
    "Sales",
    "Engineering",
    "Marketing",
    "Customer Success",
    "Finance",
    "People",
)

EMPLOYMENT_STATUS_RATES = {"pre_hire": 0.02, "on_leave": 0.03, "terminated": 0.02}
