"""Registration: the person's name and role profile, stored only after consent.

Which questions a person is asked depends on the role and the programme's form (and, for
mentors, on their category); `questions()` is that rule, used by the dialog to walk the
steps and by `complete()` to refuse a profile that does not fit. A value chosen with a
button proves nothing: every choice is checked against the catalogue like typed text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.audit import AuditService
from bot.services.catalog import Catalog, Form
from bot.services.errors import DomainError, InvalidInput, NotFound
from bot.services.numbers import whole_number
from bot.services.users import Person
from bot.storage.database import read_cache
from bot.storage.models import Consent, Membership, Organisation, Programme, User

FULL_NAME_MAX = 120
TEXT_MAX = 500
SHORT_MAX = 100
NAME_PATTERN = re.compile(r"^[A-Za-zА-Яа-яЁё][A-Za-zА-Яа-яЁё' .-]*$")
CLASS_PATTERN = re.compile(r"^(1[01]|[1-9])\s*[-–]?\s*[А-Яа-яЁёA-Za-z]?$")

AGE_BANDS = ("10-12", "13-15", "16-18", "adult")
MEETING_TIMES = ("weekday_morning", "weekday_day", "weekday_evening", "weekend")
# How many mentees a mentor takes, chosen at registration (the curator may change it later,
# up to the matching rules' max; a profile without it counts the rules' default, 3).
CAPACITY_CHOICES = ("1", "2", "3", "4", "5")
EXTERNAL_MENTOR_CATEGORIES = (
    "mentor.parent",
    "mentor.alumnus",
    "mentor.employee",
    "mentor.entrepreneur",
    "mentor.teaching_veteran",
)
# Answers that are not profile fields: they go to the user's record.
PERSON_FIELDS = ("full_name", "is_minor")
# Students may be asked their age first: under 18 a parent must agree.
YOUNG_KINDS = ("student", "student_prof")
MENTOR_KINDS_WITH_STUDENTS = ("student", "student_prof", "any")


def asks_age(role: str | None, form: Form | None) -> bool:
    """Whether the person may be under 18: then the age comes before everything else."""
    if form is None:
        return False
    if role == "mentee":
        return form.mentee_kind in YOUNG_KINDS
    if role == "mentor":
        return form.mentor_kind in MENTOR_KINDS_WITH_STUDENTS
    return False


def likely_child(role: str | None, form: Form | None) -> bool:
    """A school student: spoken to with «ты» until they say they are 18 or older."""
    if form is None:
        return False
    return (role == "mentee" and form.mentee_kind == "student") or (
        role == "mentor" and form.mentor_kind == "student"
    )


def mentor_categories(catalog: Catalog, form: Form | None) -> tuple[str, ...]:
    return tuple(c.key for c in catalog.mentor_categories(form.mentor_kind if form else None))


def questions(
    catalog: Catalog, role: str | None, form: Form | None, answers: dict[str, Any]
) -> list[str]:
    """The answers asked of this person, in order, for what is known so far.

    `is_minor` (when asked) comes first, before consent; the rest come after it."""
    flow: list[str] = ["is_minor"] if asks_age(role, form) else []
    if role == "mentee" and form is not None and form.mentee_kind == "teacher":
        # A teacher, too, says what they want help with: nobody picks a label about
        # themselves (the category is the curator's, set on the participant's card).
        flow += ["full_name", "subject", "years", "help_topics", "wishes", "times"]
    elif role == "mentee":
        flow.append("full_name")
        if form is None or form.mentee_kind == "student":
            flow.append("school_class")
        # A student says what they want help with; the category is the curator's.
        # Convenient times come from the same list as the mentors' (matching compares them).
        flow += ["help_topics", "wishes", "times"]
    elif role == "mentor":
        flow.append("full_name")
        if len(mentor_categories(catalog, form)) > 1:
            flow.append("category")
        flow += ["competences", "interests"]
        if form is None or form.mentee_kind != "teacher":
            flow.append("ages")
        flow += ["times", "capacity"]
        category = answers.get("category") or next(iter(mentor_categories(catalog, form)), None)
        if category in EXTERNAL_MENTOR_CATEGORIES or (form and form.mentor_kind == "employer"):
            flow.append("workplace")
    else:  # curators and coordinators
        flow.append("full_name")
    return flow


def choices(catalog: Catalog, role: str | None, form: Form | None, field: str) -> tuple[str, ...]:
    """The keys a person may choose for a choice question."""
    if field == "category":
        if role == "mentor":
            return mentor_categories(catalog, form)
        return ()  # a mentee never chooses a category: the curator sets it
    if field == "ages":
        return AGE_BANDS
    if field == "times":
        return MEETING_TIMES
    if field == "help_topics":
        if role != "mentee":
            return ()
        return tuple(t.key for t in catalog.help_topics(form.mentee_kind if form else "student"))
    if field == "capacity":
        return CAPACITY_CHOICES if role == "mentor" else ()
    raise InvalidInput("choice-unknown")


def check_choice(
    catalog: Catalog, role: str | None, form: Form | None, field: str, value: Any
) -> Any:
    """A value from a button, checked like typed text. Raises InvalidInput."""
    allowed = choices(catalog, role, form, field)
    if field == "capacity":
        text = str(value) if isinstance(value, int | str) and not isinstance(value, bool) else ""
        if text not in allowed:
            raise InvalidInput("choice-unknown")
        return int(text)
    if field == "category":
        if not isinstance(value, str) or value not in allowed:
            raise InvalidInput("choice-unknown")
        return value
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidInput("choice-unknown")
    picked = list(dict.fromkeys(value))
    if any(v not in allowed for v in picked):
        raise InvalidInput("choice-unknown")
    if not picked and field != "help_topics":
        raise InvalidInput("choose-one")
    # In menu order, whatever order the taps came in.
    return [key for key in allowed if key in picked]


CHOICE_FIELDS = ("category", "ages", "times", "help_topics", "capacity")
TEXT_FIELDS = {
    "school_class": lambda v: clean_class(v),
    "subject": lambda v: clean_text(v, SHORT_MAX),
    "years": lambda v: clean_years(str(v)),
    "wishes": lambda v: clean_text(v),
    "competences": lambda v: clean_text(v),
    "interests": lambda v: clean_text(v),
    "workplace": lambda v: clean_text(v, SHORT_MAX),
}


def clean_full_name(text: str) -> str:
    name = " ".join(text.split())
    if len(name) < 3 or len(name) > FULL_NAME_MAX or " " not in name:
        raise InvalidInput("full-name")
    if not NAME_PATTERN.match(name):
        raise InvalidInput("full-name")
    return name


def clean_class(text: str) -> str:
    value = " ".join(text.split()).upper()
    if not CLASS_PATTERN.match(value):
        raise InvalidInput("school-class")
    return value.replace(" ", "").replace("–", "-")


def clean_years(text: str) -> int:
    return whole_number(text, "years", low=0, high=60)


def clean_text(text: str, limit: int = TEXT_MAX) -> str:
    value = text.strip()
    if not value:
        raise InvalidInput("text-empty")
    if len(value) > limit:
        raise InvalidInput("text-too-long", limit=limit)
    return value


@dataclass(frozen=True, slots=True)
class Pending:
    """A role the person joined but has not finished registering for."""

    membership_id: int
    organisation_id: int
    organisation_name: str
    organisation_kind: str  # school | municipality | region
    programme_id: int | None
    programme_name: str | None
    form_key: str | None
    role: str


def check_profile(
    catalog: Catalog, role: str, form: Form | None, profile: dict[str, Any]
) -> dict[str, Any]:
    """The whole profile, checked: exactly the questions of this role and form, each valid."""
    asked = [f for f in questions(catalog, role, form, profile) if f not in PERSON_FIELDS]
    if set(profile) != set(asked):
        raise InvalidInput("profile-mismatch")
    clean: dict[str, Any] = {}
    for field in asked:
        value = profile[field]
        if field in CHOICE_FIELDS:
            clean[field] = check_choice(catalog, role, form, field, value)
        elif field in TEXT_FIELDS:
            if not isinstance(value, str | int):
                raise InvalidInput("profile-mismatch")
            clean[field] = TEXT_FIELDS[field](value)
        else:
            raise InvalidInput("profile-mismatch")
    # A mentor whose form allows one category only is given it without a question.
    if role == "mentor" and "category" not in clean:
        only = mentor_categories(catalog, form)
        if len(only) == 1:
            clean["category"] = only[0]
    return clean


@dataclass(frozen=True, slots=True)
class CategoryCard:
    """A mentee as the curator sets their category: shown to curators only."""

    membership_id: int
    full_name: str | None
    current: str | None
    allowed: tuple[str, ...]


# Built once: every menu runs it.
_PENDING = (
    select(Membership)
    .where(Membership.user_id == bindparam("user_id"), Membership.status == "registering")
    .order_by(Membership.id.desc())
)


class RegistrationService:
    def __init__(
        self,
        session: AsyncSession,
        catalog: Catalog,
        access: AccessService | None = None,
        audit: AuditService | None = None,
    ) -> None:
        self.session = session
        self.catalog = catalog
        self.access = access
        self.audit = audit

    def form_of(self, pending: Pending) -> Form | None:
        return self.catalog.form(pending.form_key) if pending.form_key else None

    async def pending(self, person: Person) -> Pending | None:
        cache = read_cache(self.session)
        key = ("registration.pending", person.id)
        if cache is not None and key in cache:
            cached: Pending | None = cache[key]
            return cached
        membership = await self.session.scalar(_PENDING, {"user_id": person.id})
        found = await self._describe(membership) if membership else None
        if cache is not None:
            cache[key] = found
        return found

    def note_memberships(self, person: Person, memberships: Iterable[Membership]) -> None:
        """The person's memberships (not withdrawn) were just loaded: when none of them is
        being registered, `pending` knows there is nothing without asking the database."""
        cache = read_cache(self.session)
        if cache is not None and not any(m.status == "registering" for m in memberships):
            cache[("registration.pending", person.id)] = None

    async def describe(self, person: Person, membership_id: int) -> Pending:
        membership = await self.session.get(Membership, membership_id)
        if membership is None or membership.user_id != person.id:
            raise NotFound()
        return await self._describe(membership)

    async def _describe(self, membership: Membership) -> Pending:
        org = await self.session.get(Organisation, membership.organisation_id)
        programme = (
            await self.session.get(Programme, membership.programme_id)
            if membership.programme_id
            else None
        )
        assert org is not None
        return Pending(
            membership_id=membership.id,
            organisation_id=org.id,
            organisation_name=org.name,
            organisation_kind=org.kind,
            programme_id=programme.id if programme else None,
            programme_name=programme.name if programme else None,
            form_key=programme.form_key if programme else None,
            role=membership.role,
        )

    async def complete(
        self,
        person: Person,
        membership_id: int,
        *,
        full_name: str,
        is_minor: bool,
        profile: dict[str, Any],
    ) -> None:
        """Save the name and profile. Refused unless the person agreed to processing."""
        membership = await self.session.get(Membership, membership_id)
        if membership is None or membership.user_id != person.id:
            raise NotFound()
        consent = await self.session.scalar(
            select(Consent).where(
                Consent.subject_user_id == person.id,
                Consent.organisation_id == membership.organisation_id,
                Consent.withdrawn_at.is_(None),
            )
        )
        if consent is None:
            raise DomainError("consent-required")
        programme = (
            await self.session.get(Programme, membership.programme_id)
            if membership.programme_id
            else None
        )
        form = self.catalog.form(programme.form_key) if programme else None
        if not isinstance(is_minor, bool) or (is_minor and not asks_age(membership.role, form)):
            raise InvalidInput("profile-mismatch")
        clean = check_profile(self.catalog, membership.role, form, profile)
        user = await self.session.get(User, person.id)
        assert user is not None
        user.full_name = clean_full_name(full_name)
        user.is_minor = is_minor
        membership.profile = clean
        membership.status = "active"
        await self.session.flush()

    async def category_card(self, actor: Actor, membership_id: int) -> CategoryCard:
        """What the curator needs to set a mentee's category. Access before existence."""
        membership, form = await self._mentee_for_curator(actor, membership_id, "read")
        user = await self.session.get(User, membership.user_id)
        return CategoryCard(
            membership_id=membership.id,
            full_name=user.full_name if user else None,
            current=(membership.profile or {}).get("category"),
            allowed=self.curator_categories(form),
        )

    async def _mentee_for_curator(
        self, actor: Actor, membership_id: int, what: str
    ) -> tuple[Membership, Form | None]:
        assert self.access is not None
        membership = await self.session.get(Membership, membership_id)
        organisation_id = membership.organisation_id if membership else None
        if membership is None or not actor.is_curator_of(organisation_id or -1):
            raise await self.access.deny(
                actor, f"participant.category.{what}", object_id=membership_id
            )
        if membership.role != "mentee" or membership.status == "withdrawn":
            raise NotFound()
        programme = (
            await self.session.get(Programme, membership.programme_id)
            if membership.programme_id
            else None
        )
        return membership, self.catalog.form(programme.form_key) if programme else None

    async def set_category(self, actor: Actor, membership_id: int, category_key: str) -> str:
        """The curator sets a mentee's category (a mentee never labels themself; a teacher's
        category chosen at registration before help topics came stays here as the curator's).

        Access is checked before existence: a forged id gets the same refusal either way."""
        assert self.audit is not None
        membership, form = await self._mentee_for_curator(actor, membership_id, "set")
        allowed = self.curator_categories(form)
        if category_key not in allowed:
            raise InvalidInput("choice-unknown")
        membership.profile = {**(membership.profile or {}), "category": category_key}
        await self.session.flush()
        await self.audit.record(
            actor.user_id,
            "participant.category",
            organisation_id=membership.organisation_id,
            object_type="membership",
            object_id=membership.id,
        )
        return category_key

    def curator_categories(self, form: Form | None) -> tuple[str, ...]:
        """The mentee categories a curator may set for a programme of this form."""
        kind = form.mentee_kind if form else "student"
        return tuple(c.key for c in self.catalog.mentee_categories(kind))
