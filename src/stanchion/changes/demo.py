"""The demo company's change management: a year of changes, ending now,
written through the real change services with explicit ``now=`` times, so
risk scores, conflicts, approvals, CAB decisions, timelines and the audit
trail are all real.

What it sets up first: maintenance windows for the infrastructure services
(Tuesday and Thursday evenings, in each service's calendar zone), the
year-end change freeze (a global blackout, last year's and the coming one),
a quarter-end freeze on the finance applications, standard change templates
and a CAB meeting every other Tuesday at 10:00 in Berlin.

Then about ``DEFAULT_CHANGES`` changes (option ``changes``), 70% standard,
25% normal and 5% emergency, arrive over the year on working days. Each is
a story (changes.demo_stories) run in time order with the CAB meetings: a
standard change is scheduled in its service's next free window slot, a
normal one is assessed, approved by its managers (and the CAB when its risk
is high) and scheduled a week or more ahead, an emergency one is approved
within the hour. Some fail or are rolled back; a few turn out to have caused
one of the demo's incidents and are linked to it. Steps that fall after now
never run: those changes are today's drafts, pending approvals and the
calendar's coming work.

Deterministic for a seed and a ``now``. Notifications are muted.
"""

import heapq
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from stanchion.core.services import create_record

from . import notify
from .choices import ChangeType
from .demo_stories import Desk, cab_story, change_story
from .models import Blackout, CabMeeting, Change, ChangeIncident, ChangeTemplate, MaintenanceWindow

DEFAULT_CHANGES = 120
MIX = ((ChangeType.STANDARD, 0.70), (ChangeType.NORMAL, 0.25), (ChangeType.EMERGENCY, 0.05))
BERLIN = ZoneInfo("Europe/Berlin")
# Teams whose services get the evening maintenance windows.
WINDOW_TEAMS = ("network", "identity", "collaboration", "cloud_platform", "data_platform")

TEMPLATES = (
    # name, services, duration (minutes), plan
    ("Monthly OS patching of the print servers", ("Printing",), 90,
     "Apply the month's OS updates to the print servers one at a time and reboot them."),
    ("Network switch firmware update", ("Office network and Wi-Fi",), 60,
     "Stage the vendor's firmware, update one switch stack at a time, watch the uplinks."),
    ("Add a Wi-Fi access point", ("Office network and Wi-Fi",), 45,
     "Mount and adopt the access point, apply the office's SSID profile."),
    ("Rotate the SSO signing certificate", ("Single sign-on (Okta)",), 30,
     "Publish the new certificate, switch signing to it, retire the old one after a day."),
    ("Data warehouse minor version upgrade", ("Data warehouse",), 120,
     "Upgrade the replicas, fail over, upgrade the former primary."),
    ("Refresh the CI runner image", ("CI runners",), 60,
     "Build the new runner image, roll it out to one pool, then to the rest."),
    ("Deploy an MDM configuration profile", ("Mobile device management",), 45,
     "Scope the profile to the pilot group, then to everyone."),
    ("Renew the VPN gateway TLS certificate", ("VPN / zero-trust access",), 30,
     "Install the renewed certificate on both gateways, one after the other."),
)  # fmt: skip
CHECKLIST = ["The service answers its health check", "Monitoring shows no new alerts"]


def create_change_history(rng, ctx, options):
    count = options.get("changes")
    count = DEFAULT_CHANGES if count is None else count
    now = options.get("now") or timezone.now()
    if count == 0:
        return
    start = now - timedelta(days=365)
    with notify.muted():
        desk = Desk(ctx, rng, now, start)
        desk.windows = create_windows(desk)
        desk.blackouts = create_blackouts(desk)
        desk.templates = create_templates(desk)
        plans = cab_meetings(start, now)
        desk.meetings = [at + timedelta(days=6) for at in plans]
        stories = [(at, cab_story(desk, at)) for at in plans]
        for at, change_type, linked in arrivals(rng, count, start, now, desk.incidents()):
            stories.append((at, change_story(desk, at, change_type, linked)))
        run(stories, now)
    changes = Change.objects.all()
    ctx["summary"].extend(
        [
            ("Changes", changes.count()),
            ("Changes that caused an incident", ChangeIncident.objects.count()),
            ("CAB meetings", CabMeeting.objects.count()),
        ]
    )


def run(stories, now):
    """Every story's steps in time order; a story yields the time of its
    next step and is resumed then, or never when that is after now."""
    queue = []
    for order, (at, story) in enumerate(stories):
        if at <= now:
            queue.append((at, order, story))
    heapq.heapify(queue)
    order = len(stories)
    while queue:
        _, _, story = heapq.heappop(queue)
        try:
            following = next(story)
        except StopIteration:
            continue
        if following <= now:
            order += 1
            heapq.heappush(queue, (following, order, story))


def arrivals(rng, count, start, now, incidents):
    """(time, change type, incident or None) for ``count`` changes: the mix
    exactly, on working days between 08:00 and 17:00 UTC. About one in
    twenty-five is the change behind one of the year's incidents."""
    types = []
    for change_type, share in MIX:
        types += [change_type] * round(count * share)
    types = (types + [ChangeType.STANDARD] * count)[:count]
    rng.shuffle(types)
    linked = rng.sample(incidents, min(len(incidents), max(1, count // 25)))
    result = []
    for position, change_type in enumerate(types):
        day = start + timedelta(days=rng.uniform(3, 362))
        while day.weekday() >= 5:
            day += timedelta(days=1)
        at = day.replace(hour=rng.randint(8, 16), minute=rng.choice((0, 15, 30, 45)),
                         second=0, microsecond=0)  # fmt: skip
        incident = None
        if change_type != ChangeType.EMERGENCY and linked and position % 25 == 0:
            incident = linked.pop()
            lead = timedelta(days=12 if change_type == ChangeType.NORMAL else 3)
            at = incident.created_at - lead
        if start < at <= now:
            result.append((at, change_type, incident))
    result.sort(key=lambda row: row[0])
    return result


def cab_meetings(start, now):
    """When each CAB meeting is planned (six days ahead): every other
    Tuesday at 10:00 in Berlin, from the start of the year to two weeks
    after now (the coming meeting has its agenda)."""
    day = start.astimezone(BERLIN).date()
    while day.weekday() != 1:
        day += timedelta(days=1)
    meetings = []
    while True:
        at = datetime.combine(day, time(10), tzinfo=BERLIN).astimezone(UTC)
        if at > now + timedelta(days=14):
            return meetings
        meetings.append(at - timedelta(days=6))  # the story starts by planning it
        day += timedelta(days=14)


def create_windows(desk):
    windows = {}
    for service in desk.services.values():
        if desk.team_key(service.owner_team) not in WINDOW_TEAMS or service.status != "live":
            continue
        windows[service.pk] = create_record(
            MaintenanceWindow,
            {
                "service": service,
                "name": "Evening maintenance",
                "weekdays": [1, 3],
                "start_time": time(20),
                "duration_minutes": 240,
                "created_at": desk.start,
            },
        )
    return windows


def _year_end(year):
    return (
        datetime(year, 12, 18, tzinfo=BERLIN).astimezone(UTC),
        datetime(year + 1, 1, 5, tzinfo=BERLIN).astimezone(UTC),
    )


def create_blackouts(desk):
    made = []
    for year in sorted({desk.start.year, desk.now.year}):
        begins, ends = _year_end(year)
        made.append(
            create_record(
                Blackout,
                {
                    "name": f"Year-end change freeze {year}",
                    "reason": "Finance closes the year and most of IT is away: emergencies only.",
                    "starts_at": begins,
                    "ends_at": ends,
                    "created_at": desk.start,
                },
            )
        )
    finance = [
        s for n, s in desk.services.items() if n in ("Finance applications", "CRM (Salesforce)")
    ]
    quarter = datetime(desk.now.year, 9, 24, tzinfo=BERLIN).astimezone(UTC)
    if desk.start < quarter < desk.now:
        freeze = create_record(
            Blackout,
            {
                "name": "Quarter-end close",
                "reason": "Finance closes the quarter: no changes to the finance systems.",
                "starts_at": quarter,
                "ends_at": quarter + timedelta(days=10),
                "created_at": desk.start,
            },
        )
        freeze.services.set(finance)
        made.append(freeze)
    return made


def create_templates(desk):
    templates = []
    for name, service_names, minutes, plan in TEMPLATES:
        services = [desk.services[n] for n in service_names if n in desk.services]
        if not services:
            continue
        template = create_record(
            ChangeTemplate,
            {
                "name": name,
                "description": f"Pre-approved: {plan}",
                "implementer_team": services[0].owner_team,
                "implementation_plan": plan,
                "backout_plan": "Restore the previous version or configuration from the backup.",
                "test_plan": "Check the service's health and the monitoring dashboards.",
                "validation_checklist": list(CHECKLIST),
                "expected_duration_minutes": minutes,
                "created_at": desk.start,
            },
        )
        template.services.set(services)
        templates.append(template)
    return templates


def register():
    """A year of changes, after the service desk's year (30): failures link
    to its incidents."""
    from stanchion.core.registry import registry

    registry.add_demo("changes", create_change_history, order=40)
