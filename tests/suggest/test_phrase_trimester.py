"""A pregnancy phrase that names no trimester lists the best code's other trimesters next (I.C.15.a.3)."""

from __future__ import annotations

from assistant.suggest.phrase_trimester import (
    childbirth_trimesters,
    condition_of,
    trimester_siblings,
    without_trimester,
)

TITLES = {
    "O30.001": "Twin pregnancy, unspecified number of placenta and amniotic sacs, first trimester",
    "O30.002": "Twin pregnancy, unspecified number of placenta and amniotic sacs, second trimester",
    "O30.003": "Twin pregnancy, unspecified number of placenta and amniotic sacs, third trimester",
    "O30.009": "Twin pregnancy, unspecified number of placenta and amniotic sacs, unspecified trimester",
    "O30.019": "Twin pregnancy, monochorionic/monoamniotic, unspecified trimester",
    "O41.1090": "Infection of amniotic sac and membranes, unspecified, unspecified trimester, not applicable",
    "O41.1010": "Infection of amniotic sac and membranes, unspecified, first trimester, not applicable",
    "O41.1011": "Infection of amniotic sac and membranes, unspecified, first trimester, fetus 1",
    "O80": "Encounter for full-term uncomplicated delivery",
}
LEAVES = sorted(TITLES)


def siblings(code: str) -> list[str]:
    return LEAVES


def test_the_other_trimesters_of_the_same_condition_follow() -> None:
    phrase = "Twin pregnancy, antepartum condition or complication"
    got = trimester_siblings("O30.009", phrase, "pregnancy", TITLES.__getitem__, siblings)
    assert got == ["O30.001", "O30.002", "O30.003"]  # not the monochorionic twin, nor other conditions
    # a 7th character stays the same: the trimester only differs
    got = trimester_siblings(
        "O41.1090", "Amniotic infection, delivered", "childbirth", TITLES.__getitem__, siblings
    )
    assert got == ["O41.1010"]
    assert without_trimester(TITLES["O30.002"]) == without_trimester(TITLES["O30.009"])


def test_a_trimester_said_no_pregnancy_episode_or_a_code_without_trimester_gives_none() -> None:
    said = "Twin pregnancy, second trimester, antepartum condition or complication"
    assert trimester_siblings("O30.009", said, "pregnancy", TITLES.__getitem__, siblings) == []
    unsaid = "Twin pregnancy, unspecified as to episode of care or not applicable"
    assert trimester_siblings("O30.009", unsaid, None, TITLES.__getitem__, siblings) == []
    postpartum = "Twin pregnancy, postpartum condition or complication"
    assert trimester_siblings("O30.009", postpartum, "puerperium", TITLES.__getitem__, siblings) == []
    assert (
        trimester_siblings("O80", "Normal delivery, delivered", "childbirth", TITLES.__getitem__, siblings)
        == []
    )


CHILDBIRTH = {
    "O16.1": "Unspecified maternal hypertension, first trimester",
    "O16.3": "Unspecified maternal hypertension, third trimester",
    "O16.4": "Unspecified maternal hypertension, complicating childbirth",
    "O16.5": "Unspecified maternal hypertension, complicating the puerperium",
    "O99.411": "Diseases of the circulatory system complicating pregnancy, first trimester",
    "O99.42": "Diseases of the circulatory system complicating childbirth",
}


def test_a_delivery_phrase_lists_the_childbirth_codes_trimesters_next() -> None:
    leaves = sorted(CHILDBIRTH)
    got = childbirth_trimesters(
        "O16.4", "Maternal hypertension, delivered", "childbirth", CHILDBIRTH.get, leaves
    )
    assert got == ["O16.1", "O16.3"]  # not the puerperium, nor another condition
    got = childbirth_trimesters("O99.42", "Heart disease, delivered", "childbirth", CHILDBIRTH.get, leaves)
    assert got == ["O99.411"]
    assert condition_of(CHILDBIRTH["O99.411"]) == condition_of(CHILDBIRTH["O99.42"])


def test_no_trimesters_for_another_episode_a_trimester_said_or_a_code_not_in_childbirth() -> None:
    leaves = sorted(CHILDBIRTH)
    said = "Maternal hypertension, delivered, third trimester"
    assert childbirth_trimesters("O16.4", said, "childbirth", CHILDBIRTH.get, leaves) == []
    postpartum = "Maternal hypertension, postpartum condition"
    assert childbirth_trimesters("O16.4", postpartum, "puerperium", CHILDBIRTH.get, leaves) == []
    assert (
        childbirth_trimesters("O16.5", "Hypertension, delivered", "childbirth", CHILDBIRTH.get, leaves) == []
    )
