"""`liaison crack`, `liaison encrypt`, `liaison decrypt`: thin over liaison.codebreak."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from liaison.core.errors import LiaisonError

CIPHERS = [
    "caesar",
    "affine",
    "substitution",
    "vigenere",
    "beaufort",
    "columnar",
    "two_digit_additive",
]
MAX_BYTES = 2_000_000


def _read(file: str | None) -> str:
    if file in (None, "-"):
        data = sys.stdin.read(MAX_BYTES + 1)
    else:
        p = Path(file)
        if not p.is_file():
            raise LiaisonError(f"no such file: {file}")
        data = p.read_text(encoding="utf-8", errors="replace")[: MAX_BYTES + 1]
    if len(data) > MAX_BYTES:
        raise LiaisonError(f"input is larger than {MAX_BYTES} bytes")
    return data


def _apply(cipher: str, text: str, key: str, lang: str, decrypt: bool) -> str:
    from liaison.codebreak import ciphers

    if cipher == "caesar":
        return ciphers.caesar(text, int(key), lang, decrypt)
    if cipher == "affine":
        m, _, a = key.partition(",")
        return ciphers.affine(text, int(m), int(a or 0), lang, decrypt)
    if cipher == "substitution":
        return ciphers.substitution(text, key, lang, decrypt)
    if cipher in ("vigenere", "beaufort"):
        return ciphers.vigenere(text, key, lang, decrypt, beaufort=cipher == "beaufort")
    if cipher == "columnar":
        return ciphers.columnar(text, key, lang, decrypt)
    if cipher == "two_digit_additive":
        return ciphers.two_digit_additive(text, key, lang, decrypt)
    raise LiaisonError(f"unknown cipher {cipher!r}; use one of {', '.join(CIPHERS)}")


def register(app: typer.Typer) -> None:
    @app.command("crack")
    def crack_cmd(
        file: str = typer.Argument(None, help="Ciphertext file; stdin when omitted or '-'."),
        lang: str = typer.Option(None, "--lang", help="ru, pl, de or en (detected when omitted)."),
        cipher: str = typer.Option(None, "--cipher", help="Cipher name (identified when omitted)."),
        budget: float = typer.Option(10.0, "--budget", help="Seconds to spend at most."),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Break a ciphertext; prints cipher, language, key, plaintext, score and confidence."""
        from liaison.codebreak.solve import crack

        sol = crack(_read(file), lang=lang, cipher=cipher, budget=budget)
        if as_json:
            print(json.dumps(sol.as_dict(), ensure_ascii=False))
            return
        print(f"cipher: {sol.cipher}  language: {sol.language}  key: {sol.key}")
        print(f"confidence: {sol.confidence}  score: {sol.score}")
        if sol.confidence < 0.2:
            print("no solution above confidence 0.2; best guess:")
        print(sol.plaintext)

    for name, decrypt in (("encrypt", False), ("decrypt", True)):

        def _cmd(
            file: str = typer.Argument(None, help="Text file; stdin when omitted or '-'."),
            cipher: str = typer.Option(..., "--cipher", help=", ".join(CIPHERS)),
            key: str = typer.Option(..., "--key", help="Shift, 'mul,add', keyword or digits."),
            lang: str = typer.Option("en", "--lang"),
            _decrypt: bool = typer.Option(decrypt, hidden=True),
        ) -> None:
            print(_apply(cipher, _read(file), key, lang, _decrypt))

        _cmd.__doc__ = f"{name.capitalize()} text with a classical cipher."
        app.command(name)(_cmd)
