"""`liaison keys …`, `liaison release …`, `liaison pouch …`, `liaison report …` and `liaison sync`."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import typer

from liaison.cli.output import console, emit
from liaison.core.errors import ValidationError
from liaison.store import open_store


def default_key_file(code: str) -> Path:
    from liaison.store.engine import default_sqlite_path

    return default_sqlite_path().parent / "keys" / f"{code.upper()}.key"


def passphrase(confirm: bool = False) -> str:
    env = os.environ.get("LIAISON_PASSPHRASE")
    if env:
        return env
    if not os.isatty(0):
        raise ValidationError(
            "set LIAISON_PASSPHRASE or run in a terminal to be asked for the passphrase"
        )
    p = getpass.getpass("Passphrase for the private key: ")
    if confirm and getpass.getpass("Again: ") != p:
        raise ValidationError("the passphrases differ")
    return p


def _own_keys(key_file: Path | None):  # type: ignore[no-untyped-def]
    from liaison.courier import keys
    from liaison.orbat.partners import get_self

    with open_store().connect() as conn:
        me = get_self(conn)
    if me is None:
        raise ValidationError("no partner is marked as ourselves (liaison partner add CODE --self)")
    return keys.load_private(key_file or default_key_file(me.code), passphrase())


def _keyring(key_file: Path | None):  # type: ignore[no-untyped-def]
    """Our current key and the keys retired by rotation (kept beside it), for pouches in flight."""
    from liaison.courier import keys

    current = _own_keys(key_file)
    path = key_file or default_key_file(current.partner)
    ring = [current]
    for old in sorted(path.parent.glob(f"{path.stem}-*.key")):
        ring.append(keys.load_private(old, passphrase()))
    return ring


def register(app: typer.Typer) -> None:
    keys_app = typer.Typer(help="Our keys and partners' public keys.", no_args_is_help=True)
    release_app = typer.Typer(
        help="Release policy per partner (deny by default).", no_args_is_help=True
    )
    pouch_app = typer.Typer(
        help="Signed, encrypted pouches between partners.", no_args_is_help=True
    )
    app.add_typer(keys_app, name="keys")
    app.add_typer(release_app, name="release")
    app.add_typer(pouch_app, name="pouch")
    report_app = typer.Typer(help="Free-text reports with attachments.", no_args_is_help=True)
    app.add_typer(report_app, name="report")

    @report_app.command("add")
    def report_add(
        report_id: str,
        title: str = typer.Option(..., "--title"),
        body_file: Path = typer.Option(None, "--body-file", help="The text (UTF-8); or --body."),
        body: str = typer.Option("", "--body"),
        marking: str = typer.Option("TLP:AMBER", "--marking", help="e.g. 'TLP:GREEN REL TO JP'"),
        attach: list[Path] = typer.Option([], "--attach", help="A file to attach (repeatable)."),
        notes: str = typer.Option(
            None, "--notes", help="Analyst notes (never released by default)."
        ),
    ) -> None:
        """Record one of our reports; it travels in pouches to partners the policy releases it to."""
        import mimetypes

        from liaison.core.markings import parse_marking
        from liaison.courier.kinds.reports import Attachment, add_report

        try:
            mk = parse_marking(marking)
            text = body_file.read_text(encoding="utf-8") if body_file else body
            files = [
                Attachment(
                    f.name,
                    f.read_bytes(),
                    mimetypes.guess_type(f.name)[0] or "application/octet-stream",
                )
                for f in attach
            ]
        except (ValueError, OSError) as e:
            raise ValidationError(str(e)) from None
        with open_store().begin() as conn:
            add_report(conn, report_id, title, text, marking=mk, notes=notes, attachments=files)
        console.print(f"Report {report_id} recorded with {len(files)} attachment(s)")

    @report_app.command("list")
    def report_list(
        partner: str = typer.Option(None, "--partner"), json_: bool = typer.Option(False, "--json")
    ) -> None:
        """Reports, ours and received."""
        from liaison.courier.kinds.reports import list_reports

        with open_store().connect() as conn:
            rows = list_reports(conn, partner)
        emit(
            rows,
            json_,
            lambda: [
                console.print(
                    f"{r['partner']}/{r['report_id']}  {r['title']}  [{r['marking']}]"
                    f"{'  RETRACTED' if r['retracted'] else ''}  {len(r['attachments'])} attachment(s)"
                )
                for r in rows
            ],
        )

    @report_app.command("retract")
    def report_retract(
        report_id: str,
        reason: str = typer.Option(..., "--reason"),
        intercept_: bool = typer.Option(False, "--intercept", help="Retract an intercept instead."),
    ) -> None:
        """Retract one of our reports (or intercepts); a signed tombstone travels."""
        from liaison.courier.kinds.retractions import retract

        kind = "intercept" if intercept_ else "report"
        with open_store().begin() as conn:
            retract(conn, kind, report_id, reason)
        console.print(f"{kind.capitalize()} {report_id} retracted")

    @pouch_app.command("outcomes")
    def pouch_outcomes(json_: bool = typer.Option(False, "--json")) -> None:
        """Meeting outcomes (agreed pictures' digests) and who has signed each."""
        from liaison.courier.kinds.outcomes import list_outcomes

        with open_store().connect() as conn:
            rows = list_outcomes(conn)
        emit(
            rows,
            json_,
            lambda: [
                console.print(
                    f"{r['ref']}  {r['issuer']}↔{r['counterpart']}  {r['agreed_digest'][:16]}…  "
                    f"signed by {', '.join(r['signed_by'])}"
                )
                for r in rows
            ],
        )

    @pouch_app.command("countersign")
    def pouch_countersign(ref: str, key_file: Path = typer.Option(None, "--key")) -> None:
        """Countersign a partner's meeting outcome; the signature travels back in our next pouch."""
        from liaison.courier.kinds.outcomes import countersign

        kp = _own_keys(key_file)
        with open_store().begin() as conn:
            countersign(conn, kp, ref)
        console.print(f"Outcome {ref} countersigned by {kp.partner}")

    @keys_app.command("init")
    def keys_init(
        key_file: Path = typer.Option(None, "--key", help="Where to write the private key file."),
        public_out: Path = typer.Option(
            None, "--public-out", help="Also write our public key file here."
        ),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Make our Ed25519 and X25519 keys; the private ones encrypted with a passphrase (mode 0600)."""
        from liaison.courier import keys
        from liaison.courier.keyring import add_partner_key
        from liaison.orbat.partners import get_self

        store = open_store()
        with store.connect() as conn:
            me = get_self(conn)
        if me is None:
            raise ValidationError(
                "no partner is marked as ourselves (liaison partner add CODE --self)"
            )
        kp = keys.generate(me.code)
        path = key_file or default_key_file(me.code)
        keys.save_private(kp, path, passphrase(confirm=True))
        with store.begin() as conn:
            add_partner_key(conn, kp.public)
        if public_out:
            public_out.write_text(
                __import__("json").dumps(kp.public.to_dict(), indent=1), encoding="utf-8"
            )
        emit(
            {**kp.public.to_dict(), "key_file": str(path)},
            json_,
            lambda: console.print(
                f"Keys for {me.code} written to {path}\nFingerprint (compare out of band): {kp.public.fingerprint}"
            ),
        )

    @keys_app.command("import")
    def keys_import(code: str, file: Path, json_: bool = typer.Option(False, "--json")) -> None:
        """Import a partner's public key file; shows the fingerprint to compare out of band."""
        from liaison.courier.keyring import import_partner_key

        with open_store().begin() as conn:
            pk = import_partner_key(conn, code, file)
        fp = pk.fingerprint
        emit(
            pk.to_dict(),
            json_,
            lambda: console.print(f"Key of {pk.partner} added. Fingerprint: {fp}"),
        )

    @keys_app.command("revoke")
    def keys_revoke(
        code: str,
        fingerprint: str = typer.Option(..., "--fingerprint"),
        reason: str = typer.Option(..., "--reason"),
        key_file: Path = typer.Option(None, "--key", help="Our private key (own revocations)."),
    ) -> None:
        """Revoke a partner's key (pouches signed with it are refused from now on), or one of our
        own: then a signed revocation travels in our next pouches."""
        from liaison.courier.keyring import revoke_partner_key
        from liaison.courier.kinds.key_events import revoke_own
        from liaison.orbat.partners import get_self

        store = open_store()
        with store.connect() as conn:
            me = get_self(conn)
        if me is not None and me.code == code.upper():
            kp = _own_keys(key_file)
            with store.begin() as conn:
                revoke_own(conn, kp, fingerprint, reason)
        else:
            with store.begin() as conn:
                revoke_partner_key(conn, code, fingerprint, reason)
        console.print(f"Key {fingerprint} of {code.upper()} revoked")

    @keys_app.command("rotate")
    def keys_rotate(
        key_file: Path = typer.Option(None, "--key", help="Our current private key file."),
        reason: str = typer.Option("scheduled", "--reason"),
        public_out: Path = typer.Option(None, "--public-out"),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """New keys for us; the rotation, signed by the old key, travels in our next pouches.
        The old private key is kept beside the new one (CODE-XXXXXXXX.key) for pouches in flight."""
        from liaison.courier import keys
        from liaison.courier.kinds.key_events import rotate_own

        old = _own_keys(key_file)
        path = key_file or default_key_file(old.partner)
        new = keys.generate(old.partner)
        archive = path.with_name(f"{path.stem}-{old.public.fingerprint.replace(' ', '')[:8]}.key")
        pw = passphrase()
        with open_store().begin() as conn:
            rotate_own(conn, old, new, reason=reason)
            keys.save_private(old, archive, pw)
            keys.save_private(new, path, pw, overwrite=True)
        if public_out:
            public_out.write_text(
                __import__("json").dumps(new.public.to_dict(), indent=1), encoding="utf-8"
            )
        emit(
            {"old": old.public.fingerprint, "new": new.public.fingerprint, "key_file": str(path)},
            json_,
            lambda: console.print(
                f"Keys rotated: {old.public.fingerprint} → {new.public.fingerprint}"
            ),
        )

    @release_app.command("set")
    def release_set(
        code: str,
        max_tlp: str = typer.Option(
            ..., "--max-tlp", help="CLEAR, GREEN, AMBER or AMBER+STRICT (RED never leaves)."
        ),
        sources: bool = typer.Option(
            False, "--release-sources", help="Also release source codenames."
        ),
        notes: bool = typer.Option(False, "--release-notes", help="Also release analyst notes."),
    ) -> None:
        """Set what may be released to a partner."""
        from liaison.courier.policy import set_policy

        with open_store().begin() as conn:
            p = set_policy(conn, code, max_tlp, sources=sources, notes=notes)
        console.print(
            f"Release to {p.partner}: up to TLP:{p.max_tlp}; sources {'yes' if sources else 'no'}; notes {'yes' if notes else 'no'}"
        )

    @pouch_app.command("seal")
    def pouch_seal(
        to: str = typer.Option(..., "--to"),
        out: Path = typer.Option(..., "--out"),
        since: str = typer.Option(
            "last", "--since", help="'last' (changes since our last pouch to them) or 'all'."
        ),
        key_file: Path = typer.Option(None, "--key"),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Seal what policy releases to a partner into one pouch file."""
        from liaison.courier.pouch import seal

        kp = _own_keys(key_file)
        with open_store().begin() as conn:
            data, m = seal(conn, kp, to.upper(), since=since)
        out.write_bytes(data)
        emit(
            {**m, "file": str(out), "size": len(data)},
            json_,
            lambda: console.print(
                f"Pouch {m['from']}→{m['to']} #{m['seq']}: {m['units']} units, {len(data):,} bytes → {out}"
            ),
        )

    @app.command("sync")
    def sync_cmd(
        code: str,
        url: str = typer.Option(
            ..., "--url", help="The partner's server: its TAXII 2.1 discovery URL (…/taxii2/)."
        ),
        token: str = typer.Option(
            None, "--token", envvar="LIAISON_SYNC_TOKEN", help="Our token on their server."
        ),
        via: str = typer.Option(
            "taxii", "--via", help="taxii (STIX objects), pouch (signed pouches) or both."
        ),
        key_file: Path = typer.Option(None, "--key", help="Our private key (for pouches)."),
        all_: bool = typer.Option(
            False, "--all", help="TAXII: pull everything, not only what is new."
        ),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Pull from a partner's server: pouches sealed for us and/or TAXII objects."""
        from liaison.courier.sync import pull, pull_pouches

        if not token:
            raise ValidationError("a token is needed (--token or LIAISON_SYNC_TOKEN)")
        if via not in ("taxii", "pouch", "both"):
            raise ValidationError("--via is taxii, pouch or both")
        r: dict = {"partner": code.upper()}  # type: ignore[type-arg]
        if via in ("pouch", "both"):
            r["pouch"] = pull_pouches(open_store(), _keyring(key_file), code, url, token)
        if via in ("taxii", "both"):
            r.update(pull(open_store(), code, url, token, since=None if all_ else "last"))

        def show() -> None:
            if "pouch" in r:
                p = r["pouch"]
                console.print(
                    f"{p['pouches']} pouches from {p['partner']}, {p['new_observations']} new observations"
                )
            if "objects" in r:
                console.print(
                    f"{r['objects']} objects from {r['partner']}, {r['new_observations']} new observations"
                )

        emit(r, json_, show)

    @pouch_app.command("stix-export")
    def pouch_stix_export(
        to: str = typer.Option(..., "--to"),
        out: Path = typer.Option(..., "--out"),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Write what policy releases to a partner as a STIX 2.1 bundle (unsigned, unencrypted)."""
        import json

        from liaison.courier.stix import export_for, unit_facts

        with open_store().begin() as conn:
            bundle = export_for(conn, to)
        out.write_text(json.dumps(bundle, ensure_ascii=False, indent=1), encoding="utf-8")
        n = sum(unit_facts(o) is not None for o in bundle["objects"])
        emit(
            {"file": str(out), "units": n, "objects": len(bundle["objects"])},
            json_,
            lambda: console.print(f"STIX bundle for {to.upper()}: {n} units → {out}"),
        )

    @pouch_app.command("stix-import")
    def pouch_stix_import(
        file: Path,
        from_: str = typer.Option(..., "--from"),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Import a partner's STIX 2.1 bundle as its received picture (one transaction)."""
        import json

        from liaison.courier.stix import import_from

        try:
            bundle = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ValidationError(f"{file}: no such file") from None
        except (ValueError, UnicodeDecodeError) as e:
            raise ValidationError(f"{file}: not JSON ({e})") from None
        with open_store().begin() as conn:
            n = import_from(conn, from_, bundle)
        emit(
            {"file": str(file), "partner": from_.upper(), "observations": n},
            json_,
            lambda: console.print(f"{n} new observations from {from_.upper()}"),
        )

    @pouch_app.command("open")
    def pouch_open(
        file: Path,
        key_file: Path = typer.Option(None, "--key"),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Verify, decrypt, check the sequence and import — all or nothing."""
        from liaison.courier.pouch import open_file

        if not file.is_file():
            raise ValidationError(f"{file}: no such file")
        out = open_file(open_store(), _keyring(key_file), file.read_bytes())
        out.pop("ack", None)
        emit(
            out,
            json_,
            lambda: console.print(
                f"Pouch #{out['seq']} from {out['from']}: {out['units']} units, {out['new_observations']} new observations"
            ),
        )

    @pouch_app.command("inspect")
    def pouch_inspect(file: Path, json_: bool = typer.Option(False, "--json")) -> None:
        """Who a pouch is from and for, its sequence and size — without decrypting."""
        from liaison.courier.pouch import inspect

        if not file.is_file():
            raise ValidationError(f"{file}: no such file")
        info = inspect(file.read_bytes())
        info.pop("envelope", None)
        emit(
            info,
            json_,
            lambda: console.print(
                f"from {info['from']} to {info['to']}, #{info['seq']} (prev {info['prev'][:12]}…), created {info['created']}, "
                f"{info['units']} units, {info['size']:,} bytes; sender key {info['sender_key']}"
            ),
        )
