"""The coder's rules applied to the scored picks of a note (ICD-10-CM Official Guidelines, section I).

Order matters: HCPCS codes without a documented service go first, tobacco takes its status, combination codes
take their partners, use-additional partners are added beside the diagnoses that ask for them, and the
encounter codes (exams, immunization, screening, follow-up, counseling) come last because they depend on
which diagnoses remain.
"""

from __future__ import annotations

from assistant.suggest.coding_rules.adjuvant import cancer_under_hormonal_therapy
from assistant.suggest.coding_rules.adverse_effects import adverse_effect_sequela, drug_adverse_effects
from assistant.suggest.coding_rules.alcohol_induced import alcohol_induced
from assistant.suggest.coding_rules.anemia_cause import iron_deficiency_from_blood_loss
from assistant.suggest.coding_rules.antineoplastic import (
    antineoplastic_adverse_effect,
    antineoplastic_encounter,
)
from assistant.suggest.coding_rules.bilateral import both_sides_without_a_bilateral_code
from assistant.suggest.coding_rules.chronic_pain import chronic_site_pain
from assistant.suggest.coding_rules.combination import combine, hypertension_after_pairing
from assistant.suggest.coding_rules.context import CodeSearch, NoteContext
from assistant.suggest.coding_rules.copd import copd_with_lower_respiratory_infection
from assistant.suggest.coding_rules.dementia import (
    dementia_behaviour,
    dementia_in_other_diseases,
    dementia_of_the_disease,
)
from assistant.suggest.coding_rules.device_status import device_status
from assistant.suggest.coding_rules.diabetic_other import diabetes_with_other_complication
from assistant.suggest.coding_rules.disc_radiculopathy import disc_with_radiculopathy
from assistant.suggest.coding_rules.dominance import dominant_side
from assistant.suggest.coding_rules.drugs_given import drugs_given
from assistant.suggest.coding_rules.encounters import encounter_codes
from assistant.suggest.coding_rules.exposure import exposures
from assistant.suggest.coding_rules.eyelids import eyelid_by_eye_and_lid
from assistant.suggest.coding_rules.food_allergy import food_allergy_status
from assistant.suggest.coding_rules.fragility_fracture import fragility_fracture
from assistant.suggest.coding_rules.hcpcs_gate import gate
from assistant.suggest.coding_rules.hiv import hiv_status
from assistant.suggest.coding_rules.hypertensive_ckd_stage import hypertensive_ckd_stage
from assistant.suggest.coding_rules.index_pairs import index_pairs
from assistant.suggest.coding_rules.infection_screening import hepatitis_antibody
from assistant.suggest.coding_rules.influenza import identified_influenza
from assistant.suggest.coding_rules.injuries import injury_rules
from assistant.suggest.coding_rules.insomnia_cause import insomnia_due_to_mental_disorder
from assistant.suggest.coding_rules.lymphoma_sites import lymphoma_of_multiple_sites
from assistant.suggest.coding_rules.menopause import flushing_after_both_ovaries_removed, menopause_unsaid
from assistant.suggest.coding_rules.neoplasm_pain import neoplasm_related_pain
from assistant.suggest.coding_rules.obstruction import stone_with_hydronephrosis
from assistant.suggest.coding_rules.partners import add_partners
from assistant.suggest.coding_rules.past_stay import past_stay_conditions
from assistant.suggest.coding_rules.poisoning_class import class_word_poisoning
from assistant.suggest.coding_rules.polyp_history import polyp_history
from assistant.suggest.coding_rules.post_covid import past_infection_of_post_covid
from assistant.suggest.coding_rules.postprocedural import (
    postmastectomy_lymphedema,
    postprocedural_erectile_dysfunction,
    postprocedural_hypothyroidism,
)
from assistant.suggest.coding_rules.pregnancy import (
    abortive_outcome,
    carrier_in_pregnancy,
    childbirth_at_the_delivery,
    conditions_in_pregnancy,
    delivery_only_at_delivery,
    excluded_in_pregnancy,
    hypertension_in_pregnancy,
    outcome_of_delivery,
    pregnancy_condition_told_past,
    previous_cesarean,
    trimester_of_the_weeks,
)
from assistant.suggest.coding_rules.pregnancy_bleeding import bleeding_in_pregnancy
from assistant.suggest.coding_rules.pregnancy_vomiting import vomiting_in_pregnancy
from assistant.suggest.coding_rules.prenatal import prenatal_supervision
from assistant.suggest.coding_rules.prostate_symptoms import prostate_with_symptoms
from assistant.suggest.coding_rules.recent_infarction import old_infarction, recent_infarction
from assistant.suggest.coding_rules.removed_organ import removed_organ
from assistant.suggest.coding_rules.respiratory_failure import both_kinds_of_respiratory_failure
from assistant.suggest.coding_rules.retained_foreign_body import removed_foreign_body
from assistant.suggest.coding_rules.rheumatoid import rheumatoid_kind
from assistant.suggest.coding_rules.secondary_varices import secondary_varices
from assistant.suggest.coding_rules.sepsis import localized_infection, organism_sepsis
from assistant.suggest.coding_rules.severe_sepsis import severe_sepsis
from assistant.suggest.coding_rules.sexual_behavior import sexual_behavior_partners
from assistant.suggest.coding_rules.sinuses import acute_sinusitis_over_the_default, sinuses_together
from assistant.suggest.coding_rules.stated_cause import condition_due_to_another
from assistant.suggest.coding_rules.stated_condition import unstated_conditions
from assistant.suggest.coding_rules.strep_throat import streptococcal_throat
from assistant.suggest.coding_rules.stroke_artery import stroke_artery
from assistant.suggest.coding_rules.stroke_sequela import stated_sequelae, stroke_sequelae
from assistant.suggest.coding_rules.substance_withdrawal import substance_withdrawal
from assistant.suggest.coding_rules.symptoms import drop_integral_symptoms
from assistant.suggest.coding_rules.tobacco import tobacco_status
from assistant.suggest.coding_rules.traumatic_fracture import traumatic_fracture
from assistant.suggest.coding_rules.underdosing import underdosing
from assistant.suggest.patient import PatientFacts, read_demographics, resolve_patient
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick


def context_for(
    request: SuggestRequest, search: CodeSearch | None = None, facts: PatientFacts | None = None
) -> NoteContext:
    """The note and the patient's age as the engine resolved it (the request's patient over the note's
    demographics, on the date of service)."""
    if facts is None:
        facts = resolve_patient(request.patient, read_demographics(request.text), request.date_of_service)
    return NoteContext(
        note=request.text,
        age=facts.age_years,
        setting=request.setting,
        search=search,
        pregnant=facts.pregnant,
        weeks=facts.weeks,
        delivered=facts.delivered,
        phrase=facts.phrase,
        visit_date=request.date_of_service,
    )


def apply_coding_rules(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    gate(picks, ctx, catalog)
    past_stay_conditions(picks, ctx, catalog)  # before the rules that pair or combine what it leaves out
    unstated_conditions(picks, ctx, catalog)
    stroke_sequelae(picks, ctx, catalog)
    stroke_artery(picks, ctx, catalog)
    stated_sequelae(picks, ctx, catalog)
    recent_infarction(picks, ctx, catalog)
    old_infarction(picks, ctx, catalog)
    tobacco_status(picks, ctx, catalog)
    identified_influenza(picks, ctx, catalog)
    past_infection_of_post_covid(picks, ctx, catalog)
    exposures(picks, ctx, catalog)
    food_allergy_status(picks, ctx, catalog)
    hiv_status(picks, ctx, catalog)
    sexual_behavior_partners(picks, ctx, catalog)
    hepatitis_antibody(picks, ctx, catalog)
    organism_sepsis(picks, ctx, catalog)
    severe_sepsis(picks, ctx, catalog)
    localized_infection(picks, ctx, catalog)
    condition_due_to_another(picks, ctx, catalog)
    combine(picks, ctx, catalog)
    hypertensive_ckd_stage(picks, ctx, catalog)
    index_pairs(picks, ctx, catalog)
    secondary_varices(picks, ctx, catalog)
    both_kinds_of_respiratory_failure(picks, ctx, catalog)
    diabetes_with_other_complication(picks, ctx, catalog)
    both_sides_without_a_bilateral_code(picks, ctx, catalog)
    eyelid_by_eye_and_lid(picks, ctx, catalog)
    acute_sinusitis_over_the_default(picks, ctx, catalog)
    sinuses_together(picks, ctx, catalog)
    dominant_side(picks, ctx, catalog)
    postprocedural_hypothyroidism(picks, ctx, catalog)
    postprocedural_erectile_dysfunction(picks, ctx, catalog)
    postmastectomy_lymphedema(picks, ctx, catalog)
    iron_deficiency_from_blood_loss(picks, ctx, catalog)
    insomnia_due_to_mental_disorder(picks, ctx, catalog)
    streptococcal_throat(picks, ctx, catalog)
    rheumatoid_kind(picks, ctx, catalog)
    alcohol_induced(picks, ctx, catalog)
    substance_withdrawal(picks, ctx, catalog)
    stone_with_hydronephrosis(picks, ctx, catalog)
    prostate_with_symptoms(picks, ctx, catalog)
    copd_with_lower_respiratory_infection(picks, ctx, catalog)
    disc_with_radiculopathy(picks, ctx, catalog)
    dementia_in_other_diseases(picks, ctx, catalog)
    dementia_of_the_disease(picks, ctx, catalog)
    dementia_behaviour(picks, ctx, catalog)
    hypertension_in_pregnancy(picks, ctx, catalog)
    excluded_in_pregnancy(picks, ctx, catalog)
    abortive_outcome(picks, ctx, catalog)
    bleeding_in_pregnancy(picks, ctx, catalog)
    conditions_in_pregnancy(picks, ctx, catalog)
    vomiting_in_pregnancy(picks, ctx, catalog)
    trimester_of_the_weeks(picks, ctx, catalog)
    carrier_in_pregnancy(picks, ctx, catalog)
    childbirth_at_the_delivery(picks, ctx, catalog)
    pregnancy_condition_told_past(picks, ctx, catalog)
    previous_cesarean(picks, ctx, catalog)
    outcome_of_delivery(picks, ctx, catalog)
    delivery_only_at_delivery(picks, ctx, catalog)
    prenatal_supervision(picks, ctx, catalog)
    traumatic_fracture(picks, ctx, catalog)
    injury_rules(picks, ctx, catalog)
    removed_foreign_body(picks, ctx, catalog)
    fragility_fracture(picks, ctx, catalog)
    drop_integral_symptoms(picks, ctx, catalog)
    removed_organ(picks, ctx, catalog)
    polyp_history(picks, ctx, catalog)
    lymphoma_of_multiple_sites(picks, ctx, catalog)
    neoplasm_related_pain(picks, ctx, catalog)
    chronic_site_pain(picks, ctx, catalog)
    add_partners(picks, ctx, catalog)
    cancer_under_hormonal_therapy(picks, ctx, catalog)
    antineoplastic_adverse_effect(picks, ctx, catalog)
    drug_adverse_effects(picks, ctx, catalog)
    adverse_effect_sequela(picks, ctx, catalog)
    class_word_poisoning(picks, ctx, catalog)
    underdosing(picks, ctx, catalog)
    device_status(picks, ctx, catalog)
    drugs_given(picks, ctx, catalog)
    antineoplastic_encounter(picks, ctx, catalog)
    encounter_codes(picks, ctx, catalog)
    past_stay_conditions(picks, ctx, catalog)  # and what the rules added from the recap


def after_pairing(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """The rules that depend on codes the pairing notes made final after the rules ran."""
    hypertension_after_pairing(picks, ctx, catalog)
    past_stay_conditions(picks, ctx, catalog)  # a code the pairing notes made final from the recap
    menopause_unsaid(picks, ctx, catalog)  # R23.2's "code first, if applicable" partner
    flushing_after_both_ovaries_removed(picks, ctx, catalog)


def after_first_listed(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """The rules that depend on which codes are final, again once the first-listed code was made final
    (an injury found only then takes its 7th character and its external causes, I.C.19-20)."""
    injury_rules(picks, ctx, catalog)
    fragility_fracture(picks, ctx, catalog)


__all__ = [
    "CodeSearch",
    "NoteContext",
    "after_first_listed",
    "after_pairing",
    "apply_coding_rules",
    "context_for",
]
