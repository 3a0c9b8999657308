"""Lessons learned pages: a project's lessons (tab "Lessons"), one lesson, and the search across projects."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from altitude.core.errors import DomainError, NotFound, PermissionDenied
from altitude.core.paging import paginate
from altitude.core.policy import Action, Resource
from altitude.delivery.models import Project
from altitude.governance import lessons as services
from altitude.governance.forms import LessonForm
from altitude.governance.register_models import Lesson, LessonCategory, LessonEffect
from altitude.governance.services import permissions
from altitude.governance.views import _project, tabs_template

LES = Resource.LESSON


def _lesson(request: HttpRequest, pk: int) -> Lesson:
    try:
        return services.get_lesson(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _filter(request: HttpRequest) -> services.LessonFilter:
    get = request.GET
    category, effect = get.get("category"), get.get("effect")
    tag = get.get("tag", "").strip()
    try:
        tag = services.normalise_tags(tag).split(",")[0] if tag else ""
    except DomainError:
        tag = ""
    return services.LessonFilter(q=get.get("q", "").strip() or None, tag=tag or None,
                                 category=category if category in LessonCategory.values else None,
                                 effect=effect if effect in LessonEffect.values else None)


def _list(request: HttpRequest, project: Project | None) -> HttpResponse:
    lesson_filter = _filter(request)
    try:
        qs = services.list_lessons(request.user, lesson_filter, project=project)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    page, query = paginate(request, qs.order_by("-pk"))
    return render(request, "governance/lesson_list.html", {
        "project": project, "page": page, "query": query, "filter": lesson_filter, "tabs": tabs_template(),
        "active": "lessons", "categories": LessonCategory.choices, "effects": LessonEffect.choices,
        "can_create": project is not None and permissions(request.user, LES, project)[Action.CREATE],
        "filtered": any(v is not None for v in vars(lesson_filter).values()),
    })


@login_required
def project_lessons(request: HttpRequest, project_id: int) -> HttpResponse:
    return _list(request, _project(request, project_id))


@login_required
def lesson_search(request: HttpRequest) -> HttpResponse:
    return _list(request, None)


def _form_page(request: HttpRequest, project: Project, lesson: Lesson | None) -> HttpResponse:
    initial = LessonForm.initial_from(lesson) if lesson is not None else {}
    form = LessonForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if lesson is None:
                saved = services.create_lesson(request.user, {"project_id": project.pk, **form.changes()})
            else:
                saved = services.update_lesson(request.user, lesson.pk, form.cleaned_data.get("version"),
                                               form.changes())
        except PermissionDenied as exc:
            return render(request, "403.html", {"message": exc.message}, status=403)
        except DomainError as exc:
            status = 409 if exc.status == 409 else 400
            form.add_error(exc.field if exc.field in form.fields and exc.field != "version" else None, exc.message)
        else:
            messages.success(request, "Lesson saved.")
            return redirect("governance:lesson-detail", saved.pk)
    if form.errors and status == 200:
        status = 400
    return render(request, "governance/lesson_form.html", {
        "form": form, "lesson": lesson, "project": project, "tabs": tabs_template(), "active": "lessons",
    }, status=status)


@login_required
def lesson_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    if not permissions(request.user, LES, project)[Action.CREATE]:
        return render(request, "403.html", {"message": f"You need a role on {project.code} to record a lesson."},
                      status=403)
    return _form_page(request, project, None)


@login_required
def lesson_edit(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _lesson(request, lesson_id)
    if not permissions(request.user, LES, lesson.project)[Action.CHANGE]:
        return render(request, "403.html", {"message": "Only the project team may edit this lesson."}, status=403)
    return _form_page(request, lesson.project, lesson)


@login_required
def lesson_detail(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _lesson(request, lesson_id)
    allowed = permissions(request.user, LES, lesson.project)
    history = list(lesson.history.select_related("history_user").order_by("-history_date", "-history_id")[:30])
    return render(request, "governance/lesson_detail.html", {
        "lesson": lesson, "project": lesson.project, "tabs": tabs_template(), "active": "lessons",
        "history": history, "can_edit": allowed[Action.CHANGE], "can_delete": allowed[Action.DELETE],
    })


@login_required
@require_POST
def lesson_delete(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _lesson(request, lesson_id)
    try:
        services.delete_lesson(request.user, lesson.pk)
    except PermissionDenied as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    messages.success(request, f"Lesson “{lesson.title}” deleted.")
    return redirect("governance:project-lessons", project_id=lesson.project_id)
