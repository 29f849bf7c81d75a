"""The general tying rules, one test each (osint/tie.py, osint/places.py, osint/dates.py and the
front-line list of names/gazetteer.py). Texts are written for these tests, not taken from the
evaluation set."""

from __future__ import annotations

from datetime import UTC, datetime

from liaison.names.gazetteer import Context, resolve
from liaison.osint.extract import extract
from liaison.osint.places import forms
from tests.osint.helpers import by_number, doc, near

# ---- places ---------------------------------------------------------------------------------------


def test_anaphora_takes_the_place_named_before() -> None:
    # "туда" (there) is where the unit is; Kharkiv is only where it came from
    ms = by_number("Бои идут у Купянска. Туда же пришла 14-я бригада из Харькова.", "ru")
    assert near(ms[14].place, 49.71, 37.61)
    ms = by_number("Artillery shelled Kupiansk. The 14th Brigade still holds the city.", "en")
    assert near(ms[14].place, 49.71, 37.61)


def test_a_new_paragraph_keeps_the_story_place_but_not_where_a_unit_came_from() -> None:
    ms = by_number("Бои у Купянска продолжаются.\n25-я армия перегруппировывается.", "ru")
    p = ms[25].place
    assert near(p, 49.71, 37.61) and p.precision == 3
    ms = by_number("Колонна пришла из Курска.\n4-я танковая дивизия ведёт бои.", "ru")
    assert ms[4].place is None


def test_feature_adjectives_name_their_town() -> None:
    ms = by_number("13-я армия оборонялась на Курской дуге.", "ru")
    assert near(ms[13].place, 51.73, 36.19)
    ms = by_number("The 1st Tank Army held the Kursk salient.", "en")
    assert near(ms[1].place, 51.73, 36.19)
    ms = by_number("Die 9. Armee stand vor den Seelower Höhen.", "de")
    assert near(ms[9].place, 52.53, 14.38)


def test_an_elliptic_direction_repeats_the_noun_before() -> None:
    ms = by_number(
        "20-я армия наступала на смоленском направлении, 30-я армия — на ржевском.", "ru"
    )
    assert near(ms[20].place, 54.78, 32.04, 30)
    assert near(ms[30].place, 56.26, 34.33, 30)


def test_a_title_makes_the_next_name_a_person() -> None:
    ms = by_number("38-я армия генерала Орлова перешла в наступление.", "ru")
    assert ms[38].place is None
    ms = by_number("38-я армия вошла в Орёл.", "ru")
    assert near(ms[38].place, 52.97, 36.07)


def test_village_named_by_an_adjective_in_an_oblique_case() -> None:
    ms = by_number("65-та бригада веде бої поблизу Вербового.", "uk")
    assert near(ms[65].place, 47.43, 35.99)
    assert "Каменское" in forms("Каменского", "ru")


def test_a_city_after_a_stop_inside_one_run_on_sentence() -> None:
    ms = by_number("The front broke on June 27. Kharkiv was held by the 92nd Brigade.", "en")
    assert near(ms[92].place, 49.99, 36.23)


def test_front_line_villages_and_context() -> None:
    r = resolve("Роботине", fuzzy=False)
    assert r.place is not None and near(r.place, 47.44, 35.84, 5)
    # two Kamianskes: the city on the Dnipro by default, the front-line village in its context
    plain = resolve("Кам'янське", fuzzy=False)
    assert plain.place is not None and plain.place.population > 100_000
    ctx = resolve("Кам'янське", fuzzy=False, context=Context(neighbours=(47.5, 35.6)))
    assert ctx.place is not None and near(ctx.place, 47.47, 35.32, 10)
    # Praga in a Polish report about Warsaw is the district, not Prague
    ms = by_number("2 DP stanęła na Pradze, naprzeciw Warszawy.", "pl")
    assert near(ms[2].place, 52.23, 21.01)


# ---- dates ----------------------------------------------------------------------------------------


def test_relative_days_count_from_the_day_told_before() -> None:
    ms = by_number("12 июля 1943 г. 5-я армия атаковала. На следующий день 6-я армия отошла.", "ru")
    assert ms[6].date == "1943-07-13"
    ms = by_number(
        "Am 3. März 1945 griff die 1. Armee an. Zwei Tage später folgte die 2. Armee.", "de"
    )
    assert ms[2].date == "1945-03-05"


def test_an_earlier_date_across_a_clause_is_the_other_clause_s() -> None:
    ms = by_number("1 DP przekroczyła Wisłę 3 maja 1944 r., a 2 DP weszła do Lublina 5 maja.", "pl")
    assert ms[1].date == "1944-05-03" and ms[2].date == "1944-05-05"


def test_the_sentence_s_date_after_a_dash() -> None:
    pub = datetime(2022, 3, 10, tzinfo=UTC)
    ms = by_number("Сюда прибыла 90-я танковая дивизия — это было 5 марта.", "ru", pub)
    assert ms[90].date == "2022-03-05"


def test_the_heading_period_wins_over_a_later_aside() -> None:
    text = (
        "Бои под Ржевом. Август 1942\n"
        "В августе 1942 года 30-я армия наступала на Ржев, а позднее, 3 января 1943 года, "
        "её перебросили под Великие Луки.\n"
        "29-я армия вела бои."
    )
    ms = by_number(text, "ru")
    assert ms[29].date == "1942-08"


def test_a_far_reading_gives_way_to_another_form_near_the_report_s_places() -> None:
    text = "Бои идут у Работино и Вербового. 71-й полк удерживает позиции у Каменского."
    ms = by_number(text, "ru")
    assert near(ms[71].place, 47.47, 35.32, 10)
    # alone, the same words read as the Russian village: nothing near to prefer
    ms = by_number("71-й полк удерживает позиции у Каменского.", "ru")
    assert ms[71].place is not None and not near(ms[71].place, 47.47, 35.32, 300)


def test_a_patron_s_name_after_im_does_not_end_the_sentence() -> None:
    from liaison.osint.extract import sentences

    text = "1 Dywizja Piechoty im. Tadeusza Kościuszki walczyła pod Magnuszewem. Potem odpoczywała."
    assert len(sentences(text)) == 2
    ms = by_number(text, "pl")
    assert near(ms[1].place, 51.77, 21.39, 5)


# ---- the village list (names/data/villages.tsv.gz) and weekday / day-before dates ---------------


def test_a_village_too_small_for_geonames_towns_is_found_after_a_preposition() -> None:
    ms = by_number("3-тя бригада веде бої біля Шкурата.", "uk")
    assert near(ms[3].place, 51.19, 25.05)
    ms = by_number("The 3rd Brigade was held near Okuniew.", "en")
    assert near(ms[3].place, 52.27, 21.30)


def test_a_ukrainian_village_is_found_by_its_russian_spelling() -> None:
    ms = by_number("3-я бригада закрепилась у Скориковки.", "ru")
    assert near(ms[3].place, 49.82, 32.09)


def test_a_russian_village_is_found_after_a_preposition_or_a_place_word() -> None:
    for text in ("3-я армия вела бои у Духанино.", "3-я армия вела бои у деревни Духанино."):
        assert near(by_number(text, "ru")[3].place, 55.98, 36.95), text


def test_a_russian_spelling_of_a_russian_and_a_ukrainian_village_the_report_s_places_choose() -> (
    None
):
    # Сабуровка is a village near Saratov, and the Russian spelling of Сабарівка near Vinnytsia
    ms = by_number("Бои под Винницей. 3-я бригада закрепилась у Сабуровки.", "ru")
    assert near(ms[3].place, 49.14, 29.66)
    ms = by_number("Бои под Саратовом. 3-я бригада закрепилась у Сабуровки.", "ru")
    assert near(ms[3].place, 52.70, 43.05)


def test_a_homonym_is_read_in_the_theatre_not_where_a_unit_came_from() -> None:
    # Петровка: a town of 6,700 in Crimea (near Джанкой) and a village of 1,000 near Горловка
    ms = by_number("3-я бригада закрепилась у Петровки.", "ru")
    assert near(ms[3].place, 45.50, 34.29)  # alone: the larger
    text = "Бои идут у Горловки и Ясиноватой. 3-я бригада из Джанкоя закрепилась у Петровки."
    ms = by_number(text, "ru")
    assert near(ms[3].place, 48.39, 37.78)


def test_a_report_s_ambiguous_names_are_read_together() -> None:
    # Николаевка is first of all the Donetsk-oblast town; the Петровка named with it is its
    # neighbour, not the larger Crimean one
    ms = by_number("3-я бригада ведёт бои у Петровки и Николаевки.", "ru")
    assert near(ms[3].place, 48.39, 37.78)


def test_a_homonym_follows_the_places_of_its_own_paragraph() -> None:
    crimea = "5-я бригада стоит у Джанкоя."
    donbas = "Бои идут у Горловки и Ясиноватой"
    petrovka = "3-я бригада закрепилась у Петровки."
    ms = by_number(f"{donbas}.\n{crimea[:-1]}, {petrovka}", "ru")
    assert near(ms[3].place, 45.50, 34.29)
    ms = by_number(f"{crimea}\n{donbas}, {petrovka}", "ru")
    assert near(ms[3].place, 48.39, 37.78)


def test_a_village_never_displaces_a_town_of_the_same_name() -> None:
    # Берлин and Гомель are also villages in Ukraine and Belarus
    assert resolve("Берлин").place.country == "DE"
    assert resolve("Гомель").place.population > 100_000
    ms = by_number("5-я ударная армия вела бои в Берлине.", "ru")
    assert near(ms[5].place, 52.52, 13.40)


def test_a_weekday_in_news_is_the_last_such_day_up_to_publication() -> None:
    pub = datetime(2024, 3, 13, 9, 0, tzinfo=UTC)  # a Wednesday
    assert by_number("В понедельник 3-я бригада атаковала.", "ru", pub)[3].date == "2024-03-11"
    assert by_number("On Sunday the 3rd Brigade withdrew.", "en", pub)[3].date == "2024-03-10"
    assert by_number("Am Dienstag griff die Brigade 3 an.", "de", pub)[3].date == "2024-03-12"
    # no publication date (a history): a weekday says nothing
    assert by_number("В понедельник 3-я бригада атаковала.", "ru")[3].date is None


def test_the_day_before_counts_back_from_the_day_told() -> None:
    ms = by_number("5 июля 1943 года началось наступление. Накануне 3-я армия заняла рубеж.", "ru")
    assert ms[3].date == "1943-07-04"
    ms = by_number(
        "Die Offensive begann am 5. Juli 1943. Am Vortag bezog die 3. Armee Stellung.", "de"
    )
    assert ms[3].date == "1943-07-04"


def test_an_ordinal_ending_and_an_abbreviated_month() -> None:
    assert (
        by_number("5-го июля 1943 года 3-я армия перешла в наступление.", "ru")[3].date
        == "1943-07-05"
    )
    assert by_number("12 сент. 1939 г. 3-я армия отошла.", "ru")[3].date == "1939-09-12"


def test_settlement_nouns_and_fights_for_a_place_introduce_its_name() -> None:
    ms = by_number("3-я бригада отразила атаки в районе населённого пункта Работино.", "ru")
    assert near(ms[3].place, 47.44, 35.84)
    ms = by_number("3-тя бригада веде бої поблизу н.п. Кліщіївка.", "uk")
    assert near(ms[3].place, 48.53, 37.97)
    ms = by_number("The 3rd Brigade holds the village of Klishchiivka.", "en")
    assert near(ms[3].place, 48.53, 37.97)
    ms = by_number("3 Brygada prowadzi walki o Robotyne.", "pl")
    assert near(ms[3].place, 47.44, 35.84)


def test_every_name_of_a_list_after_one_place_word_is_a_place() -> None:
    from liaison.osint.places import find_places

    t = "Бои в районах населённых пунктов Андреевка, Клещеевка и Курдюмовка."
    names = [h.text for h in find_places(t, 0, len(t), "ru", [], ner=False)]
    assert names == ["Андреевка", "Клещеевка", "Курдюмовка"]


def test_a_season_or_an_ordinal_year_gives_the_year() -> None:
    assert by_number("Летом 1943 3-я армия стояла в обороне.", "ru")[3].date == "1943"
    assert by_number("Im Sommer 1944 lag die 3. Armee in Reserve.", "de")[3].date == "1944"
    assert by_number("В 1943-м 3-я армия стояла в обороне.", "ru")[3].date == "1943"
    assert by_number("In the first half of July 1943 the 3rd Army held.", "en")[3].date == "1943-07"


def test_of_several_villages_of_one_name_the_one_near_the_report_s_places() -> None:
    # four villages are called Польове; one lies 40 km from Zaporizhzhia
    ms = by_number("Бої тривають біля Запоріжжя. 3-тя бригада тримає оборону в Польовому.", "uk")
    assert near(ms[3].place, 48.10, 35.55)
    assert "Рокитне" in forms("Рокитним", "uk")


def test_a_day_without_a_year_in_a_history_takes_the_year_the_text_names() -> None:
    ms = by_number("Bitwa Warszawska 1920\n13 sierpnia 5 Armia uderzyła znad Wkry.", "pl")
    assert ms[5].date == "1920-08-13"
    ms = by_number("13 sierpnia 5 Armia uderzyła. Tak skończył się sierpień 1920 roku.", "pl")
    assert ms[5].date == "1920-08-13"


def test_a_history_s_heading_year_is_its_period() -> None:
    ms = by_number("Bitwa Warszawska 1920\nNa przedpolach Warszawy walczyła 5 Armia.", "pl")
    assert ms[5].date == "1920"


def test_words_that_are_not_settlements_stay_unplaced() -> None:
    from liaison.osint.places import find_places

    # a sea named by an adjective is not the village Чорне; Росії is not the Estonian Roosi
    t = "3-тя бригада діє у Чорному морі, її перекинули з Росії."
    assert find_places(t, 0, len(t), "uk", [], ner=False) == []


def test_the_wehrmacht_s_forty_as_four_x() -> None:
    ms = extract(doc("Das XXXXVIII. Panzerkorps griff bei Kursk an.", "de"))
    assert [(m.unit.number, m.unit.echelon) for m in ms] == [(48, "corps")]


def test_a_place_taken_or_held_is_where_the_unit_is() -> None:
    ms = by_number("1-я бригада заняла Бердычи.", "ru")
    assert near(ms[1].place, 48.19, 37.64)
    ms = by_number("1 Dywizja zdobyła Robotyne.", "pl")
    assert near(ms[1].place, 47.44, 35.84)


def test_a_short_paragraph_of_the_story_is_no_dateline() -> None:
    t = (
        "Курская битва. Июль 1943\n12 июля 5-я армия вступила в сражение под Прохоровкой.\n"
        "На следующий день 18-й корпус вёл бои.\n6-я армия удерживала рубеж у Обояни."
    )
    assert by_number(t, "ru")[6].date == "1943-07"
    t = "12 июля 1943 г.\n6-я армия удерживала рубеж у Обояни."
    assert by_number(t, "ru")[6].date == "1943-07-12"


def test_a_larger_namesake_far_off_does_not_beat_the_village_near_the_report() -> None:
    t = "Бої точаться південніше Бахмута. 3-тя бригада звільнила Андріївку."
    assert near(by_number(t, "uk")[3].place, 48.50, 37.97)


def test_an_operation_named_by_its_town_s_adjective_is_at_the_town() -> None:
    ms = by_number("В августе 1941 года 24-я армия начала Ельнинскую операцию.", "ru")
    assert near(ms[24].place, 54.58, 33.18)
    ms = by_number("38-ма армія перейшла в наступ з Лютізького плацдарму.", "uk")
    assert near(ms[38].place, 50.68, 30.39)


def test_panzer_groups_and_a_bare_year_before_a_named_formation() -> None:
    ms = extract(
        doc("On 22 June 1941 Army Group Center and the 2nd Panzer Group crossed the Bug.", "en")
    )
    assert [(m.unit.number, m.unit.echelon) for m in ms] == [(None, "front"), (2, "army")]
    ms = extract(doc("2-я танковая группа Гудериана наступала на Брест.", "ru"))
    assert [(m.unit.number, m.unit.echelon) for m in ms] == [(2, "army")]


def test_a_weekday_with_its_time_of_day_and_mid_month() -> None:
    pub = datetime(2024, 3, 13, 9, 0, tzinfo=UTC)  # a Wednesday
    ms = by_number("Am Donnerstagabend griff die 3. Armee an.", "de", pub)
    assert ms[3].date == "2024-03-07"
    assert by_number("In mid-March 1943 the 3rd Army held.", "en")[3].date == "1943-03"


def test_a_year_then_a_capital_ends_the_sentence() -> None:
    t = (
        "Ukrainian forces launched a counteroffensive in Kharkiv Oblast on September 6, 2022. "
        "The 25th Airborne Brigade advanced toward Balakliia."
    )
    assert near(by_number(t, "en")[25].place, 49.46, 36.84)
    # an ordinal before a German noun still does not end one
    assert [m.unit.number for m in extract(doc("Bei Kursk stand die 9. Armee.", "de"))] == [9]


def test_a_region_in_the_sentence_bounds_its_places() -> None:
    # the village is named with its region: the name stops where the region begins
    t = "3-я армия поразила противника в районе Синьковки Харьковской области."
    assert near(by_number(t, "ru")[3].place, 49.77, 37.66)
    # a name whose only reading lies 600 km from the region named is not taken: the region is
    t = "В Белгородской области 44-й армейский корпус отразил атаки у Журавлевки."
    assert near(by_number(t, "ru")[44].place, 50.60, 36.58)


def test_spelled_ordinals_named_armies_and_compound_fronts() -> None:
    def units(t: str, lang: str) -> list[tuple[object, object, object]]:
        return [(m.unit.number, m.unit.echelon, m.unit.unit_number) for m in extract(doc(t, lang))]

    assert units("The Third Army crossed the Rhine.", "en") == [(3, "army", None)]
    assert units("Army Poznań attacked along the Bzura.", "en") == [(None, "army", None)]
    assert units("Army General Gerasimov spoke.", "en") == []
    assert units("Die Südwestfront wurde eingeschlossen.", "de") == [(None, "front", None)]
    assert units("Мобилизованные воинской части 51460 прибыли.", "ru") == [(None, None, "51460")]


def test_a_possessive_short_adjective_in_a_russian_two_word_name() -> None:
    from liaison.osint.places import lookup

    for written in ("Часова Яра", "Часовом Яре", "Часову Яру"):
        assert near(lookup(written, "ru")[0], 48.59, 37.83), written
    # a Russian word that only sounds like a Latvian village is not that village
    assert lookup("Керамика", "ru")[0] is None


def test_polish_locatives_that_soften_the_last_consonant() -> None:
    from liaison.osint.places import lookup

    assert near(lookup("Bachmucie", "pl")[0], 48.59, 38.00)
    assert near(lookup("Wuhłedarze", "pl")[0], 47.78, 37.25)
    assert near(lookup("Zaporożu", "pl")[0], 47.85, 35.12)
    assert near(lookup("Brześciu", "pl")[0], 52.10, 23.70)
    assert near(lookup("Czasiw Jarze", "pl")[0], 48.59, 37.83)


def test_a_region_a_unit_came_from_bounds_nothing() -> None:
    ms = by_number("3-я бригада переброшена из Белгородской области под Бахмут.", "ru")
    assert near(ms[3].place, 48.59, 38.00)
    ms = by_number("The 3rd Brigade was moved from the Kursk region to Bakhmut.", "en")
    assert near(ms[3].place, 48.59, 38.00)


# ---- where a unit is, not where it came from (issue 20) --------------------------------------------------

KUPIANSK = (49.71, 37.61)


def test_home_and_origin_words_yield_to_where_a_unit_is() -> None:
    ms = by_number("Части 6-й армии, сформированной в Пскове, ведут бои у Купянска.", "ru")
    assert near(ms[6].place, *KUPIANSK)
    ms = by_number("The 106th Division, headquartered in Tula, is fighting near Kupiansk.", "en")
    assert near(ms[106].place, *KUPIANSK)
    ms = by_number("72-га бригада, що прибула з-під Житомира, б'ється біля Куп'янська.", "uk")
    assert near(ms[72].place, *KUPIANSK)
    # "aus dem Raum Orel" is where the army set out from: it attacks towards Kursk
    ms = by_number("Aus dem Raum Orel griff die 2. Armee in Richtung Kursk an.", "de")
    assert near(ms[2].place, 51.73, 36.19)


def test_a_companion_is_where_its_partner_is() -> None:
    ms = by_number("7-я дивизия воюет у Купянска вместе с 56-м полком из Феодосии.", "ru")
    assert near(ms[56].place, *KUPIANSK)
    ms = by_number(
        "The 5th Brigade is fighting near Kupiansk together with the 14th Brigade from Kharkiv.",
        "en",
    )
    assert near(ms[14].place, *KUPIANSK)


def test_a_pronoun_carries_the_place_of_the_sentence_before_over_an_origin() -> None:
    ms = by_number(
        "The 5th Brigade is fighting near Kupiansk. The 217th Regiment from Ivanovo has "
        "reinforced them.",
        "en",
    )
    assert near(ms[217].place, *KUPIANSK)
    # "Munster" as written is the garrison town, not Münster
    ms = by_number(
        "Die Panzerbrigade 12 übt bei Munster. Mit ihr trainiert das Panzerbataillon 104 aus "
        "Pfreimd.",
        "de",
    )
    assert near(ms[12].place, 52.99, 10.09)
    assert near(ms[104].place, 52.99, 10.09)
    # no pronoun, another action: the sentence's own origin stays its place
    ms = by_number(
        "Die Panzerbrigade 12 übt bei Munster. Das Panzerbataillon 104 aus Pfreimd erhielt "
        "neue Panzer.",
        "de",
    )
    assert near(ms[104].place, 49.49, 12.18)


def test_inflected_names_and_latin_only_namesakes() -> None:
    from liaison.osint.places import lookup

    assert near(lookup("Валуек", "ru")[0], 50.20, 38.12)
    assert near(lookup("Giżyckiem", "pl")[0], 54.04, 21.76)
    assert near(lookup("Drawsku Pomorskim", "pl")[0], 53.53, 15.81)
    # Terny near Lyman has no Cyrillic name in GeoNames; the report's other places choose it
    ms = by_number("Бої тривають біля Лисичанська. 95-та бригада відбила атаку біля Терни.", "uk")
    assert near(ms[95].place, 49.09, 37.96)


def test_a_full_stop_inside_one_split_sentence_still_parts_its_places() -> None:
    # "27. Minsk" is kept together by the splitter (a German ordinal looks the same)
    ms = by_number(
        "The 1st Guards Tank Corps cut the roads west of Bobruisk on June 27. Minsk fell on "
        "July 3 to the 2nd Guards Tank Corps.",
        "en",
    )
    assert near(ms[1].place, 53.15, 29.21)
    assert near(ms[2].place, 53.90, 27.57)


def test_a_unit_joined_by_a_companion_and_a_name_of_today() -> None:
    # the first unit's verb comes after its companion: both are where the verb puts them
    ms = by_number(
        "247-й полк из Ставрополя вместе с 108-м полком из Новороссийска ведёт бои у Работино.",
        "ru",
    )
    assert near(ms[247].place, 47.44, 35.84)
    assert near(ms[108].place, 47.44, 35.84)
    ms = by_number("Pod Kutnem walczyła 14 Dywizja z Poznania razem z 17 Dywizją z Gniezna.", "pl")
    assert near(ms[14].place, 52.23, 19.36) and near(ms[17].place, 52.23, 19.36)
    # Stavropol, not Tolyatti (which was called so until 1964)
    from liaison.osint.places import lookup

    assert near(lookup("Ставрополя", "ru")[0], 45.04, 41.97)


# ---- generalising on the second development set (rules, sentences of our own) ---------------------


def test_exonyms_and_qualified_names_find_the_town_of_the_region() -> None:
    from liaison.osint.places import lookup

    # an old or foreign name of a far larger town of the region beats the small town whose own
    # name it is, and a town of the region beats its namesake across the world
    assert near(lookup("Lemberg", "de")[0], 49.84, 24.02)
    assert near(lookup("Artemovsk", "en")[0], 48.59, 38.00)
    assert near(lookup("Odessa", "en")[0], 46.48, 30.73)
    # but a spelling chosen without diacritics stays chosen ("Munster" is not Münster)
    assert near(lookup("Munster", "de")[0], 52.99, 10.09)
    # "Halle" may be Halle (Saale): a report about Saxony reads it so
    ms = by_number("Die 4. Division stand bei Leipzig, die 9. Division bei Halle.", "de")
    assert near(ms[9].place, 51.48, 11.97)
    ms = by_number("The 14th Brigade moved to the Zaporozhye direction.", "en")
    assert near(ms[14].place, 47.84, 35.14, 30)


def test_foreign_names_and_the_city_on_the_river() -> None:
    # a name the Russian dictionary does not know keeps its stem under the case ending
    ms = by_number("Летом 1981 года 149-й полк стоял в Кундузе.", "ru")
    assert near(ms[149].place, 36.73, 68.86)
    # "у Дніпрі" is the city; across the river no place is named
    ms = by_number("Після боїв 47-ма бригада відпочиває у Дніпрі.", "uk")
    assert near(ms[47].place, 48.47, 35.04)
    ms = by_number("47-ма бригада переправилася через Дніпро.", "uk")
    assert ms[47].place is None


def test_a_name_in_brackets_is_home_and_one_after_a_dash_is_where() -> None:
    # home in brackets gives way to where the sentence sees the unit
    ms = by_number("Під Куп'янськом помічено техніку 3-ї бригади (Чернігів).", "uk")
    assert near(ms[3].place, 49.71, 37.62)
    # with nothing else said, the bracket is where the unit is stationed
    ms = by_number("The 2nd Division at Lublin commands the 3rd Brigade (Zamość).", "en")
    assert near(ms[3].place, 50.72, 23.25)
    ms = by_number("5 Dywizja zajęła rejon Kowla, a 8 Dywizja — Łucka.", "pl")
    assert near(ms[5].place, 51.21, 24.71) and near(ms[8].place, 50.75, 25.34)


def test_where_and_hither_point_at_the_place_just_named() -> None:
    ms = by_number("Бригада вышла к Изюму, где уже стояла 25-я дивизия из Самары.", "ru")
    assert near(ms[25].place, 49.21, 37.26)
    ms = by_number("Бої тривають під Лиманом. З-під Ізюма сюди перекинули 12-ту бригаду.", "uk")
    assert near(ms[12].place, 48.99, 37.80)


def test_a_place_of_earlier_days_is_not_where_a_unit_is() -> None:
    ms = by_number(
        "Під Торецьком наступають 9-та і 14-та бригади, які раніше воювали під Вугледаром.", "uk"
    )
    assert near(ms[14].place, 48.40, 37.85) and near(ms[9].place, 48.40, 37.85)


def test_another_units_origin_yields_to_the_sentence_before() -> None:
    ms = by_number(
        "Żołnierze ćwiczyli na poligonie w Drawsku Pomorskim. Udział wzięła 12 Brygada oraz "
        "7 Brygada ze Słupska.",
        "pl",
    )
    assert near(ms[12].place, 53.53, 15.81)
    # its own origin, as nothing points back
    assert near(ms[7].place, 54.46, 17.03)
    # the exercise the sentence before told of is where its units are
    ms = by_number(
        "Żołnierze ćwiczyli na poligonie w Drawsku Pomorskim. Na ćwiczeniach 12 Brygadę "
        "wspierała 7 Brygada ze Słupska.",
        "pl",
    )
    assert near(ms[7].place, 53.53, 15.81)


def test_a_title_abbreviation_ends_no_sentence_and_a_route_comes_after_the_goal() -> None:
    ms = by_number(
        "Armia „Modlin” gen. Przedrzymirskiego cofała się spod Mławy, a 20 Dywizja walczyła "
        "w rejonie Pułtuska.",
        "pl",
    )
    assert near(ms[20].place, 52.70, 21.08)
    ms = by_number("The 1st Guards Tank Army moved via Sumy to Poltava.", "en")
    assert near(ms[1].place, 49.59, 34.55)


def test_an_airfield_and_the_pocket_name_their_town() -> None:
    ms = by_number("Утром аэродром Гостомеля захватил 331-й полк из Костромы.", "ru")
    assert near(ms[331].place, 50.59, 30.27)
    ms = by_number(
        "Der Kessel von Tscherkassy schloss sich im Februar. Die 1. Panzerarmee stand bei "
        "Uman.\nDen Kessel hielten die 27. Armee und die 4. Gardearmee.",
        "de",
    )
    assert near(ms[27].place, 49.44, 32.06, 60)


def test_a_mention_the_splitter_cut_keeps_the_places_of_its_sentence() -> None:
    # "XXIV." ends a sentence for the splitter; the corps is where the rest of it says
    ms = by_number(
        "Die 2. Armee musste Minsk aufgeben. Das XXXV. Armeekorps wurde bei Bobruisk "
        "eingeschlossen.",
        "de",
    )
    assert near(ms[35].place, 53.14, 29.22)


def test_english_verbs_of_taking_and_entering_put_a_unit_in_the_town() -> None:
    ms = by_number("After capturing Izium, the 2nd Brigade moved toward Lyman.", "en")
    assert near(ms[2].place, 49.21, 37.26)
    ms = by_number(
        "The 3rd Division broke into Orel while the 5th Division approached Kursk.", "en"
    )
    assert near(ms[3].place, 52.97, 36.07)


def test_respectively_pairs_units_and_places_in_order() -> None:
    # Kharkiv 49.98,36.25; Poltava 49.59,34.55
    ms = by_number(
        "The 5th and 7th Brigades are stationed in Kharkiv and Poltava respectively.", "en"
    )
    assert near(ms[5].place, 49.98, 36.25)
    assert near(ms[7].place, 49.59, 34.55)
    ms = by_number("5-я и 7-я бригады размещены в Полтаве и Харькове соответственно.", "ru")
    assert near(ms[5].place, 49.59, 34.55)
    assert near(ms[7].place, 49.98, 36.25)
    # German: "beziehungsweise" joins the places, and the splitter's cut after "mot." does not
    # part the two units from them
    ms = by_number(
        "Die 1. Armee bleibt in Kursk; die 8. und 12. mot. Schützendivision liegen in Poltava "
        "beziehungsweise Charkiw.",
        "de",
    )
    assert near(ms[8].place, 49.59, 34.55)
    assert near(ms[12].place, 49.98, 36.25)


def test_a_unit_told_of_before_another_clause_keeps_the_sentence_before() -> None:
    # the 9th Army "joined" the action at Kupiansk; Izium is where its corps went, in a clause of
    # its own; a plain list still shares the place
    ms = by_number(
        "On May 3 the 4th Army attacked south of Kupiansk. The 9th Army joined on May 4, and "
        "its 12th Corps was sent toward Izium.",
        "en",
    )
    assert near(ms[9].place, 49.71, 37.61, 30)
    assert near(ms[12].place, 49.21, 37.26)
    ms = by_number(
        "On May 3 the 4th Army attacked south of Kupiansk. The 9th Army, the 12th Corps and "
        "the 14th Corps advanced toward Izium.",
        "en",
    )
    assert near(ms[9].place, 49.21, 37.26)


def test_western_front_towns_and_named_barracks() -> None:
    # towns of the western front under 15,000 people are known (Bastogne 50.00,5.72; Carentan
    # 49.30,-1.25); a barracks named after a battle is no town: its town is named beside it
    ms = by_number("In December 1944 the 101st Airborne Division held Bastogne.", "en")
    assert near(ms[101].place, 50.00, 5.72)
    ms = by_number("The 6th Airborne Division fought near Carentan.", "en")
    assert near(ms[6].place, 49.30, -1.25)
    ms = by_number("The 3rd Battalion is based at Arnhem Barracks, Colchester.", "en")
    assert near(ms[3].place, 51.89, 0.90)


def test_an_elliptic_direction_in_ets_and_a_general_of_the_army_named_like_a_town() -> None:
    # "елецкое" (направление) is Yelets' direction (52.62,38.50), not a town "Елеец"; "генерал
    # армии Жуков" is a man, not the town of Zhukov
    ms = by_number(
        "Командование принял генерал армии Жуков. 3-я армия прикрывала тульское направление, "
        "13-я армия — елецкое.",
        "ru",
    )
    assert near(ms[13].place, 52.62, 38.50)
    assert ms[3].place is not None and ms[3].place.name != "Zhukov"


def test_english_verbs_of_siege_and_relief_and_dutch_names() -> None:
    ms = by_number("The 3rd Army relieved Bastogne on 26 December.", "en")
    assert near(ms[3].place, 50.00, 5.72)
    ms = by_number("In September the 6th Army encircled Kiev.", "en")
    assert near(ms[6].place, 50.45, 30.52)
    # Bergen op Zoom (51.49,4.29), not Bergen in Norway
    ms = by_number("The 4th Armoured Division was in Bergen op Zoom by 27 October.", "en")
    assert near(ms[4].place, 51.49, 4.29)


def test_a_news_dateline_is_the_story_place_when_no_sentence_names_one() -> None:
    ms = by_number("KHARKIV, Ukraine (AP) — The 92nd Brigade said it shot down drones.", "en")
    assert near(ms[92].place, 49.98, 36.25)
    ms = by_number("KHARKIV, Ukraine — The 92nd Brigade is fighting near Kupiansk.", "en")
    assert near(ms[92].place, 49.71, 37.61)
    # a dateline with its day ("ХАРЬКОВ, 5 марта —", "KYIV, March 3 (Reuters) –")
    ms = by_number("ХАРЬКОВ, 5 марта — 92-я бригада сбила беспилотники.", "ru")
    assert near(ms[92].place, 49.98, 36.25)
    ms = by_number("KHARKIV, March 3 (Reuters) – The 92nd Brigade shot down drones.", "en")
    assert near(ms[92].place, 49.98, 36.25)
    # a heading with a dash is no dateline
    ms = by_number("Operation Bagration — The 5th Army attacked at dawn.", "en")
    assert ms[5].place is None


def test_a_height_named_after_a_town_is_that_town() -> None:
    # Monte Cassino: Cassino (41.49,13.83), not some village called "Monte"
    ms = by_number("2 Korpus Polski zdobył Monte Cassino 18 maja 1944 roku.", "pl")
    assert near(ms[2].place, 41.49, 13.83)


def test_ukrainian_plural_and_two_part_town_names() -> None:
    # Chernivtsi 48.29,25.94; Kamianets-Podilskyi 48.68,26.58; Sumy 50.91,34.80
    ms = by_number("2-га танкова армія 29 березня увійшла до Чернівців.", "uk")
    assert near(ms[2].place, 48.29, 25.94)
    ms = by_number("4-та танкова армія вирвалася з оточення під Кам'янцем-Подільським.", "uk")
    assert near(ms[4].place, 48.68, 26.58)
    ms = by_number("27-ма бригада стоїть у Сумах.", "uk")
    assert near(ms[27].place, 50.91, 34.80)


def test_a_village_placed_under_a_town_is_read_near_it() -> None:
    # "під Дніпром" is the city (48.46,35.05), not the river; Cherkaske has namesakes far east
    ms = by_number("25-та бригада має базу в селищі Черкаське під Дніпром.", "uk")
    assert near(ms[25].place, 48.46, 35.05, 45)
    # "у Липцев" is Lyptsi by Kharkiv (50.21,36.42), not a village Липец near Pskov
    ms = by_number(
        "Бои идут у Волчанска. 44-й армейский корпус действует северо-восточнее Харькова, у Липцев.",
        "ru",
    )
    assert near(ms[44].place, 50.21, 36.42)


def test_the_city_of_a_story_that_named_it_only_as_an_origin() -> None:
    ms = by_number(
        "Вихід з Бахмута\n5-та бригада прикривала вихід з Бахмута. 24-та бригада відійшла між "
        "селами.\nМісто штурмували 8-ма армія та 20-та армія.",
        "uk",
    )
    assert near(ms[8].place, 48.60, 38.00)


def test_based_at_is_a_home_and_the_fighting_is_where_the_unit_is() -> None:
    ms = by_number(
        "The 92nd Brigade held Kharkiv. The 4th Division, normally based at Naro-Fominsk, lost "
        "tanks in the fighting north of the city.",
        "en",
    )
    assert near(ms[4].place, 49.99, 36.23, 30)


def test_a_relative_clause_after_the_unit_tells_of_another_place() -> None:
    # the aside says where the army came from; the main clause says where it is (Kharkiv)
    ms = by_number(
        "The 2nd Tank Army, which left its garrisons near Moscow in the autumn, was massed "
        "north-east of Kharkiv.",
        "en",
    )
    assert near(ms[2].place, 49.99, 36.23, 30)
    ms = by_number(
        "Бої за Бахмут тривають. 24-та бригада, що влітку воювала під Роботиним, тримає "
        "північний фланг Бахмута.",
        "uk",
    )
    assert near(ms[24].place, 48.60, 38.00)
    # a list of units after commas is no aside
    ms = by_number("The 3rd Brigade, the 5th Brigade and the 7th Brigade held Izium.", "en")
    assert near(ms[3].place, 49.21, 37.26)


def test_polish_instrumental_after_k_and_german_verbs_of_holding() -> None:
    # Tokmak in Zaporizhzhia oblast (47.26,35.71), not Tokmok in Kyrgyzstan ("Tokmaki")
    ms = by_number("Rosyjska 58 Armia broni się pod Tokmakiem.", "pl")
    assert near(ms[58].place, 47.26, 35.71)
    # "hält Wuhledar" puts the brigade there, not at the dateline's Kyiv
    ms = by_number("KIEW (dpa) - Die 72. Brigade hält Wuhledar.", "de")
    assert near(ms[72].place, 47.78, 37.25)


def test_an_english_x_based_unit_is_at_home_unless_the_sentence_puts_it_elsewhere() -> None:
    ms = by_number("The Pskov-based 76th Air Assault Division was spotted in Belarus.", "en")
    assert near(ms[76].place, 57.81, 28.35)
    ms = by_number("The Pskov-based 76th Air Assault Division was spotted near Kreminna.", "en")
    assert near(ms[76].place, 49.05, 38.22)
