"""The "Knowledge" card on the agent's ticket page: articles that may
resolve the ticket (its title and description, its service and category),
the ones linked as used to resolve it, and the buttons to link or unlink.

Rendered for every render of the ticket workspace (core.registry
``add_ticket_panel``), so it keeps to at most four queries, however many
articles there are: the ticket's links, the matching articles, which of
those are about the ticket's service or category, and the others about them
that fill up the five."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.views import View

from stanchion.accounts.roles import has_perm
from stanchion.core.views import PermissionRequiredMixin

from . import search, services
from .models import Article, TicketArticle
from .querysets import reads_everything

SUGGESTIONS = 5


def suggestions_for(ticket, user, *, exclude=()):
    """Published articles the viewer may see, best first: those matching the
    ticket's words, the ones on its service or category ahead of the rest;
    then, to fill up, others on its service or category."""
    published = Article.objects.visible_to(user).published().exclude(pk__in=list(exclude))
    related = Q()
    if ticket.category_id:
        related |= Q(categories=ticket.category_id)
    if ticket.service_id:
        related |= Q(services=ticket.service_id)
    text = f"{ticket.title} {ticket.description[:500]}"
    matched = list(search.suggest(published, text)[: SUGGESTIONS * 2])
    if related and matched:
        close = set(
            Article.objects.filter(related, pk__in=[a.pk for a in matched]).values_list(
                "pk", flat=True
            )
        )
        matched.sort(key=lambda article: article.pk not in close)
    found = matched[:SUGGESTIONS]
    if len(found) < SUGGESTIONS and related:
        seen = [a.pk for a in found]
        found += list(
            published.filter(related)
            .exclude(pk__in=seen)
            .distinct()
            .order_by("-updated_at")[: SUGGESTIONS - len(found)]
        )
    return found


def ticket_panel(request, ticket):
    user = request.user
    if not reads_everything(user) or not has_perm(user, "ticketarticle.view"):
        return ""
    links = list(
        TicketArticle.objects.visible_to(user)
        .filter(ticket=ticket)
        .select_related("article", "linked_by")
        .order_by("created_at")
    )
    linked = [link.article_id for link in links]
    return render_to_string(
        "knowledge/ticket_panel.html",
        {
            "ticket": ticket,
            "links": links,
            "suggestions": suggestions_for(ticket, user, exclude=linked),
            "can_link": has_perm(user, "ticketarticle.add"),
            "can_unlink": has_perm(user, "ticketarticle.delete"),
        },
        request=request,
    )


class TicketLinkView(PermissionRequiredMixin, View):
    """Link the article used to resolve a ticket (by its number)."""

    permission = "ticketarticle.add"

    def post(self, request, number):
        from stanchion.tickets.models import Ticket

        ticket = get_object_or_404(Ticket.objects.visible_to(request.user), number=number)
        wanted = (request.POST.get("article") or "").strip().upper()
        article = Article.objects.visible_to(request.user).filter(number=wanted).first()
        if not wanted:
            messages.error(request, "Article: give the number of the article (KB-000123).")
        elif article is None:
            messages.error(request, f"Article: there is no article {wanted}.")
        else:
            try:
                services.link_ticket(ticket, article, actor=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(f"Article: {m}" for m in error.messages))
            else:
                messages.success(request, f"{article.number} linked to {ticket.number}.")
        return redirect("tickets:ticket", ticket.number)


class TicketUnlinkView(PermissionRequiredMixin, View):
    permission = "ticketarticle.delete"

    def post(self, request, number, pk):
        link = get_object_or_404(
            TicketArticle.objects.visible_to(request.user).select_related("ticket", "article"),
            pk=pk,
            ticket__number=number,
        )
        services.unlink_ticket(link, actor=request.user)
        messages.success(request, f"{link.article.number} unlinked from {number}.")
        return redirect("tickets:ticket", number)
