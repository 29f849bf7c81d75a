"""Place names in a sentence → gazetteer candidates, with an ACLED-style precision.

Where a name is looked for: after a locative word ("в", "под", "біля", "pod", "bei", "near",
"north of" …; a word meaning *near* gives precision 2), and — in Russian — wherever Natasha's
NER tags a location. Region names ("в Белгородской области", "Kharkiv oblast", "w obwodzie
charkowskim") give the region's centre at precision 3. Inflected names are brought to the form
the gazetteer knows: pymorphy3 for Russian, ending rules for Ukrainian, Polish and German.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from liaison.names.gazetteer import REGION, Place, resolve
from liaison.names.translit import CYR_LATIN

_CAP = r"[A-ZА-ЯЁІЇЄҐÄÖÜŁŚŻŹĆ][\w'ʼ’-]*"
_NAME = (
    rf"{_CAP}(?:[\s-]+(?:{_CAP}|на-[А-Я][\w-]*|am|an\s+der|nad|upon|on|op|aan|sur))?(?:\s+{_CAP})?"
)

# German verbs of taking or holding a town, and the time phrases that may stand between such a
# verb and the town ("besetzte binnen eines Tages Olmütz", "nahm am 27. Juli Lemberg")
_DE_TAKE = (
    r"eroberte[n]?|besetzte[n]?|nahm(?:en)?|hielt(?:en)?|befreite[n]?|stürmte[n]?|"
    r"verteidigte[n]?|umzingelte[n]?|erreichte[n]?"
)
_DE_WHEN = (
    r"(?:(?:binnen|innerhalb|nach|in)\s+(?:eines|einer|zwei|drei|vier|wenigen|weniger|kurzer)\s+"
    r"(?:Tages|Tagen|Tage|Stunden|Woche|Wochen|Zeit)|am\s+\d{1,2}\.\s*\w+|"
    r"bereits|schon|noch|endgültig|schließlich|kampflos|rasch|sofort|erneut|wieder|zunächst)"
)
# (words, precision, rank): precision 1 the town itself, 2 near it; rank orders the candidates
# of one sentence: where a unit *is* (0) before where it goes (1) before where it came from (2).
_TRIGGERS: dict[str, list[tuple[str, int, int]]] = {
    "ru": [
        (
            r"под|близ|около|возле|у|недалеко\s+от|неподалеку\s+от|в\s+районе|в\s+окрестностях|на\s+(?:[а-яё]+(?:ой|ей)\s+)?окраин[еа]х?|"
            r"на\s+подступах\s+к|(?:северо-|юго-)?(?:север|юг|запад|восток)[а-я]*нее|к\s+(?:северу|югу|западу|востоку|северо-западу|северо-востоку|юго-западу|юго-востоку)\s+от|"
            r"в\s+\d+\s+км\s+(?:к\s+\w+\s+)?от|за|в\s+предместьях|в\s+пригороде|(?:[а-яё]+(?:ый|ий|ой)\s+)?фланг(?:а|е|ом)?",
            2,
            0,
        ),
        (
            r"в|во|под\s+городом|в\s+городе|в\s+пос[её]лке|в\s+селе|в\s+г\.|г\.|пгт|с\.|пос\.|на\s+полигоне|дислоцированн\w+\s+в|"
            # "в районе населённого пункта Работино", "у н.п. Клещеевка", "бои за село Х"
            r"нас[её]л[её]нн\w+\s+пункт\w*|н\.\s?п\.|сел[аоеу]|деревн[иеяю]|пос[её]лк[аеу]|хутор[аеу]?|станиц[аеуы]|город[аеу]?|"
            # "заняла Бердычи", "освободили Андреевку": a place taken or held is where it is
            r"занял[аои]?|захватил[аои]?|освободил[аои]?|взял[аои]?|удерживал[аои]?|удерживает|удерживают|оборонял[аои]?|штурмовал[аои]?|штурмуют|атаковал[аои]?|"
            # "высадилась на аэродром Кабула", "на аэродроме Рузине": the airfield's town
            r"аэродром[аеу]?",
            1,
            0,
        ),
        (r"к|ко|до|через|на|в\s+направлении|в\s+сторону", 1, 1),
        (r"из|от|с|со|из-под|из-за", 1, 2),
        # "марш из района Умани в район Ясс": the area it left, the area it went to
        (r"в\s+район|во?\s+окрестности|к\s+району", 2, 1),
        (r"из\s+района|из\s+окрестностей", 2, 2),
        # where a unit was formed or has its headquarters is its home, not where it fights:
        # "сформированной в прошлом году в Пскове", "штаб которой находится в Воронеже"
        (
            # (not across a move: "штаб перемещён из X в Y" — Y is where it now is)
            r"(?:сформирован\w*|формиру\w+|штаб\w*|базиру\w+|родом)"
            r"(?:,?\s+(?!(?:из|перемещ|передислоцир|переброш|переведен|перевед[её]н|перенес)[\w-]*(?![\w-]))[\w-]+){0,5}?\s+(?:в|во)",
            1,
            2,
        ),
    ],
    "uk": [
        (
            r"під|біля|поблизу|неподалік\s+від|неподалік|у\s+районі|в\s+районі|на\s+(?:[а-яіїєґ]+ій\s+)?околиці|на\s+околицях|"
            r"(?:північ|південь|захід|схід)[а-яі]*ніше|на\s+(?:північ|південь|захід|схід)\s+від|за|в\s+передмісті|"
            r"(?:[а-яіїєґ]+(?:ий|ій)\s+)?фланг(?:у|і|ом)?",
            2,
            0,
        ),
        (
            r"в|у|м\.|с\.|смт|в\s+місті|у\s+місті|в\s+селі|у\s+селі|"
            r"населен\w+\s+пункт\w*|н\.\s?п\.|сел[аоіу]|селищ[аеіу]|міст[аоі]|місті|"
            r"зайняв|зайняла|зайняли|захопив|захопила|захопили|звільнив|звільнила|звільнили|утримує|утримують|утримувал[аи]?|"
            r"обороняє|обороняють|обороняв|обороняла|штурмує|штурмують|атакував|атакувала|атакували|аеродром[аіу]?",
            1,
            0,
        ),
        (r"до|через|на|у\s+напрямку|в\s+напрямку|на\s+напрямку", 1, 1),
        (r"з|із|зі|від|з-під|із-під|з-за|із-за", 1, 2),
        (r"[ву]\s+район|до\s+району", 2, 1),
        (r"з\s+району|із\s+району|з\s+околиць", 2, 2),
        (
            r"(?:сформован\w*|формуван\w+|штаб\w*|базу\w+|родом)"
            r"(?:,?\s+(?!(?:з|із|зі|переміщ|передислок|перекину|переведен|перенес)[\w'ʼ-]*(?![\w'ʼ-]))[\w'ʼ-]+){0,5}?\s+(?:в|у)",
            1,
            2,
        ),
    ],
    "pl": [
        (
            r"pod|koło|kolo|obok|wokół|dookoła|w\s+rejonie|rejon|rejonu|w\s+okolicach|w\s+okolicy|na\s+przedmieściach|nieopodal|niedaleko|w\s+pobliżu|"
            r"na\s+(?:północ|południe|wschód|zachód|północny\s+\w+|południowy\s+\w+)\s+od|za",
            2,
            0,
        ),
        (
            r"w|we|garnizon|m\.|na\s+poligonie\s+w|miejscowości|miejscowość|wsi|wieś|miasta|miasto|"
            r"lotnisk\w*|zdobył[aoy]?|zdobyli|zajął|zajęł[aoy]|zajęli|wyzwolił[aoy]?|wyzwolili|bronił[aoy]?|bronili|opanował[aoy]?|opanowali|utrzymał[aoy]?|"
            r"(?:walk\w*|bitw\w*|boj\w*|bój|szturm\w*|natarci\w+)\s+o|"
            # "odbiła Trościaniec", "oblężenia Modlina", "w obronie Lwowa": the town fought for
            r"odbił[aoy]?|odbili|oblężeni\w*|(?-i:obron(?:a|y|ie|ę))|"
            # the present tense and attacks: "broni Pokrowska", "szturmują Czasiw Jar"
            r"broni|bronią|utrzymuje|utrzymują|zajmuje|zajmują|atakuje|atakują|(?:za)?atakował[aoy]?|"
            r"(?:za)?atakowali|szturmuje|szturmują|szturmował[aoy]?|szturmowali|okrążył[aoy]?|okrążyli|okrąża|okrążają",
            1,
            0,
        ),
        (r"do|przez|na|w\s+kierunku|ku|do\s+rejonu", 1, 1),
        (r"z|ze|od|spod|z\s+rejonu|z\s+okolic", 1, 2),
        (
            r"(?:z\s+siedzibą|sformowan\w*|stacjonując\w*\s+na\s+co\s+dzień)(?:\s+\w+){0,3}?\s+w",
            1,
            2,
        ),
        # a person's birthplace ("gen. X, rodem z Łucka") is no unit's place at all
        (
            r"rodem\s+ze?|urodzon\w*\s+w|pochodząc\w*\s+ze?|"
            # every tense of "to come from, be born in": "dowódca pochodzi z Kielc"
            r"pochodz[iąę]\w*\s+ze?|pochodził\w*\s+ze?|urodził\w*\s+się\s+w|wywodz\w+\s+się\s+ze?",
            1,
            9,
        ),
    ],
    "de": [
        (
            r"bei|um|nahe|nahe\s+bei|vor|rund\s+um|in\s+und\s+um|im\s+großraum|in\s+der\s+nähe\s+von|(?:im|in\s+den)\s+raum(?:\s+um)?|festung|stadt|garnison(?:sstadt)?|kessel\s+(?:von|bei)|brückenköpfen?\s+(?:von|bei)|"
            r"(?:nord|süd|ost|west|nordwest|nordost|südwest|südost|nörd|südwest|nordwest|öst|nordöst|südöst)lich\s+(?:von)?|"
            # "nordostwärts Dünaburg", "am Westrand von Lemberg": beside the town
            r"(?:nord|süd|ost|west|nordost|nordwest|südost|südwest)wärts(?:\s+von)?|"
            r"(?:am|den|vom|an\s+den)\s+(?:nord|süd|ost|west|stadt)rand\s+von",
            2,
            0,
        ),
        (
            r"in|garnison|stationiert\s+in|(?:flugplatz|flughafen)(?:es)?|(?:truppen|standort)?übungsplatz(?:es)?|(?:des\s+|dem\s+|das\s+)?(?:Dorf(?:es)?|Ort(?:es)?|Ortschaft|Siedlung)|"
            r"eroberte[n]?|erobert|befreite[n]?|befreit|besetzte[n]?|besetzt|verteidigte[n]?|hielt(?:en)?|nahm(?:en)?|"
            r"hält|halten|umzingelte[n]?|umzingelt|stürmte[n]?|stürmt|entsetzte[n]?|griff(?:en)?|greift|greifen|"
            # the same verbs before a time phrase ("besetzte binnen eines Tages Olmütz") and in
            # the passive ("Verteidigt wird Wuhledar von …")
            rf"(?:{_DE_TAKE})(?:\s+{_DE_WHEN})|"
            r"(?:verteidigt|gehalten|besetzt|erobert|eingenommen|gestürmt|befreit)\s+(?:wird|wurde|werden|wurden)",
            1,
            0,
        ),
        (r"nach|bis|über|zu|auf|in\s+richtung|gegen|erreichte[n]?|erreicht", 1, 1),
        (
            r"aus|von|aus\s+dem\s+raum(?:\s+um)?|(?:mit\s+)?sitz\s+in|heimatstandort|aufgestellt\s+in",
            1,
            2,
        ),
    ],
    "en": [
        (
            r"near|outside|around|opposite|close\s+to|in\s+the\s+(?:area|vicinity)\s+of|on\s+the\s+outskirts\s+of|"
            # "fighting in the suburbs of Damascus", "on the southern edge of Kurakhove": near the town
            r"(?:in|on|at)\s+the\s+(?:(?:north|south|east|west)\w*\s+)?(?:suburbs|outskirts|environs|edge|fringes)\s+of|"
            # "in southern Robotyne", "into the eastern part of Toretsk": in the town
            r"(?:in|into|across)\s+(?:the\s+)?(?:(?:north|south)-?(?:east|west)ern|northern|southern|eastern|western|central)"
            r"(?:\s+(?:part|parts|districts?|half)\s+of)?|"
            r"(?:the\s+)?(?:\w+ern\s+)?flank\s+of|"
            r"(?:north|south|east|west|north-?east|north-?west|south-?east|south-?west)\s+of|beyond",
            2,
            0,
        ),
        (
            r"in|at|garrisoned\s+in|stationed\s+in|held|(?:training\s+area|range|training\s+ground)\s+(?:at|of|near)|besieging|liberated|captured|took|entered|defended|"
            # "after taking Avdiivka", "broke into Falaise": a town taken or entered is where it is
            r"taking|capturing|seizing|seized|holding|defending|liberating|storming|stormed|cleared|clearing|"
            # besieging, relieving, occupying: a town the unit surrounds or holds ("relieved Bastogne")
            r"relieved|relieving|occupied|occupying|encircled|encircling|surrounded|surrounding|besieged|"
            r"overran|overrunning|recaptured|recapturing|retook|retaking|secured|securing|attacked|attacking|"
            r"assaulted|assaulting|"
            # the present of news and summaries: "the 3rd Brigade holds Andriivka"
            r"holds|defends|captures|takes|enters|occupies|storms|retakes|encircles|besieges|liberates|"
            r"secures|clears|attacks|assaults|"
            r"(?:broke|pushed|moved|rolled|drove|fought\s+(?:its|their)\s+way)\s+into|"
            r"(?:the\s+)?(?:village|town|settlement|city)\s+of|(?:battles?|fight(?:s|ing)?|struggle|assaults?|attacks?|offensive)\s+(?:for|on)",
            1,
            0,
        ),
        (
            r"to|into|through|via|toward|towards|in\s+the\s+direction\s+of|on|reached|approached",
            1,
            1,
        ),
        (
            r"from|(?:normally\s+|usually\s+|permanently\s+)?(?:based|garrisoned)\s+(?:in|at|around|near|outside)|"
            r"headquartered\s+(?:in|at)|"
            # "from its garrison at Naro-Fominsk, was sent to Izium": its home
            r"from\s+(?:its|their)\s+(?:\w+\s+)?(?:garrison|base|barracks)\s+(?:in|at|near)|"
            r"(?:formed|raised|created)(?:\s+\w+){0,3}?\s+(?:in|at)|home\s+(?:base|garrison)\s+(?:in|of)",
            1,
            2,
        ),
    ],
}
# "можайское направление", "Покровському напрямку", "Zaporizhzhia direction": the town, near it.
_DIRECTION_RE = {
    "ru": re.compile(
        r"(?P<name>[А-ЯЁа-яё-]+(?:ском|ское|ского|цком|цкое|цкого|ском))\s+(?:направлени[еияю]|направлением)",
        re.I,
    ),
    "uk": re.compile(
        r"(?P<name>[А-ЯІЇЄҐа-яіїєґ'ʼ-]+(?:ському|ський|ського|цькому|цький|цького|зькому|зький|зького))\s+(?:напрямку|напрямок|напрямі|напрямком)",
        re.I,
    ),
    # "na kierunku kupiańskim", "na odcinku bachmuckim", "na zaporoskim kierunku"
    "pl": re.compile(
        r"(?:(?P<noun>kierunku|kierunek|kierunkiem|odcinku|odcinek|odcinka)\s+)?"
        r"(?P<name>[a-ząćęłńóśźż]+(?:skim|ckim|skiego|ckiego|ski|cki))"
        r"(?(noun)|\s+(?:kierunku|kierunek|kierunkiem|odcinku|odcinek|odcinka)(?![\w]))",
        re.I,
    ),
    "de": re.compile(r"(?:Richtung|Frontabschnitt|Abschnitt)\s+(?P<name>[A-ZÄÖÜ][\w-]+)"),
    "en": re.compile(
        r"(?P<name>[A-Z][\w'-]+)\s+(?:direction|axis|front(?:\s+line)?|sector)(?![\w-])"
    ),
}
# "Кюстринский плацдарм", "Зееловские высоты", "Можайская линия обороны", "Букринський
# плацдарм", "przyczółek magnuszewski", "Kursk salient": a feature named after its town — the
# town, near it, where the unit *is* (not where it goes, as a direction).
_ADJ_RU = r"[А-ЯЁа-яё-]+[сц]к(?:ий|ого|ому|им|ом|ое|ая|ой|ую|ие|их|им|ими)"
_ADJ_UK = r"[А-ЯІЇЄҐа-яіїєґ'ʼ-]+[сцз]ьк(?:ий|ого|ому|им|ім|е|а|ої|ій|у|і|их|ими)"
_FEATURE_RE = {
    "ru": re.compile(
        rf"(?P<name>{_ADJ_RU})\s+(?:плацдарм\w*|высот\w*|рубеж\w*|лини\w+\s+обороны|"
        r"оборонительн\w+\s+рубеж\w*|выступ\w*|котл\w*|кот[её]л|укрепрайон\w*|дуг\w*|"
        r"(?:наступательн\w+\s+|оборонительн\w+\s+)?операци\w+)"
    ),
    "uk": re.compile(
        rf"(?P<name>{_ADJ_UK})\s+(?:плацдарм\w*|висот\w*|рубеж\w*|лінії?\s+оборони|"
        r"виступ\w*|котл\w*|котел|дуз\w*|дуг\w*|(?:наступальн\w+\s+|оборонн\w+\s+)?операці\w+)"
    ),
    "pl": re.compile(
        r"(?:przyczół\w*|wzgórz\w*|łuk\w*|kocioł|kotle|kotła|rubież\w*|lini\w+\s+obrony)\s+"
        r"(?P<name>[a-ząćęłńóśźż]+(?:skim|ckim|skiego|ckiego|ski|cki|ska|cka|skiej|ckiej|skie|ckie))",
        re.I,
    ),
    "de": re.compile(r"(?P<name>[A-ZÄÖÜ][\w-]+?)er\s+(?:Höhen|Brückenkopf|Bogen|Kessel)"),
    # "in the Sudzha area", "the Bakhmut sector": the town, near it
    "en": re.compile(
        r"(?P<name>(?:[A-Z][\w'-]+\s+)?[A-Z][\w'-]+)\s+(?:salient|bridgehead|[Hh]eights|pocket|offensive|operation|area)(?![\w-])"
    ),
}
# a title before a capitalised word makes it a person ("генерала Чуйкова", "General Yefremov")
_PERSON_BEFORE = re.compile(
    r"(?i:(?:генерал(?:-\w+)?|маршал|командарм|комдив|комкор|полковник|подполковник|майор|капитан|"
    r"лейтенант|адмирал|командующ|командувач|президент|министр|міністр|генерал(?:-\w+)?|"
    r"general(?:major|leutnant|oberst|feldmarschall)?|gen\.|marsza[łl]|pu[łl]kownik|"
    r"podpu[łl]kownik|major|kapitan|rotmistrz|komandarm|marshal|colonel|col\.|lieutenant|"
    r"admiral|president|minister|oberst|oberstleutnant|hauptmann|feldmarschall|pr[äa]sident|"
    r"prezydent|premier)\w{0,4})(?:\s+(?:арми[иі]|брони|of\s+the\s+army|broni))?"
    r"\s+(?:[A-ZА-ЯЁІЇЄҐ]\.\s*){0,2}$"
)
# Looked for only before a capital letter (far fewer places than every position of a sentence).
# Polish puts an adjective or participle between the preposition and the town as a rule: "w
# oblężonym Tobruku", "pod zniszczonym Charkowem", "do pobliskiej Ankony" (lower case, five letters
# or more with an adjectival case ending, so "w tym" is none)
_ADJ_BETWEEN = {"pl": r"(?:[a-ząćęłńóśźż]{3,}(?:ym|ej|im|ego|iego|ą)\s+)?"}
_TRIGGER_END = {
    lang: re.compile(
        # not after a hyphen: "под" in "из-под" is no locative
        "|".join(
            rf"(?P<t{i}>(?<![\w-])(?i:{words})\s+{_ADJ_BETWEEN.get(lang, '')}$)"
            for i, (words, _p, _r) in enumerate(trig)
        )
    )
    for lang, trig in _TRIGGERS.items()
}
_AND = re.compile(
    r"\s*(?:,|and|or|und|oder|beziehungsweise|bzw\.|respektive|и|или|і|та|й|i|oraz|lub|a)\s+(?=[A-ZА-ЯЁІЇЄҐÄÖÜŁŚŻŹĆ])"
)
_CAP_START = re.compile(r"(?<![\w'ʼ’-])[A-ZА-ЯЁІЇЄҐÄÖÜŁŚŻŹĆ]")
_NAME_RE = re.compile(_NAME)
_REGION_RE = {
    "ru": re.compile(
        r"(?P<name>[А-ЯЁ][а-яё-]+(?:ской|цкой|ская|цкая|скую|цкую|ск[ао]й|ской))\s+(?:области|область|обл\.)"
    ),
    "uk": re.compile(
        r"(?P<name>[А-ЯІЇЄҐ][а-яіїєґ'ʼ-]+(?:ській|ська|ської|ську|цькій|цька|цької|цьку|зькій|зька|зької))\s+(?:області|область|обл\.)"
    ),
    "pl": re.compile(
        r"(?:obwod(?:zie|u|em)|obwód)\s+(?P<name>[a-ząćęłńóśźż]+(?:skim|ckim|skiego|ckiego|ski|cki))"
    ),
    "de": re.compile(r"(?:Oblast|Gebiet(?:s)?)\s+(?P<name>[A-ZÄÖÜ][\w-]+)"),
    "en": re.compile(r"(?P<name>[A-Z][\w'-]+)\s+(?:[Oo]blast|[Rr]egion|[Pp]rovince)"),
}
_NOT_PLACE = re.compile(
    r"^(?:Там|Туда|Тут|Здесь|Туди|Tam|Tu|There|Dort|Hier|"
    r"Россия|России|Украина|Украины|Україна|України|Росі[яїює]\w*|Сіверськ\w*\s+Донц\w*|Северск\w*\s+Донц\w*|Siverskyi\s+Donets|"
    r"Polska|Polski|Polsce|Deutschland|Russland|Ukraine|Russia|Poland|"
    r"Germany|USSR|СССР|ВСУ|ЗСУ|ВС|РФ|НАТО|NATO|Bundeswehr|Wehrmacht|Red|Army|Armee|Armia|Division|Korps|Corps|"
    r"Dywizj[aięą]|Brygad(?:a|y|zie|ę|ą)|Pułk(?:u|iem)?|Korpus(?:u|em|ie)?|Armi[iąę]|Batalion(?:u|em|ie)?|"
    r"Генштаб|Минобороны|Министерство|Пентагон|Kreml|Kremlin|Кремль|Ministry|Staff|Januar|Februar|März|April|Mai|Juni|Juli|"
    r"August|September|Oktober|November|Dezember|Ende|Anfang|Beginn|Norden|Süden|Osten|Westen|January|February|March|May|June|July|October|December|Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday|The|This|That|In|On|At|Der|Die|Das|Den|Dem|Des|Im|Am|W|We|Na|Z|Do|"
    r"Hill|Height|Heights|Point|Route|Highway|Objective|Höhe|Punkt|Wzgórze|Wzgórzu|Высот[аеуы]|Висот[аіуи]|"
    r"В|На|Из|По|С|К|От|До|За|Под|У|І|З|Як|Для|Восток\w*|Запад\w*|Север(?!одонецк|ск(?:а|е|ом|у)?$)\w*|Юг\w*|Центр\w*|Схід\w*|Захід\w*|Півн\w*|Півд\w*|Дальн\w*\s+Восток\w*|Донбас\w*|Крым\w*|Крим(?:у|і|ом)?|Сибир\w*|Урал\w*|Кавказ\w*|Прибалтик\w*|"
    r"Донеччин\w*|Луганщин\w*|Харківщин\w*|Київщин\w*|Запоріжжя\s+напрям\w*|Far\s+East|Donbas+|Crimea|Siberia|Urals?|Caucasus|Baltics?|"
    r"Rosj[aięą]|Litw[aieyę]|Łotw[aieyę]|Estoni[aię]|Niemc(?:y|ach|zech|om)|Ukrain(?:ie|ę|ą)|Białoru(?:ś|sią)|"
    r"Woły(?:ń|nia|niu|niem)|Podol(?:e|a|u)|Bukowin[aięy]|Krym(?:u|ie|em)?|Mazows(?:ze|za|zu)|Podlas(?:ie|ia|iu)|"
    r"Galicj[aięą]|Pomorz(?:e|a|u)|Śląsk(?:a|u|iem)?|Lubelszczyzn[aieyę]|Donbas(?:ie|u)|"
    r"Galizien|Wolhynien|Podolien|Schlesien|Pommern|Ostpreußen|Westpreußen|Sachsen|Bayern|Thüringen|Mähren|"
    r"Böhmen|Nordböhmen|Baltikum|Kurland|Masuren|Hessen|Franken|Oberpfalz|Niedersachsen|Litauen|Lettland|"
    r"Estland|Polen|Weißrussland|Tschechien|Slowakei|Ungarn|Russland[s]?|"
    r"Fernost|Sibirien|Krim|Kaukasus|Ukrainy|Rosji|Niemiec|Litwy|Białorusi|Ukraina|Rosja|Europe|Europa|Европ\w*|Німеччин\w*|Германи\w*|"
    r"Белорусси\w*|Беларус\w*|Білорус\w*|Польш\w*|Польщ\w*|Чехословаки\w*|Китай|Китая|Маньчжури\w*|Литв\w*|Латви\w*|Эстони\w*|"
    r"Belarus|Lithuania|Latvia|Estonia|Czechoslovakia|Manchuria|China|Japan|Chechnya|NATO|Bug|Oder|Wisła|Wisłę|Wiśle|Wisłą|Wisły|Bzur\w*|Narew|Dnieper|Dnipro|Днепр(?!опетровск|одзержинск)\w*|Дніпр(?!опетровськ|одзержинськ)\w*|Волг\w*|Дон|Дона|Donu?|Нейсе|Neiße|Nysę\s+Łużycką|Weichsel|Wkr\w*|Wieprz\w*)$"
)

# English: weapon systems and vehicles named like towns ("an Iskander strike" is no Iskandar in
# Uzbekistan, "Buk launchers" no Polish Buk): never a place in English text
_NOT_PLACE_EN = re.compile(
    r"^(?:Iskanders?|Kalibrs?|Kinzhals?|Tochka(?:-U)?|Grad|Uragan|Smerch|Tornado|Shaheds?|Gerans?|"
    r"Lancets?|Krasnopol|Bayraktars?|Buk|Tor|Pantsir|Oniks|Zircon|Tsirkon|Kornet|Javelins?|Patriots?|"
    r"Leopards?|Abrams|Bradleys?|Marders?|Challengers?|Strykers?|Caesar|Krab|Zuzana|Archer|Gvozdika|"
    r"Akatsiya|Msta|Solntsepyok|Himars|HIMARS|ATACMS|Storm\s+Shadow|Reuters|Suspilne|Telegram|"
    # countries and historical regions whose English names GeoNames gives to towns elsewhere
    # ("Iraq" is an alternate name of Arāk, "Moldova" of a Ukrainian village): never the town
    r"Iraq|Syria|Kazakhstan|Armenia|Moldova|Ireland|Lebanon|Jordan|Egypt|Mali|Sudan|Albania|Kosovo|"
    r"Montenegro|Holland|America|Asia|Africa|Palestine|Galicia|Bukovina|Livonia|Kuban|Brittany|"
    r"Volhynia|Podolia|Bessarabia|Silesia|Pomerania|Prussia|Masuria|Courland|Transnistria)$"
)

# English names no town with "the" before it ("the Neisse", "the Don"): bare names after it are
# rivers and regions
_EN_THE_BEFORE = re.compile(r"(?<![\w])the\s+$")
_EN_NOUN_END = re.compile(
    r"\s*(?:[,.;:!?)]|$)|\s+(?:at|near|on|in|into|to|from|and|or|between|north|south|east|west|"
    r"opposite|by|under|was|were|is|are|had|has|toward|towards|line|valley|bend|crossings?)(?![\w-])"
)


def _not_place(name: str, lang: str) -> bool:
    """A word never read as a place in this language's text."""
    return bool(_NOT_PLACE.match(name) or (lang == "en" and _NOT_PLACE_EN.match(name)))


# a name spelled the Ukrainian or Polish way is a town of that country when several share it
_HOME = {"uk": "UA", "pl": "PL"}
_LANG_COUNTRY = {"uk": "UA", "pl": "PL", "de": "DE", "ru": "RU"}
_FUZZY_OK = {"uk": {"UA"}, "pl": {"PL"}, "ru": {"RU", "UA", "BY"}}
_NEAR = REGION | {"CZ", "SK", "HU", "AT", "LT", "LV", "EE", "FI"}


@dataclass(frozen=True)
class PlaceHit:
    start: int
    end: int
    text: str
    place: Place | None
    candidates: tuple[Place, ...]
    unambiguous: bool
    precision: int
    rank: int = 0  # 0 where a unit is, 1 where it goes, 2 where it came from, 3 named aside,
    # 4 a person's place (born, lived, settled): never a unit's, though "the city" may point at it


# ---- dictionary forms -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _morph():  # type: ignore[no-untyped-def]
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _ru_forms(name: str) -> list[str]:
    words = name.split()
    morph = _morph()
    parses = [morph.parse(w) for w in words]
    noun = next((p for p in parses[-1] if "Geox" in p.tag), parses[-1][0]) if parses else None
    if noun is None:
        return [name]
    out = []
    gender = noun.tag.gender or "masc"
    lem: list[str] = []
    for w, ps in zip(words, parses, strict=True):
        if ps is parses[-1]:
            lem.append(_cap_like(noun.normal_form, w))
            continue
        adj = next((p for p in ps if "ADJF" in p.tag), None)
        if adj is not None:
            inf = adj.inflect({"nomn", "sing", gender})
            lem.append(_cap_like(inf.word if inf else adj.normal_form, w))
        else:
            lem.append(w)
    out.append(" ".join(lem))
    if (
        len(words) == 1
        and re.search(r"(?:ого|ому|ом)$", words[0])
        and re.search(r"[иыо]й$", lem[0])
    ):
        # a village named by a neuter adjective: "у Каменского" → "Каменское"
        out.append(lem[0][:-2] + ("ее" if lem[0].endswith("ний") else "ое"))
    if len(words) == 1 and len(words[0]) >= 5:
        # the genitive plural of a plural-only town name, which the dictionary may not know:
        # "у Валуек" → Валуйки, "Березников" → Березники, "у Бердычей" → Бердычи, "Липцев" → Липцы
        w = words[0]
        for end, reps in (
            ("ек", ("йки", "ки")),
            ("ок", ("ки",)),
            ("ов", ("ы", "и")),
            ("цев", ("цы",)),  # "у Липцев" → Липцы
            ("ей", ("и",)),
        ):
            if w.endswith(end):
                out += [w[: -len(end)] + r for r in reps]
    if len(words) == 1 and len(words[0]) >= 5 and not any(p.is_known for p in parses[0]):
        # a foreign name the dictionary does not know: its stem under a case ending
        # ("в Кундузе", "у Хайлара", "Шиндандом" → Кундуз, Хайлар, Шинданд)
        w = words[0]
        out += [w[: -len(e)] for e in ("ом", "ем", "е", "а", "у") if w.endswith(e)]
    if len(words) == 1 and re.search(r"ь[её]м$", words[0]):
        # a neuter town in -ье the dictionary misreads: "под Замостьем" → Замостье
        out.append(words[0][:-2] + "е")
    geox = [p.normal_form for p in parses[-1] if "Geox" in p.tag]
    out += [_cap_like(g, words[-1]) for g in geox if len(words) == 1]
    if len(words) == 2:
        # a possessive short adjective declines its own way: "Часова Яра", "Часовом Яре" → Часов Яр
        first = re.sub(r"(?<=[оеиё]в|ин)(?:а|у|ом|ым|е)$", "", words[0])
        if first != words[0]:
            nouns = [p.normal_form for p in parses[1] if "NOUN" in p.tag][:2] or [noun.normal_form]
            out += [f"{first} {_cap_like(n, words[1])}" for n in nouns]
    return list(dict.fromkeys(out))


def _cap_like(word: str, like: str) -> str:
    if like[:1].isupper():
        return "-".join(p[:1].upper() + p[1:] for p in word.split("-"))
    return word


_UK_ENDINGS = [
    # a town named in the plural: "до Чернівців", "у Чернівцях" → Чернівці, "у Сумах" → Суми
    ("ців", "ці"),
    ("цях", "ці"),
    ("ах", "и"),
    # "-ець" drops its е: "під Кам'янцем", "до Кам'янця" → Кам'янець
    ("цем", "ець"),
    ("ця", "ець"),
    ("цю", "ець"),
    # a masculine town in -ів keeps its -ов- stem in the locative: "у Яворові" → Яворів
    # (not the bare "Явор"), "у Чернігові" → Чернігів, "у Львові" → Львів
    ("ові", "ів"),
    ("ові", ""),
    ("еві", ""),
    ("ом", ""),
    ("ем", ""),
    ("ою", "а"),
    ("єю", "я"),  # "Коломиєю" → Коломия
    ("ям", "я"),  # a neuter town in -я: "під Замостям" → Замостя
    ("ею", "я"),
    ("ої", "а"),
    ("ій", "а"),
    ("і", "а"),
    ("і", ""),
    ("і", "ь"),
    ("у", ""),
    ("у", "а"),
    ("ю", ""),
    ("ю", "я"),
    ("ю", "ь"),
    ("а", ""),
    # a neuter town in -о: "від Мукачева", "під Мукачевом" → Мукачево
    ("а", "о"),
    ("ом", "о"),
    # a town named in the plural, genitive in -ок: "біля Кринок" → Кринки
    ("ок", "ки"),
    ("я", "ь"),
    ("я", ""),
    ("я", "е"),  # a neuter town in -е: "біля Гуляйполя" → Гуляйполе
    # the locative's consonant change: "у Таганрозі" → Таганрог, "у Празі" → Прага,
    # "у Кременчуці" → Кременчук
    ("зі", "г"),
    ("зі", "га"),
    ("ці", "к"),
    ("ці", "ка"),
    ("сі", "х"),
    ("и", "а"),
    ("ї", "я"),
    ("ах", "и"),
    ("ях", "і"),
    ("і", "о"),
    ("і", "е"),
]
_PL_ENDINGS = [
    # the mobile e of Orzeł: "pod Orłem", "z Orła" (before "Orł", a stem too short to trust)
    ("rłem", "rzeł"),
    ("rła", "rzeł"),
    ("owie", "ów"),
    ("owa", "ów"),
    ("owem", "ów"),
    ("owi", "ów"),
    ("niu", "ń"),
    ("niem", "ń"),
    # towns in -sk, -ck: "pod Witebskiem" → Witebsk, "pod Kurskiem" → Kursk (before -kiem → -ko)
    ("skiem", "sk"),
    ("ckiem", "ck"),
    # masculine instrumental after k, g: "pod Tokmakiem" → Tokmak, "pod Bohem"... not "Tokmaki"
    ("akiem", "ak"),
    ("ykiem", "yk"),
    ("ikiem", "ik"),
    ("agiem", "ag"),
    ("nia", "ń"),
    ("ymstoku", "ystok"),
    ("odzi", "ódź"),
    ("ii", "ia"),
    ("ią", "ia"),
    ("ię", "ia"),
    ("i", "ia"),
    ("i", ""),
    ("wie", "wa"),
    ("ie", "a"),
    ("ą", "a"),
    ("ę", "a"),
    ("y", "a"),
    ("u", ""),
    ("a", ""),
    ("a", "o"),
    ("ie", ""),
    ("ie", "o"),
    ("nie", "no"),
    ("em", ""),
    ("em", "e"),  # "pod Robotynem" → Robotyne
    # locatives that soften the last consonant: w Bachmucie, w Wuhłedarze, o Zaporożu
    ("cie", "t"),
    ("ście", "st"),
    ("ściu", "ść"),  # w Brześciu → Brześć
    ("ciu", "ć"),
    ("rze", "r"),
    ("dzie", "da"),  # "w Kłajpedzie" → Kłajpeda, "w Lidzie" → Lida (not Lod, "Lid")
    ("dzie", "d"),
    ("le", "ł"),
    ("ym", "y"),  # "w Groznym" → Grozny
    ("u", "e"),
    ("cach", "ce"),
    ("icach", "ice"),
    ("kach", "ki"),
    ("ach", "y"),
    ("ach", "e"),
    ("ami", ""),
    ("ami", "y"),
    ("dzi", "dź"),
    ("rze", "ra"),
    ("ce", "ka"),
    ("dze", "ga"),
    ("zy", ""),
    ("ej", "a"),
    ("iej", "a"),
    ("ze", "a"),
    ("dze", "da"),
    # towns in -sko/-cko ("pod Giżyckiem", "w Drawsku", "z Giżycka") and -owo
    ("ńca", "niec"),
    ("la", "el"),  # "Kowla" → Kowel
    ("lu", "el"),
    ("ńcu", "niec"),
    ("ńcem", "niec"),
    ("kiem", "ko"),
    ("em", "o"),  # "pod Kutnem" → Kutno, "za Gnieznem" → Gniezno
    ("ku", "ko"),
    ("ka", "ko"),
    ("wie", "wo"),
    # Polish cases of foreign and eastern towns: "pod Brześciem" → Brześć, "wokół Hradca" →
    # Hradec (the mobile e), "niedaleko Horek" → Horki (genitive plural)
    ("ściem", "ść"),
    ("ścia", "ść"),
    ("ciem", "ć"),
    ("ca", "ec"),
    ("ek", "ki"),
    ("wcu", "wiec"),  # "w Królewcu" → Królewiec
    ("wca", "wiec"),
    # a town named by an adjective: "pod Chmielnickim" → Chmielnicki
    ("ckiego", "cki"),
    ("ckim", "cki"),
    ("skiego", "ski"),
    ("skim", "ski"),
]


def _uk_forms(name: str) -> list[str]:
    out = [name]
    words = name.split()
    last = words[-1]
    for end, rep in _UK_ENDINGS:
        if last.endswith(end) and len(last) - len(end) >= 3:
            stem = last[: -len(end)] + rep
            out.append(" ".join([*words[:-1], stem]))
            # о/е → і in the closed last syllable (Харкова → Харків, Львова → Львів, Києва → Київ)
            m = re.search(r"([оеє])([^аеєиіїоуюяь]+)$", stem)
            if m:
                alt = stem[: m.start(1)] + ("ї" if m.group(1) == "є" else "і") + m.group(2)
                out.append(" ".join([*words[:-1], alt]))
    if len(words) == 1 and last.count("-") == 1 and last[0].isupper():
        # a name of two inflected halves: "під Кам'янцем-Подільським" → Кам'янець-Подільський
        head, tail = last.split("-")
        tails = [tail] + [
            tail[: -len(e)] + r
            for e, r in (
                ("ським", "ський"),
                ("ського", "ський"),
                ("ському", "ський"),
                ("ськім", "ський"),
            )
            if tail.endswith(e)
        ]
        for h in _uk_forms(head)[1:]:
            out += [f"{h}-{tl}" for tl in tails[1:] or tails]
    if len(words) == 1:
        # a village named by a neuter or masculine adjective: "Вербового" → "Вербове",
        # "біля Роботиного" → "Роботине", "у Першотравневому" → "Першотравневе"
        for ae, ar in (
            ("ого", "е"),
            ("ому", "е"),
            ("ім", "е"),
            ("им", "е"),  # "під Рокитним" → Рокитне
            ("ого", "ий"),
            ("ому", "ий"),
            ("им", "ий"),
        ):
            if last.endswith(ae) and len(last) - len(ae) >= 3:
                out.append(last[: -len(ae)] + ar)
    out += [" ".join([*words[:-1], g]) for g in _uk_plural_nominatives(last)]
    if len(words) == 2:
        # adjective + noun: "Нової Каховки" → "Нова Каховка", "Часового Яру" → "Часів Яр"
        a, n = words
        nouns = [n] + [
            n[: -len(e)] + r for e, r in _UK_ENDINGS if n.endswith(e) and len(n) - len(e) >= 2
        ]
        for ae, ar in (
            ("ового", "ів"),
            ("евого", "ів"),
            ("ої", "а"),
            ("ій", "а"),
            ("ою", "а"),
            ("у", "а"),
            ("ого", "ий"),
            ("ому", "ий"),
            ("ім", "ий"),
            ("ого", "е"),
            ("ому", "е"),
        ):
            if a.endswith(ae):
                out += [f"{a[: -len(ae)] + ar} {nn}" for nn in nouns]
    return list(dict.fromkeys(out))


def _uk_plural_nominatives(word: str) -> list[str]:
    """Nominatives of a plural town name from its genitive, which drops the ending (as Polish
    does): "до Сум" → Суми, "біля Черкас" → Черкаси, "з Прилук" → Прилуки, the mobile е/о
    "під Лубен" → Лубни, "до Ромен" → Ромни; and from the instrumental "під Сумами". Tried
    after the written form and its other cases: a name known as written never reaches them."""
    if len(word) < 3 or not word[0].isupper():
        return []
    if word.endswith("ами") and len(word) >= 6:
        return [word[:-3] + "и"]
    if word[-1] in "аеєиіїоуюяьй'’ʼ":
        return []
    out = [word + "и"]
    m = re.search(r"[ео]([^аеєиіїоуюяь])$", word)
    if m and len(word) >= 5:
        out.append(word[: m.start()] + m.group(1) + "и")
    return out


def _pl_plural_nominatives(word: str) -> list[str]:
    """Nominatives of a plural town name (pluralia tantum) from its genitive, which drops the
    ending: "z Bartoszyc" → Bartoszyce, "do Siedlec" → Siedlce (mobile e), "od Puław" → Puławy,
    "spod Suwałk" → Suwałki. Tried last: a name known as written never reaches them."""
    if len(word) < 3 or word[-1] in "aeiouyąęó":
        return []
    if word.endswith(("yc", "ic", "dz")):
        return [word + "e"]
    if word.endswith("ec"):
        return [word[:-2] + "ce", word + "e"]
    if word.endswith(("k", "g")):
        return [word + "i"]
    return [word + "y"]


def _pl_forms(name: str) -> list[str]:
    out = [name]
    words = name.split()
    for end, rep in _PL_ENDINGS:
        w = words[-1]
        # (a stem of two letters only before a long ending: "w Rydze" → Ryga)
        short = 1 if len(end) >= 4 else 2 if len(words) > 1 or len(end) >= 3 else 3
        if w.endswith(end) and len(w) - len(end) >= short:
            out.append(" ".join([*words[:-1], w[: -len(end)] + rep]))
    out.extend(" ".join([*words[:-1], g]) for g in _pl_plural_nominatives(words[-1]))
    if (len(words) == 2 and not re.search(r"(?:ego|ej|ym|im|ą)$", words[1])) or (
        len(words) > 2 and words[1] in ("nad", "pod", "na")
    ):
        # a foreign name whose second word does not decline: "Hradca Králové" → Hradec Králové,
        # "w Rostowie nad Donem" → Rostów nad Donem
        n1, rest = words[0], " ".join(words[1:])
        for end, rep in _PL_ENDINGS:
            if n1.endswith(end) and len(n1) - len(end) >= 3:
                out.append(f"{n1[: -len(end)] + rep} {rest}")
    if len(words) == 2:
        # noun first: "Tomaszowa Mazowieckiego" → "Tomaszów Mazowiecki"
        n1, a1 = words
        for ae, ar in (
            ("iego", "i"),
            ("ego", "y"),
            ("im", "i"),
            ("ym", "y"),
            ("iej", "a"),
            ("ej", "a"),
            ("ą", "a"),
            ("im", "ie"),  # "w Drawsku Pomorskim" → Drawsko Pomorskie
            ("iego", "ie"),
        ):
            if a1.endswith(ae):
                for end, rep in [("", ""), *_PL_ENDINGS]:
                    if n1.endswith(end) and len(n1) - len(end) >= 3:
                        out.append(f"{n1[: len(n1) - len(end)] + rep} {a1[: -len(ae)] + ar}")
        # adjective first: "Nowym Targu" → "Nowy Targ"
        a, n = words
        for ae, ar in (
            ("ym", "y"),
            ("ej", "a"),
            ("ą", "a"),
            ("ego", "y"),
            ("iej", "a"),
            ("im", "i"),
            ("ich", "ie"),  # "pod Wielkimi Łukami", "w Wielkich Łukach" → Wielkie Łuki
            ("imi", "ie"),
        ):
            if a.endswith(ae):
                for end, rep in _PL_ENDINGS:
                    if n.endswith(end):
                        out.append(f"{a[: -len(ae)] + ar} {n[: -len(end)] + rep}")
    return list(dict.fromkeys(out))


def _de_forms(name: str) -> list[str]:
    out = [name]
    if name.endswith("s") and len(name) > 4:
        out.append(name[:-1])
    return out


def forms(name: str, lang: str) -> list[str]:
    """Candidate dictionary forms of a written place name, the written form first."""
    return list(_forms(name, lang))


@lru_cache(maxsize=20000)
def _forms(name: str, lang: str) -> tuple[str, ...]:
    name = " ".join(name.split()).strip("«»\"„“”'’ʼ.,;:")
    if lang == "ru":
        return tuple(dict.fromkeys([name, *_ru_forms(name)]))
    if lang == "uk":
        return tuple(_uk_forms(name))
    if lang == "pl":
        return tuple(_pl_forms(name))
    if lang == "de":
        return tuple(_de_forms(name))
    return (name, name.removesuffix("'s"))


def _region_forms(adj: str, lang: str) -> list[str]:
    """The region's centre from its adjective: Белгородской → Белгород, Курской → Курск,
    Донецької → Донецьк, charkowskim → Charków, Kharkiv → Kharkiv."""
    if lang == "en" and " " in adj:
        # "Chasiv Yar area", "The Kursk salient": the whole name, else its last word
        return [adj, adj.split()[-1]]
    if lang in ("de", "en"):
        return [adj]
    stems: list[str] = []
    if lang == "ru":
        # the town is the adjective without its ending ("Курск-ой" → Курск), or without its
        # "-ск" too ("Белгород-ск-ой" → Белгород), or a town in -ье ("Запорож-ск-ой")
        town = re.sub(r"(?<=[сц]к)(?:ой|ая|ую|ом|ое|ого|ий|ый|им|ему|ому|ие|их|ими)$", "", adj)
        town = town[:1].upper() + town[1:]
        base = re.sub(r"[сц]?к$", "", town)
        stems = [
            town,
            base,
            base + "ец" if town.endswith("цк") else base,
            base + "ье",
            base + "ь",
            base + "а",
        ]
        if town.endswith("цк"):
            stems.insert(1, town[:-1])  # Малоярославецкое → Малоярославец, Елецкий → Елец
        if base.endswith("ин"):
            stems.append(base[:-2] + "я")  # Ельнинская → Ельня
    elif lang == "uk":
        town = re.sub(r"(?<=[сцз]ьк)(?:ій|а|ої|у|ому|ий|ого|им|ім|е|і|их|ими)$", "", adj)
        town = town[:1].upper() + town[1:]
        base = re.sub(r"[сцз]?ьк$", "", town)
        alt = re.sub(
            r"([оеє])([^аеєиіїоуюяь]+)$",
            lambda m: ("ї" if m.group(1) == "є" else "і") + m.group(2),
            base,
        )
        stems = [town, base, alt]
        if town.endswith("зьк"):
            stems.append(town[:-3] + "жжя")  # Запорізьк- → Запоріжжя
            stems.append(town[:-3] + "ж")  # Лютізьк- → Лютіж
        if town.endswith("цьк"):
            stems.append(town[:-3] + "ець")
        if base.endswith("ів"):
            # a neuter town in -ево, -ово: "мукачівський" → Мукачево
            stems += [base[:-2] + "ево", base[:-2] + "ово"]
    elif lang == "pl":
        # "magnuszewski" → Magnuszew, "charkowskim" → Charków, "warszawskiej" → Warszawa
        base = re.sub(r"(?:s|c)k(?:i|iego|im|a|iej|ą|ie|ich)$", "", adj.lower())
        base = base[:1].upper() + base[1:]
        stems = [base, re.sub(r"o(\w)$", r"ó\1", base), base + "a", base + "o", base + "e"]
        # towns in -sk/-ck keep it ("kupiańskim" → Kupiańsk, "doniecki" → Donieck), and a -t
        # softens before -cki ("bachmuckim" → Bachmut)
        kept = re.sub(r"(?<=[sc]k)(?:i|iego|im|a|iej|ą|ie|ich)$", "", adj.lower())
        stems += [kept[:1].upper() + kept[1:]]
        if kept.endswith("ck"):
            stems.append(base + "t")
    return [s for s in dict.fromkeys(stems) if len(s) >= 3]


# GeoNames spells many a Ukrainian or Russian village only in Latin letters: its Cyrillic name
# finds the towns of that name but not the village ("біля Терни": Terny of Dnipropetrovsk oblast
# has a Cyrillic name, Terny near Lyman has not). Both romanisations GeoNames uses are tried.
_ROMAN_VAR = {  # (Ukrainian national, BGN/PCGN)
    "г": ("h", "g"),
    "и": ("y", "i"),
    "й": ("i", "y"),
    "ї": ("i", "yi"),
    "є": ("ie", "ye"),
    "ю": ("iu", "yu"),
    "я": ("ia", "ya"),
}
# the letters both romanisations spell alike: translit's table less the variants, and
# apostrophes (ʼ, ’) dropped
_ROMAN = {k: v for k, v in CYR_LATIN.items() if k not in _ROMAN_VAR} | {"'": "", "ʼ": "", "’": ""}


def _romanised(name: str, lang: str) -> list[str]:
    out = []
    for k in (0, 1):
        # Russian г, и are g, i in either
        var = {**_ROMAN_VAR, "г": ("g", "g"), "и": ("i", "i")} if lang == "ru" else _ROMAN_VAR
        t = "".join(
            _ROMAN.get(ch.lower(), var[ch.lower()][k] if ch.lower() in var else ch) for ch in name
        )
        out.append(t[:1].upper() + t[1:])
    return list(dict.fromkeys(out))


def _with_latin_namesakes(
    got: tuple[Place | None, tuple[Place, ...], bool], f: str, lang: str
) -> tuple[Place | None, tuple[Place, ...], bool]:
    """Add the namesakes of the theatre's countries spelled only in Latin letters."""
    if lang not in ("uk", "ru") or not re.search(r"[А-Яа-яІіЇїЄєҐґ]", f):
        return got
    place, cands, ok = got
    roman = {t.lower() for t in _romanised(f, lang)}
    if place is None and cands:
        # "Ставрополь" is Stavropol, not Tolyatti (once called so): a place named so today
        # (its GeoNames name) before one that only was, unless that one is ten times smaller
        top = max(c.population for c in cands)
        now = [c for c in cands if c.name.lower() in roman and c.population * 10 >= top]
        if len(now) == 1:
            place = now[0]
            got = (place, cands, False)
    have = set(cands or ((place,) if place else ()))
    near = _FUZZY_OK[lang]
    extra: list[Place] = []
    for t in roman:
        r = resolve(t, fuzzy=False)
        if r.status == "unknown" or not r.how.startswith("as written"):
            continue
        for c in r.candidates or ((r.place,) if r.place else ()):
            if c.country in near and c not in have and c.name.lower() == t:
                have.add(c)
                extra.append(c)
    if not extra:
        return got
    base = cands or ((place,) if place else ())
    return place, (*base, *extra), False


def _ascii(name: str) -> str:
    import unicodedata

    t = name.replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c))


def _with_hidden_readings(
    got: tuple[Place | None, tuple[Place, ...], bool], f: str
) -> tuple[Place | None, tuple[Place, ...], bool]:
    """The gazetteer prefers a place whose own name is the one written to places that have it
        among their other names, and does not match a name with a qualifier. Two readings are kept
        from that: a town of the region whose name adds only a qualifier ("Halle" is also "Halle
        (Saale)", "Frankfurt (Oder)"), and a far larger town known by the name as an exonym or an
        old name ("Odessa" is Odesa before the Texan town, "Lemberg" Lviv before the Palatinate
        village, "Zaporozhye" Zaporizhzhia, "Artemovsk" Bakhmut) — or one of the region where the
    written name's own town lies outside it."""
    from liaison.names.gazetteer import _index
    from liaison.names.translit import exact_key

    place, cands, ok = got
    base = cands or ((place,) if place else ())
    if not base:
        return got
    key = exact_key(f)
    if not any(exact_key(c.name) == key for c in base):
        return got  # not the gazetteer's preference for a town's own name
    places, index = _index()
    top = max(c.population for c in base)
    qualified: list[Place] = []
    bigger: list[Place] = []
    for i in index.get(key, []):
        c = places[i]
        if c in base or c.country not in _NEAR:
            continue
        if "(" in c.name and exact_key(c.name.split("(")[0]) == key:
            qualified.append(c)
        elif exact_key(c.name) == key:
            continue  # "Münster" for "Munster": the spelling without diacritics was chosen
        elif c.population >= 10 * max(top, 1000) or (
            # the region's own town before a namesake elsewhere in the world
            c.population >= max(top // 10, 10_000) and not any(b.country in _NEAR for b in base)
        ):
            bigger.append(c)
    if not qualified and not bigger:
        return got
    if bigger:
        best = max(bigger, key=lambda c: c.population)
        return best, (*base, *bigger, *qualified), False
    return place, (*base, *qualified), False


# Russian and Ukrainian names of Polish towns that the gazetteer, reading Cyrillic as a town of a
# Cyrillic-writing country, gives only to a namesake village ("Замостье", "Замостя" are also
# Zamostia in Bukovina; "Комаров", "Комарів" Komariv): the Polish town is a candidate too, and
# the document's other places choose between them — unless the town is ten times the village.
_FOREIGN_RUUK = {
    "Замостье": "Zamość",
    "Замостя": "Zamość",
    "Замосць": "Zamość",
    "Комаров": "Komarów",
    "Комарів": "Komarów",
    "Перемышль": "Przemyśl",
    "Томашов": "Tomaszów Lubelski",
    "Ярослав": "Jarosław",
}
# names that are only the Polish town's: "Ярослав" is Jarosław (Yaroslavl is "Ярославль")
_FOREIGN_RUUK_ONLY = frozenset({"Ярослав"})


@lru_cache(maxsize=20000)
def lookup(name: str, lang: str) -> tuple[Place | None, tuple[Place, ...], bool]:
    """(place, candidates, unambiguous) for a written name: the first form the gazetteer knows
    as written wins; a form known only by sound or by a close spelling counts if nothing better."""
    got = _lookup(name, lang)
    if lang in ("ru", "uk"):
        return _with_foreign_town(_with_town_reading(got, name, lang), name, lang)
    return got


def _with_town_reading(
    got: tuple[Place | None, tuple[Place, ...], bool], name: str, lang: str
) -> tuple[Place | None, tuple[Place, ...], bool]:
    """A name read first as a village of the village list ("у Кропивницькому" as the village
    Кропивницьке) that another dictionary form reads as a town of 10,000 or more (the city of
    Кропивницький): both are candidates, the town first; the report's other places choose."""
    place, cands, _ok = got
    if place is None or place.population > 0 or len(cands) > 1:
        return got
    for f in forms(name, lang)[1:]:
        if len(f) < 3 or _NOT_PLACE.match(f):
            continue
        r = resolve(f, fuzzy=False)
        town = r.place
        if (
            r.how.startswith("as written")
            and town is not None
            and town != place
            and town.population >= 10_000
            and town.country in _NEAR
        ):
            return town, (place, town), False
    return got


def _with_foreign_town(
    got: tuple[Place | None, tuple[Place, ...], bool], name: str, lang: str
) -> tuple[Place | None, tuple[Place, ...], bool]:
    """Add the Polish town a Russian or Ukrainian exonym names (_FOREIGN_RUUK) as a candidate."""
    form = next((f for f in forms(name, lang) if f in _FOREIGN_RUUK), None)
    if form is None:
        return got
    latin = _FOREIGN_RUUK[form]
    r = resolve(latin, fuzzy=False)
    town = r.place or (r.candidates[0] if r.candidates else None)
    place, cands, _ok = got
    base = cands or ((place,) if place else ())
    if town is None or town in base:
        return got
    if (
        not base
        or form in _FOREIGN_RUUK_ONLY
        or town.population >= 10 * max(1000, *(c.population for c in base))
    ):
        # a town ten times the namesake village is what a report means (as _with_hidden_readings
        # has it for exonyms): a wide theatre's spread must not pull the name to the village
        return town, (town,), True
    both = (*base, town)
    return max(both, key=lambda c: c.population), both, False


def _lookup(name: str, lang: str) -> tuple[Place | None, tuple[Place, ...], bool]:
    fallback: tuple[Place | None, tuple[Place, ...], bool] | None = None
    for f in forms(name, lang):
        if len(f) < 3 or _not_place(f, lang):
            continue
        r = resolve(f, fuzzy=False)
        if r.status == "unknown":
            continue
        if not r.how.startswith("as written"):
            # a name found only by sound must at least be in the region; by a close spelling
            # (a typo, an unknown inflection) only in the country whose language it is written in
            near = _FUZZY_OK.get(lang, set()) if r.how.startswith("fuzzy") else _NEAR
            cands = tuple(c for c in r.candidates if c.country in near)
            if not cands:
                continue
            place = r.place if r.place is not None and r.place.country in near else None
            if place is None and len(cands) == 1:
                place = cands[0]
            r = type(r)(r.query, "ok" if place else "ambiguous", place, cands, r.how)
        exact = tuple(c for c in r.candidates if c.name == f)
        if (
            exact
            and r.place is not None
            and r.place.name != f
            and f.isascii()
            and _ascii(r.place.name).lower() == f.lower()  # not "Port Arthur" for Lüshun
        ):
            # "Munster" is not "Münster": a name written without the diacritics that another
            # place's name has, and spelled exactly as a place of its own, is that place
            if lang == "en" and _en_folded_city(r.place, exact):
                # English drops diacritics as a rule ("Poznan", "Lodz", "Pabrade"): a city fifty
                # times every village spelled so is what an English report means
                return r.place, (r.place,), True
            home = [c for c in exact if c.country == _LANG_COUNTRY.get(lang)]
            pick = home[0] if len(home) == 1 else (exact[0] if len(exact) == 1 else None)
            r = type(r)(r.query, "ok" if pick else "ambiguous", pick, exact, r.how)
        pref = _HOME.get(lang)
        if r.status == "ambiguous" and pref:
            home = [c for c in r.candidates if c.country == pref]
            if len(home) == 1:
                r = type(r)(r.query, "ok", home[0], r.candidates, r.how)
        got = (r.place, r.candidates, r.status == "ok")
        if (
            r.how.startswith("as written")
            and not f.isascii()
            and (cs := r.candidates or ((r.place,) if r.place else ()))
            and all(c.name != f and c.name.isascii() for c in cs)
            and any(c.name == _ascii(f) for c in cs)
        ):
            # "Łucka" is a case of Łuck, not the German town Lucka its letters fold to
            if fallback is None:
                fallback = _with_hidden_readings(got, f)
            continue
        if r.how.startswith("as written"):
            if lang == "pl" and f == name and (big := _pl_case_of_city(name, r.place)):
                return big
            return _with_latin_namesakes(_with_hidden_readings(got, f), f, lang)
        if fallback is None and not r.how.startswith("fuzzy"):
            fallback = got
    return fallback or (None, (), False)


def _en_folded_city(city: Place, exact: tuple[Place, ...]) -> bool:
    """Whether a city whose name an English text wrote without its diacritics outweighs the
    places spelled exactly so (the Belarusian village Poznan against Poznań)."""
    return city.population >= 100_000 and all(
        city.population >= 50 * max(1000, c.population) for c in exact
    )


def _pl_case_of_city(
    name: str, place: Place | None
) -> tuple[Place | None, tuple[Place, ...], bool] | None:
    """A Polish case of a city that is, letter for letter, a village's name ("Drezna" of Drezno,
    not the Russian Drezna; "Pragi" of Praga, not an Estonian Pragi; "Lipska" of Lipsk): the
    city, when one of the name's dictionary forms is a city ten times the village's size."""
    if place is None or place.population >= 20_000:
        return None
    for f in forms(name, "pl")[1:]:
        if len(f) < 3 or _NOT_PLACE.match(f):
            continue
        r = resolve(f, fuzzy=False)
        cands = r.candidates or ((r.place,) if r.place else ())
        if not r.how.startswith("as written") or not cands:
            continue
        big = max(cands, key=lambda c: c.population)
        if big.country in _NEAR and big.population >= max(100_000, 10 * place.population):
            return big, (big,), True
    return None


def _region_lookup(adj: str, lang: str) -> tuple[Place | None, tuple[Place, ...], bool]:
    for f in _region_forms(adj, lang):
        r = resolve(f, fuzzy=False)
        if r.status != "unknown" and r.how.startswith("as written"):
            home = [c for c in r.candidates if c.country == _HOME.get(lang)]
            if r.status == "ambiguous" and len(home) == 1:
                return home[0], r.candidates, True
            return _with_hidden_readings((r.place, r.candidates, r.status == "ok"), f)
    return None, (), False


@lru_cache(maxsize=1)
def _natasha():  # type: ignore[no-untyped-def]
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter
    from threadpoolctl import ThreadpoolController

    emb = NewsEmbedding()
    return Segmenter(), NewsNERTagger(emb), ThreadpoolController()


def natasha_locations_many(texts: list[str]) -> list[list[tuple[int, int]]]:
    """LOC spans Natasha's NER finds in each of several Russian texts, in one pass (one call
    per document, not per sentence), offsets into each text. The network runs on one thread:
    a BLAS pool spinning on every core is slower here, and workers scale by processes."""
    from natasha import Doc

    if not texts:
        return []
    seg, ner, pool = _natasha()
    sep = "\n\n"
    joined = sep.join(t.replace("\n", " ") for t in texts)
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + len(sep)
    doc = Doc(joined)
    doc.segment(seg)
    with pool.limit(limits=1, user_api="blas"):
        doc.tag_ner(ner)
    out: list[list[tuple[int, int]]] = [[] for _ in texts]
    for sp in doc.spans:
        if sp.type != "LOC":
            continue
        i = max(j for j, s0 in enumerate(starts) if s0 <= sp.start)
        a, b = sp.start - starts[i], sp.stop - starts[i]
        if b <= len(texts[i]):
            out[i].append((a, b))
    return out


def natasha_locations(text: str) -> list[tuple[int, int]]:
    """LOC spans Natasha's NER finds in a Russian text (offsets into text)."""
    return natasha_locations_many([text])[0]


def find_places(
    text: str,
    s: int,
    e: int,
    lang: str,
    exclude: list[tuple[int, int]] | None = None,
    ner: bool | list[tuple[int, int]] = True,
) -> list[PlaceHit]:
    """Places named in text[s:e], in order, each resolved or with its candidates. Spans in
    `exclude` (offsets into text: the unit mentions) are never places."""
    sent = text[s:e]
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    inside: set[tuple[int, int]] = set()  # names after a bare "in"
    lg = lang if lang in _TRIGGER_END else "en"
    for cm in _CAP_START.finditer(sent):
        a = cm.start()
        before = sent[max(0, a - 48) : a]
        if not before:
            continue
        # the trigger ending nearest the name wins ("в районе" over "в"), by its class
        tm = _TRIGGER_END[lg].search(before)
        if tm is None:
            continue
        _w, prec, rank = _TRIGGERS[lg][int(tm.lastgroup[1:])]  # type: ignore[index]
        nm = _NAME_RE.match(sent, a)
        if nm is not None and ((a, nm.end()) not in spans or spans[(a, nm.end())][1] > rank):
            spans[(a, nm.end())] = (prec, rank)
            if _IN_END.search(before):
                inside.add((a, nm.end()))
    for bm in _BASED.finditer(sent):
        # "the Pskov-based 76th Division", "die in Augustdorf stationierte": a home garrison
        spans.setdefault((bm.start(), bm.end("name")), (1, 2))
    blocked = [(a - s, b - s) for a, b in (exclude or []) if a < e and s < b]
    for _ua, ub in blocked:
        # "the 20th Brigade (Bartoszyce)", "4 Pomorska DZ — Ołomuńca": a name in brackets right
        # after a mention, or standing alone after a dash, is where that unit is
        am = _AFTER_UNIT.match(sent, ub)
        if am is not None and (nm := _NAME_RE.match(sent, am.end())) is not None:
            if am.group(0).strip().startswith("("):
                # in brackets: its home ("5-я бригада (Улан-Удэ)"), as "based in"
                spans.setdefault((am.end(), nm.end()), (1, 2))
            elif re.match(r"\s*(?:[.,;)]|$)", sent[nm.end() :]):
                spans.setdefault((am.end(), nm.end()), (1, 0))
    held = _HELD_BEFORE_VERB.get(lg)
    for hm in held.finditer(sent) if held is not None else ():
        # the object first: "Чернігів обороняла 1-ша бригада", "Харьков удерживала 5-я армия" —
        # the town before a verb of holding or taking is where the unit that follows is
        if hm.group("name").lower() in _NOT_HELD_TOWN:
            continue  # "Город обороняет 72-я бригада": the city named before, no name
        spans.setdefault(hm.span("name"), (1, 0))
        for gm in _GAPPED.finditer(sent, hm.end()):
            # the verb left out: "…, а Суми — 27-й полк" held Sumy just so
            spans[gm.span("name")] = (1, 0)
    if lg == "de":
        for key in _de_object_after(sent, blocked):
            spans.setdefault(key, (1, 0))
        for gm in _DE_GARRISON_TOWN.finditer(sent):
            # "Strausberg beherbergte das Ministerium", "war Eggesin die größte Garnison": a
            # town said to house troops, as the subject of its sentence
            name = gm.group("name") or gm.group("name2")
            if name not in _DE_NOUN_TOWNS:
                spans.setdefault(gm.span("name") if gm.group("name") else gm.span("name2"), (1, 0))
        for pm in _DE_TAKEN_AFTER.finditer(sent):
            # the perfect puts the participle last: "hatte am 8. April Nisch genommen" (not
            # "die Stadt genommen": a noun has its article)
            if not _DE_ARTICLE_END.search(sent[max(0, pm.start() - 8) : pm.start()]):
                spans.setdefault(pm.span("name"), (1, 0))
    # "near Robotyne and Orikhiv", "под Орлом и Курском": the second name shares the first's word
    # (and the third a list's: "Андреевка, Клещеевка и Курдюмовка")
    todo = sorted(spans.items())
    while todo:
        (_a0, b0), (prec, rank) = todo.pop(0)
        cm = _AND.match(sent, b0)
        if cm and (nm := _NAME_RE.match(sent, cm.end())) is not None:
            key = (cm.end(), nm.end())
            if key not in spans:
                spans[key] = (prec, rank)
                todo.append((key, (prec, rank)))
    if ner is not False and lg in ("ru", "uk") and re.search(r"[А-ЯЁІЇЄҐ]", sent):
        for a, b in ner if isinstance(ner, list) else natasha_locations(sent):
            # Natasha's tokens stop at an apostrophe (Куп'янська): take the whole word
            while b < len(sent) and (
                sent[b].isalpha()
                or (sent[b] in "'ʼ’-" and b + 1 < len(sent) and sent[b + 1].isalpha())
            ):
                b += 1
            spans.setdefault((a, b), (1, 1))
    for m in _BARE.finditer(sent):
        # a capitalised word inside a sentence that is, as written, a sizeable town of the region
        # (German capitalises every noun, and "Bogen", "Essen" are towns: there only cities count)
        a, b = m.span()
        if any(a < y and x < b for x, y in spans):
            continue
        big = 100_000 if lg == "de" else 10_000
        if a == 0 or re.search(r"[.!?:«\"„(]\s*$", sent[:a]):
            # first word of a (run-on) sentence: only a city, which a person's name rarely is
            big = 100_000
        if (
            lg == "en"
            and _EN_THE_BEFORE.search(sent[max(0, a - 5) : a])
            and _EN_NOUN_END.match(sent, b)
        ):
            # "crossed the Neisse near …", "the Vistula.": in English a river or region, no town
            # (but "the Avdiivka coke plant" names the town)
            continue
        spans.setdefault((a, b), (1, 1) if _bare_town(m.group(0), lg, big) else (0, 9))
    for a, b in list(spans):
        if _PERSON_BEFORE.search(sent[max(0, a - 40) : a]):
            del spans[(a, b)]
    hits: list[PlaceHit] = []
    taken: list[tuple[int, int]] = list(blocked)
    for rx, prec, rank in (
        (_REGION_RE[lg], 3, 0),
        (_FEATURE_RE[lg], 2, 0),
        (_DIRECTION_RE[lg], 2, 1),
        (_elliptic(sent, lg), 2, 1),
    ):
        if rx is None:
            continue
        for m in rx.finditer(sent):
            if any(m.start() < tb and ta < m.end() for ta, tb in taken):
                continue
            place, cands, ok = _region_lookup(m.group("name"), lg)
            r = rank
            if _FROM_BEFORE.search(sent[max(0, m.start() - 30) : m.start()]):
                # "из Белгородской области", "from the Kursk region", "from the Bukrin
                # bridgehead", "з Покровського напрямку": where it came from
                r = 2
            if place is not None or cands:
                hits.append(
                    PlaceHit(
                        s + m.start(),
                        s + m.end(),
                        m.group(0),
                        place,
                        cands,
                        ok,
                        prec,
                        r,
                    )
                )
                taken.append(m.span())
    adj_rx = _TOWN_ADJ_BEFORE_UNIT.get(lg)
    for ua, _ub in blocked if adj_rx is not None else ():
        # "Мукачівський 15-й батальйон", "Псковская 76-я дивизия": a town's adjective right
        # before a numbered unit names its home
        if not sent[ua : ua + 1].isdigit():
            continue
        am = adj_rx.search(sent, max(0, ua - 40), ua)
        if am is None or _NATION_ADJ.match(am.group(1)):
            continue
        if any(am.start(1) < tb and ta < am.end(1) for ta, tb in taken):
            continue
        place, cands, ok = _region_lookup(am.group(1), lg)
        if place is not None:
            hits.append(
                PlaceHit(s + am.start(1), s + am.end(1), am.group(1), place, cands, ok, 1, 2)
            )
            taken.append(am.span(1))
    for (a, b), (prec, rank) in sorted(spans.items(), key=lambda kv: (kv[1][1], kv[0])):
        if rank == 9:
            continue
        over = [ta for ta, tb in taken if a < tb and ta < b]
        if over and any(a < tb and ta < b for ta, tb in blocked) and " " in sent[a:b].strip():
            # a place the mention's span reached into ("in Bad Frankenhausen stationierte
            # Panzerbataillon 393"): the whole name, when it is one as written
            whole = lookup(sent[a:b].strip(), lg)
            if whole[0] is not None and whole[2]:
                hits.append(PlaceHit(s + a, s + b, sent[a:b], whole[0], whole[1], True, prec, rank))
                taken.append((a, b))
                continue
        if over:
            # "в районе Синьковки Харьковской области": the name stops where the region begins
            cut = min(over)
            if cut <= a or not sent[a:cut].strip():
                continue
            b = a + len(sent[a:cut].rstrip())
        if _WATER_AFTER.match(sent, b) or _BARRACKS.match(sent, a):
            continue  # "у Чорному морі", "на Азовском море", "at X Barracks": not the village
        name = sent[a:b]
        if (a, b) in inside and _RIVER_CITY.match(name.strip()):
            # "у Дніпрі", "в Днепре", "in Dnipro": in the city; on, over or across it, the river
            r = resolve("Dnipro", fuzzy=False)
            if r.place is not None:
                hits.append(PlaceHit(s + a, s + b, name, r.place, (r.place,), True, prec, rank))
                taken.append((a, b))
            continue
        place, cands, ok, used = _lookup_trim(name, lg)
        if place is None and not cands:
            continue
        hits.append(PlaceHit(s + a, s + a + len(used), used, place, cands, ok, prec, rank))
        taken.append((a, b))
    return sorted(_within_regions(hits), key=lambda h: h.start)


_DE_ART = r"(?:(?:die|der|das|den|dem|des)\s+)?(?:[a-zäöüß]+e[nrs]?\s+)?"
_DE_VERB_BEFORE = re.compile(
    rf"(?<![\w-])(?i:{_DE_TAKE}|hält|halten|griff(?:en)?|greift|greifen)(?:\s+{_DE_WHEN})?\s+{_DE_ART}$"
)
_DE_JOIN = re.compile(rf"\s*(?:,|und|sowie|oder)?\s*{_DE_ART}$")


# a town (no article before it) right before a participle of taking or holding, which German
# puts last in the perfect and in a subordinate clause ("nachdem sie Kiew erobert hatte")
_DE_TAKEN_AFTER = re.compile(
    r"(?<![\w-])(?P<name>[A-ZÄÖÜ][\w-]+)\s+"
    r"(?:genommen|eingenommen|erobert|zurückerobert|besetzt|befreit|gestürmt|gehalten|verteidigt|"
    r"umzingelt|eingeschlossen)(?![\w-])"
)

# Russian and Ukrainian put the town first and its holder after the verb
_HELD_BEFORE_VERB = {
    "uk": re.compile(
        r"(?<![\w'ʼ’-])(?P<name>[А-ЯІЇЄҐ][а-яіїєґ'ʼ’]+(?:-[А-ЯІЇЄҐ][а-яіїєґ'ʼ’]+)?)\s+"
        r"(?:обороня(?:ла|ли|в|є|ють)|утримува(?:ла|ли|в)|утриму(?:є|ють)|захища(?:ла|ли|в|є|ють)|"
        r"трима(?:ла|ли|в|є|ють)|звільни(?:ла|ли|в)|штурмува(?:ла|ли|в)|штурму(?:є|ють)|"
        r"взя(?:ла|ли)|узя(?:ла|ли)|захопи(?:ла|ли|в))(?![\w'ʼ’-])"
    ),
    "ru": re.compile(
        r"(?<![\w-])(?P<name>[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)\s+"
        r"(?:оборонял(?:а|и)?|обороня(?:ет|ют)|удерживал(?:а|и)?|удержива(?:ет|ют)|защищал(?:а|и)?|"
        r"защища(?:ет|ют)|освободил(?:а|и)?|штурмовал(?:а|и)?|штурму(?:ет|ют)|взял(?:а|и)|"
        r"захватил(?:а|и)?)(?![\w-])"
    ),
}
_NOT_HELD_TOWN = {
    "город",
    "посёлок",
    "поселок",
    "село",
    "деревню",
    "станицу",
    "місто",
    "селище",
    "плацдарм",
    "позиції",
    "позиции",
    "оборону",
}
_GAPPED = re.compile(
    r",\s+(?:а|і|и|та|й)\s+(?P<name>[А-ЯЁІЇЄҐ][а-яёіїєґ'ʼ’]+(?:-[А-ЯЁІЇЄҐ][а-яёіїєґ'ʼ’]+)?)\s+[—–]\s"
)
_TOWN_ADJ_BEFORE_UNIT = {
    "uk": re.compile(
        r"(?<![\w'ʼ’-])([А-ЯІЇЄҐ][а-яіїєґ'ʼ’]+[сцз]ьк(?:ий|а|е|ого|ої|ому|ій|им|ою|у))\s+$"
    ),
    "ru": re.compile(r"(?<![\w-])([А-ЯЁ][а-яё]+[сц]к(?:ий|ая|ое|ого|ой|ому|им|ую))\s+$"),
}
# nations' and states' adjectives are no towns' ("Українська 3-тя армія", not Ukrainsk), nor is
# the guards' ("Гвардейская 2-я армия", not Gvardeysk)
_NATION_ADJ = re.compile(
    r"(?:Гвардійськ|Гвардейск|Україн|Російськ|Росій|Польськ|Німецьк|Радянськ|Американськ|Британськ|Угорськ|Румунськ|"
    r"Русск|Российск|Советск|Немецк|Польск|Американск|Британск|Венгерск|Румынск|Финск|Фінськ|"
    r"Японськ|Японск|Чеченськ|Чеченск|Грузинськ|Грузинск|Чехословацьк|Чехословацк)"
)
_DE_GARRISON_TOWN = re.compile(
    r"(?:^|(?<=[\s(]))(?:(?P<name>[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?)\s+(?:beherbergte|beherbergt)|"
    r"(?:war|ist)\s+(?P<name2>[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?)\s+(?:die|der|das|eine?)\s+"
    r"(?:[a-zäöüß]+e\s+)?(?:Garnison|Garnisonsstadt|Standort))(?![\w-])"
)
_DE_ARTICLE_END = re.compile(
    r"(?<![\w-])(?i:die|der|das|den|dem|des|ein|eine|einen|einem|einer)\s+$"
)


def _de_object_after(sent: str, blocked: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """German puts the subject between the verb and its object: "Mitte August nahm die 9.
    Panzer-Division Kriwoi Rog", "nahmen die 60. und die 3. Armee Lemberg ein". A capitalised
    name right after the units that follow a verb of taking or holding is the town they took."""
    out: list[tuple[int, int]] = []
    runs: list[list[int]] = []
    for a, b in sorted(blocked):
        if a < 0 or b > len(sent):
            continue
        if runs and _DE_JOIN.fullmatch(sent[runs[-1][1] : a]):
            runs[-1][1] = b
        else:
            runs.append([a, b])
    for a, b in runs:
        if not _DE_VERB_BEFORE.search(sent[max(0, a - 60) : a]):
            continue
        gap = re.match(r"\s+(?=[A-ZÄÖÜ])", sent[b:])
        if gap is None:
            continue
        nm = _NAME_RE.match(sent, b + gap.end())
        if nm is not None and not re.match(r"(?:Die|Der|Das|Den|Dem|Des)\b", nm.group(0)):
            out.append((nm.start(), nm.end()))
    return out


# names after a bare "in" — or "under", "near": a river has no "near Dnipro", the city has
_BASED = re.compile(r"(?<![\w'’-])(?P<name>[A-Z][\w'’]+)-based(?![\w-])")
_IN_END = re.compile(r"(?<![\w-])(?i:в|во|у|in|im|w|we|під|под|біля|около|возле|near|pod|koło)\s+$")
_RIVER_CITY = re.compile(
    r"^(?:Dnipro|Dnipr[aeiu]|Днепр(?:[аеу]|ом)?|Дніпр(?:[оаіу]|ом)?|Dniepr(?:[zua]e?|em)?)$"
)
_AFTER_UNIT = re.compile(r"\s*\(\s*|\s+[—–]\s+")
_FROM_BEFORE = re.compile(
    r"(?<![\w])(?i:из|с|со|из-под|з|із|зі|від|з-під|from|aus|von|z|ze|od|spod)\s+(?i:the\s+|dem\s+|der\s+)?$"
)
REGION_KM = 250.0  # a region's centre to its far edge, about (an oblast, a voivodeship)


def _within_regions(hits: list[PlaceHit]) -> list[PlaceHit]:
    """A sentence that names a region ("у Журавлевки в Белгородской области", "Andriivka,
    Kharkiv Oblast") puts its other places in it: readings far from every region named are
    dropped, and a name with no reading there is not taken (a village the gazetteer lacks is
    better left to the region than read as its namesake in Crimea)."""
    from liaison.core.geo import haversine_km

    centres = [h.place for h in hits if h.precision == 3 and h.rank == 0 and h.place is not None]
    if not centres:
        return hits
    out: list[PlaceHit] = []
    for h in hits:
        if h.precision == 3:
            out.append(h)
            continue
        cands = h.candidates or ((h.place,) if h.place else ())
        inside = tuple(
            c
            for c in cands
            if any(haversine_km(c.lat, c.lon, r.lat, r.lon) <= REGION_KM for r in centres)
        )
        if not inside:
            continue
        if len(inside) == len(cands):
            out.append(h)
            continue
        place = h.place if h.place in inside else (inside[0] if len(inside) == 1 else None)
        out.append(
            PlaceHit(h.start, h.end, h.text, place, inside, place is not None, h.precision, h.rank)
        )
    return out


_WATER_AFTER = re.compile(
    r"\s+(?:мор[еяюі]|морем|озер[оаіе]|річ[кц]\w*|рек[аиеу]|водосховищ\w*|водохранилищ\w*|"
    r"sea|lake|river|reservoir|see|meer|morz[ue]|jezior\w*|rzek\w*)(?![\w])"
)
# a barracks named after a battle or a person ("Merville Barracks", "Clausewitz-Kaserne"): its town
# is named beside it, if at all
_BARRACKS = re.compile(r"[\w'’]+(?:\s+[\w'’]+)?[\s-]+(?i:barracks|kaserne|koszary)(?![\w])")


def _elliptic(sent: str, lang: str) -> re.Pattern[str] | None:
    """ "5-я армия прикрывала можайское направление, 43-я армия — малоярославецкое": once a
    sentence names a direction, another adjective of the same ending standing alone (before a
    stop, a comma or a conjunction) names another direction."""
    if lang not in ("ru", "uk"):
        return None
    m = _DIRECTION_RE[lang].search(sent)
    if m is None:
        return None
    end = re.search(r"(?:[сцз]ь?к)(\w+)$", m.group("name"))
    if end is None:
        return None
    return re.compile(
        rf"(?<![\w-])(?P<name>[а-яёіїєґ'ʼ-]+[сцз]ь?к{end.group(1)})(?=\s*(?:[.,;)]|$|\s+(?:и|а|і|та|й)\s))"
    )


_BARE = re.compile(
    r"(?<![\w'ʼ’-])[A-ZА-ЯЁІЇЄҐÄÖÜŁŚŻŹĆ][a-zа-яёіїєґäöüßąćęłńóśźż'ʼ’]{3,}(?:-[A-ZА-ЯЁa-zа-яё][\w'ʼ’]+)?"
)


_DE_NOUN_TOWNS = {
    "Essen",
    "Halle",
    "Hagen",
    "Hamm",
    "Herne",
    "Siegen",
    "Witten",
    "Mark",
    "Marl",
    "Neuss",
}


@lru_cache(maxsize=20000)
def _bare_town(word: str, lang: str, big: int = 10_000) -> bool:
    """Only a town of 10,000 or more known by exactly this spelling (or its dictionary form)
    counts without a preposition: person names rarely are one."""
    if _not_place(word, lang):
        return False
    for f in forms(word, lang):
        r = resolve(f, fuzzy=False)
        if r.how.startswith("as written") and r.place is not None and r.place.country in _NEAR:
            return r.place.population >= big and word not in _DE_NOUN_TOWNS
    return False


def _lookup_trim(name: str, lang: str) -> tuple[Place | None, tuple[Place, ...], bool, str]:
    """Try the whole capitalised run, then its first words ("Kursk Division" → "Kursk")."""
    words = name.split()
    if _not_place(" ".join(words), lang):
        return None, (), False, name
    tries = [" ".join(words[:k]) for k in range(len(words), 0, -1)]
    if len(words) >= 2 and words[0] in _PEAK:
        # "Monte Cassino", "Mount Carmel": the town the height is named after, not a "Monte"
        tries.insert(1, " ".join(words[1:]))
    for used in tries:
        got = lookup(used, lang)
        if got[0] is not None or got[1]:
            return (*got, used)
    return None, (), False, name


_PEAK = frozenset(("Monte", "Mont", "Mount", "Góra", "Gora", "Berg", "Гора"))
