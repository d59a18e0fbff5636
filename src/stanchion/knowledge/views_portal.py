"""Knowledge in the employee portal: search and read the published articles
written for employees, say whether one helped, and the suggestions shown
while reporting a problem. IT-only articles and drafts are never shown
here, to anyone: the portal is what employees see.

Opening an article (from the list or from a suggestion) is recorded in the
browser session's knowledge session (models.KnowledgeSession), which the
deflection KPI reads."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from stanchion.core.views import PermissionRequiredMixin

from . import search, services
from .forms import FeedbackForm
from .models import Article, ArticleFeedback

PAGE_SIZE = 20
SUGGESTIONS = 5


def employee_articles(user):
    return Article.objects.visible_to(user).for_employees()


class PortalKnowledgeMixin(PermissionRequiredMixin):
    permission = "article.view"


class PortalArticleListView(PortalKnowledgeMixin, View):
    def get(self, request):
        query = request.GET.get("q", "")[:200]
        articles = employee_articles(request.user)
        articles = search.search(articles, query) if query.strip() else articles.order_by("title")
        page = Paginator(articles.only("number", "title", "article_type", "updated_at"), PAGE_SIZE)
        context = {
            "title": "Help articles",
            "query": query,
            "page": page.get_page(request.GET.get("page")),
        }
        if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == (
            "help-results"
        ):
            return render(request, "knowledge/portal/list_results.html", context)
        return render(request, "knowledge/portal/list.html", context)


class PortalArticleView(PortalKnowledgeMixin, View):
    def article(self, number):
        return get_object_or_404(employee_articles(self.request.user), number=number)

    def render_page(self, article, form=None, status=200):
        mine = ArticleFeedback.objects.filter(
            article=article, version_number=article.current_version, user=self.request.user
        ).first()
        return render(
            self.request,
            "knowledge/portal/article.html",
            {
                "title": article.title,
                "article": article,
                "body": article.rendered_body(),
                "form": form or FeedbackForm(),
                "mine": mine,
            },
            status=status,
        )

    def get(self, request, number):
        article = self.article(number)
        services.record_portal_use(request, suggestion=request.GET.get("from") == "suggestion")
        return self.render_page(article)

    def post(self, request, number):
        """Was this helpful?"""
        article = self.article(number)
        form = FeedbackForm(request.POST)
        if form.is_valid():
            try:
                services.give_feedback(
                    article,
                    actor=request.user,
                    helpful=form.cleaned_data["helpful"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, "Thank you: your answer helps us improve this article.")
                return redirect("knowledge:portal-article", article.number)
        return self.render_page(article, form=form, status=400)


class PortalSuggestView(PortalKnowledgeMixin, View):
    """htmx, as an employee types the title of a problem: matching articles."""

    def get(self, request):
        text = (request.GET.get("title") or request.GET.get("q") or "")[:500]
        found = list(search.suggest(employee_articles(request.user), text)[:SUGGESTIONS])
        return render(request, "knowledge/portal/suggestions.html", {"suggestions": found})
