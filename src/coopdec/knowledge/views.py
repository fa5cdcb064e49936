"""Pages of good practices and knowledge pages. Thin: access through ``rules.py``, writes through
``services.py``, reads through ``selectors.py``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from coopdec.actors.selectors import is_stale, organisations_of, organisations_visible_to, stale_filter
from coopdec.atlas.filters import FilterError
from coopdec.common import records
from coopdec.common.downloads import uploaded_file
from coopdec.common.i18n import localize, localized_language
from coopdec.territories.selectors import country_names
from coopdec.vocabularies.models import Axis
from coopdec.vocabularies.selectors import code_label

from . import markup, selectors, services
from .forms import PageForm, PracticeDocumentForm, PracticeForm, ReturnForm
from .models import SECTIONS, Page, Practice, PracticeDocument


def _practice(request, pk: int) -> Practice:
    practice = get_object_or_404(selectors.with_relations(Practice.objects.all()), pk=pk)
    return records.viewable_or_404(request, "knowledge.view_practice", practice)


# -- list and search ----------------------------------------------------------------------------


@require_safe
def practice_list(request):
    """Published practices, searchable with the atlas engine and its practice facets; the user's
    drafts and the practices they should check again."""
    try:
        query = selectors.practice_query(request.GET)
    except FilterError as error:
        return render(request, "knowledge/practice_list.html", {"error": str(error)}, status=400)
    result = selectors.search(query)
    base = reverse("knowledge:practice_list")
    context = {
        "query": query,
        "result": result,
        "facets": selectors.facets(result, base_url=base),
        "previous_url": f"{base}?{query.at_page(query.page - 1).urlencode()}" if query.page > 1 else "",
        "next_url": f"{base}?{query.at_page(query.page + 1).urlencode()}" if result.next_offset is not None else "",
        "can_add": request.user.has_perm("knowledge.add_practice"),
        "can_review": request.user.has_perm("knowledge.view_review_queue"),
    }
    if request.user.is_authenticated:
        drafts = selectors.drafts_of(request.user)
        mine = selectors.published().filter(organisations__in=selectors.editable_organisations(request.user))
        context["drafts"] = drafts
        context["to_check"] = list(mine.filter(stale_filter()).distinct()[:50])
    return render(request, "knowledge/practice_list.html", context)


@require_safe
def practice_points(request):
    """Located practices matching the atlas filters, for the atlas map's "Good practices" layer."""
    try:
        query = selectors.practice_query(request.GET)
    except FilterError as error:
        return JsonResponse({"detail": str(error), "results": []}, status=400)
    return JsonResponse(selectors.map_points(query))


# -- one practice -------------------------------------------------------------------------------


def _labels(practice: Practice) -> dict:
    axes = {axis.code: localize(axis.names) for axis in Axis.objects.filter(code__in=practice.axes)}
    names = country_names()
    return {
        "axes": [axes.get(code, code) for code in practice.axes],
        "sectors": [(code, code_label("Sector", code)) for code in practice.sectors],
        "sdgs": [(code, code_label("UNSDG-Goals", code)) for code in practice.sdgs],
        "countries": [names.get(code, code) for code in practice.countries],
    }


@require_safe
def practice_detail(request, pk: int):
    practice = _practice(request, pk)
    user = request.user
    visible = organisations_visible_to(user)
    authors = [o for o in practice.organisations.all() if visible.filter(pk=o.pk).exists()]
    # "Write to" an author: visitors are asked to sign in; a signed-in user needs an organisation other
    # than that author from which they may send a proposal (matching's proposal form refuses the others).
    senders = [org.pk for org in organisations_of(user) if user.has_perm("matching.send_proposal", org)]
    writable = {o.pk for o in authors if not user.is_authenticated or any(pk != o.pk for pk in senders)}
    sections = [(label, localize(getattr(practice, name))) for name, label in SECTIONS]
    context = {
        "practice": practice,
        "record": practice,
        "title": localize(practice.title),
        "summary": localize(practice.summary),
        "sections": [(label, text) for label, text in sections if text],
        "authors": authors,
        "writable": writable,
        **_labels(practice),
        "evidence": selectors.evidence(practice),
        "documents": practice.documents.all(),
        "contact": practice.contact if practice.contact_id else None,
        "can_edit": user.has_perm("knowledge.change_practice", practice),
        "can_review": user.has_perm("knowledge.review_practice", practice),
        "can_delete": user.has_perm("knowledge.delete_practice", practice),
        "is_stale": is_stale(practice),
        "document_form": PracticeDocumentForm(),
        "return_form": ReturnForm(),
    }
    pending = practice.pending if practice.is_published else None
    if pending is not None and (context["can_edit"] or context["can_review"]):
        context["pending"] = pending
        context["pending_changes"] = services.revision_changes(practice)
    if practice.is_published:
        context["similar"] = selectors.similar(practice)
        context["seeking"] = selectors.territories_seeking(practice)
        context["suggested"] = selectors.territories_suggested(practice)
    return render(request, "knowledge/practice_detail.html", context)


def _save_form(request, form, save):
    if form.is_valid():
        try:
            return save(form.cleaned_data)
        except ValidationError as error:
            records.form_errors(form, error)
    return None


@records.guarded
@records.form_methods
def practice_create(request):
    records.check(request, "knowledge.add_practice")
    form = PracticeForm(request.POST or None, user=request.user)
    if request.method == "POST":
        practice = _save_form(
            request, form, lambda data: services.practice_create(user=request.user, **_service_fields(data))
        )
        if practice is not None:
            messages.success(
                request,
                _("The practice is saved as a draft. Complete it, then ask for its review to have it published."),
            )
            return redirect(practice)
    return render(request, "knowledge/practice_form.html", {"form": form, "practice": None})


def _service_fields(data: dict) -> dict:
    fields = dict(data)
    fields["axes"] = [axis.code for axis in fields.get("axes") or []]
    return fields


@records.guarded
@records.form_methods
def practice_update(request, pk: int):
    practice = _practice(request, pk)
    records.check(request, "knowledge.change_practice", practice)
    form = PracticeForm(
        request.POST or None, user=request.user, practice=practice, initial=PracticeForm.initial_for(practice)
    )
    if request.method == "POST":
        saved = _save_form(
            request,
            form,
            lambda data: services.practice_update(practice=practice, user=request.user, **_service_fields(data)),
        )
        if saved is not None:
            messages.success(request, _saved_message(saved, _("Saved.")))
            return redirect(saved)
    return render(request, "knowledge/practice_form.html", {"form": form, "practice": practice})


def _saved_message(practice: Practice, done: str) -> str:
    """What a saved edit did: done, or (a published practice) sent to the coordinators for review."""
    if practice.is_published and practice.pending is not None:
        return _(
            "Your changes are sent to the coordinators for review. Until they publish them, everyone reads the "
            "practice as it was published."
        )
    return done


def _message_errors(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@require_POST
@records.guarded
def practice_submit(request, pk: int):
    practice = _practice(request, pk)
    records.check(request, "knowledge.change_practice", practice)
    try:
        services.practice_submit(practice=practice, user=request.user)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, _("Sent for review: a coordinator will publish it or tell you what to complete."))
    return redirect(practice)


@require_POST
@records.guarded
def practice_review(request, pk: int):
    """A coordinator publishes the practice (``decision=publish``) or sends it back with a note."""
    practice = _practice(request, pk)
    records.check(request, "knowledge.review_practice", practice)
    if request.POST.get("decision") == "publish":
        changes = practice.is_published and practice.pending is not None
        try:
            services.practice_publish(practice=practice, user=request.user)
        except ValidationError as error:
            _message_errors(request, error)
        else:
            messages.success(request, _("The changes are published.") if changes else _("The practice is published."))
        return redirect(practice)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what the authors should complete."))
        return redirect(practice)
    services.practice_return(practice=practice, user=request.user, note=form.cleaned_data["note"])
    messages.success(request, _("Sent back to its authors with your note."))
    return redirect(reverse("knowledge:review"))


@require_POST
@records.guarded
def practice_unpublish(request, pk: int):
    practice = _practice(request, pk)
    records.check(request, "knowledge.review_practice", practice)
    services.practice_unpublish(practice=practice, user=request.user)
    messages.success(request, _("The practice is a draft again, visible to its authors and the coordinators only."))
    return redirect(practice)


@require_POST
@records.guarded
def practice_changes_discard(request, pk: int):
    practice = _practice(request, pk)
    records.check(request, "knowledge.change_practice", practice)
    if services.practice_changes_discard(practice=practice, user=request.user):
        messages.success(request, _("The changes are discarded; the published practice stays as it was."))
    return redirect(practice)


@require_POST
@records.guarded
def practice_confirm(request, pk: int):
    practice = _practice(request, pk)
    records.check(request, "knowledge.change_practice", practice)
    services.practice_confirm(practice=practice, user=request.user)
    messages.success(request, _("Thank you: the practice is marked as still accurate today."))
    return redirect(practice)


@require_safe
@records.guarded
def practice_history(request, pk: int):
    practice = _practice(request, pk)
    return records.history(
        request,
        practice,
        permission="knowledge.change_practice",
        change_permission="knowledge.change_practice",
        restore_url_name="knowledge:practice_restore",
        template_context={"title": localize(practice.title)},
    )


@require_POST
@records.guarded
def practice_restore(request, pk: int, history_id: int):
    practice = _practice(request, pk)
    records.check(request, "knowledge.change_practice", practice)
    try:
        saved = services.practice_restore(practice=practice, history_id=history_id, user=request.user)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        restored = _("The earlier version was restored as a new version; nothing was erased.")
        messages.success(request, _saved_message(saved, restored))
    return redirect(practice)


@records.guarded
@records.form_methods
def practice_delete(request, pk: int):
    practice = _practice(request, pk)
    records.check(request, "knowledge.delete_practice", practice)
    if request.method == "POST":
        services.practice_delete(practice=practice, user=request.user)
        messages.success(request, _("Deleted. Its history is kept."))
        return redirect("knowledge:practice_list")
    return render(request, "actors/delete.html", {"record": practice, "title": localize(practice.title)})


@require_POST
@records.guarded
def practice_document_add(request, pk: int):
    practice = _practice(request, pk)
    records.check(request, "knowledge.change_practice", practice)
    form = PracticeDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.practice_document_add(
                practice=practice,
                user=request.user,
                title=form.cleaned_data["title"],
                file=form.cleaned_data.get("file"),
                url=form.cleaned_data.get("url") or "",
            )
        except ValidationError as error:
            _message_errors(request, error)
        else:
            messages.success(request, _("Document added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(practice)


@require_POST
@records.guarded
def practice_document_remove(request, pk: int, document_id: int):
    practice = _practice(request, pk)
    records.check(request, "knowledge.change_practice", practice)
    document = get_object_or_404(PracticeDocument, pk=document_id, practice=practice)
    services.practice_document_remove(document=document, user=request.user)
    messages.success(request, _("Document removed."))
    return redirect(practice)


@require_safe
def practice_document_file(request, pk: int, document_id: int):
    """An uploaded document, served only to those who may see the practice."""
    practice = _practice(request, pk)
    document = get_object_or_404(PracticeDocument, pk=document_id, practice=practice)
    return uploaded_file(document.file)


@require_safe
@records.guarded
def review_queue(request):
    records.check(request, "knowledge.view_review_queue")
    practices, count = selectors.review_queue(request.user)
    return render(
        request,
        "knowledge/review_queue.html",
        {"practices": practices, "count": count, "limit": selectors.REVIEW_LIMIT},
    )


# -- knowledge pages ----------------------------------------------------------------------------


def page_url(page: Page) -> str:
    return page.get_absolute_url()


@require_safe
def page(request, slug: str):
    """A knowledge page in the reader's language (else another), rendered from sanitised Markdown."""
    record = get_object_or_404(Page, slug=slug)
    language = localized_language(record.body) or localized_language(record.title) or ""
    return render(
        request,
        "knowledge/page.html",
        {
            "page": record,
            "title": localize(record.title),
            "lead": localize(record.lead, language) if language else localize(record.lead),
            "body": markup.render(localize(record.body, language) if language else ""),
            "language": language,
            "can_edit": request.user.has_perm("knowledge.change_page", record),
        },
    )


@records.guarded
@records.form_methods
def page_update(request, slug: str):
    record = get_object_or_404(Page, slug=slug)
    records.check(request, "knowledge.change_page", record)
    form = PageForm(request.POST or None, initial={"title": record.title, "lead": record.lead, "body": record.body})
    if request.method == "POST":
        saved = _save_form(request, form, lambda data: services.page_update(page=record, user=request.user, **data))
        if saved is not None:
            messages.success(request, _("Saved. The earlier text is kept in the history."))
            return redirect(page_url(saved))
    return render(request, "knowledge/page_form.html", {"form": form, "page": record, "url": page_url(record)})


@require_safe
@records.guarded
def page_history(request, slug: str):
    """The shared history page; a page's versions are restored by its address (its slug)."""
    record = get_object_or_404(Page, slug=slug)
    records.check(request, "knowledge.change_page", record)
    entries = records.history_entries(record)
    for entry in entries:
        entry["restore_url"] = reverse("knowledge:page_restore", args=[slug, entry["version"].history_id])
    context = {"record": record, "entries": entries, "can_restore": True, "title": localize(record.title)}
    return render(request, "actors/history.html", context)


@require_POST
@records.guarded
def page_restore(request, slug: str, history_id: int):
    return records.restore(request, get_object_or_404(Page, slug=slug), history_id, permission="knowledge.change_page")
