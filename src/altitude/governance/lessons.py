"""Lessons learned: record them on a project, search them across projects, offer them to new ones.

Tags are normalised (lower case, inner spaces become hyphens, duplicates dropped,
sorted) and stored comma-separated, so a tag filter is an exact match on one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from altitude.core.errors import InvalidInput, NotFound
from altitude.core.policy import Action, AnyUser, Resource, authorize
from altitude.core.services import delete_checked, update_versioned, validate_and_save
from altitude.delivery.models import Project, Stage
from altitude.delivery.services import get_project, visible_projects
from altitude.governance.register_models import Lesson

LES = Resource.LESSON
LABEL = "lesson"
FIELDS = frozenset({"title", "category", "tags", "what_happened", "learned", "effect"})
MAX_TAGS = 12
EARLY_STAGES = (Stage.PROPOSED, Stage.INITIATING, Stage.PLANNING)
SIMILAR_ROWS = 5
# Words of a project's name too common to say anything about similarity.
STOPWORDS = frozenset({"the", "and", "for", "new", "project", "program", "phase", "with", "from", "into", "of"})


def normalise_tags(raw: str | Iterable[str]) -> str:
    """'ERP,  Data Migration, erp' -> 'data-migration,erp'."""
    parts = raw.split(",") if isinstance(raw, str) else list(raw)
    tags = sorted({re.sub(r"\s+", "-", p.strip().lower()) for p in parts if p and p.strip()})
    for tag in tags:
        if len(tag) > 40 or not re.fullmatch(r"[\w\-+.#/&]+", tag):
            raise InvalidInput(f"tags: '{tag}' is not a tag (letters, digits and - + . # / &, at most 40).",
                               field="tags")
    if len(tags) > MAX_TAGS:
        raise InvalidInput(f"tags: at most {MAX_TAGS} tags.", field="tags")
    return ",".join(tags)


def _has_tag(tag: str) -> Q:
    return Q(tags=tag) | Q(tags__startswith=f"{tag},") | Q(tags__endswith=f",{tag}") | Q(tags__contains=f",{tag},")


def visible_lessons(user: AnyUser) -> QuerySet[Lesson]:
    qs = Lesson.objects.select_related("project", "author")
    return qs.filter(project__in=visible_projects(user).values("pk"))


@dataclass(frozen=True)
class LessonFilter:
    """One filter set for the project tab, the search page ``/lessons/`` and ``GET /lessons``."""

    q: str | None = None
    tag: str | None = None
    category: str | None = None
    effect: str | None = None
    project: int | None = None
    program: int | None = None

    def apply(self, qs: QuerySet[Lesson]) -> QuerySet[Lesson]:
        if self.q:
            qs = qs.filter(Q(title__icontains=self.q) | Q(what_happened__icontains=self.q)
                           | Q(learned__icontains=self.q) | Q(tags__icontains=self.q))
        if self.tag:
            qs = qs.filter(_has_tag(normalise_tags(self.tag).split(",")[0]))
        if self.category:
            qs = qs.filter(category=self.category)
        if self.effect:
            qs = qs.filter(effect=self.effect)
        if self.project:
            qs = qs.filter(project_id=self.project)
        if self.program:
            qs = qs.filter(project__program_id=self.program)
        return qs


def list_lessons(user: AnyUser, lesson_filter: LessonFilter | None = None,
                 project: Project | None = None) -> QuerySet[Lesson]:
    qs = visible_lessons(user)
    if project is not None:
        authorize(user, LES, Action.VIEW, project)
        qs = qs.filter(project=project)
    return lesson_filter.apply(qs) if lesson_filter else qs


def get_lesson(user: AnyUser, pk: int) -> Lesson:
    lesson = visible_lessons(user).filter(pk=pk).first()
    if lesson is None:
        raise NotFound("No lesson with that id.")
    return lesson


def create_lesson(user: AnyUser, fields: Mapping[str, Any]) -> Lesson:
    try:
        project = get_project(user, int(fields.get("project_id") or 0))
    except NotFound as exc:
        raise InvalidInput(f"project_id: no project with id {fields.get('project_id')}.", field="project_id") from exc
    authorize(user, LES, Action.CREATE, project, label=LABEL)
    values = {k: v for k, v in fields.items() if k in FIELDS}
    values["tags"] = normalise_tags(values.get("tags") or "")
    author = user if user.is_authenticated else None
    return validate_and_save(Lesson(project=project, author=author, **values))  # type: ignore[misc]


def update_lesson(user: AnyUser, pk: int, version: int | None, changes: Mapping[str, Any]) -> Lesson:
    lesson = get_lesson(user, pk)
    authorize(user, LES, Action.CHANGE, lesson.project, label=LABEL)
    values = {k: v for k, v in changes.items() if k in FIELDS}
    if "tags" in values:
        values["tags"] = normalise_tags(values["tags"] or "")
    return update_versioned(lesson, version, values, LABEL)


def delete_lesson(user: AnyUser, pk: int) -> None:
    lesson = get_lesson(user, pk)
    authorize(user, LES, Action.DELETE, lesson.project, label=LABEL)
    delete_checked(lesson, LABEL)


def keywords(project: Project) -> list[str]:
    """Words of the project's name that may be tags of lessons elsewhere ('ERP roll-out' -> erp, roll-out)."""
    words = {w for w in re.findall(r"[\w\-]+", project.name.lower()) if len(w) >= 3 and w not in STOPWORDS}
    return sorted(words)


def similar_lessons(user: AnyUser, project: Project) -> list[Lesson]:
    """Lessons of other projects worth reading before this one starts (one query).

    Similar: another project of the same program, or a lesson tagged with a word of this
    project's name. Only while the project is proposed, initiating or planning; the
    user sees only lessons of projects they may see.
    """
    if project.stage not in EARLY_STAGES:
        return []
    match = Q()
    if project.program_id:
        match |= Q(project__program_id=project.program_id)
    for word in keywords(project):
        match |= _has_tag(word)
    if not match:
        return []
    return list(visible_lessons(user).exclude(project=project).filter(match).order_by("-pk")[:SIMILAR_ROWS])
