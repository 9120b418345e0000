from assistant.suggest.index_first import COMPLETE, assessed_final, promote
from assistant.suggest.sibling_choice import CONFLICT
from assistant.suggest.types import Candidate


def _cand(code: str, score: float, walk: float = 0.0) -> Candidate:
    return Candidate(code, 0, score, walk=walk)


def test_the_code_the_index_gives_for_the_whole_mention_comes_first() -> None:
    # "bladder infection": Infection, bladder, see Cystitis (the ranker preferred a title that says "bladder")
    cands = [_cand("N32.9", 0.09), _cand("N32.89", 0.06), _cand("N30.90", 0.02, walk=0.99)]
    assert promote(cands, {}) == "N30.90"
    assert [c.code for c in cands] == ["N30.90", "N32.9", "N32.89"]
    assert cands[0].score > cands[1].score  # it takes the first place's probability


def test_a_partial_path_or_a_complete_first_code_changes_nothing() -> None:
    partial = [_cand("N32.9", 0.09), _cand("B99.9", 0.04, walk=0.5)]
    assert promote(partial, {}) is None and partial[0].code == "N32.9"
    both = [_cand("I10", 0.5, walk=1.0), _cand("I11.9", 0.1, walk=0.99)]
    assert promote(both, {}) is None and both[0].code == "I10"
    said = [Candidate("L02.237", 0, 0.12, coverage=1.0), _cand("L02.231", 0.1, walk=1.0)]
    assert promote(said, {}) is None and said[0].code == "L02.237"  # its title says "carbuncle of flank"


def test_a_complete_first_code_yields_to_a_more_direct_entry() -> None:
    # "Menorrhagia": the entry itself (N92.0) over the alias blood loss -> Hemorrhage (R58, one hop)
    cands = [_cand("R58", 0.45, walk=0.988), _cand("N92.0", 0.1, walk=1.0)]
    assert promote(cands, {}) == "N92.0"
    equal = [_cand("I10", 0.5, walk=1.0), _cand("I1A.0", 0.1, walk=1.0)]
    assert promote(equal, {}) is None


def test_a_code_the_qualifiers_contradict_is_not_promoted() -> None:
    cands = [_cand("N30.00", 0.4), _cand("N30.01", 0.1, walk=0.99)]
    assert promote(cands, {"N30.01": [f"{CONFLICT}: title says with hematuria"]}) is None
    assert cands[0].code == "N30.00"


def test_a_complete_path_is_final_only_for_a_problem_list_line() -> None:
    hives = _cand("L50.9", 0.04, walk=0.99)
    assert assessed_final(hives, problem=True)
    assert not assessed_final(hives, problem=False)
    assert not assessed_final(_cand("L50.9", 0.04, walk=COMPLETE - 0.1), problem=True)
