"""A limb region in a musculoskeletal phrase read as its joints and bones (phrase_sites.py)."""

from __future__ import annotations

from assistant.suggest.phrase_sites import region_of, site_agreement, with_joint


def test_the_region_is_searched_with_its_joint_once() -> None:
    assert region_of("Gouty arthritis of the forearm") == "forearm"
    assert region_of("Gouty arthritis of the wrist") is None
    assert with_joint("Bursitis, lower leg") == "Bursitis, lower leg, knee"
    assert with_joint("Stiffness of knee, lower leg") == "Stiffness of knee, lower leg"
    assert with_joint("Bursitis of the knee") == "Bursitis of the knee"


def test_a_musculoskeletal_title_naming_the_regions_joint_or_bone_agrees() -> None:
    phrase = "Septic arthritis, upper arm"
    assert site_agreement(phrase, "M00.929", "Pyogenic arthritis, unspecified elbow") == 1
    assert site_agreement(phrase, "M86.129", "Other acute osteomyelitis, unspecified humerus") == 1
    assert site_agreement(phrase, "M62.429", "Contracture of muscle, unspecified upper arm") == 1
    assert site_agreement(phrase, "M00.9", "Pyogenic arthritis, unspecified") == 0
    assert site_agreement(phrase, "M00.80", "Arthritis due to other bacteria, unspecified joint") == -1
    assert site_agreement(phrase, "M00.939", "Pyogenic arthritis, unspecified wrist") == 0


def test_outside_the_musculoskeletal_chapter_the_region_is_the_body_surface() -> None:
    phrase = "Second degree burn of forearm"
    assert site_agreement(phrase, "T22.219A", "Burn of second degree of unspecified forearm") == 1
    assert site_agreement(phrase, "T23.279A", "Burn of second degree of unspecified wrist") == 0
    assert site_agreement("Burn of the wrist", "T23.279A", "Burn of second degree of unspecified wrist") == 0
