"""Organs said as adjectives, with the noun the Alphabetic Index and the Neoplasm table list them by
("gastric" -> "stomach"). Only adjectives with one organ meaning: "spinal" names the cord or the spine,
"cervical" the neck or the cervix. The Index walker and the neoplasm-site reading each add their own."""

from __future__ import annotations

ORGAN_NOUNS: dict[str, str] = {
    "rectal": "rectum",
    "gastric": "stomach",
    "hepatic": "liver",
    "colonic": "colon",
    "esophageal": "esophagus",
    "pancreatic": "pancreas",
    "ovarian": "ovary",
    "uterine": "uterus",
    "duodenal": "duodenum",
    "testicular": "testis",
    "prostatic": "prostate",
    "laryngeal": "larynx",
    "vaginal": "vagina",
    "ureteral": "ureter",
    "ureteric": "ureter",
    "urethral": "urethra",
    "endometrial": "endometrium",
}
