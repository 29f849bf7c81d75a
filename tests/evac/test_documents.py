from datetime import date

from nacl.signing import SigningKey

from liaison.evac import documents, numbers, registry, seal, trust


def test_issue_pdf_and_verify_from_image() -> None:
    root = SigningKey.generate()
    iss = seal.Issuer.generate("JP-KAUNAS", "Consulate of Japan, Kaunas")
    v = trust.Verifier(trust.make_trust_list(root, [iss]), bytes(root.verify_key))
    block = numbers.allocate(["KAU"], 100)["KAU"]
    people = [
        registry.Person("1", "שפירא", "רחל", date(1921, 3, 4)),
        registry.Person("2", "Wąsowicz", "Łucja", date(1921, 3, 4)),
        registry.Person("3", "スギハラ", "チウネ", date(1900, 1, 1)),
    ]
    docs = documents.issue(
        people, iss, block, ["Kaunas", "Tsuruga"], date(1940, 8, 1), date(1940, 9, 30)
    )
    assert len({d.number for d in docs}) == 3
    for d in docs:
        pdf = documents.render_pdf(d, "Consulate of Japan, Kaunas")
        assert pdf.startswith(b"%PDF") and b"DejaVuSans" in pdf
        assert set(d.payload) <= set(seal.FIELDS)
    assert b"NotoSansJP" in documents.render_pdf(docs[2], "x")
    text = documents.decode_image(documents.qr_png(docs[1].qr))
    assert v.verify(text, date(1940, 8, 10)).reason == "ok"


def test_hebrew_visual_order() -> None:
    assert documents.visual_order("רחל שפירא") == "אריפש לחר"
    assert documents.visual_order("Born 1921") == "Born 1921"
