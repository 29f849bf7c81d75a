"""Build `src/liaison/data/prose/` from a checkout of the RusLit collection (public domain).

    python tools/make_prose_model.py PATH/TO/RusLit

Reads every `prose/**/*.txt` and `publicism/**/*.txt` of the collection except Gogol's (the
crack benchmark's real-text cells are drawn from *Мёртвые души*: no text of his may shape the
model they are measured with) and writes, over the 32-letter `ru` alphabet:

- `ru_quad.npz`: the quadgram counts of the running text (letters only, as `normalise` folds
  them: punctuation and spaces dropped, Ё as Е), sparse: `index` (uint32, the quadgram's code
  in base 32) and `count` (uint32);
- `ru_words.tsv.gz`: every word form with its count (upper case, Ё as Е), commonest first.
"""

from __future__ import annotations

import collections
import gzip
import re
import sys
from pathlib import Path

import numpy as np

from liaison.codebreak.alphabets import alphabet, normalise

OUT = Path(__file__).resolve().parent.parent / "src" / "liaison" / "data" / "prose"
EXCLUDED_AUTHORS = {"Gogol"}


def main(root: Path) -> None:
    files = [
        p
        for part in ("prose", "publicism")
        for p in sorted((root / part).rglob("*.txt"))
        if not EXCLUDED_AUTHORS & set(p.parts)
    ]
    a = alphabet("ru")
    lut = {c: i for i, c in enumerate(a)}
    n = len(a)
    quad = np.zeros(n**4, dtype=np.int64)
    words: collections.Counter[str] = collections.Counter()
    letters = 0
    for p in files:
        text = p.read_text(encoding="utf-8", errors="replace")
        words.update(w.upper().replace("Ё", "Е") for w in re.findall(r"[А-Яа-яЁё]+", text))
        s = normalise(text, "ru")
        codes = np.fromiter((lut[c] for c in s), dtype=np.int64, count=len(s))
        m = len(codes) - 3
        if m > 0:
            idx = ((codes[:m] * n + codes[1 : m + 1]) * n + codes[2 : m + 2]) * n + codes[3:]
            quad += np.bincount(idx, minlength=n**4)
        letters += len(s)
    OUT.mkdir(parents=True, exist_ok=True)
    nz = np.flatnonzero(quad)
    np.savez_compressed(
        OUT / "ru_quad.npz", index=nz.astype(np.uint32), count=quad[nz].astype(np.uint32)
    )
    with gzip.open(OUT / "ru_words.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as f:
        for w, c in sorted(words.items(), key=lambda wc: (-wc[1], wc[0])):
            f.write(f"{w}\t{c}\n")
    print(
        f"{len(files)} files, {letters:,} letters, {len(words):,} word forms, {len(nz):,} quadgrams"
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
