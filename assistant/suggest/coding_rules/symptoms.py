"""Signs and symptoms routinely part of a confirmed diagnosis are not coded beside it (ICD-10-CM I.B.5);
symptoms not routinely associated with it still are (I.B.6).

The table pairs chapter-18 symptom codes with the diagnosis categories that routinely present with them
(our own clinical summary of I.B.5, read against the tabular titles); everything else is left as found.
"""

from __future__ import annotations

import re

from assistant.codesets.repository import ref_covers
from assistant.suggest import rules
from assistant.suggest.coding_rules.context import NoteContext, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_RESPIRATORY_INFECTION = (
    "J00",
    "J01",
    "J02",
    "J03",
    "J04",
    "J05",
    "J06",
    "J09",
    "J10",
    "J11",
    "J12",
    "J13",
    "J14",
    "J15",
    "J16",
    "J17",
    "J18",
    "J20",
    "J21",
    "J22",
    "J40",
    "U07.1",
)
_FEVER_INFECTION = (
    *_RESPIRATORY_INFECTION,
    "A0",
    "A40",
    "A41",
    "B01",
    "B02",
    "B05",
    "B06",
    "B08",
    "B09",
    "B26",
    "B27",
    "B34",
    "N10",
    "N11",
    "N12",
    "H66",
    "K35",
    "K57.",
    "K81.0",
    "L03",
    "L02",
    "O23",  # an infection of the urinary tract in pregnancy
    "J36",  # a peritonsillar abscess
)
_GASTRO = (
    "A02",
    "A04",
    "A05",
    "A08",
    "A09",
    "K29",
    "K52",
    "K50",
    "K51",
    "K56",
    "K35",
    "K80",
    "K81",
    "K85",
    "K57",
)

# symptom code prefix -> diagnosis code prefixes it is integral to
INTEGRAL: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("R05",), (*_RESPIRATORY_INFECTION, "J41", "J42", "J44", "J45", "J98.01")),
    (("R50",), _FEVER_INFECTION),
    (("R06.0", "R06.2"), ("J44", "J45", "I50", "J18", "J20", "J21", "J12", "J80", "J81", "U07.1")),
    (("R07.0", "R09.81", "R09.82", "R43"), _RESPIRATORY_INFECTION),
    (("J34.89",), _RESPIRATORY_INFECTION),  # the runny nose of a cold (Index: Rhinorrhea J34.89)
    (("R06.1", "R49.0"), ("J04", "J05", "J38.5")),  # stridor and hoarseness in croup / laryngitis
    (("R30", "R35", "R39.1"), ("N30", "N39.0", "N34", "N41", "N10", "N40.1")),
    (("R31",), ("N20", "N21", "N13.2", "N30.01", "N30.91")),
    # flushing in a state of ovarian failure whose title says "symptomatic" (after surgery, premature)
    (("R23.2",), ("E89.41", "E28.310")),
    (
        ("R10",),
        (
            "K35",
            "K36",
            "K37",
            "K57",
            "K80",
            "K81",
            "K85",
            "K29",
            "N20",
            "A08",
            "A09",
            "K52",
            "K56",
            "N10",
            "O00",
        ),
    ),
    (("R11",), (*_GASTRO, "G43", "O21")),
    (("R82.4",), ("O21.1", "E10.1", "E11.1", "E13.1")),
    (("R19.7",), (*_GASTRO, "K58.0", "K58.2")),  # the diarrhea of irritable bowel syndrome with diarrhea
    (("K59.0",), ("K58.1", "K58.2")),  # the constipation of irritable bowel syndrome with constipation
    (("R14",), ("K58",)),  # the bloating of an irritable bowel
    (("R51",), ("G43", "G44")),
    (("J02.9", "R59"), ("B27",)),  # the sore throat and swollen nodes of infectious mononucleosis
    (("R07.9", "R07.89", "R07.2"), ("I20", "I21", "I22", "I24", "I25.11", "I25.7")),
    (("R00.0",), ("E05",)),
    (("R45.84",), ("F32", "F33", "F34.1", "F53", "F31.3", "F31.4", "F31.5")),
    (("M79.1",), ("J09", "J10", "J11", "U07.1")),
    # the swelling of a failing heart, of chronic venous insufficiency, venous hypertension or a
    # postthrombotic limb, and of lymphedema
    (("R60",), ("I50", "I87.0", "I87.2", "I87.3", "I89.0")),
    (("R42",), ("H81",)),
    (("H92.0",), ("H60", "H62", "H65", "H66", "H67", "H70", "H73.0", "A38.0")),  # otalgia of otitis
    (("H92.1",), ("H60", "H62", "H66", "H70")),  # the discharge of a suppurative otitis or external otitis
    # erythema of the inflamed or infected part (an ear drum, the skin, the throat)
    (
        ("L53.9", "L53.8"),
        ("H60", "H65", "H66", "H10", "J02", "J03", "L01", "L02", "L03", "L08", "A46", "A69.2", "L40", "L50")
        + tuple(f"L{n}" for n in range(20, 31))
        + ("L71",),
    ),
    # the palpitations and breathlessness of a panic attack
    (("R00.2", "R06.0"), ("F41.0",)),
    # the rash of an exanthem (scarlet fever's is its sign) and of a dermatitis
    (("R21",), ("A38", "B01", "B02", "B05", "B06", "B08", "B09", "L20", "L23", "L24", "L25", "L30", "L50")),
    (("R73",), ("E08", "E09", "E10", "E11", "E13")),
    (("R52", "M79.6", "M25.5"), ("S",)),
    # the swelling, local lump and joint effusion of an injury
    (("R60", "R22", "M25.4"), ("S",)),
    (("M54.5",), ("S33", "S39", "S32")),
    # low back pain of a lumbar or lumbosacral disc disorder, spinal stenosis or spondylosis
    (
        ("M54.5",),
        ("M51.16", "M51.17", "M51.26", "M51.27", "M51.36", "M51.37", "M48.06", "M47.26", "M47.27")
        + ("M47.816", "M47.817"),
    ),
    # joint pain and stiffness of a polyarthritis (rheumatoid, juvenile), and of an unspecified joint beside
    # any arthritis
    (("M25.5", "M25.6"), ("M05", "M06", "M08")),
    (("M25.50", "M25.60"), ("M10", "M1A", "M13", "M15", "M16", "M17", "M18", "M19")),
    # a gout flare of the foot is its toe, foot and ankle pain and swelling
    (("M79.67", "M25.57", "M25.47", "M79.89"), ("M10.07", "M10.27", "M10.37", "M10.47", "M10.9", "M1A.07")),
    # joint pain of the joint the arthropathy is coded for
    (("M25.51",), ("M75", "M19.01")),
    (("M25.55",), ("M16",)),
    (("M25.56",), ("M17",)),
    # ... and of its bursitis or tendinitis (trochanteric, prepatellar, olecranon, patellar, epicondylitis)
    (("M25.55",), ("M70.6", "M70.7")),
    (("M25.56",), ("M70.4", "M70.5", "M76.5")),
    (("M25.52",), ("M70.2", "M70.3", "M77.0", "M77.1")),
    # osteophytes (bone spurs) of the joint its osteoarthritis is coded for
    (("M25.75",), ("M16",)),
    (("M25.76",), ("M17",)),
    (("M25.71",), ("M19.01",)),
    (("M25.7",), ("M15",)),
    (("F51.5",), ("F43.1",)),  # the nightmares of post-traumatic stress disorder (its re-experiencing)
    # the tremor, sweating, anxiety, racing heart and nausea of an alcohol withdrawal
    (("R25.1", "R61", "F41.9", "R45.0", "R00.0", "R11"), ("F10.13", "F10.23", "F10.93")),
    # neck pain of a neck sprain, strain, fracture or disc disorder
    (("M54.2",), ("S13", "S16", "S12", "M50")),
    # testicular pain of an epididymitis, orchitis or torsion; the dysuria of an epididymitis
    (("N50.81",), ("N45", "N44")),
    (("R30",), ("N45",)),
    # palpitations of an arrhythmia the note diagnoses
    (("R00.2",), ("I47", "I48", "I49")),
    # exertional dyspnea of a stenotic or regurgitant heart valve
    (("R06.0",), ("I05", "I06", "I08", "I34", "I35")),
    # the dyskinesia (G24.-) of a Parkinson's disease coded "with dyskinesia"; its tremor
    (("G24", "R25.1"), ("G20.B",)),
    (("R25.1",), ("G20",)),
    # the purpura, belly pain and joint pain of an IgA vasculitis (Henoch-Schonlein purpura)
    (("R21", "R10", "M25.5", "M79.6"), ("D69.0",)),
    # the tooth pain of a maxillary sinusitis, the skin damage of a skin-picking disorder
    (("K08.89",), ("J01.0", "J32.0")),
    (("R23.4", "L98.1"), ("F42.4",)),
    # the erythema migrans rash of Lyme disease (Index: Erythema, chronicum migrans (Borrelia burgdorferi)
    # A69.20); the Index's "Erythema, migrans" A26.0 is erysipeloid
    (("A26.0",), ("A69.2",)),
    # the drooping lids, double vision and trouble swallowing of a myasthenia gravis
    (("H02.4", "H53.2", "R13.1"), ("G70.0",)),
    # the joint pain, arthritis and rash of a systemic lupus erythematosus
    (("M25.5", "M19.90", "R21", "L53.9"), ("M32",)),
    # the redness and the surface changes by which a skin lesion the note diagnoses is described
    (("L53.9", "R23.8"), ("L57", "L82", "L85", "L91", "D22", "D23", "L70", "L71")),
    # the pleuritic chest pain of a pulmonary embolism
    (("R07.1", "R07.81", "R07.89", "R07.9"), ("I26",)),
    # the curvature of the penis by which a Peyronie's disease shows (acquired; Q55.61 is congenital)
    (("Q55.61", "N48.89"), ("N48.6",)),
    # the mite an allergic rhinitis, asthma, eczema or allergic conjunctivitis is due to: an allergen, no
    # infestation
    (("B88",), ("J30", "J45", "L20", "L23", "H10.1")),
    # the vaginal bleeding a postmenopausal bleeding is
    (("N93",), ("N95.0",)),
    # the low blood pressure of a septic shock (R65.21: severe sepsis with septic shock)
    (("I95.89", "I95.9"), ("R65.21",)),
    # the bleeding of a condition coded "with hemorrhage" or "with bleeding" (an ulcer, a diverticulosis,
    # varices, a gastrointestinal hemorrhage)
    (
        ("R58",),
        (
            "K25",
            "K26",
            "K27",
            "K28",
            "K57.01",
            "K57.11",
            "K57.21",
            "K57.31",
            "K57.33",
            "K57.41",
            "K57.51",
            "K57.53",
            "K57.81",
            "K57.91",
            "K57.93",
            "K92.0",
            "K92.1",
            "K92.2",
            "K62.5",
            "I85.01",
            "I85.11",
        ),
    ),
    # the trouble swallowing of an eosinophilic esophagitis or an esophageal stricture
    (("R13.1",), ("K20.0", "K22.2")),
    # the abscesses, boils and inflamed nodules of a hidradenitis suppurativa
    (("L02", "L03", "L08.9"), ("L73.2",)),
    # the dry mouth and dry eyes of a Sjogren syndrome
    (("K11.7", "R68.2", "H04.12", "H16.20", "H16.22"), ("M35.0",)),
    # the medial or lateral malleolus broken as part of a bimalleolar or trimalleolar fracture
    (("S82.5", "S82.6"), ("S82.84", "S82.85")),
    # the effusion, pain and stiffness of the joint a gout flare is coded for (M25.4-/5-/6- and M10's 5th
    # character name the joint alike: 1 shoulder ... 6 knee, 7 ankle and foot)
    *(
        ((f"M25.4{j}", f"M25.5{j}", f"M25.6{j}"), tuple(f"M10.{kind}{j}" for kind in "012349"))
        for j in "1234567"
    ),
)
_SHOCK = "R65.21"  # septic shock: a diagnosis of its own, though in chapter 18
_SYMPTOMS = tuple(prefix for symptoms, _ in INTEGRAL for prefix in symptoms)


def integral_to(symptom: str, diagnoses: list[str]) -> str | None:
    """The first diagnosis that ``symptom`` routinely belongs to, if any."""
    for symptoms, conditions in INTEGRAL:
        if symptom.startswith(symptoms):
            owner = next((d for d in diagnoses if d.startswith(conditions)), None)
            if owner is not None:
                return owner
    return None


def _asked_for(catalog: CodeCatalog, diagnosis: str, symptom: str) -> bool:
    """The diagnosis' own note asks for the symptom ("N40.1: use additional code for associated symptoms:
    nocturia (R35.1)"): the classification's instruction overrides I.B.5."""
    refs = catalog.refs.get(diagnosis, {}).get("use_additional", [])
    return any(ref_covers(ref, symptom) for ref in refs)


# The injury block (S4- shoulder and upper arm ... S9- ankle and foot) a joint's or limb's pain is felt in.
_PAIN_REGION = {
    "M25.51": 4, "M25.52": 5, "M25.53": 6, "M25.54": 6, "M25.55": 7, "M25.56": 8, "M25.57": 9,
    "M79.62": 4, "M79.63": 5, "M79.64": 6, "M79.65": 7, "M79.66": 8, "M79.67": 9,
}  # fmt: skip
_SIDES = ("right", "left")


def _elsewhere(catalog: CodeCatalog, symptom: str, diagnosis: str) -> bool:
    """The pain is of another side or limb region than the injury ("right shoulder pain" beside a left ankle
    sprain): a problem of its own, not part of it (a wrist's pain and a distal radius, the next block, are
    one)."""
    region = next((r for prefix, r in _PAIN_REGION.items() if symptom.startswith(prefix)), None)
    injury = diagnosis[:1] == "S" and diagnosis[1:2].isdigit()
    if region is not None and injury and abs(int(diagnosis[1]) - region) > 1:
        return True
    sides = {rules.side_of(catalog.title(c)) for c in (symptom, diagnosis)}
    return sides == set(_SIDES)


# A joint's pain, effusion and stiffness (M25.4-/5-/6-) are signs of the musculoskeletal disorder or injury
# coded for that joint on that side ("Lateral epicondylitis, left elbow", "Patellofemoral disorders, right
# knee", "Septic arthritis, right knee").
_JOINT_SIGNS = ("M25.4", "M25.5", "M25.6")
_JOINTS = re.compile(r"\b(shoulder|elbow|wrist|hand|hip|knee|ankle|foot)\b", re.IGNORECASE)


def _joints_own(catalog: CodeCatalog, symptom: str, diagnoses: list[str]) -> str | None:
    if not symptom.startswith(_JOINT_SIGNS):
        return None
    joints = {j.lower() for j in _JOINTS.findall(catalog.title(symptom))}
    if not joints:
        return None
    return next(
        (
            d
            for d in diagnoses
            if d[:1] in ("M", "S")
            and not d.startswith(_JOINT_SIGNS)
            and joints & {j.lower() for j in _JOINTS.findall(catalog.title(d))}
        ),
        None,
    )


def drop_integral_symptoms(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    diagnoses = [
        c
        for c, p in picks.items()
        if p.final and (c[:1] not in ("R", "Z") or c.startswith(_SHOCK)) and c in catalog
    ]
    for code, pick in list(picks.items()):
        if not pick.final or not code.startswith((*_SYMPTOMS, *_JOINT_SIGNS)):
            continue
        near = [d for d in diagnoses if not _elsewhere(catalog, code, d)]
        owner = integral_to(code, near) or _joints_own(catalog, code, near)
        if owner is None or _asked_for(catalog, owner, code):
            continue
        demote(
            pick,
            f"a symptom routinely part of {owner} is not coded beside it (guideline I.B.5); "
            "add it back if the note says it is unrelated",
        )
