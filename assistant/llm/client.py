"""Ask a local OpenAI-compatible server to phrase retrieved facts; never to choose codes.

The reply is validated: any code it names that is not among the facts is removed and flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse

import httpx

from assistant.chat.router import find_codes

SYSTEM_PROMPT = (
    "You rephrase facts for a medical coder in two or three plain sentences. Use only the facts given. "
    "Never add, change or guess a code: mention only codes that appear in the facts."
)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


@dataclass
class Phrased:
    text: str
    flags: list[str] = field(default_factory=list)


def is_local(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return host in LOCAL_HOSTS


def validate(text: str, allowed_codes: set[str]) -> Phrased:
    """Drop every code the model mentions that is not in ``allowed_codes``; say which."""
    allowed = {c.replace(".", "").upper() for c in allowed_codes}
    flags: list[str] = []
    out = text
    for code in find_codes(text):
        if code.replace(".", "").upper() not in allowed:
            flags.append(f"removed {code}: the model named a code that is not in the retrieved facts")
            for form in {code, code.replace(".", "")}:
                out = out.replace(form, "[code removed]")
    return Phrased(out, flags)


class LlmClient:
    def __init__(
        self,
        base_url: str,
        *,
        model: str = "local",
        timeout: float = 20.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not is_local(base_url):
            raise ValueError(f"llm_url {base_url} is not on this machine: patient data must stay local")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._client = httpx.Client(timeout=timeout, transport=transport)

    def phrase(self, question: str, facts: list[str], allowed_codes: set[str]) -> Phrased | None:
        """The model's phrasing of ``facts``, validated; None when the server does not answer."""
        url = self.base_url + (
            "/chat/completions" if self.base_url.endswith("/v1") else "/v1/chat/completions"
        )
        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": "Question: " + question + "\nFacts:\n- " + "\n- ".join(facts)},
            ],
        }
        try:
            resp = self._client.post(url, json=body)
            resp.raise_for_status()
            text = str(resp.json()["choices"][0]["message"]["content"]).strip()
        except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError):
            return None
        return validate(text, allowed_codes) if text else None
