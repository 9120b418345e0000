# ruff: noqa: E501
"""Synthetic ~300-word outpatient notes for the speed benchmark (our own text, not evaluation data)."""

from __future__ import annotations

import random

_PROBLEMS = [
    "type 2 diabetes mellitus with hyperglycemia",
    "essential hypertension",
    "chronic kidney disease stage 3a",
    "hyperlipidemia",
    "gastro-esophageal reflux disease",
    "major depressive disorder, single episode, moderate",
    "generalized anxiety disorder",
    "obstructive sleep apnea",
    "osteoarthritis of the right knee",
    "chronic obstructive pulmonary disease with acute exacerbation",
    "atrial fibrillation on anticoagulation",
    "hypothyroidism",
    "iron deficiency anemia",
    "migraine without aura",
    "low back pain",
    "acute cystitis without hematuria",
    "community acquired pneumonia",
    "allergic rhinitis",
    "gout of the left foot",
    "benign prostatic hyperplasia with lower urinary tract symptoms",
    "vitamin D deficiency",
    "obesity",
]
_SYMPTOMS = [
    "cough",
    "fatigue",
    "dizziness",
    "nausea",
    "headache",
    "chest tightness",
    "knee pain",
    "dysuria",
    "shortness of breath on exertion",
    "swelling of both ankles",
    "intermittent palpitations",
    "insomnia",
]
_MEDS = [
    "metformin 1000 mg twice daily",
    "lisinopril 20 mg daily",
    "atorvastatin 40 mg nightly",
    "omeprazole 20 mg before breakfast",
    "sertraline 50 mg daily",
    "levothyroxine 75 mcg daily",
    "apixaban 5 mg twice daily",
    "albuterol inhaler as needed",
    "tamsulosin 0.4 mg at bedtime",
    "allopurinol 100 mg daily",
]
_NEG = ["fever", "chills", "chest pain", "hematuria", "syncope", "weight loss", "vomiting", "rash"]


def synthetic_notes(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    notes = []
    for i in range(n):
        probs = rng.sample(_PROBLEMS, 5)
        sym = rng.sample(_SYMPTOMS, 3)
        neg = rng.sample(_NEG, 3)
        age = rng.randint(34, 88)
        sex = rng.choice(["male", "female"])
        meds = ", ".join(rng.sample(_MEDS, 4))
        notes.append(
            f"Chief complaint: follow-up of chronic conditions and {sym[0]}.\n"
            f"HPI: {age}-year-old {sex} with a history of {probs[0]} and {probs[1]} who presents with {sym[0]} "
            f"for the past {rng.randint(2, 14)} days. The {sym[0]} is worse in the evening and improves with rest. "
            f"Also reports {sym[1]} and {sym[2]}. Denies {neg[0]}, {neg[1]} or {neg[2]}. "
            f"Adherent to medications; home readings reviewed with the patient today.\n"
            f"PMH: {probs[0]}; {probs[1]}; {probs[2]}. History of appendectomy at age {rng.randint(10, 30)}.\n"
            f"Medications: {meds}. Allergies: penicillin (rash).\n"
            f"FH: mother with breast cancer; father with coronary artery disease.\n"
            f"SH: former smoker, quit {rng.randint(2, 20)} years ago; drinks alcohol socially.\n"
            f"ROS: Negative except as noted in the HPI. No abdominal pain, no diarrhea.\n"
            f"Exam: BP {rng.randint(118, 162)}/{rng.randint(70, 96)}, HR {rng.randint(58, 102)}, afebrile. "
            f"Lungs with scattered wheezes, heart regular, abdomen soft and non-tender, trace edema of the ankles.\n"
            f"Assessment and Plan:\n"
            f"1. {probs[0].capitalize()}: continue current therapy, labs in three months.\n"
            f"2. {probs[1].capitalize()}: stable, continue medications, recheck at next visit.\n"
            f"3. {probs[3].capitalize()}: start treatment and counsel on lifestyle.\n"
            f"4. {probs[4].capitalize()}: refer to specialist, follow-up in four weeks.\n"
            f"5. {sym[0].capitalize()}: likely viral, supportive care; rule out pneumonia if it persists.\n"
            f"6. Health maintenance: influenza vaccine given today; colonoscopy is up to date; "
            f"discussed diet, regular exercise, sleep and medication adherence at length.\n"
            f"The medication list was reconciled, refills were sent to the pharmacy and the patient was given "
            f"written instructions for each change. We reviewed the warning signs that should prompt an "
            f"earlier visit or a call to the clinic, and the patient agrees with the plan as outlined above.\n"
            f"Return precautions reviewed. Patient {i + 1} verbalized understanding of the plan."
        )
    return notes
