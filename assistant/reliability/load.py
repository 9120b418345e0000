"""A bounded loopback load test: N concurrent HTTP clients for S seconds over the suggestion API, code
search and claim scrub, with latency percentiles and error counts per endpoint.

The workload is synthetic: made-up notes, search terms and one made-up claim (no evaluation data, no
real patient). Each client is an ``httpx.AsyncClient`` with its own connection, all in one event loop.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

NOTES = [
    "Follow-up for type 2 diabetes mellitus with hyperglycemia; A1c 9.1%. Continue metformin.",
    "Established patient with essential hypertension, blood pressure 152/94 today. Adjust lisinopril.",
    "Right knee pain for three months; x-ray shows primary osteoarthritis of the right knee.",
    "Acute cough and fever for four days, chest clear, diagnosed with acute bronchitis.",
    "Annual wellness visit, subsequent. No new complaints. Counseled on diet and exercise.",
    "Low back pain after lifting boxes, no radiation, no numbness. Lumbar strain.",
    "Patient with asthma, mild persistent, uncomplicated; refill inhaler.",
    "Hypothyroidism on levothyroxine, TSH within range; denies fatigue or weight change.",
]
SEARCHES = [
    "diabetes",
    "hypertension",
    "knee osteoarthritis",
    "E11.6",
    "asthma",
    "fracture of wrist",
    "I10",
    "cough",
]
CLAIM: dict[str, Any] = {
    "claim_id": "LOAD-0001",
    "billing_provider": {
        "npi": "1234567893",
        "name": "Load Test Clinic",
        "tax_id": "123456789",
        "address": {"line1": "1 Test St", "city": "Springfield", "state": "IL", "zip": "627011234"},
    },
    "rendering_provider": {"npi": "1245319599", "first_name": "Ana", "last_name": "Example"},
    "payer": {"payer_id": "87726", "name": "Example Health Plan", "filing_indicator": "CI"},
    "subscriber": {
        "member_id": "LT0000001",
        "first_name": "Test",
        "last_name": "Patient",
        "dob": "1961-04-12",
        "sex": "M",
        "address": {"line1": "5 Oak Ave", "city": "Springfield", "state": "IL", "zip": "62704"},
    },
    "patient_relationship": "self",
    "place_of_service": "11",
    "frequency_code": "1",
    "diagnoses": ["E11.65", "I10"],
    "lines": [
        {
            "date_of_service": "2026-05-04",
            "code": "99214",
            "modifiers": [],
            "units": 1,
            "charge_cents": 18500,
            "dx_pointers": [1, 2],
        }
    ],
}

Request = tuple[str, str, str, dict[str, Any]]  # endpoint name, method, path, httpx keyword arguments


def _suggest(k: int) -> Request:
    return "suggest", "POST", "/api/suggest", {"json": {"text": NOTES[k % len(NOTES)], "top_k": 10}}


def _search(k: int) -> Request:
    return "code_search", "GET", "/api/codes/search", {"params": {"q": SEARCHES[k % len(SEARCHES)]}}


def _scrub(k: int) -> Request:
    return "claim_scrub", "POST", "/api/claims/scrub", {"json": CLAIM}


WORKLOAD: list[Callable[[int], Request]] = [_suggest, _search, _scrub]


@dataclass
class Sample:
    seconds: float
    status: int  # 0: no HTTP answer (connection error or timeout)


@dataclass
class LoadResult:
    clients: int
    seconds: float
    samples: dict[str, list[Sample]] = field(default_factory=lambda: defaultdict(list))
    first_errors: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        endpoints = {name: _stats(s, self.seconds) for name, s in sorted(self.samples.items())}
        everything = [x for s in self.samples.values() for x in s]
        return {
            "clients": self.clients,
            "seconds": round(self.seconds, 1),
            "endpoints": endpoints,
            "total": _stats(everything, self.seconds),
            "first_errors": self.first_errors,
        }


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of unsorted values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def _stats(samples: list[Sample], seconds: float) -> dict[str, Any]:
    ms = [s.seconds * 1000 for s in samples]
    return {
        "requests": len(samples),
        "requests_per_s": round(len(samples) / seconds, 2) if seconds else 0.0,
        "ok": sum(1 for s in samples if 200 <= s.status < 300),
        "errors": sum(1 for s in samples if not 200 <= s.status < 300),
        "status_4xx": sum(1 for s in samples if 400 <= s.status < 500),
        "status_5xx": sum(1 for s in samples if s.status >= 500),
        "no_answer": sum(1 for s in samples if s.status == 0),
        "p50_ms": round(percentile(ms, 0.50), 1),
        "p95_ms": round(percentile(ms, 0.95), 1),
        "max_ms": round(max(ms), 1) if ms else 0.0,
    }


async def _client(
    index: int, base_url: str, token: str, deadline: float, result: LoadResult, timeout: float
) -> None:
    import httpx

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=timeout) as client:
        k = index
        while time.monotonic() < deadline:
            name, method, path, kwargs = WORKLOAD[k % len(WORKLOAD)](k // len(WORKLOAD))
            k += 1
            started = time.perf_counter()
            try:
                response = await client.request(method, path, **kwargs)
                status = response.status_code
                if status >= 400 and len(result.first_errors) < 5:
                    result.first_errors.append(f"{name} {status}: {response.text[:200]}")
            except httpx.HTTPError as exc:
                status = 0
                if len(result.first_errors) < 5:
                    result.first_errors.append(f"{name}: {type(exc).__name__}: {exc}")
            result.samples[name].append(Sample(time.perf_counter() - started, status))


def run_load(base_url: str, token: str, *, clients: int, seconds: float, timeout: float = 60.0) -> LoadResult:
    """Drive ``clients`` concurrent clients against ``base_url`` for ``seconds``; returns every sample."""
    result = LoadResult(clients=clients, seconds=seconds)

    async def main() -> None:
        deadline = time.monotonic() + seconds
        started = time.monotonic()
        await asyncio.gather(
            *(_client(i, base_url, token, deadline, result, timeout) for i in range(clients))
        )
        result.seconds = time.monotonic() - started  # requests in flight at the deadline finish

    # A fresh thread owns its own event loop: the caller may already run one (an embedding app, or
    # Playwright's sync API in the same test process).
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, main()).result()
    return result
