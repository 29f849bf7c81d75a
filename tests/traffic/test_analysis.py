"""Traffic analysis on a small generated week: nets recovered, their control stations, call-sign
changes linked across days, and the frequency-only anchor beaten where two nets share a frequency."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from liaison.core.clock import parse_time
from liaison.traffic.analysis import Heard, adjusted_rand, analyse, by_frequency, channels
from liaison.traffic.generate import Traffic, generate


def _rows(t: Traffic) -> list[Heard]:
    return [
        Heard(
            i, r["station"], parse_time(r["heard_at"]), float(r["frequency_khz"]), r["call_from"],
            r["call_to"], int(r["msg_number"]), int(r["groups"]), r["precedence"],
        )
        for i, r in enumerate(t.log)
    ]  # fmt: skip


def _truth(t: Traffic, a, rows):  # type: ignore[no-untyped-def]
    first: dict[int, int] = {}
    for i, k in enumerate(t.row_tx):
        if k is not None and k not in first:
            first[k] = i
    return first


def test_ari_matches_a_hand_count() -> None:
    # two items together in both, one apart: the textbook example gives 1 for equal partitions
    assert adjusted_rand([0, 0, 1, 1], [5, 5, 7, 7]) == 1.0
    assert adjusted_rand([0, 0, 1, 1], [0, 1, 0, 1]) < 0
    assert abs(adjusted_rand([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) - 0.2424) < 1e-3


def test_channels_absorb_misreadings() -> None:
    chan, centre = channels([4525.0, 4525.4, 4524.7, 4600.0, 4600.2])
    assert chan[4525.0] == chan[4524.7] == chan[4525.4] != chan[4600.0]
    assert len(centre) == 2


def test_nets_controls_and_links_on_a_small_week() -> None:
    t = generate(2, shape=(3, 3), days=3, shared_frequency=1.0)
    rows = _rows(t)
    a = analyse(rows)
    first = _truth(t, a, rows)
    truth = [t.tx[k][0] for k in first]
    pred = [a.transmissions[a.row_tx[i]].net for i in first.values()]
    anchor = by_frequency(rows)
    ari = adjusted_rand(truth, pred)
    ari_anchor = adjusted_rand(truth, [anchor[i] for i in first.values()])
    assert ari >= 0.95
    assert ari > ari_anchor  # two nets share a frequency: grouping by frequency merges them
    d0 = t.start.date()

    def unit(d, cs):  # type: ignore[no-untyped-def]
        return t.callsigns.get(((d - d0).days, cs))

    ent_unit = {
        e.id: Counter(unit(d, cs) for d, cs in e.callsigns.items()).most_common(1)[0][0]
        for e in a.entities
    }
    # every true net's control is the control of the recovered net holding most of its traffic
    for net_id, net in t.nets.items():
        got = Counter(
            a.transmissions[a.row_tx[i]].net for k, i in first.items() if t.tx[k][0] == net_id
        ).most_common(1)[0][0]
        assert ent_unit[a.nets[got].control] == net.control
    # call signs change daily; the same unit's call signs end up in one station
    linked = total = 0
    for u in t.units:
        for day in range(t.days - 1):
            ea = a.entity_of(d0 + timedelta(days=day), t.callsign_of(day, u))
            eb = a.entity_of(d0 + timedelta(days=day + 1), t.callsign_of(day + 1, u))
            if ea is not None and eb is not None:
                total += 1
                linked += ea == eb
    assert total > 15 and linked / total >= 0.9
    # parents: the control of the net each unit is an outstation in (each unit's main station)
    main: dict[str, object] = {}
    for e in a.entities:
        u = ent_unit[e.id]
        if u is not None and (u not in main or len(e.callsigns) > len(main[u].callsigns)):  # type: ignore[attr-defined]
            main[u] = e
    right = sum(
        1
        for u, e in main.items()
        if t.units[u].parent is not None
        and e.parent is not None  # type: ignore[attr-defined]
        and ent_unit[e.parent] == t.units[u].parent  # type: ignore[attr-defined]
    )
    assert right >= 0.9 * (len(t.units) - 1)


def test_call_sign_change_linked_by_habit() -> None:
    """Two outstations change nothing but call signs overnight: slot, length and volume link them."""
    day1, day2 = parse_time("1920-08-01"), parse_time("1920-08-02")
    rows: list[Heard] = []
    plan = [("AAA", "BBB", 5, 30), ("AAA", "CCC", 13, 120)]  # control, outstation, minute, groups
    renamed = {"AAA": "QQQ", "BBB": "RRR", "CCC": "SSS"}
    for d, names in ((day1, {}), (day2, renamed)):
        for hour in range(0, 24, 4):
            for ctl, out, minute, groups in plan:
                at = d + timedelta(hours=hour, minutes=minute)
                rows.append(Heard(len(rows), "S1", at, 5000.0, names.get(out, out),
                                  names.get(ctl, ctl), hour, groups))  # fmt: skip
                rows.append(Heard(len(rows), "S1", at + timedelta(minutes=2), 5000.0,
                                  names.get(ctl, ctl), names.get(out, out), hour, 20))  # fmt: skip
    a = analyse(rows)
    d1, d2 = day1.date(), day2.date()
    assert a.entity_of(d1, "BBB") == a.entity_of(d2, "RRR")
    assert a.entity_of(d1, "CCC") == a.entity_of(d2, "SSS")
    assert a.entity_of(d1, "BBB") != a.entity_of(d1, "CCC")
    assert a.entity_of(d1, "AAA") == a.entity_of(d2, "QQQ")
    assert len(a.nets) == 1 and a.nets[0].control == a.entity_of(d1, "AAA")
    sss = a.entity_of(d2, "SSS")
    assert sss is not None and a.entities[sss].parent == a.entity_of(d2, "QQQ")
