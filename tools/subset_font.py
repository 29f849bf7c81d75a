"""Make the web font: Noto Sans JP (shipped, OFL) at regular weight, cut to kana, CJK punctuation,
full-width forms and the 6,355 kanji of JIS X 0208 levels 1 and 2, as WOFF2 (1.1 MB instead of
9.6 MB). Run once when the shipped font changes; needs fonttools and brotli (not install deps).

    python tools/subset_font.py
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

ROOT = Path(__file__).resolve().parents[1] / "src" / "liaison"
SOURCE = ROOT / "data" / "fonts" / "NotoSansJP-VF.ttf"
TARGET = ROOT / "web" / "static" / "fonts" / "NotoSansJP-Regular-JIS.woff2"


def codepoints() -> set[int]:
    """Every character of JIS X 0208 (through EUC-JP), plus the kana and punctuation blocks."""
    out: set[int] = set()
    for a in range(0xA1, 0xFF):
        for b in range(0xA1, 0xFF):
            try:
                out.add(ord(bytes([a, b]).decode("euc_jp")))
            except (UnicodeDecodeError, TypeError):
                continue
    out |= set(range(0x3000, 0x3100)) | set(range(0x31F0, 0x3200)) | set(range(0xFF00, 0xFFF0))
    return {c for c in out if c >= 0x2E80}  # Latin and Cyrillic come from the system font


def main() -> None:
    font = instancer.instantiateVariableFont(TTFont(SOURCE), {"wght": 400})
    opts = subset.Options()
    opts.flavor = "woff2"
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=codepoints())
    sub.subset(font)
    font.flavor = "woff2"
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(TARGET)
    print(f"{TARGET}: {TARGET.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
