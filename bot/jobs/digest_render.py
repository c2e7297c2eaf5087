"""The curator's weekly digest ("curator-digest"), built at send time in the curator's
language: the text (what needs attention first, then each programme; split at item and
programme boundaries, never over Telegram's 4096 characters), a PNG chart of the weeks'
meetings and an XLSX with a row per pair. The figures come from bot/services/digests/ in
one short read; the chart and the workbook are drawn off the event loop afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from bot.jobs.parts import Part
from bot.jobs.render import RenderContext, register_rich
from bot.services import offload
from bot.services.digests import (
    KIND,
    PairRow,
    ProgrammeDigest,
    SchoolDigest,
    for_recipient,
)
from bot.services.hub import ServiceHub
from bot.services.outbox import Delivery
from bot.storage.models import Membership

if TYPE_CHECKING:  # matplotlib and openpyxl load on first use, not at the bot's start
    from bot.services.charts import BarChart
    from bot.services.workbook import Sheet

MESSAGE_MAX = 4000  # Telegram's limit is 4096; room for what the HTML parser adds nothing
COLUMNS = (
    "programme",
    "mentor",
    "mentees",
    "status",
    "since",
    "held",
    "last",
    "rating",
    "plan",
    "fit",
    "flags",
)


@dataclass(frozen=True, slots=True)
class Block:
    text: str
    gap: str  # put before it when it follows another block in the same message


def pack(blocks: Sequence[Block], limit: int = MESSAGE_MAX) -> list[str]:
    """Blocks into messages of at most `limit` characters, never cutting a block unless it
    alone is longer than a message (then at line ends, and a line longer still is cut)."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        text = str(block.text)  # HTML already: a `Markup` here would escape what is added
        pieces = [text]
        if len(text) > limit:
            pieces = _lines(text, limit)
        for n, piece in enumerate(pieces):
            gap = block.gap if n == 0 else "\n"
            if current and len(current) + len(gap) + len(piece) <= limit:
                current += gap + piece
            else:
                if current:
                    messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _lines(text: str, limit: int) -> list[str]:
    out: list[str] = []
    for line in text.split("\n"):
        while len(line) > limit:
            out.append(line[:limit])
            line = line[limit:]
        out.append(line)
    return out


def digest_texts(ctx: RenderContext, digest: SchoolDigest, locale: str) -> list[str]:
    """The digest's messages (HTML: every name went through the i18n core's escaping)."""
    if digest.empty:
        return [str(ctx.get("digest-nothing-yet", locale, school=digest.name))]
    blocks = [Block(ctx.get("digest-title", locale, school=digest.name, week=digest.week), "")]
    if digest.attention:
        blocks.append(Block(ctx.get("digest-attention-title", locale), "\n\n"))
        for item in digest.attention:
            line = ctx.get(f"digest-attention-{item.key}", locale, count=item.count)
            if item.names:
                names = ctx.get("digest-names", locale, names="; ".join(item.names))
                if item.count > len(item.names):
                    more = ctx.get("digest-more", locale, count=item.count - len(item.names))
                    names = f"{names} {more}"
                line = f"{line}\n<i>{names}</i>"
            blocks.append(Block(line, "\n"))
    else:
        blocks.append(Block(ctx.get("digest-attention-none", locale), "\n\n"))
    for programme in digest.programmes:
        blocks.append(Block(_programme_text(ctx, programme, locale), "\n\n"))
    return pack(blocks)


def _programme_text(ctx: RenderContext, p: ProgrammeDigest, locale: str) -> str:
    lines = [
        ctx.get("digest-programme-title", locale, programme=p.name),
        ctx.get("digest-programme-stage", locale, stage=ctx.get(f"stage-{p.stage}", locale)),
        ctx.get("digest-programme-pairs", locale, pairs=p.pairs_active),
        ctx.get(
            "digest-programme-meetings",
            locale,
            week=p.meetings_week,
            last=p.meetings_last_week,
            total=p.meetings_total,
        ),
        ctx.get("digest-programme-plan", locale, done=p.plan_done, all=p.plan_all)
        if p.plan_all
        else ctx.get("digest-programme-plan-none", locale),
    ]
    if p.wave is None:
        lines.append(ctx.get("digest-programme-wave-none", locale))
    else:
        lines.append(
            ctx.get(
                "digest-programme-wave",
                locale,
                wave=ctx.get(f"digest-wave-{p.wave.kind}", locale),
                submitted=p.wave.submitted,
                expected=p.wave.expected,
                deadline=p.wave.deadline.strftime("%d.%m"),
            )
        )
    return "\n".join(lines)


def digest_chart(ctx: RenderContext, digest: SchoolDigest, locale: str) -> BarChart:
    from bot.services.charts import BarChart, Series

    return BarChart(
        title=ctx.plain("digest-chart-title", locale),
        categories=[w.monday.strftime("%d.%m") for w in digest.weeks],
        series=[
            Series(ctx.plain("digest-chart-held", locale), [w.held for w in digest.weeks]),
            Series(
                ctx.plain("digest-chart-confirmed", locale), [w.confirmed for w in digest.weeks]
            ),
        ],
        empty_note=ctx.plain("digest-chart-empty", locale),
    )


def digest_sheet(ctx: RenderContext, digest: SchoolDigest, locale: str) -> Sheet:
    from bot.services.workbook import Sheet

    def row(p: PairRow) -> list[object]:
        return [
            p.programme,
            p.mentor,
            ", ".join(p.mentees),
            ctx.plain(f"digest-status-{p.status}", locale),
            p.since,
            p.meetings_held,
            p.last_meeting,
            p.rating,
            f"{p.plan_done}/{p.plan_all}",
            ", ".join(ctx.plain(f"digest-fit-{a}", locale) for a in p.fit),
            ", ".join(ctx.plain(f"digest-flag-{f}", locale) for f in p.flags),
        ]

    return Sheet(
        title=ctx.plain("digest-sheet", locale),
        columns=[ctx.plain(f"digest-col-{c}", locale) for c in COLUMNS],
        rows=[row(p) for p in digest.pairs],
    )


async def build_digest(ctx: RenderContext, delivery: Delivery, locale: str) -> list[Part]:
    args = delivery.items[0].args
    organisation_id = int(args["organisation_id"])
    assert ctx.sessions is not None
    async with ctx.sessions() as session:
        # A role may have ended since the row was queued: only a curator reads the digest
        # (an admin's own request was checked when it was asked for).
        allowed = (
            bool(args.get("asked"))
            or (
                await session.scalar(
                    select(Membership.id).where(
                        Membership.user_id == delivery.recipient_user_id,
                        Membership.organisation_id == organisation_id,
                        Membership.role == "curator",
                        Membership.status == "active",
                    )
                )
            )
            is not None
        )
        service = ServiceHub(session, ctx.settings).digests
        digests = await service.schools([organisation_id], ctx.clock.now()) if allowed else []
    if not digests:  # no longer a curator, or the school is gone: nothing is sent
        raise LookupError(f"no digest of organisation {organisation_id} for this recipient")
    digest = for_recipient(digests[0], delivery.recipient_user_id)
    parts = [Part(text=text) for text in digest_texts(ctx, digest, locale)]
    if digest.empty:
        return parts
    from bot.services.charts import render_png
    from bot.services.workbook import write_workbook

    chart = await offload.off_loop(render_png, digest_chart(ctx, digest, locale))
    book = await offload.off_loop(write_workbook, [digest_sheet(ctx, digest, locale)])
    parts.append(
        Part(
            text=ctx.get("digest-chart-caption", locale),
            file=chart,
            filename="chart.png",
            as_photo=True,
        )
    )
    parts.append(
        Part(
            text=ctx.get("digest-file-caption", locale),
            file=book,
            filename=ctx.plain("digest-file-name", locale, week=digest.week),
        )
    )
    return parts


def register() -> None:
    """The curator's weekly digest (called at start)."""
    register_rich(KIND, build_digest)
