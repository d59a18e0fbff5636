"""What the demo company's tickets are about: incident topics (category,
service, the words people and agents use, who second line is) and how often
each catalog item is requested, with valid answers for its form."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    category: str
    subcategory: str
    service: str  # a demo service name (catalog.demo.SERVICES)
    weight: int
    escalation: float  # share that first line hands to second line
    escalate_to: str  # team key
    bounce: tuple  # team keys a ticket is wrongly sent to before coming back
    titles: tuple
    descriptions: tuple
    replies: tuple = (
        "Thanks for reporting this, I am looking into it now.",
        "Thanks, we are on it. I will update you here.",
        "Hi, I have picked this up and will get back to you shortly.",
    )
    notes: tuple = ("Checked the logs, nothing obvious yet.",)
    requester: tuple = ("It happens every morning, screenshot attached.",)
    resolutions: tuple = ("Fixed, please let us know if it happens again.",)


INCIDENT_TOPICS = (
    Topic(
        "Access",
        "Password and sign-in",
        "Single sign-on (Okta)",
        14,
        0.15,
        "identity",
        ("collaboration",),
        (
            "Locked out of Okta",
            "Password reset link never arrives",
            "Okta says my account is suspended",
            "Sign-in loop on the Okta dashboard",
        ),
        (
            "I changed my password this morning and now every app asks me to sign in again and "
            "then fails.",
            "Okta shows 'account locked' after I typed my password once.",
            "The reset e-mail does not arrive, I checked spam.",
        ),
        notes=(
            "Account was locked by too many attempts from an old phone mail client.",
            "Okta system log shows the password sync from the directory is delayed.",
        ),
        resolutions=(
            "Unlocked the account and removed the stale session on the old phone.",
            "Reset the password and re-synced the directory profile.",
        ),
    ),  # fmt: skip
    Topic(
        "Access",
        "Multi-factor authentication",
        "Multi-factor authentication",
        6,
        0.2,
        "identity",
        ("endpoint",),
        (
            "New phone, need to re-enrol MFA",
            "MFA push notifications not arriving",
            "Lost my security key",
        ),
        (
            "I got a new phone and can no longer approve sign-ins.",
            "Push notifications from Okta Verify stopped arriving since yesterday.",
        ),
        resolutions=(
            "Reset the MFA factors; the user enrolled the new phone.",
            "Issued a temporary bypass code and a new security key.",
        ),
    ),  # fmt: skip
    Topic(
        "Access",
        "Permissions",
        "Cloud accounts",
        5,
        0.6,
        "cloud_platform",
        ("identity",),
        (
            "Access denied in the AWS console",
            "Lost access to the staging account",
            "Cannot assume the developer role",
        ),
        (
            "Since this morning I get AccessDenied when I switch to the staging account.",
            "The SSO tile for AWS shows no roles for me.",
        ),
        notes=("Group mapping in the SSO app was changed by the last access review.",),
        resolutions=("Restored the group mapping for the developer role.",),
    ),  # fmt: skip
    Topic(
        "Hardware",
        "Laptop",
        "Laptops and peripherals",
        11,
        0.35,
        "endpoint",
        ("asset_management",),
        (
            "Laptop battery drains in two hours",
            "Laptop will not boot after the update",
            "Keyboard keys sticking",
            "Laptop fan very loud and hot",
            "Screen flickers",
        ),
        (
            "The battery goes from full to empty in about two hours, even when idle.",
            "After last night's update the laptop shows a black screen with a cursor.",
            "Several keys need to be pressed twice.",
        ),
        notes=(
            "Battery health at 61 %, under the replacement threshold.",
            "Booted into recovery: the update left a broken kernel extension.",
        ),
        resolutions=(
            "Replaced the battery under warranty.",
            "Reinstalled the OS update from recovery; data untouched.",
            "Swapped the laptop for a spare from stock.",
        ),
    ),  # fmt: skip
    Topic(
        "Hardware",
        "Peripherals",
        "Laptops and peripherals",
        6,
        0.2,
        "endpoint",
        ("asset_management",),
        (
            "Docking station does not detect the second monitor",
            "Headset microphone not working in Zoom",
            "Webcam not found",
        ),
        (
            "Only one of my two monitors works on the dock since Monday.",
            "People cannot hear me on calls with my headset.",
        ),
        resolutions=("Updated the dock firmware; both monitors work.", "Replaced the headset."),
    ),  # fmt: skip
    Topic(
        "Hardware",
        "Printer",
        "Printing",
        4,
        0.3,
        "endpoint",
        ("network",),
        (
            "Printer on the third floor is offline",
            "Cannot add the office printer",
            "Scans to e-mail never arrive",
        ),
        (
            "The printer next to the kitchen shows offline for everyone.",
            "My laptop does not find the printer when I try to add it.",
        ),
        resolutions=("Restarted the print server queue and cleared a stuck job.",),
    ),  # fmt: skip
    Topic(
        "Software",
        "Installation",
        "Mobile device management",
        6,
        0.4,
        "endpoint",
        ("internal_tools",),
        (
            "Cannot install Docker Desktop from Self Service",
            "Self Service app is empty",
            "IDE installation fails",
        ),
        (
            "The install from Self Service stops at 80 % with an error.",
            "Self Service shows no apps at all.",
        ),
        resolutions=("Re-enrolled the laptop in MDM; Self Service works again.",),
    ),  # fmt: skip
    Topic(
        "Software",
        "Crash or error",
        "Video conferencing",
        5,
        0.25,
        "collaboration",
        ("endpoint",),
        (
            "Zoom crashes when sharing the screen",
            "No audio in Zoom meetings",
            "Zoom room display stuck on update",
        ),
        (
            "Zoom closes as soon as I share my screen.",
            "The Zoom room in Spree shows 'updating' since this morning.",
        ),
        resolutions=("Granted screen recording permission and updated Zoom.",),
    ),  # fmt: skip
    Topic(
        "Network",
        "VPN",
        "VPN / zero-trust access",
        9,
        0.4,
        "network",
        ("identity",),
        (
            "VPN disconnects every few minutes",
            "Cannot reach the internal wiki over VPN",
            "VPN client says certificate expired",
        ),
        (
            "The VPN connects and drops again after a few minutes, from home.",
            "Everything internal times out when I am on the VPN.",
        ),
        notes=("Client logs show the handshake timing out against the Frankfurt gateway.",),
        resolutions=(
            "Moved the user to the new gateway profile.",
            "Renewed the device certificate.",
        ),
    ),  # fmt: skip
    Topic(
        "Network",
        "Wi-Fi",
        "Office network and Wi-Fi",
        6,
        0.5,
        "network",
        ("endpoint",),
        (
            "Wi-Fi drops in meeting room Spree",
            "Very slow Wi-Fi on the 4th floor",
            "Cannot join the guest Wi-Fi",
        ),
        ("The Wi-Fi keeps dropping during calls in the Spree room.",),
        resolutions=("Replaced a faulty access point.",),
    ),  # fmt: skip
    Topic(
        "Email & calendar",
        "Mail delivery",
        "Email and calendar",
        6,
        0.3,
        "collaboration",
        ("security_operations",),
        (
            "E-mails to a customer bounce",
            "Not receiving external e-mail",
            "Mail stuck in the outbox",
        ),
        ("Mails to our customer Contoso bounce with 550.",),
        resolutions=("The customer's server rejected our new IP; SPF record updated.",),
    ),  # fmt: skip
    Topic(
        "Email & calendar",
        "Calendar",
        "Email and calendar",
        4,
        0.2,
        "collaboration",
        (),
        ("Meeting invites show the wrong time zone", "Cannot see a colleague's calendar"),
        ("All invites from New York appear one hour off.",),
        resolutions=("Corrected the calendar time zone setting.",),
    ),  # fmt: skip
    Topic(
        "Collaboration",
        "Chat",
        "Chat (Slack)",
        4,
        0.2,
        "collaboration",
        (),
        ("Slack notifications stopped", "Cannot join a shared Slack channel"),
        ("Slack does not notify me any more, on desktop or phone.",),
        resolutions=("Reset notification settings and reinstalled the desktop app.",),
    ),  # fmt: skip
    Topic(
        "Development tools",
        "Source control",
        "Source control (GitHub)",
        4,
        0.6,
        "internal_tools",
        ("identity",),
        (
            "GitHub SSO asks me to re-authorise every hour",
            "Pushes rejected by branch protection",
            "Lost access to a repository",
        ),
        ("Every hour GitHub asks me to re-authorise the SSO session.",),
        resolutions=("Fixed the SAML session lifetime for the organisation.",),
    ),  # fmt: skip
    Topic(
        "Development tools",
        "CI",
        "CI runners",
        4,
        0.7,
        "internal_tools",
        ("cloud_platform",),
        ("CI jobs stuck in queued", "Runners out of disk space"),
        ("Our pipelines wait in 'queued' for more than 30 minutes.",),
        resolutions=("Scaled the runner pool and cleaned the build cache.",),
    ),  # fmt: skip
    Topic(
        "Business applications",
        "CRM",
        "CRM (Salesforce)",
        3,
        0.6,
        "enterprise_apps",
        (),
        ("Salesforce report shows no data", "Cannot log in to Salesforce"),
        ("My pipeline report is empty since the weekend.",),
        resolutions=("Restored the report's sharing settings.",),
    ),  # fmt: skip
    Topic(
        "Business applications",
        "Finance",
        "Finance applications",
        3,
        0.6,
        "enterprise_apps",
        (),
        ("Expense report cannot be submitted", "Purchase order approval stuck"),
        ("Submitting my expenses fails with 'approver not found'.",),
        resolutions=("Fixed the approver chain after the org change.",),
    ),  # fmt: skip
    Topic(
        "Business applications",
        "Data warehouse",
        "Data warehouse",
        2,
        0.7,
        "data_platform",
        (),
        ("Dashboard queries time out", "Missing yesterday's data in the warehouse"),
        ("The revenue dashboard times out since this morning.",),
        resolutions=("Re-ran the failed load job and added an index.",),
    ),  # fmt: skip
    Topic(
        "Security",
        "Phishing",
        "Endpoint security",
        4,
        0.7,
        "security_operations",
        (),
        ("Suspicious e-mail asking for my password", "Clicked a link in a phishing mail"),
        ("I got an e-mail from 'IT' asking me to confirm my password on a strange site.",),
        notes=("Mail purged from all mailboxes; sender domain blocked.",),
        resolutions=("Reported and purged; no credentials were entered.",),
    ),  # fmt: skip
)

OUTAGE_TOPICS = (
    Topic(
        "Network",
        "VPN",
        "VPN / zero-trust access",
        0,
        1,
        "network",
        (),
        ("VPN down", "Cannot connect to VPN", "VPN not working for anyone"),
        ("The VPN fails to connect, colleagues have the same problem.",),
        resolutions=("Gateway cluster restarted after a failed certificate rotation.",),
    ),  # fmt: skip
    Topic(
        "Access",
        "Password and sign-in",
        "Single sign-on (Okta)",
        0,
        1,
        "identity",
        (),
        ("Okta down", "Cannot sign in to anything", "SSO error 500"),
        ("Every sign-in fails with an error page.",),
        resolutions=("Identity provider incident resolved; sessions restored.",),
    ),  # fmt: skip
    Topic(
        "Email & calendar",
        "Mail delivery",
        "Email and calendar",
        0,
        1,
        "collaboration",
        (),
        ("E-mail not arriving", "Outlook disconnected", "Mail delayed by hours"),
        ("No e-mail has arrived for an hour.",),
        resolutions=("Mail routing connector fixed; the backlog was delivered.",),
    ),  # fmt: skip
    Topic(
        "Network",
        "Wi-Fi",
        "Office network and Wi-Fi",
        0,
        1,
        "network",
        (),
        ("No Wi-Fi in the office", "Office network down", "Wi-Fi connected, no internet"),
        ("Nobody on our floor has internet.",),
        resolutions=("Core switch replaced after a power supply failure.",),
    ),  # fmt: skip
)

REQUEST_WEIGHTS = {
    "New laptop": 10,
    "Access to GitHub organisation": 14,
    "VPN access for a contractor": 5,
    "Software licence": 14,
    "Shared mailbox": 6,
    "Cloud account access": 10,
    "Monitor or headset": 18,
    "Data warehouse access": 8,
}

PRODUCTS = ("Figma", "JetBrains All Products", "Adobe Acrobat Pro", "Miro", "Postman")


def answers_for(item_name, rng, person, needed_by):
    """Valid answers to the item's form (catalog.demo.ITEMS)."""
    handle = person.email.split("@")[0].replace(".", "-")[:39]
    if item_name == "New laptop":
        return {
            "model": rng.choice(["MacBook Pro 14 (engineering)", "MacBook Air 13",
                                 "ThinkPad X1 Carbon"]),
            "reason": rng.choice(["New joiner", "Replacement (broken)",
                                  "Replacement (end of life)"]),
            "needed_by": needed_by.isoformat(),
            "accessories": rng.sample(["Dock", "Headset", "Monitor"], rng.randint(0, 2)),
        }  # fmt: skip
    if item_name == "Access to GitHub organisation":
        return {
            "github_username": handle,
            "teams": "platform, web",
            "justification": "I joined the team and need to push to our repositories.",
        }
    if item_name == "VPN access for a contractor":
        return {"contractor_email": f"contractor.{handle}@partner.example",
                "end_date": needed_by.isoformat()}  # fmt: skip
    if item_name == "Software licence":
        return {"product": rng.choice(PRODUCTS), "seats": rng.choice([1, 1, 1, 2, 5])}
    if item_name == "Shared mailbox":
        return {"address": f"team-{handle[:20]}@northwind.example", "owners": person.email}
    if item_name == "Cloud account access":
        return {
            "account": rng.choice(["aws-prod", "aws-staging", "gcp-data"]),
            "role": rng.choice(["read-only", "developer", "developer", "admin"]),
        }
    if item_name == "Monitor or headset":
        return {"item": rng.choice(["27-inch monitor", "Headset", "Webcam"])}
    if item_name == "Data warehouse access":
        return {"datasets": "sales.orders, finance.invoices (read)"}
    return {}
