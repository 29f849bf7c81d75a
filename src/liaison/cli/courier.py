"""`liaison keys …`, `liaison release …` and `liaison pouch …`."""

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
        from liaison.courier.pouch import add_partner_key
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
        from liaison.courier.pouch import import_partner_key

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
    ) -> None:
        """Revoke a partner's key: pouches signed with it are refused from now on."""
        from liaison.courier.pouch import revoke_partner_key

        with open_store().begin() as conn:
            revoke_partner_key(conn, code, fingerprint, reason)
        console.print(f"Key {fingerprint} of {code.upper()} revoked")

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
        from liaison.courier.pouch import set_policy

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
        url: str = typer.Option(..., "--url", help="The partner's TAXII 2.1 discovery URL."),
        token: str = typer.Option(
            None, "--token", envvar="LIAISON_SYNC_TOKEN", help="Our token on their server."
        ),
        all_: bool = typer.Option(False, "--all", help="Pull everything, not only what is new."),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Pull what a partner's TAXII server releases to us, since the last pull; one transaction."""
        from liaison.courier.sync import pull

        if not token:
            raise ValidationError("a token is needed (--token or LIAISON_SYNC_TOKEN)")
        r = pull(open_store(), code, url, token, since=None if all_ else "last")
        emit(
            r,
            json_,
            lambda: console.print(
                f"{r['objects']} objects from {r['partner']}, {r['new_observations']} new observations"
            ),
        )

    @pouch_app.command("stix-export")
    def pouch_stix_export(
        to: str = typer.Option(..., "--to"),
        out: Path = typer.Option(..., "--out"),
        json_: bool = typer.Option(False, "--json"),
    ) -> None:
        """Write what policy releases to a partner as a STIX 2.1 bundle (unsigned, unencrypted)."""
        import json

        from liaison.courier.stix import UNIT_TYPE, export_for

        with open_store().begin() as conn:
            bundle = export_for(conn, to)
        out.write_text(json.dumps(bundle, ensure_ascii=False, indent=1), encoding="utf-8")
        n = sum(o["type"] == UNIT_TYPE for o in bundle["objects"])
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
        kp = _own_keys(key_file)
        out = open_file(open_store(), kp, file.read_bytes())
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
