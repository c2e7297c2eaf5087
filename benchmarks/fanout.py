"""Fan-out: 3,000 notifications to 1,000 people through the real sender, against the fake
Telegram enforcing 30 messages per second overall (429 with retry_after when exceeded).

Run from the repository root:  .venv/bin/python benchmarks/fanout.py
Target: achieved rate ≥ 0.9 × the limit, zero 429, all 3,000 rows sent, skipped or failed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.factory import create_bot  # noqa: E402
from bot.i18n import create_core  # noqa: E402
from bot.jobs.render import Renderer  # noqa: E402
from bot.jobs.sender import Sender  # noqa: E402
from bot.services.outbox import DeliveryQueue, Outbox  # noqa: E402
from bot.storage.database import create_engine, create_session_factory  # noqa: E402
from bot.storage.migrate import upgrade_async  # noqa: E402
from bot.storage.models import Membership, Organisation, User  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402
from tests.harness import make_settings  # noqa: E402

BASE_ID = 10_000_000


async def fanout(people: int, per_person: int, limit: float, rate: float) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'fanout.db'}"
        await upgrade_async(url)
        engine = create_engine(url)
        sessions = create_session_factory(engine)
        fake = FakeTelegram(rate_limit_per_second=limit)
        await fake.start()
        bot = create_bot(make_settings(url, fake.base_url))
        core = create_core("ru")
        await core.startup()
        try:
            async with sessions() as session:
                # Quiet hours off: the benchmark measures the sender at any time of day.
                school = Organisation(
                    kind="school",
                    name="Школа",
                    timezone="Europe/Moscow",
                    quiet_start=clock_time(0, 0),
                    quiet_end=clock_time(0, 0),
                )
                session.add(school)
                await session.flush()
                users = []
                for i in range(people):
                    fake.user(BASE_ID + i, f"U{i}")
                    user = User(telegram_id=BASE_ID + i, full_name=f"Участник {i}", is_minor=False)
                    users.append(user)
                session.add_all(users)
                await session.flush()
                session.add_all(
                    Membership(user_id=u.id, organisation_id=school.id, role="mentee")
                    for u in users
                )
                outbox = Outbox(session)
                # Each person's messages one after another: the sender must interleave them
                # to keep one message per second per chat without stalling.
                for user in users:
                    for n in range(per_person):
                        await outbox.enqueue(
                            kind="paper-consent",
                            subject=f"user:{user.id}",
                            period=str(n),
                            recipient_user_id=user.id,
                            organisation_id=school.id,
                        )
                await session.commit()

            sender = Sender(
                bot,
                DeliveryQueue(sessions, worker="bench"),
                Renderer(core, "ru"),
                rate=rate,
                per_chat_interval=1.0,
            )
            started = time.monotonic()
            await sender.drain(follow=30)
            elapsed = time.monotonic() - started
            counts = await sender.queue.counts()
        finally:
            await bot.session.close()
            await fake.stop()
            await engine.dispose()

    sends = [c.at for c in fake.calls_of("sendMessage") if c.ok]
    span = (max(sends) - min(sends)) if len(sends) > 1 else 0.0
    achieved = (len(sends) - 1) / span if span else 0.0
    total = people * per_person
    accounted = sum(counts.get(s, 0) for s in ("sent", "skipped", "failed"))
    ratio = achieved / limit
    ok = ratio >= 0.9 and sender.stats.retry_after == 0 and accounted == total
    rows = [
        ("notifications", f"{total}"),
        ("people", f"{people}"),
        ("fake Telegram limit", f"{limit:g} msg/s overall (429 when exceeded)"),
        ("sender rate (SEND_RATE_PER_SECOND)", f"{rate:g} msg/s, 1 msg/s per chat"),
        ("achieved rate", f"{achieved:.2f} msg/s"),
        ("ratio to the limit", f"{ratio:.3f} (target ≥ 0.9)"),
        ("429s received", f"{sender.stats.retry_after} (fake counted {fake.rate_limited})"),
        (
            "sent / skipped / failed",
            "{} / {} / {}".format(*(counts.get(s, 0) for s in ("sent", "skipped", "failed"))),
        ),
        ("still pending", f"{counts.get('pending', 0)}"),
        ("wall time", f"{elapsed:.1f} s"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    verdict = "PASS" if ok else "FAIL"
    print(
        f"{verdict}: {accounted}/{total} accounted for at {achieved:.1f} msg/s "
        f"= {ratio:.2f} × the {limit:g}/s limit, {sender.stats.retry_after} × 429"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--per-person", type=int, default=3)
    parser.add_argument("--limit", type=float, default=30, help="the fake Telegram's msg/s")
    parser.add_argument("--rate", type=float, default=28, help="SEND_RATE_PER_SECOND")
    args = parser.parse_args()
    ok = asyncio.run(fanout(args.people, args.per_person, args.limit, args.rate))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
