"""The trimesters a pregnancy phrase leaves unsaid: the codes that differ from its best code in the trimester.

The pregnancy chapter codes most conditions by trimester (guideline I.C.15.a.3); the trimester is the
provider's to document, and a phrase that names the pregnancy as its episode of care ("antepartum condition
or complication", "delivered") without naming the trimester is coded to the unspecified trimester. The codes
of the same condition in the first, second and third trimester are the alternatives a coder weighs next,
once the record gives the weeks: ``trimester_siblings`` lists them right after the phrase's best code, before
the codes of other conditions. A phrase naming the delivery as its episode ("delivered") is coded to the
condition's "in childbirth" code where there is one (I.C.15.a.3); the same condition's trimester codes, the
antepartum condition it was before the delivery, follow it (``childbirth_trimesters``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_TRIMESTER = re.compile(r",?\s*\b(?:unspecified|first|second|third)\s+trimester\b", re.IGNORECASE)
_SAYS_TRIMESTER = re.compile(r"\b(?:first|second|third|1st|2nd|3rd)\s+trimester\b|\bweeks?\b", re.IGNORECASE)
# The episodes of care that put a condition in the pregnancy itself (phrase_order.episode_of)
PREGNANCY_EPISODES = frozenset({"pregnancy", "childbirth"})
_IN_CHILDBIRTH = re.compile(r",?\s*\b(?:complicating|in)\s+(?:pregnancy|childbirth)\b", re.IGNORECASE)
STEP = 1e-4  # each sibling just below the one before: after the best code, before any other


def without_trimester(title: str) -> str:
    """A code title with its trimester words left out."""
    return _TRIMESTER.sub("", title).strip(" ,")


def trimester_siblings(
    best: str,
    phrase: str,
    episode: str | None,
    title_of: Callable[[str], str],
    siblings_of: Callable[[str], Sequence[str]],
) -> list[str]:
    """The codes beside ``best`` (a pregnancy-chapter code naming a trimester) that differ from it in the
    trimester only, first trimester first, where the phrase names the pregnancy as its episode and no
    trimester; else []."""
    title = title_of(best)
    if episode not in PREGNANCY_EPISODES or not _TRIMESTER.search(title) or _SAYS_TRIMESTER.search(phrase):
        return []
    same = without_trimester(title)
    return sorted(c for c in siblings_of(best) if c != best and without_trimester(title_of(c)) == same)


def condition_of(title: str) -> str:
    """A pregnancy-chapter title without its episode words (trimester, "complicating childbirth", "in
    pregnancy"), lower case."""
    return _IN_CHILDBIRTH.sub("", without_trimester(title)).strip(" ,").lower()


def childbirth_trimesters(
    best: str, phrase: str, episode: str | None, title_of: Callable[[str], str], leaves: Sequence[str]
) -> list[str]:
    """The trimester codes of the condition of ``best`` (an "in childbirth" code) where the phrase names
    the delivery as its episode and no trimester; else []."""
    title = title_of(best)
    if episode != "childbirth" or "childbirth" not in title.lower() or _SAYS_TRIMESTER.search(phrase):
        return []
    same = condition_of(title)
    return sorted(c for c in leaves if _TRIMESTER.search(title_of(c)) and condition_of(title_of(c)) == same)
