"""Write the word lists of the spelling correction (run by `make spelling`, from the loaded code sets).

- `assistant/suggest/data/spelling_targets.txt`: the words of the Alphabetic Index main terms (ICD-10-CM,
  its tables included; public domain, CDC/NCHS): the words a typo is corrected to.
- `assistant/suggest/data/spelling_known.txt`: words spelled right: every other word of the ICD-10-CM and
  HCPCS titles and the Index, the abbreviation table's expansions, the whole English words of the packaged
  MiniLM tokenizer (Apache-2.0), and the words written at least twice in the training notes (CodiEsp-en
  train, us-notes tune; a typo is seldom written twice).

Both are sorted, one word a line, so a rebuild from the same releases is byte-identical.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from assistant.codesets.models import HCPCS, ICD10CM
from assistant.codesets.repository import CodeSetRepository
from assistant.config import get_settings
from assistant.suggest.abbreviations import table
from assistant.suggest.embedder import model_location
from assistant.suggest.spelling import MIN_LENGTH

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "assistant" / "suggest" / "data"
CODIESP = ROOT / "evals" / "datasets" / "codiesp-en" / "dev.jsonl"  # holds the train split's notes too
US_NOTES_TUNE = ROOT / "evals" / "datasets" / "us-notes" / "tune.jsonl"
_WORD = re.compile(r"[a-z]+")


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) >= MIN_LENGTH}


def target_words(repo: CodeSetRepository) -> set[str]:
    return {w for row in repo.index_roots() for w in _words(row["path"])}


def code_set_words(repo: CodeSetRepository) -> set[str]:
    words: set[str] = set()
    for system in (ICD10CM, HCPCS):
        for ref in repo.iter_codes(system):
            words |= _words(ref.title)
    for row in repo.index_rows_between(0, None):
        words |= _words(row["path"])
    for meanings in table().values():
        for meaning in meanings:
            words |= _words(meaning.expansion)
    return words


def english_words() -> set[str]:
    path, _ = model_location(get_settings())
    vocab = (Path(path) / "vocab.txt").read_text(encoding="utf-8").split()
    return {w for w in vocab if w.isalpha() and w.islower() and len(w) >= MIN_LENGTH}


def training_note_words() -> set[str]:
    counts: Counter[str] = Counter()
    for path, split in ((CODIESP, "train"), (US_NOTES_TUNE, None)):
        for line in path.read_text(encoding="utf-8").splitlines():
            note = json.loads(line)
            if split is None or str(note.get("source", "")).startswith(split):
                counts.update(_WORD.findall(note["text"].lower()))
    return {w for w, n in counts.items() if n >= 2 and len(w) >= MIN_LENGTH}


def main() -> None:
    repo = CodeSetRepository.open(get_settings().resolved_reference_db)
    targets = target_words(repo)
    known = (code_set_words(repo) | english_words() | training_note_words()) - targets
    for name, words in (("spelling_targets.txt", targets), ("spelling_known.txt", known)):
        (DATA / name).write_text("".join(f"{w}\n" for w in sorted(words)), encoding="utf-8")
        print(f"{name}: {len(words)} words")


if __name__ == "__main__":
    main()
