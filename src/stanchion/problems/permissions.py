"""Who may do what with problems and known errors (merged into accounts.roles).

Every IT role reads them; IT staff raise and work them; IT administrators
keep the root-cause taxonomy and the recurring-incident thresholds.
Employees do not see problems."""

EVERYONE = set()
READ = {
    f"{model}.view" for model in ("problem", "problemincident", "problemevent", "rootcausecategory")
}
WORK = READ | {
    "problem.add",
    "problem.change",
    "problem.comment",
    "problemincident.add",
    "problemincident.delete",
}
MANAGE = {"recurrencesettings.change"} | {
    f"rootcausecategory.{action}" for action in ("add", "change", "delete")
}
