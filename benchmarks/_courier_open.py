"""One timed pouch open in a fresh process, for the courier benchmark's paired comparison with
another source tree (run with that tree first on PYTHONPATH). Not a benchmark of its own (the
leading underscore keeps run.py from collecting it).

Arguments: a directory holding `p.pouch`, `jp.db` (the receiver's store before the open) and
`jp.json` (its keys), and a scratch directory. Prints JSON: CPU and wall seconds of the open
(verify, decrypt, import, commit), new observations, and which pouch module ran.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path


def main() -> None:
    src, work = Path(sys.argv[1]), Path(sys.argv[2])
    shutil.copy(src / "jp.db", work / "jp.db")
    from nacl.public import PrivateKey
    from nacl.signing import SigningKey

    import liaison.courier.pouch as pouch
    from liaison.courier.keys import KeyPair
    from liaison.store import Store

    k = json.loads((src / "jp.json").read_text())
    kp = KeyPair("JP", SigningKey(bytes.fromhex(k["sign"])), PrivateKey(bytes.fromhex(k["box"])))
    data = (src / "p.pouch").read_bytes()
    store = Store(f"sqlite:///{work / 'jp.db'}")
    with store.connect():
        pass  # engine and schema check outside the timing
    c0, w0 = time.process_time(), time.perf_counter()
    with store.begin() as conn:
        res = pouch.open_pouch(conn, kp, data)
    c1, w1 = time.process_time(), time.perf_counter()
    store.dispose()
    out = {
        "cpu": c1 - c0,
        "wall": w1 - w0,
        "new": res["new_observations"],
        "module": pouch.__file__,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
