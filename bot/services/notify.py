"""Messages the bot sends to someone other than the person who acted.

Each is a notification row queued in the acting update's transaction (`bot/services/outbox/`):
a rolled-back action sends nothing, a committed one is delivered by the one rate-limited
sender (`bot/jobs/sender.py`) right after the commit, in the recipient's own language,
outside quiet hours. Arguments are stored raw; the renderer escapes them.
"""

from __future__ import annotations

from bot.services.consent import GuardianInvitation
from bot.services.hub import ServiceHub
from bot.services.personal_data import Withdrawal
from bot.services.users import Person


async def notify_guardian_confirmed(services: ServiceHub, invitation: GuardianInvitation) -> None:
    """The child hears that their parent confirmed; the curators get it in their summary."""
    await services.outbox.enqueue(
        kind="guardian-confirmed",
        subject=f"link:{invitation.link_id}",
        recipient_user_id=invitation.child_user_id,
        organisation_id=invitation.organisation_id,
    )
    await services.outbox.school_event(
        invitation.organisation_id,
        kind="guardian-confirmed-curator",
        subject=f"user:{invitation.child_user_id}",
        args={"name": invitation.child_name},
    )


async def notify_registered(services: ServiceHub, person: Person, membership_id: int) -> None:
    """A participant finished registering: an item of the school's summary to its curators."""
    pending = await services.registration.describe(person, membership_id)
    user = await services.users.get(person.id)
    await services.outbox.school_event(
        pending.organisation_id,
        kind="registered",
        subject=f"user:{person.id}",
        period=f"membership:{membership_id}",
        args={"name": user.full_name if user else "", "role": pending.role},
    )


async def notify_paper_consent(services: ServiceHub, user_id: int, organisation_id: int) -> None:
    """The curator marked a signed paper consent: the participant is told."""
    await services.outbox.enqueue(
        kind="paper-consent",
        subject=f"user:{user_id}",
        period=f"org:{organisation_id}",
        recipient_user_id=user_id,
        organisation_id=organisation_id,
    )


async def notify_withdrawal(
    services: ServiceHub, withdrawal: Withdrawal, subject_name: str
) -> None:
    """Tell the curators that a participant withdrew consent (one message per curator);
    whatever was still to be said about the participant is dropped."""
    for subject in (f"user:{withdrawal.subject_user_id}", *withdrawal.subjects):
        await services.outbox.forget_subject(subject)
    schools: dict[int, list[str]] = {}
    for curator in withdrawal.curators:
        schools.setdefault(curator.user_id, []).append(curator.organisation_name)
    for curator_id, names in schools.items():
        await services.outbox.enqueue(
            kind="withdrawal",
            subject=f"user:{withdrawal.subject_user_id}",
            recipient_user_id=curator_id,
            args={
                "name": subject_name,
                "school": ", ".join(names),
                "pairs": withdrawal.ended_pairs,
            },
        )


async def notify_withdrawn_subject(
    services: ServiceHub, withdrawal: Withdrawal, locale: str | None
) -> None:
    """A goodbye to the person whose consent a guardian withdrew. They are anonymised by
    now, so the row carries their chat and language until it is delivered."""
    if withdrawal.subject_telegram_id is None:
        return
    await services.outbox.enqueue(
        kind="withdrawn-goodbye",
        subject=f"goodbye:{withdrawal.subject_user_id}",
        recipient_user_id=withdrawal.subject_user_id,
        chat_id=withdrawal.subject_telegram_id,
        locale=locale,
    )
