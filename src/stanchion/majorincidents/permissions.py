"""Who may do what with major incidents (merged into accounts.roles).

Every employee reads the status page and subscribes to services; every IT
role reads major incidents and their reviews; IT staff declare and run them,
post updates and keep review actions."""

EVERYONE = {
    "majorincident.status",
    "servicesubscription.view",
    "servicesubscription.add",
    "servicesubscription.delete",
}
READ = EVERYONE | {
    f"{model}.view"
    for model in (
        "majorincident",
        "majorincidentupdate",
        "childincident",
        "postincidentreview",
        "reviewaction",
    )
}
WORK = READ | {
    "majorincident.add",
    "majorincident.change",
    "majorincidentupdate.add",
    "postincidentreview.change",
    "reviewaction.add",
    "reviewaction.change",
}
MANAGE = set()
