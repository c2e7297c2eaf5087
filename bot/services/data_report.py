"""`/mydata` as a person reads it: the export (see `PersonalDataService.export`) rendered
as a small HTML document in the person's language, with labels instead of keys
(«Молодой специалист», not `teacher.young_specialist`).

The caller passes `label(key, **args)`, a Fluent lookup in the person's language that
returns HTML-safe text (the bot's i18n core escapes its arguments); every value taken
from the data is escaped here. This module is part of the services layer: no aiogram.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from markupsafe import Markup, escape

from bot.services.catalog import Catalog
from bot.services.questionnaires import Item, QuestionnaireCatalog

Label = Callable[..., str]

STYLE = (
    "body{font-family:sans-serif;max-width:42em;margin:1em auto;padding:0 1em;line-height:1.4}"
    "h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}"
    "table{border-collapse:collapse;width:100%}"
    "td{border-bottom:1px solid #ddd;padding:.3em .5em;vertical-align:top}"
    "td:first-child{color:#555;width:40%}"
)


def _when(value: Any) -> str:
    """'2026-11-23T14:22:05.123+00:00' -> '2026-11-23 14:22' (UTC, as stored)."""
    if not value:
        return "—"
    text = str(value)
    return text[:16].replace("T", " ") if "T" in text else text


class _Doc:
    def __init__(self, label: Label) -> None:
        self.label = label
        self.parts: list[Markup] = []

    def heading(self, text: str, level: int = 2) -> None:
        self.parts.append(Markup("<h{0}>{1}</h{0}>").format(level, text))

    def paragraph(self, text: str) -> None:
        self.parts.append(Markup("<p>{}</p>").format(text))

    def table(self, rows: Iterable[tuple[str, Any]]) -> None:
        cells = [
            Markup("<tr><td>{}</td><td>{}</td></tr>").format(
                name, "—" if value in (None, "") else value
            )
            for name, value in rows
        ]
        if cells:
            self.parts.append(Markup("<table>{}</table>").format(Markup("").join(cells)))

    def yes_no(self, value: Any) -> str:
        return self.label("answer-yes" if value else "answer-no")


def _profile_value(key: str, value: Any, catalog: Catalog, locale: str, label: Label) -> str:
    if key == "category":
        category = catalog.category(str(value))
        return category.full_name(locale) if category else str(value)
    if isinstance(value, list):
        if key == "ages":
            return ", ".join(label(f"age-band-{v}") for v in value)
        if key == "times":
            return ", ".join(label(f"meeting-time-{v}") for v in value)
        if key == "help_topics":
            names = []
            for v in value:
                topic = catalog.help_topic(str(v))
                names.append(topic.name(locale) if topic else str(v))
            return ", ".join(names) or "—"
        return ", ".join(str(v) for v in value)
    return str(value)


def _answer_text(item: Item | None, answer: dict[str, Any], locale: str, label: Label) -> str:
    """An answer as the person chose it: «7 из 10», «да», the options' words, or the text."""
    number, text = answer.get("number"), answer.get("text")
    if item is None:
        return escape(str(number if number is not None else text or "—"))
    if number is not None:
        return label("report-answer-scale", value=int(number), max=item.max)
    if item.type == "yes_no":
        return label("answer-yes" if text == "yes" else "answer-no")
    if item.type in ("single", "multi"):
        keys = [k for k in str(text or "").split(",") if k]
        words = [o.label(locale) for o in item.options if o.key in keys]
        return escape(", ".join(words) or "—")
    return escape(text or "—")


def _questionnaires(
    doc: _Doc,
    rows: list[dict[str, Any]],
    questionnaires: QuestionnaireCatalog | None,
    locale: str,
    minor: bool,
) -> None:
    if not rows:
        return
    label = doc.label
    doc.heading(label("report-section-questionnaires"))
    for r in rows:
        q = questionnaires.get(str(r.get("questionnaire"))) if questionnaires else None
        items = {i.key: i for i in q.items} if q else {}
        title = q.title(locale) if q else str(r.get("questionnaire") or "")
        doc.parts.append(Markup("<h3>{}</h3>").format(title))
        submitted = r.get("submitted_at")
        doc.paragraph(
            label("report-questionnaire-submitted", at=_when(submitted))
            if submitted
            else label("report-questionnaire-unsent")
        )
        order = {key: n for n, key in enumerate(items)}
        answers = sorted(r.get("answers") or [], key=lambda a: order.get(a.get("item"), 1_000))
        table: list[tuple[str, Any]] = []
        for a in answers:
            item = items.get(str(a.get("item")))
            question = item.text(locale, minor) if item else str(a.get("item"))
            table.append((escape(question), _answer_text(item, a, locale, label)))
        doc.table(table)


def _meetings(doc: _Doc, meetings: list[dict[str, Any]]) -> None:
    """The meetings of the person's pairs, with what they answered about each."""
    if not meetings:
        return
    label = doc.label
    doc.heading(label("report-section-meetings"))
    for m in meetings:
        rows: list[tuple[str, Any]] = [
            (label("report-organisation"), escape(m.get("organisation") or "")),
            (label("report-programme"), escape(m.get("programme") or "")),
            (label("report-meeting-day"), escape(m.get("day") or "—")),
            (label("report-meeting-kind"), label(f"meetings-kind-{m.get('kind')}")),
            (label("report-status"), label(f"report-meeting-{m.get('status')}")),
            (label("report-meeting-format"), label(f"meetings-format-{m.get('format')}")),
            (label("report-meeting-topic"), escape(m.get("topic") or "—")),
            (label("report-meeting-outcome"), escape(m.get("outcome") or "—")),
        ]
        own = m.get("my_answer")
        if own:
            rows.append((label("report-meeting-present"), doc.yes_no(own.get("present"))))
            if own.get("confirmed") is not None:
                rows.append((label("report-meeting-confirmed"), doc.yes_no(own.get("confirmed"))))
            if own.get("rating") is not None:
                rows.append(
                    (
                        label("report-meeting-rating"),
                        label("report-answer-scale", value=int(own["rating"]), max=5),
                    )
                )
            if own.get("comment"):
                rows.append((label("report-meeting-comment"), escape(own["comment"])))
                rows.append(
                    (
                        label("report-meeting-comment-shared"),
                        doc.yes_no(own.get("comment_shared_with_mentor")),
                    )
                )
        doc.table(rows)


def _plan(doc: _Doc, items: list[dict[str, Any]]) -> None:
    """The person's development plan, and the items they wrote in someone else's."""
    if not items:
        return
    label = doc.label
    doc.heading(label("report-section-plan"))
    for item in items:
        doc.table(
            [
                (label(f"plan-kind-{item.get('kind')}"), escape(item.get("title") or "—")),
                (label("report-status"), label(f"plan-status-{item.get('status')}")),
                (label("report-plan-due"), escape(item.get("due") or "—")),
                (label("report-plan-mine"), doc.yes_no(item.get("my_plan"))),
                (label("report-plan-written-by-me"), doc.yes_no(item.get("written_by_me"))),
            ]
        )


def _fits(doc: _Doc, fits: list[dict[str, Any]]) -> None:
    if not fits:
        return
    label = doc.label
    doc.heading(label("report-section-fit"))
    for f in fits:
        doc.table(
            [
                (label("report-organisation"), escape(f.get("organisation") or "")),
                (label("report-programme"), escape(f.get("programme") or "")),
                (label("report-fit-answer"), label(f"digest-fit-{f.get('answer')}")),
                (label("report-given-at"), _when(f.get("answered_at"))),
            ]
        )


def _person(doc: _Doc, user: dict[str, Any], locale: str) -> None:
    label = doc.label
    doc.heading(label("report-section-person"))
    doc.table(
        [
            (label("report-full-name"), escape(user.get("full_name") or "—")),
            (label("report-language"), label(f"language-name-{user.get('locale') or locale}")),
            (label("report-minor"), doc.yes_no(user.get("is_minor"))),
            (label("report-registered"), _when(user.get("created_at"))),
            (label("report-last-seen"), _when(user.get("last_seen_at"))),
        ]
    )


def _roles(doc: _Doc, memberships: list[dict[str, Any]], catalog: Catalog, locale: str) -> None:
    label = doc.label
    if memberships:
        doc.heading(label("report-section-roles"))
    for m in memberships:
        title = label(
            "report-role-title",
            role_name=label(f"role-{m.get('role')}"),
            organisation=m.get("organisation") or "",
        )
        rows: list[tuple[str, Any]] = [
            (label("report-programme"), escape(m.get("programme") or "—")),
            (label("report-status"), label(f"report-status-{m.get('status')}")),
            (label("report-since"), _when(m.get("created_at"))),
        ]
        if m.get("ended_at"):
            rows.append((label("report-ended"), _when(m.get("ended_at"))))
        for key, value in (m.get("profile") or {}).items():
            name = label("report-field-category") if key == "category" else label(f"field-{key}")
            rows.append((name, escape(_profile_value(key, value, catalog, locale, label))))
        doc.parts.append(Markup("<h3>{}</h3>").format(title))
        doc.table(rows)


def _consents(doc: _Doc, consents: list[dict[str, Any]]) -> None:
    label = doc.label
    if consents:
        doc.heading(label("report-section-consents"))
    for c in consents:
        doc.table(
            [
                (label("report-organisation"), escape(c.get("organisation") or "")),
                (label("report-given-by"), label(f"report-given-by-{c.get('given_by')}")),
                (label("report-given-at"), _when(c.get("given_at"))),
                (label("report-withdrawn-at"), _when(c.get("withdrawn_at"))),
            ]
        )


def _parent_links(doc: _Doc, links: list[dict[str, Any]]) -> None:
    label = doc.label
    if links:
        doc.heading(label("report-section-parent-links"))
        for g in links:
            doc.table(
                [
                    (label("report-organisation"), escape(g.get("organisation") or "")),
                    (label("report-parent-confirmed"), doc.yes_no(g.get("confirmed"))),
                ]
            )


def _children(doc: _Doc, children: list[dict[str, Any]], catalog: Catalog, locale: str) -> None:
    label = doc.label
    if children:
        doc.heading(label("report-section-children"))
        for g in children:
            rows: list[tuple[str, Any]] = [
                (label("report-child"), escape(g.get("child_full_name") or "—")),
                (label("report-organisation"), escape(g.get("organisation") or "")),
                (label("report-given-at"), _when(g.get("confirmed_at"))),
            ]
            # The category the curator gave the child: the parent reads it, the child not.
            for m in g.get("child_memberships") or []:
                rows.append(
                    (
                        label(
                            "report-child-role",
                            role_name=label(f"role-{m.get('role')}"),
                            programme=m.get("programme") or "—",
                        ),
                        label(f"report-status-{m.get('status')}"),
                    )
                )
                if m.get("category"):
                    rows.append(
                        (
                            label("report-field-category"),
                            escape(
                                _profile_value("category", m["category"], catalog, locale, label)
                            ),
                        )
                    )
            doc.table(rows)


def _pairs(doc: _Doc, pairs: list[dict[str, Any]]) -> None:
    label = doc.label
    if pairs:
        doc.heading(label("report-section-pairs"))
        for p in pairs:
            doc.table(
                [
                    (label("report-organisation"), escape(p.get("organisation") or "")),
                    (label("report-programme"), escape(p.get("programme") or "")),
                    (label("report-pair-role"), label(f"role-{p.get('role')}")),
                    (label("report-status"), label(f"report-pair-status-{p.get('status')}")),
                    (label("report-since"), _when(p.get("created_at"))),
                ]
            )


def render_html(
    data: dict[str, Any],
    catalog: Catalog,
    locale: str,
    label: Label,
    questionnaires: QuestionnaireCatalog | None = None,
) -> bytes:
    """The export as a readable UTF-8 HTML page (`questionnaires` gives the questions'
    and options' words for the person's own answers)."""
    doc = _Doc(label)
    user = data.get("user", {})
    doc.heading(label("report-title"), 1)
    doc.paragraph(label("report-intro", exported=_when(data.get("exported_at"))))

    _person(doc, user, locale)
    _roles(doc, data.get("memberships", []), catalog, locale)
    _consents(doc, data.get("consents", []))
    _parent_links(doc, data.get("guardian_links_as_minor", []))
    _children(doc, data.get("guardian_links_as_guardian", []), catalog, locale)
    _pairs(doc, data.get("pairs", []))

    _meetings(doc, data.get("meetings", []))
    _plan(doc, data.get("plan", []))
    _fits(doc, data.get("fit_answers", []))

    _questionnaires(
        doc,
        data.get("questionnaires", []),
        questionnaires,
        locale,
        bool(user.get("is_minor")),
    )

    doc.heading(label("report-section-actions"))
    doc.paragraph(label("report-actions", count=len(data.get("actions", []))))

    page = Markup(
        '<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>{}</title><style>{}</style></head><body>{}</body></html>"
    ).format(locale, label("report-title"), Markup(STYLE), Markup("\n").join(doc.parts))
    return str(page).encode("utf-8")
