"""Who may do what with the knowledge base (merged into accounts.roles).

Employees read the articles written for them and say whether one helped;
IT reads all (versions, reviews, feedback, ticket links), writes and reviews
articles and links the one that resolved a ticket; IT administrators
delete."""

EVERYONE = {"article.view", "articlefeedback.add"}
# Auditors read everything and write nothing, not even feedback.
READ = {"article.view"} | {
    f"{model}.view"
    for model in ("articleversion", "articlereview", "articlefeedback", "ticketarticle")
}
WORK = READ | {
    "articlefeedback.add",
    "article.add",
    "article.change",
    "article.review",
    "ticketarticle.add",
    "ticketarticle.delete",
}
MANAGE = {"article.delete"}
