"""A limb region named in a musculoskeletal phrase, read as the joints and bones the classification puts in it

ICD-10's chapter on the musculoskeletal system (which ICD-10-CM keeps) divides the limbs into regions and
says what each holds: the upper arm is the humerus and the elbow joint, the forearm the radius, the ulna and
the wrist joint, the pelvic region and thigh the buttock, femur, pelvis and hip joint, the lower leg the
fibula, tibia and knee joint. ICD-10-CM's own site axes name the joint in the arthropathies ("...,
unspecified elbow") and the bone in the osteopathies ("..., unspecified tibia and fibula"), so a phrase that
says "upper arm" matches a chapter M title that says "elbow" or "humerus" as well as one that says "upper
arm". A title that says "unspecified site" does not agree with a phrase that names one.
"""

from __future__ import annotations

import re

# region -> (the joint searched with it, the joint and bone words its titles may use)
REGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "shoulder region": ("shoulder", ("shoulder", "clavicle", "scapula")),
    "upper arm": ("elbow", ("elbow", "humerus")),
    "forearm": ("wrist", ("wrist", "radius", "ulna")),
    "pelvic region and thigh": ("hip", ("hip", "femur", "pelvis", "pelvic region")),
    "lower leg": ("knee", ("knee", "tibia", "fibula")),
}
# A bone's own condition (a pathological or stress fracture, osteomyelitis, osteonecrosis ...) is sited by the
# region's long bones in its titles ("Pathological fracture, unspecified tibia and fibula", "Other chronic
# osteomyelitis, unspecified radius and ulna"), not by its joint.
BONES: dict[str, str] = {
    "upper arm": "humerus",
    "forearm": "radius and ulna",
    "pelvic region and thigh": "femur",
    "lower leg": "tibia and fibula",
}
_BONE_CONDITION = re.compile(
    r"\b(?:(?:pathologic(?:al)?|stress|fatigue|insufficiency)\s+fractures?|osteomyelitis|osteonecrosis|"
    r"periostitis|osteitis)\b",
    re.IGNORECASE,
)
_REGION = re.compile(r"\b(" + "|".join(re.escape(r) for r in REGIONS) + r")\b", re.IGNORECASE)
_UNSPECIFIED_SITE = re.compile(r"\b(?:unspecified site|site unspecified|unspecified joint)\b", re.IGNORECASE)


def region_of(phrase: str) -> str | None:
    """The limb region a phrase names, lower case, else None."""
    m = _REGION.search(phrase)
    return m.group(1).lower() if m else None


def with_joint(query: str) -> str:
    """The search text with the named region's joint added ("..., upper arm" -> "..., upper arm, elbow"),
    or its long bones for a bone's own condition ("osteomyelitis, lower leg" -> "..., tibia and fibula"),
    so the codes whose site axis names them are retrieved; unchanged when no region or the joint is
    named."""
    region = region_of(query)
    if region is None:
        return query
    joint = REGIONS[region][0]
    if region in BONES and _BONE_CONDITION.search(query):
        joint = BONES[region]
    if re.search(rf"\b{joint}\b", query, re.IGNORECASE):
        return query
    return f"{query}, {joint}"


def site_agreement(phrase: str, code: str, title: str) -> int:
    """+1 when the title names the phrase's region (or, for a musculoskeletal code, one of the region's
    joints or bones), -1 when it says "unspecified site" (the phrase names one), 0 otherwise or when the
    phrase names no region. Elsewhere (injuries, burns, skin) a region is the body surface and the joint is
    another site."""
    region = region_of(phrase)
    if region is None:
        return 0
    words = (region, *REGIONS[region][1]) if code.startswith("M") else (region,)
    if any(re.search(rf"\b{re.escape(w)}\b", title, re.IGNORECASE) for w in words):
        return 1
    return -1 if _UNSPECIFIED_SITE.search(title) else 0


# The parts of the two distal regions a note names by their bones and joints (ICD-10 chapter 13's site
# list: the hand is the carpus, metacarpus, fingers and the joints between them; the ankle and foot the
# tarsus, metatarsus, toes and their joints), each with the region word the titles use.
PART_OF: dict[str, str] = {
    **dict.fromkeys(
        [
            "toe",
            "toes",
            "hallux",
            "mtp",
            "metatarsal",
            "metatarsals",
            "metatarsophalangeal",
            "podagra",
            "tarsal",
            "tarsus",
            "heel",
        ],
        "foot",
    ),
    **dict.fromkeys(
        [
            "finger",
            "fingers",
            "thumb",
            "mcp",
            "pip",
            "dip",
            "metacarpal",
            "metacarpals",
            "metacarpophalangeal",
            "knuckle",
            "carpal",
        ],
        "hand",
    ),
}


# The skin and soft-tissue titles' limbs (L02-L03, "Cellulitis of left lower limb"): the parts of each.
LIMB_OF: dict[str, str] = {
    **dict.fromkeys(
        [
            "thigh",
            "thighs",
            "leg",
            "legs",
            "calf",
            "shin",
            "knee",
            "ankle",
            "foot",
            "feet",
            "toe",
            "toes",
            "heel",
            "shin",
        ],
        "lower limb",
    ),
    **dict.fromkeys(["arm", "arms", "forearm", "elbow", "wrist", "hand", "hands"], "upper limb"),
}


def regions_named(words: set[str]) -> set[str]:
    """The region words ("foot", "hand"; "lower", "limb") whose parts a set of lower-case words names
    ("1st MTP": foot; "thigh": lower limb)."""
    out = {PART_OF[w] for w in words if w in PART_OF}
    limbs = {LIMB_OF[w] for w in words if w in LIMB_OF}
    if len(limbs) == 1:  # both limbs named: neither is the site
        out.update(limbs.pop().split())
    return out


# ICD-10 chapter 13's site list, as the site axes of ICD-10-CM's chapter M titles name its regions
# ("Other specified disorders of bone density and structure, thigh"): the bones and joints each region
# holds. "Other site" is the head, neck, ribs, skull, trunk and vertebral column.
CHAPTER13_REGION: dict[str, str] = {
    **dict.fromkeys(
        ["clavicle", "scapula", "acromioclavicular", "glenohumeral", "sternoclavicular"], "shoulder"
    ),
    **dict.fromkeys(["humerus", "elbow"], "upper arm"),
    **dict.fromkeys(["radius", "ulna", "wrist"], "forearm"),
    **dict.fromkeys(["carpal", "carpus", "metacarpal", "finger", "thumb"], "hand"),
    **dict.fromkeys(["hip", "femur", "femoral", "pelvis", "pelvic", "buttock", "sacroiliac"], "thigh"),
    **dict.fromkeys(["knee", "tibia", "tibial", "fibula", "patella"], "lower leg"),
    **dict.fromkeys(["ankle", "toe", "tarsal", "metatarsal", "heel", "foot"], "ankle and foot"),
    **dict.fromkeys(
        [
            "spine",
            "spinal",
            "vertebra",
            "vertebrae",
            "vertebral",
            "lumbar",
            "thoracic",
            "rib",
            "skull",
            "sternum",
        ],
        "other site",
    ),
}
