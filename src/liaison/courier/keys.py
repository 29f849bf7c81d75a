"""Our keys (Ed25519 to sign, X25519 to receive) and partners' public keys.

Private keys are kept in one file, encrypted with a key derived from a passphrase (Argon2id via
libsodium) and written with mode 0600. A fingerprint — SHA-256 over the canonical public keys,
shown in groups of four — is what partners compare out of band.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import nacl.exceptions
import nacl.pwhash
import nacl.secret
import nacl.utils
from nacl.public import PrivateKey, PublicKey
from nacl.signing import SigningKey, VerifyKey

from liaison.core.errors import SecurityError, ValidationError
from liaison.courier.canonical import canonical, digest

KEY_FILE_VERSION = 1


@dataclass(frozen=True)
class PublicKeys:
    partner: str
    sign_pk: str  # hex
    box_pk: str  # hex

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.sign_pk, self.box_pk)

    def to_dict(self) -> dict[str, str]:
        return {
            "partner": self.partner,
            "sign_pk": self.sign_pk,
            "box_pk": self.box_pk,
            "fingerprint": self.fingerprint,
        }

    @property
    def verify_key(self) -> VerifyKey:
        return VerifyKey(bytes.fromhex(self.sign_pk))

    @property
    def box_key(self) -> PublicKey:
        return PublicKey(bytes.fromhex(self.box_pk))


@dataclass(frozen=True)
class KeyPair:
    partner: str
    signing: SigningKey
    box: PrivateKey

    @property
    def public(self) -> PublicKeys:
        return PublicKeys(
            self.partner, self.signing.verify_key.encode().hex(), self.box.public_key.encode().hex()
        )


def fingerprint(sign_pk: str, box_pk: str) -> str:
    h = digest(canonical({"box_pk": box_pk, "sign_pk": sign_pk}))[:32].upper()
    return " ".join(h[i : i + 4] for i in range(0, 32, 4))


def generate(partner: str) -> KeyPair:
    return KeyPair(partner.upper(), SigningKey.generate(), PrivateKey.generate())


def _kdf(passphrase: str, salt: bytes) -> bytes:
    return nacl.pwhash.argon2id.kdf(
        nacl.secret.SecretBox.KEY_SIZE,
        passphrase.encode(),
        salt,
        opslimit=nacl.pwhash.argon2id.OPSLIMIT_MODERATE,
        memlimit=nacl.pwhash.argon2id.MEMLIMIT_MODERATE,
    )


def save_private(kp: KeyPair, path: Path, passphrase: str, *, overwrite: bool = False) -> None:
    if len(passphrase) < 8:
        raise ValidationError("the passphrase must have at least 8 characters")
    if path.exists() and not overwrite:
        raise ValidationError(f"{path} exists; refusing to overwrite a key file (rotate instead)")
    salt = nacl.utils.random(nacl.pwhash.argon2id.SALTBYTES)
    secret = json.dumps(
        {"sign_sk": kp.signing.encode().hex(), "box_sk": kp.box.encode().hex()}
    ).encode()
    box = nacl.secret.SecretBox(_kdf(passphrase, salt))
    doc = {
        "version": KEY_FILE_VERSION,
        "partner": kp.partner,
        "kdf": "argon2id-moderate",
        "salt": salt.hex(),
        "ciphertext": box.encrypt(secret).hex(),
        "public": kp.public.to_dict(),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def load_private(path: Path, passphrase: str) -> KeyPair:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        salt, ct = bytes.fromhex(doc["salt"]), bytes.fromhex(doc["ciphertext"])
    except FileNotFoundError:
        raise ValidationError(f"no key file at {path} (liaison keys init)") from None
    except (ValueError, KeyError, TypeError):
        raise SecurityError(f"{path} is not a Liaison key file") from None
    try:
        secret = json.loads(nacl.secret.SecretBox(_kdf(passphrase, salt)).decrypt(ct))
    except nacl.exceptions.CryptoError:
        raise SecurityError(f"wrong passphrase for {path}, or the file is damaged") from None
    return KeyPair(
        doc["partner"],
        SigningKey(bytes.fromhex(secret["sign_sk"])),
        PrivateKey(bytes.fromhex(secret["box_sk"])),
    )


def read_public(path: Path) -> PublicKeys:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc = doc.get("public", doc)
        pk = PublicKeys(str(doc["partner"]).upper(), str(doc["sign_pk"]), str(doc["box_pk"]))
        VerifyKey(bytes.fromhex(pk.sign_pk))
        PublicKey(bytes.fromhex(pk.box_pk))
    except FileNotFoundError:
        raise ValidationError(f"no such key file: {path}") from None
    except (ValueError, KeyError, TypeError, nacl.exceptions.CryptoError):
        raise ValidationError(
            f"{path} is not a public key file (partner, sign_pk, box_pk)"
        ) from None
    return pk
