"""Where change management plugs into the shell: its navigation. Entries
show only to roles holding their permission (every IT role reads changes;
deciders see their approvals; change approvers and IT administrators keep
templates, windows and blackouts)."""

SECTION = "Change management"


def register_nav():
    from stanchion.core.registry import NavItem, registry

    pages = [
        ("Changes", "changes:change-list", "change.view", "x"),
        ("Change calendar", "changes:calendar", "change.view", ""),
        ("My approvals", "changes:approval-inbox", "changeapproval.decide", ""),
        ("CAB meetings", "changes:cab-list", "cabmeeting.view", ""),
        ("Change templates", "changes:template-list", "changetemplate.view", ""),
        ("Maintenance windows", "changes:window-list", "maintenancewindow.view", ""),
        ("Blackouts", "changes:blackout-list", "blackout.view", ""),
    ]
    for order, (label, url_name, permission, key) in enumerate(pages, start=40):
        registry.add_nav(NavItem(label, url_name, permission, SECTION, order=order, key=key))


def register():
    register_nav()
