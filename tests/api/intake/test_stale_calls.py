"""The stale-call sweep: a call still in progress 30 minutes after its last event (a Mango
Office summary that never came) is ended at that event's time with the result what was seen,
and what an end brings follows as when the PBX reports it (a missed inbound call's callback
task and call.missed; an answered one closes the number's callbacks); a second sweep, a
concurrent one or the real summary coming late adds nothing, unless it says the call was answered:
then an answer's consequences follow. Run through the worker's
function with a controlled clock."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.worker.jobs.intake import end_stale_calls
from domain.shared.clock import FixedClock
from tests.api.deals.support import create_funnel
from tests.api.intake.support import drain, sample
from tests.api.intake.test_telephony import (
    MANGO_KEY,
    MANGO_SALT,
    calls,
    create_integration,
    mango_body,
    outbox,
    post_event,
    tasks_of,
)
from tests.factories import Factory, Session

CALLER = "79165550171"
LINE = "74994509495"


async def mango(factory: Factory, admin: Session, **fields: Any) -> dict[str, Any]:
    await create_funnel(factory, admin)
    return await create_integration(
        factory, admin, provider="mango", api_key=MANGO_KEY, secret=MANGO_SALT, **fields
    )


def leg(entry: str, state: str, at: datetime, seq: int, **fields: Any) -> dict[str, Any]:
    return {
        "entry_id": entry,
        "call_id": f"{entry}-leg",
        "timestamp": int(at.timestamp()),
        "seq": seq,
        "call_state": state,
        "location": "ivr",
        "from": {"number": CALLER},
        "to": {"number": LINE, "line_number": LINE},
        **fields,
    }


async def post_leg(factory: Factory, integration: dict[str, Any], document: dict[str, Any]) -> None:
    posted = await post_event(factory, integration, mango_body(document), path="events/call")
    assert posted.status_code == 200, posted.text


async def sweep(factory: Factory, at: datetime) -> int:
    ended = await end_stale_calls({"container": factory.container}, FixedClock(at))
    await drain(factory.container)
    return ended


def now() -> datetime:
    """The events' time: now, as the idle time counts from when an event came."""
    return datetime.now(UTC).replace(microsecond=0)


def missed_summary(entry: str, at: datetime) -> dict[str, Any]:
    summary = json.loads(sample("mango/events_summary_answered.json"))
    summary.update(
        entry_id=entry,
        entry_result=0,
        talk_time=0,
        **{"from": {"number": CALLER}},
        create_time=int(at.timestamp()),
        end_time=int(at.timestamp()) + 20,
    )
    return summary


class TestStaleCallSweep:
    async def test_a_call_whose_summary_never_comes_is_ended_as_missed(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        t = now()
        duty = await factory.user(org, "seller")
        integration = await mango(factory, admin, default_user_id=str(duty.id))
        await post_leg(factory, integration, leg("c3dlcHQ", "Appeared", t, 1))
        await drain(factory.container)
        await sweep(factory, t + timedelta(minutes=29))
        (call,) = await calls(factory, admin)
        assert call["result"] == "in_progress"
        assert await tasks_of(factory, org) == []

        assert await sweep(factory, t + timedelta(minutes=31)) >= 1
        (call,) = await calls(factory, admin)
        assert call["result"] == "missed"
        assert call["closed_by_sweep"] is True
        assert call["events"][-1] == "sweep:no_end_reported"
        assert datetime.fromisoformat(call["ended_at"]) == t
        assert call["duration_seconds"] == 0
        # The consequences of an end: a new caller's client, the callback task, call.missed.
        assert call["client_id"] is not None
        (task,) = await tasks_of(factory, org)
        assert task["assignee_id"] == duty.id
        assert task["origin"] == "missed_call"
        assert call["callback_task_id"] == str(task["id"])
        (missed,) = await outbox(factory, org, "call.missed")
        assert missed["call_id"] == call["id"]
        assert missed["task_id"] == str(task["id"])

        # Again: nothing more. The real summary, late: folded, but no second task or event.
        await sweep(factory, t + timedelta(hours=2))
        posted = await post_event(
            factory, integration, mango_body(missed_summary("c3dlcHQ", t)), path="events/summary"
        )
        assert posted.status_code == 200
        await drain(factory.container)
        (call,) = await calls(factory, admin)
        assert call["result"] == "missed"
        assert len(await tasks_of(factory, org)) == 1
        assert len(await outbox(factory, org, "call.missed")) == 1

    async def test_a_late_summary_saying_answered_closes_the_sweeps_callback_task(
        self, factory: Factory
    ) -> None:
        """The sweep ended a call it had seen no answer of as missed (a callback task); the
        PBX's summary, late, says someone talked to the caller: the call is answered, the
        callback task closed and call.answered recorded, once."""
        org, admin = await factory.admin_session()
        t = now()
        duty = await factory.user(org, "seller")
        integration = await mango(factory, admin, default_user_id=str(duty.id))
        await post_leg(factory, integration, leg("bGF0ZQ", "Appeared", t, 1))
        await drain(factory.container)
        assert await sweep(factory, t + timedelta(minutes=31)) >= 1
        (task,) = await tasks_of(factory, org)
        assert task["done_at"] is None

        answered = missed_summary("bGF0ZQ", t)
        answered.update(entry_result=1, talk_time=int(t.timestamp()) + 5)
        for _ in range(2):  # and its redelivery
            posted = await post_event(
                factory, integration, mango_body(answered), path="events/summary"
            )
            assert posted.status_code == 200
            await drain(factory.container)
        (call,) = await calls(factory, admin)
        assert call["result"] == "answered"
        assert call["closed_by_sweep"] is True
        (task,) = await tasks_of(factory, org)
        assert task["done_at"] is not None
        (closing,) = await outbox(factory, org, "call.answered")
        assert closing["closed_task_ids"] == [str(task["id"])]
        assert len(await outbox(factory, org, "call.missed")) == 1

    async def test_a_call_whose_every_leg_hung_up_is_ended_two_minutes_later(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        t = now()
        duty = await factory.user(org, "seller")
        integration = await mango(factory, admin, default_user_id=str(duty.id))
        await post_leg(factory, integration, leg("aHVuZw", "Appeared", t, 1))
        await drain(factory.container)
        await post_leg(factory, integration, leg("aHVuZw", "Disconnected", t, 2))
        await drain(factory.container)
        assert await sweep(factory, t + timedelta(minutes=1)) == 0
        (call,) = await calls(factory, admin)
        assert call["result"] == "in_progress"

        assert await sweep(factory, t + timedelta(minutes=3)) == 1
        (call,) = await calls(factory, admin)
        assert call["result"] == "missed"
        assert call["closed_by_sweep"] is True
        assert call["events"][-1] == "sweep:all_legs_disconnected"
        (task,) = await tasks_of(factory, org)
        assert task["assignee_id"] == duty.id
        assert len(await outbox(factory, org, "call.missed")) == 1

    async def test_a_hang_up_processed_before_its_leg_appeared_still_counts(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        t = now()
        integration = await mango(factory, admin)
        await post_leg(factory, integration, leg("b3JkZXI", "Disconnected", t, 2))
        await drain(factory.container)
        await post_leg(factory, integration, leg("b3JkZXI", "Appeared", t, 1))
        await drain(factory.container)
        assert await sweep(factory, t + timedelta(minutes=3)) == 1
        (call,) = await calls(factory, admin)
        assert call["events"][-1] == "sweep:all_legs_disconnected"

    async def test_a_call_with_a_leg_still_connected_waits_for_the_idle_time(
        self, factory: Factory
    ) -> None:
        _, admin = await factory.admin_session()
        t = now()
        integration = await mango(factory, admin)
        first = leg("dHJhbnNm", "Appeared", t, 1)
        transfer = leg("dHJhbnNm", "Appeared", t, 2, call_id="dHJhbnNm-transfer")
        for document in (first, transfer, {**first, "call_state": "Disconnected", "seq": 3}):
            await post_leg(factory, integration, document)
            await drain(factory.container)
        # The transferred leg still rings: not over.
        assert await sweep(factory, t + timedelta(minutes=3)) == 0
        (call,) = await calls(factory, admin)
        assert call["result"] == "in_progress"
        # Its hang-up ends it.
        await post_leg(factory, integration, {**transfer, "call_state": "Disconnected", "seq": 4})
        await drain(factory.container)
        assert await sweep(factory, t + timedelta(minutes=3)) == 1
        (call,) = await calls(factory, admin)
        assert call["result"] == "missed"
        assert call["events"][-1] == "sweep:all_legs_disconnected"

    async def test_an_answered_call_is_ended_as_answered_and_closes_the_callback(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        t = now()
        seller = await factory.user(org, "seller")
        duty = await factory.user(org, "seller")
        integration = await mango(
            factory, admin, default_user_id=str(duty.id), extensions={"222": str(seller.id)}
        )
        await post_event(
            factory, integration, mango_body(missed_summary("bWlzc2Vk", t)), path="events/summary"
        )
        await drain(factory.container)
        (task,) = await tasks_of(factory, org)
        assert task["done_at"] is None
        answered_at = t + timedelta(minutes=5, seconds=10)
        await post_leg(
            factory, integration, leg("YW5zd2Vy", "Appeared", t + timedelta(minutes=5), 1)
        )
        connected = leg(
            "YW5zd2Vy",
            "Connected",
            answered_at,
            2,
            location="abonent",
            to={"number": LINE, "extension": "222", "line_number": LINE},
        )
        await post_leg(factory, integration, connected)
        await drain(factory.container)
        assert await sweep(factory, answered_at + timedelta(minutes=31)) >= 1
        call = next(c for c in await calls(factory, admin) if c["provider_call_id"] == "YW5zd2Vy")
        assert call["result"] == "answered"
        assert call["closed_by_sweep"] is True
        assert call["employee_id"] == str(seller.id)
        assert datetime.fromisoformat(call["ended_at"]) == answered_at
        (task,) = await tasks_of(factory, org)
        assert task["done_at"] is not None
        (closing,) = await outbox(factory, org, "call.answered")
        assert closing["call_id"] == call["id"]
        assert closing["closed_task_ids"] == [str(task["id"])]

    async def test_an_unanswered_outbound_call_ends_as_not_answered_without_a_task(
        self, factory: Factory
    ) -> None:
        org, admin = await factory.admin_session()
        t = now()
        seller = await factory.user(org, "seller")
        integration = await mango(factory, admin, extensions={"101": str(seller.id)})
        outgoing = leg(
            "b3V0",
            "Appeared",
            t,
            1,
            location="abonent",
            **{"from": {"number": "74994509495", "extension": "101"}},
            to={"number": CALLER},
        )
        await post_leg(factory, integration, outgoing)
        await drain(factory.container)
        await sweep(factory, t + timedelta(minutes=31))
        (call,) = await calls(factory, admin)
        assert (call["direction"], call["result"]) == ("outbound", "no_answer")
        assert call["closed_by_sweep"] is True
        assert await tasks_of(factory, org) == []
        assert await outbox(factory, org, "call.missed") == []

    async def test_sweeps_running_at_once_end_a_call_once(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        t = now()
        duty = await factory.user(org, "seller")
        integration = await mango(factory, admin, default_user_id=str(duty.id))
        await post_leg(factory, integration, leg("dHdpY2U", "Appeared", t, 1))
        await drain(factory.container)
        ctx = {"container": factory.container}
        at = FixedClock(t + timedelta(minutes=45))
        await asyncio.gather(*(end_stale_calls(ctx, at) for _ in range(3)))
        await drain(factory.container)
        (call,) = await calls(factory, admin)
        assert call["result"] == "missed"
        assert len(await tasks_of(factory, org)) == 1
        assert len(await outbox(factory, org, "call.missed")) == 1

    async def test_an_ended_call_is_never_swept(self, factory: Factory) -> None:
        org, admin = await factory.admin_session()
        t = now()
        duty = await factory.user(org, "seller")
        integration = await mango(factory, admin, default_user_id=str(duty.id))
        await post_event(
            factory, integration, mango_body(missed_summary("ZW5kZWQ", t)), path="events/summary"
        )
        await drain(factory.container)
        await sweep(factory, t + timedelta(days=1))
        (call,) = await calls(factory, admin)
        assert call["closed_by_sweep"] is False
        assert len(await outbox(factory, org, "call.missed")) == 1


def test_the_worker_runs_the_sweep_and_the_recording_fetch_periodically() -> None:
    from adapters.worker.main import CRON_JOBS

    names = {job.coroutine.__name__ for job in CRON_JOBS}
    assert {"end_stale_calls", "fetch_call_recordings"} <= names


async def test_the_idle_time_counts_from_when_the_last_event_came_not_the_pbx_clock(
    factory: Factory,
) -> None:
    """A PBX whose times read three hours behind (its account in another time zone) does not
    get its live calls ended: 30 minutes count from when its last event came."""
    org, admin = await factory.admin_session()
    duty = await factory.user(org, "seller")
    integration = await mango(factory, admin, default_user_id=str(duty.id))
    came = now()
    await post_leg(factory, integration, leg("c2tldw", "Appeared", came - timedelta(hours=3), 1))
    await drain(factory.container)
    await sweep(factory, came + timedelta(minutes=10))
    (call,) = await calls(factory, admin)
    assert call["result"] == "in_progress"
    await sweep(factory, came + timedelta(minutes=31))
    (call,) = await calls(factory, admin)
    assert call["result"] == "missed"
    # Ended at the last event's own time, as the PBX gave it.
    assert datetime.fromisoformat(call["ended_at"]) == came - timedelta(hours=3)
