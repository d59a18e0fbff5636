"""The knowledge base pages for IT: the list with search and filters, an
article, writing and editing one, reviewing, publishing and retiring, and
the version history with a diff between any two versions.

Every IT role reads (``article.view`` plus ``articleversion.view``);
writing needs ``article.change`` (``article.add`` for a new one), reviewing
``article.review``. Requesters get 403 here: their knowledge pages are in
the portal (``views_portal``)."""

import difflib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from stanchion.accounts.roles import has_perm
from stanchion.core.errors import ConflictError
from stanchion.core.views import PermissionRequiredMixin, apply_errors, audit_url, posted_version

from . import search, services
from .forms import ArticleFilterForm, ArticleForm
from .querysets import reads_everything

PAGE_SIZE = 50


class KnowledgeMixin(PermissionRequiredMixin):
    permission = "article.view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not reads_everything(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def articles(self):
        from .models import Article

        return Article.objects.visible_to(self.request.user)

    def article(self, number):
        return get_object_or_404(self.articles(), number=number)


class ArticleListView(KnowledgeMixin, View):
    def get(self, request):
        form = ArticleFilterForm(request.GET or None)
        articles = self.articles().select_related("owner")
        query = ""
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            query = data["q"]
            for name in ("state", "audience", "article_type"):
                if data[name]:
                    articles = articles.filter(**{name: data[name]})
            if data["service"]:
                articles = articles.filter(services=data["service"])
            today = timezone.localdate()
            if data["review"] == "due":
                articles = articles.filter(state="published", next_review_date__lte=today)
            elif data["review"] == "ok":
                articles = articles.filter(state="published", next_review_date__gt=today)
            articles = search.search(articles, query) if query else articles
        elif form.is_bound:
            articles = articles.none()
        page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            "title": "Knowledge base",
            "form": form,
            "page": page,
            "query": query,
            "today": timezone.localdate(),
            "can_add": has_perm(request.user, "article.add"),
        }
        template = "knowledge/list.html"
        if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == (
            "kb-results"
        ):
            template = "knowledge/includes/list_results.html"
        return render(request, template, context)


class ArticleDetailView(KnowledgeMixin, View):
    def get(self, request, number):
        article = self.article(number)
        user = request.user
        feedback = article.feedback.aggregate(
            yes=Count("pk", filter=Q(helpful=True, version_number=article.current_version)),
            no=Count("pk", filter=Q(helpful=False, version_number=article.current_version)),
        )
        context = {
            "title": article.title,
            "article": article,
            "body": article.rendered_body(),
            "services": list(article.services.order_by("name")),
            "categories": list(article.categories.select_related("parent")),
            "feedback": feedback,
            "comments": list(
                article.feedback.exclude(comment="")
                .select_related("user")
                .order_by("-created_at")[:10]
            ),
            "links": list(
                article.ticket_links.select_related("ticket", "linked_by").order_by("-created_at")[
                    :20
                ]
            ),
            "review_due": article.review_due(),
            "can_change": has_perm(user, "article.change"),
            "can_review": has_perm(user, "article.review"),
            "history_url": audit_url(article) if has_perm(user, "auditentry.view") else "",
        }
        return render(request, "knowledge/article.html", context)


class ArticleFormView(KnowledgeMixin, View):
    """New article (no number) or an edit of one."""

    def get_permission(self):
        return "article.change" if self.kwargs.get("number") else "article.add"

    def initial(self, article):
        if article is None:
            return {"owner": self.request.user, "article_type": "howto", "audience": "employees"}
        return {
            "title": article.title,
            "body": article.body,
            "article_type": article.article_type,
            "audience": article.audience,
            "services": list(article.services.all()),
            "categories": list(article.categories.all()),
            "owner": article.owner,
            "review_interval_days": article.review_interval_days,
        }

    def render_form(self, form, article, *, conflict="", version=None, status=200):
        return render(
            self.request,
            "knowledge/article_form.html",
            {
                "title": f"Edit {article.number}" if article else "New article",
                "form": form,
                "article": article,
                "conflict": conflict,
                "version": article.version if version is None and article else version,
            },
            status=status,
        )

    def get(self, request, number=None):
        article = self.article(number) if number else None
        return self.render_form(ArticleForm(initial=self.initial(article)), article)

    def post(self, request, number=None):
        article = self.article(number) if number else None
        form = ArticleForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            note = data.pop("note")
            try:
                if article is None:
                    publish = request.POST.get("publish") == "1"
                    article = services.create_article(actor=request.user, publish=publish, **data)
                    messages.success(request, f"{article.number} saved.")
                else:
                    expected = posted_version(request)
                    if expected is None:
                        raise ValidationError({"version": "The form lost its version: reload."})
                    article = services.update_article(
                        article, actor=request.user, expected_version=expected, note=note, **data
                    )
                    messages.success(request, f"{article.number} saved.")
                return redirect("knowledge:article", article.number)
            except ConflictError as error:
                return self.render_form(
                    form,
                    article,
                    conflict=f"{error} Your text is kept below: copy what you need, reload the "
                    "article and edit it again.",
                    status=409,
                )
            except ValidationError as error:
                apply_errors(form, error)
        return self.render_form(form, article, version=posted_version(request), status=400)


class ArticleActionView(KnowledgeMixin, View):
    """Publish, retire or mark reviewed (POST, with the version seen)."""

    ACTIONS = {
        "publish": ("article.change", services.publish_article, "published"),
        "retire": ("article.change", services.retire_article, "retired"),
        "review": ("article.review", services.review_article, "marked reviewed"),
    }

    def get_permission(self):
        action = self.ACTIONS.get(self.kwargs["action"])
        return action[0] if action else "article.change"

    def post(self, request, number, action):
        article = self.article(number)
        if action not in self.ACTIONS:
            messages.error(request, f"Action: unknown action {action!r}.")
            return redirect("knowledge:article", number)
        _, func, done = self.ACTIONS[action]
        expected = posted_version(request)
        if expected is None:
            messages.error(request, "Version: the form lost its version; reload and try again.")
            return redirect("knowledge:article", number)
        try:
            article = func(article, actor=request.user, expected_version=expected)
        except ConflictError as error:
            messages.error(request, f"Not done: {error}")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            extra = (
                f" Next review by {article.next_review_date:%Y-%m-%d}."
                if article.next_review_date and action != "retire"
                else ""
            )
            messages.success(request, f"{article.number} {done}.{extra}")
        return redirect("knowledge:article", number)


def diff_rows(old, new):
    """Line by line, each line once: ("same"|"removed"|"added", text).
    Rendered by the template, so every line is escaped."""
    rows = []
    for line in difflib.ndiff(old.splitlines(), new.splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "  ":
            rows.append(("same", text))
        elif tag == "- ":
            rows.append(("removed", text))
        elif tag == "+ ":
            rows.append(("added", text))
    return rows


class ArticleHistoryView(KnowledgeMixin, View):
    def get(self, request, number):
        article = self.article(number)
        versions = list(article.versions.select_related("author").order_by("-number"))
        numbers = [v.number for v in versions]
        errors = []

        def pick(name, default):
            raw = request.GET.get(name, "")
            if not raw:
                return default
            try:
                value = int(raw)
            except ValueError:
                value = None
            if value not in numbers:
                errors.append(f"{name.capitalize()}: no version {raw} of this article.")
                return default
            return value

        newest = numbers[0] if numbers else None
        to_n = pick("to", newest)
        from_n = pick("from", next((n for n in numbers if n < (to_n or 0)), to_n))
        by_number = {v.number: v for v in versions}
        diff = title_diff = None
        if from_n is not None and to_n is not None:
            old, new = by_number[from_n], by_number[to_n]
            diff = diff_rows(old.body, new.body)
            title_diff = (old.title, new.title) if old.title != new.title else None
        return render(
            request,
            "knowledge/history.html",
            {
                "title": f"{article.number} history",
                "article": article,
                "versions": versions,
                "from_n": from_n,
                "to_n": to_n,
                "diff": diff,
                "title_diff": title_diff,
                "errors": errors,
            },
            status=400 if errors else 200,
        )
