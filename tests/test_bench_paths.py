"""What kam run does before its first notebook, on the paths that used to be slow: the same results, less work.

(The seconds themselves are measured by ``make bench``, not here: the machines are shared and noisy.)
"""

from __future__ import annotations

import pandas as pd

from kamlib import value


def test_window_costs_work_out_each_period_end_once_with_the_same_result(monkeypatch, sample_data):
    sc = sample_data.service_costs
    # the reference: each row's period end worked out row by row (what _window_costs did before)
    ends = sc["period"].astype(str).map(value._period_end)
    start, end = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31")
    expected = sc[(ends >= start) & (ends <= end + pd.Timedelta(days=1))]
    assert 0 < len(expected) < len(sc)  # the window keeps some rows and drops others

    calls: list[str] = []
    period_end = value._period_end
    monkeypatch.setattr(value, "_period_end", lambda p: calls.append(p) or period_end(p))
    got = value._window_costs(sc, start, end)
    pd.testing.assert_frame_equal(got, expected)
    # one call per distinct period (a few dozen quarters and months), not one per row (thousands)
    assert sorted(calls) == sorted(sc["period"].astype(str).unique())
    assert len(calls) < len(sc) / 10


def _margins_written_out(data, freq, start=None, end=None) -> pd.DataFrame:
    """The contribution-margin scheme as value.contribution_margins computed it before it was made lean
    (a pivot table, then every level added column by column): the reference for the same numbers."""
    o = data.orders
    if start is not None:
        o = o[o["date"] >= pd.Timestamp(start)]
    if end is not None:
        o = o[o["date"] <= pd.Timestamp(end)]
    rev = (
        pd.DataFrame(
            {
                "account_id": o["account_id"].astype(str),
                "period": value.period_of(o["date"], freq),
                "gross_revenue": o["gross_revenue_eur"].astype(float),
                "discount": o["discount_eur"].fillna(0.0).astype(float),
                "cogs": o["cogs_eur"].fillna(0.0).astype(float),
            }
        )
        .groupby(["account_id", "period"])
        .sum()
    )
    sc = value._window_costs(data.service_costs, start, end)
    costs = sc.assign(account_id=sc["account_id"].astype(str), period=value.cost_period(sc["period"], freq))
    costs = costs.pivot_table(index=["account_id", "period"], columns="category", values="cost_eur", aggfunc="sum")
    out = rev.join(costs.reindex(columns=list(value.COST_CATEGORIES)), how="outer")
    for c in ("gross_revenue", "discount", "cogs", *value.COST_CATEGORIES):
        out[c] = out[c].astype(float).fillna(0.0)
    out["net_revenue"] = out["gross_revenue"] - out["discount"]
    out["db1"] = out["net_revenue"] - out["cogs"]
    out["db2"] = out["db1"] - out["marketing"]
    out["db3"] = out["db2"] - out["sales"]
    out["db4"] = out["db3"] - out["service"] - out["logistics"]
    out["cost_to_serve"] = out[list(value.COST_CATEGORIES)].sum(axis=1)
    out = out[[*value.LEVELS, "cost_to_serve"]].round(2)
    out.index.names = ["account_id", "period"]
    return out.sort_index()


def test_contribution_margins_are_the_scheme_written_out(sample_data):
    import dataclasses

    one = sample_data.accounts["account_id"].iloc[0]
    only_one = dataclasses.replace(
        sample_data,
        orders=sample_data.orders[sample_data.orders["account_id"] == one],
        service_costs=sample_data.service_costs[sample_data.service_costs["account_id"] == one],
    )
    costs_only = dataclasses.replace(only_one, orders=only_one.orders.iloc[:0])  # costs but no orders
    for data, freq, start, end in [
        (sample_data, "Y", None, None),
        (sample_data, "Q", "2024-04-01", "2025-03-31"),
        (only_one, "Q", None, None),  # what the health review asks for, per account and quarter
        (costs_only, "Q", None, None),
    ]:
        got = value.contribution_margins(data, freq=freq, start=start, end=end)
        pd.testing.assert_frame_equal(got, _margins_written_out(data, freq, start, end))
        assert len(got)
    # an account with costs and no orders costs money without earning any: zero revenue, negative DB IV
    alone = value.contribution_margins(costs_only, freq="Q")
    assert (alone["net_revenue"] == 0).all() and (alone["db4"] == -alone["cost_to_serve"]).all()


def test_a_forked_kernel_is_ready_at_its_idle_status_not_after_a_silent_wait(tmp_path):
    """jupyter_client's wait_for_ready ends after 0.2 s without any IOPub message (every notebook paid it);
    the run's client ends at the kernel's "idle" for the kernel_info request it got the reply to."""
    import asyncio
    import time
    from queue import Empty

    from kamlib.batch import kernels

    preload = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell")  # enough for a kernel
    calls: list[str] = []  # what each IOPub read gave: a message type, or "silence" (Empty after its timeout)

    async def start_and_wait(manager_class) -> float:
        km = manager_class(kernel_name="python3")
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        get_msg = kc.iopub_channel.get_msg

        async def recording_get_msg(*a, **kw):
            try:
                msg = await get_msg(*a, **kw)
            except Empty:
                calls.append("silence")
                raise
            calls.append(msg["msg_type"])
            return msg

        kc.iopub_channel.get_msg = recording_get_msg
        try:
            t0 = time.perf_counter()
            await kc.wait_for_ready(timeout=60)
            return time.perf_counter() - t0
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    with kernels.KernelTemplate(cwd=str(tmp_path), preload=preload).start() as template:
        manager = kernels.kernel_manager_class({}, template=template.address)
        asyncio.run(start_and_wait(manager))
    assert manager.started == ["forked"]
    assert calls and calls[-1] == "status", calls  # ended on the kernel's status, not on 0.2 s of silence


def _scripted_client(iopub_script):
    """The run's ready client with channels played from a script: each kernel_info request gets its reply on
    shell; ``iopub_script(n, msg_id)`` gives what IOPub delivers for the n-th request (0-based)."""
    import asyncio
    from queue import Empty

    from kamlib.batch import kernels

    class Channel:
        def __init__(self):
            self.queue: list[dict] = []
            self.reads: list[str] = []

        async def get_msg(self, timeout=None):
            await asyncio.sleep(0)
            if not self.queue:
                self.reads.append("silence")
                raise Empty
            msg = self.queue.pop(0)
            self.reads.append(msg["msg_type"])
            return msg

    class Scripted(kernels.ready_client_class()):
        def __init__(self):
            super().__init__()
            self.requests: list[str] = []
            self.shell, self.iopub = Channel(), Channel()

        @property
        def shell_channel(self):
            return self.shell

        @property
        def iopub_channel(self):
            return self.iopub

        async def _async_is_alive(self):
            return True

        def _handle_kernel_info_reply(self, msg):
            pass

        def kernel_info(self):
            msg_id = f"req{len(self.requests)}"
            self.shell.queue.append({"msg_type": "kernel_info_reply", "parent_header": {"msg_id": msg_id}})
            self.iopub.queue.extend(iopub_script(len(self.requests), msg_id))
            self.requests.append(msg_id)
            return msg_id

    return Scripted()


def _status(state, msg_id):
    return {"msg_type": "status", "content": {"execution_state": state}, "parent_header": {"msg_id": msg_id}}


def test_a_welcome_after_the_answered_request_asks_once_more_instead_of_waiting_for_silence():
    """CI saw ['iopub_welcome', 'silence']: IOPub's subscription became live after the first kernel_info was
    answered, so that request's busy/idle were never heard and the wait ended on 0.2 s of silence."""
    import asyncio

    welcome = {"msg_type": "iopub_welcome", "content": {}, "parent_header": {}}
    # request 0: its statuses lost, only the welcome arrives; request 1: heard in full
    client = _scripted_client(lambda n, mid: [welcome] if n == 0 else [_status("busy", mid), _status("idle", mid)])
    asyncio.run(client.wait_for_ready(timeout=5))
    assert client.requests == ["req0", "req1"]
    assert client.iopub.reads == ["iopub_welcome", "status", "status"]  # ended on req1's idle, no silence


def test_ready_without_asking_again_when_the_statuses_are_heard():
    import asyncio

    welcome = {"msg_type": "iopub_welcome", "content": {}, "parent_header": {}}
    # an older ipykernel: no welcome, the first IOPub message is the request's own busy
    client = _scripted_client(lambda n, mid: [_status("busy", mid), _status("idle", mid)])
    asyncio.run(client.wait_for_ready(timeout=5))
    assert client.requests == ["req0"] and client.iopub.reads == ["status", "status"]
    # a welcome between the first request's busy and idle: that idle still ends the wait
    client = _scripted_client(lambda n, mid: [_status("busy", mid), welcome, _status("idle", mid)] if n == 0 else [])
    asyncio.run(client.wait_for_ready(timeout=5))
    assert client.iopub.reads[-1] == "status" and "silence" not in client.iopub.reads
