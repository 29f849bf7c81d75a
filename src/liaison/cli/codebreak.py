"""`liaison crack`, `liaison encrypt`, `liaison decrypt`: thin over liaison.codebreak."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from liaison.codebreak import DEFAULT_BUDGET
from liaison.core.errors import LiaisonError

CIPHERS = [
    "caesar",
    "affine",
    "substitution",
    "vigenere",
    "beaufort",
    "keyed_vigenere",
    "columnar",
    "double_columnar",
    "checkerboard",
    "two_digit_additive",
    "two_digit_table",
    "codebook",
]
KEY_HELP = (
    "caesar: shift; affine: 'mul,add'; substitution: cipher alphabet; vigenere/beaufort: keyword; "
    "keyed_vigenere: 'keyword,alphabet keyword'; columnar: keyword; double_columnar: 'key1,key2'; "
    "checkerboard: 'alphabet keyword,blank digits' (e.g. 'ASINTOER,26'); two_digit_additive and "
    "codebook: additive digits; two_digit_table: 'table,additive digits' — the table a keyword or "
    "two code digits per letter in alphabet order (e.g. 'ДИВИЗИЯ,31415')"
)
MAX_BYTES = 2_000_000
ALPHABET_HELP = (
    "Alphabet as sent: an id (pl26, de26, ru31, ru26, or a language for its native letters) or, "
    "with --lang, native, 26 (latin) or 31. pl26/de26: 26 Latin letters (diacritics dropped, "
    "umlauts AE/OE/UE, ß as SS); ru31: Ъ merged with Ь; ru26: telegraph romanisation."
)


def _read(file: str | None) -> str:
    if file in (None, "-"):
        data = sys.stdin.read(MAX_BYTES + 1)
    else:
        p = Path(file)
        if not p.is_file():
            raise LiaisonError(f"no such file: {file}")
        with p.open(encoding="utf-8", errors="replace") as fh:
            data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise LiaisonError(f"input is larger than {MAX_BYTES} characters")
    return data


def _two(key: str, what: str) -> tuple[str, str]:
    a, sep, b = key.partition(",")
    if not sep or not a.strip() or not b.strip():
        raise LiaisonError(f"{what} key must be two parts separated by a comma")
    return a.strip(), b.strip()


def apply(cipher: str, text: str, key: str, lang: str, decrypt: bool) -> str:
    """Encrypt or decrypt with a cipher named as on the command line (key given as a string)."""
    from liaison.codebreak import ciphers, codebook
    from liaison.codebreak.alphabets import language_of

    try:
        if cipher == "caesar":
            return ciphers.caesar(text, int(key), lang, decrypt)
        if cipher == "affine":
            m, _, a = key.partition(",")
            return ciphers.affine(text, int(m), int(a or 0), lang, decrypt)
    except ValueError:
        raise LiaisonError(f"{cipher} key must be whole numbers, got {key!r}") from None
    if cipher == "substitution":
        return ciphers.substitution(text, key, lang, decrypt)
    if cipher in ("vigenere", "beaufort"):
        return ciphers.vigenere(text, key, lang, decrypt, beaufort=cipher == "beaufort")
    if cipher == "keyed_vigenere":
        k, ak = _two(key, "keyed_vigenere")
        return ciphers.keyed_vigenere(text, k, ak, lang, decrypt)
    if cipher == "columnar":
        return ciphers.columnar(text, key, lang, decrypt)
    if cipher == "double_columnar":
        k1, k2 = _two(key, "double_columnar")
        return ciphers.double_columnar(text, k1, k2, lang, decrypt)
    if cipher == "checkerboard":
        k, blanks = _two(key, "checkerboard")
        return ciphers.checkerboard(text, k, blanks, lang, decrypt)
    if cipher == "two_digit_additive":
        return ciphers.two_digit_additive(text, key, lang, decrypt)
    if cipher == "two_digit_table":
        table, add = _two(key, "two_digit_table")
        return ciphers.two_digit_table(text, table, add, lang, decrypt)
    if cipher == "codebook":  # the book is the language's, whatever the alphabet
        base = language_of(lang)
        if decrypt:
            return codebook.decrypt(text, key, base)
        return codebook.encrypt(text, key, base)
    raise LiaisonError(f"unknown cipher {cipher!r}; use one of {', '.join(CIPHERS)}")


def register(app: typer.Typer) -> None:
    @app.command("crack")
    def crack_cmd(
        file: str = typer.Argument(None, help="Ciphertext file; stdin when omitted or '-'."),
        lang: str = typer.Option(None, "--lang", help="ru, pl, de or en (detected when omitted)."),
        cipher: str = typer.Option(None, "--cipher", help="Cipher name (identified when omitted)."),
        budget: float = typer.Option(DEFAULT_BUDGET, "--budget", help="Seconds to spend at most."),
        alphabet: str = typer.Option(
            None, "--alphabet", help=ALPHABET_HELP + " Detected when omitted."
        ),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Break a ciphertext; prints cipher, language, alphabet, key, plaintext, score and
        confidence."""
        from liaison.codebreak.solve import CONFIDENT, crack

        if budget <= 0:
            raise LiaisonError("--budget must be positive")
        sol = crack(_read(file), lang=lang, cipher=cipher, budget=budget, alphabet=alphabet)
        if as_json:
            print(json.dumps(sol.as_dict(), ensure_ascii=False))
            return
        print(
            f"cipher: {sol.cipher}  language: {sol.language}  alphabet: {sol.alphabet}  "
            f"key: {sol.key}"
        )
        print(f"confidence: {sol.confidence}  score: {sol.score}")
        if sol.confidence < CONFIDENT:
            print(f"no solution above confidence {CONFIDENT}; best guess:")
        print(sol.plaintext)

    @app.command("depth")
    def depth_cmd(
        file: str = typer.Argument(None, help="Codebook messages, one per line; stdin if omitted."),
        lang: str = typer.Option(
            None, "--lang", help="Language of the book (for --book, word cribs)."
        ),
        book: bool = typer.Option(
            False, "--book", help="Fix the constant with the generated book and decode."
        ),
        book_file: str = typer.Option(None, "--partial-book", help="File of 'GROUP WORD' lines."),
        crib: str = typer.Option(
            None, "--crib", help="MESSAGE:GROUP:CODE from 1, e.g. 2:1:4821 or 2:5:ДИВИЗИЯ."
        ),
        which: int = typer.Option(1, "--depth", help="Which depth to strip (1 = the largest)."),
        top: int = typer.Option(30, "--top", help="Rows of the frequency table to show."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Align codebook messages into depths and strip the additive without the book."""
        from liaison.codebreak import depth

        partial = depth.read_partial_book(_read(book_file)) if book_file else None
        rep = depth.analyse(_read(file), lang, book, partial, crib, which - 1)
        if as_json:
            print(json.dumps(rep, ensure_ascii=False))
            return
        print(depth.format_report(rep, top))

    for name, decrypt in (("encrypt", False), ("decrypt", True)):

        def _cmd(
            file: str = typer.Argument(None, help="Text file; stdin when omitted or '-'."),
            cipher: str = typer.Option(..., "--cipher", help=", ".join(CIPHERS)),
            key: str = typer.Option(..., "--key", help=KEY_HELP),
            lang: str = typer.Option(None, "--lang", help="ru, pl, de or en (default en)."),
            alphabet: str = typer.Option(None, "--alphabet", help=ALPHABET_HELP),
            _decrypt: bool = typer.Option(decrypt, hidden=True),
        ) -> None:
            from liaison.codebreak.alphabets import resolve

            aid = resolve(lang, alphabet) or "en"
            print(apply(cipher, _read(file), key, aid, _decrypt))

        _cmd.__doc__ = f"{name.capitalize()} text with a classical cipher."
        app.command(name)(_cmd)
