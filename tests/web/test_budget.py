"""The per-client query budget (web/budget.py), with a fake clock; the 429 on a real server is in
test_hardening_queries.py."""

from __future__ import annotations

from culturegraph.web.budget import ClientBudget


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_queries_at_once_are_limited_per_client() -> None:
    budget = ClientBudget(2, 60.0, clock=Clock())
    assert budget.admit("a") is None and budget.admit("a") is None
    refusal = budget.admit("a")
    assert refusal is not None and refusal.reason == "concurrency" and refusal.retry_after >= 1
    assert budget.admit("b") is None  # another client
    budget.done("a", 0.1)
    assert budget.admit("a") is None


def test_query_seconds_drain_like_a_leaky_bucket() -> None:
    clock = Clock()
    budget = ClientBudget(10, 60.0, clock=clock)  # one second of evaluation per second, on average
    assert budget.admit("a") is None
    budget.done("a", 75.0)  # one long query overdraws the bucket
    refusal = budget.admit("a")
    assert refusal is not None and refusal.reason == "seconds"
    assert 15 <= refusal.retry_after <= 17  # 75 - 60 s to drain at 1 s/s
    clock.now += refusal.retry_after
    assert budget.admit("a") is None


def test_the_client_is_the_address_or_what_a_trusted_proxy_forwards() -> None:
    budget = ClientBudget(1, 1.0, trusted_proxies=["127.0.0.1", "10.1.0.0/16"])
    assert budget.client({"REMOTE_ADDR": "192.0.2.7", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}) == "192.0.2.7"
    assert budget.client({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}) == "1.2.3.4"
    # the nearest untrusted hop; what the client wrote further left is ignored
    chain = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.9, 10.1.2.3"}
    assert budget.client(chain) == "198.51.100.9"
    assert budget.client({"REMOTE_ADDR": "127.0.0.1"}) == "127.0.0.1"
    # an IPv6 client is its /64; an IPv4-mapped address is the IPv4 address
    assert budget.client({"REMOTE_ADDR": "2001:db8:1:2:aaaa::1"}) == "2001:db8:1:2::/64"
    assert budget.client({"REMOTE_ADDR": "::ffff:192.0.2.1"}) == "192.0.2.1"


def test_idle_clients_are_forgotten() -> None:
    clock = Clock()
    budget = ClientBudget(1, 60.0, clock=clock)
    for i in range(5000):
        assert budget.admit(f"c{i}") is None
        budget.done(f"c{i}", 0.001)
    clock.now += 10
    for i in range(5000):  # the sweep runs every 4,096 admissions
        budget.admit(f"d{i}")
    assert len(budget) < 10_000
