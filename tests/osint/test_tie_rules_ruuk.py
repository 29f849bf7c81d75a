"""Russian and Ukrainian tying and extraction rules (osint/tie.py, osint/places.py,
osint/extract.py), one test each. Texts are written for these tests, not taken from the
evaluation set."""

from __future__ import annotations

from tests.osint.helpers import by_number, near

ZAMOSC = (50.72, 23.25)
KOMAROW = (50.63, 23.48)


def test_russian_and_ukrainian_names_of_polish_towns_beat_namesake_villages() -> None:
    # Замостье / Замостя are also a Bukovinian village, Комаров / Комарів a Podolian one
    ms = by_number("Летом 1920 года 9-я дивизия долго стояла в районе Замостья.", "ru")
    assert near(ms[9].place, *ZAMOSC)
    ms = by_number("Наприкінці серпня 7-ма бригада обороняла Замостя від кінноти.", "uk")
    assert near(ms[7].place, *ZAMOSC)
    # beside Zamość the document's other places choose the Polish Komarów
    ms = by_number("3-я бригада наступала на Замостье, а 2-я бригада вела бой у Комарова.", "ru")
    assert near(ms[2].place, *KOMAROW, km=10)
    ms = by_number("Бої йшли під Замостям. 4-та дивізія відбивалася під Комаровом.", "uk")
    assert near(ms[4].place, *KOMAROW, km=10)
    # "Перемышль" is also a Kaluga village, "Ярослав" never Yaroslavl ("Ярославль")
    ms = by_number("В сентябре 1939 года 6-я армия вошла в Перемышль.", "ru")
    assert near(ms[6].place, 49.78, 22.77)
    ms = by_number("Под Ярославом 12-я армия форсировала Сан.", "ru")
    assert near(ms[12].place, 50.02, 22.68)
    ms = by_number("8-й корпус отвели к Ярославлю.", "ru")
    assert near(ms[8].place, 57.63, 39.87)


def test_a_headquarters_moved_from_x_to_y_is_at_y() -> None:
    ms = by_number("Штаб 12-й армии переведён из Курска в Орёл.", "ru")
    assert near(ms[12].place, 52.97, 36.07)
    ms = by_number("Штаб 12-ї армії переміщено з Полтави в Харків.", "uk")
    assert near(ms[12].place, 49.99, 36.23)
    # without a move, the headquarters' town is still the unit's home, not where it fights
    ms = by_number("17-я бригада, штаб которой находится в Курске, ведёт бои у Купянска.", "ru")
    assert near(ms[17].place, 49.71, 37.61)


def test_the_capital_is_the_capital_named_before_or_kyiv() -> None:
    ms = by_number("Уночі 12-та бригада протиповітряної оборони прикривала столицю.", "uk")
    assert near(ms[12].place, 50.45, 30.52)
    ms = by_number("Бои шли под Минском. 5-я армия первой вошла в столицу.", "ru")
    assert near(ms[5].place, 53.90, 27.57)
    # "the capital of Belarus" is Minsk; a by-name ("северная столица") is no capital
    ms = by_number("Бои шли под Киевом. 5-я армия вошла в столицу Белоруссии.", "ru")
    assert near(ms[5].place, 53.90, 27.57)
    ms = by_number("Бои шли под Минском. 6-я армия прошла парадом в северной столице.", "ru")
    # (the sentence before still gives its place, as "near", not the capital word's town)
    p = ms[6].place
    assert p is not None and p.precision == 2
    # a Russian text names no default capital
    ms = by_number("9-я бригада охраняла столицу.", "ru")
    assert ms[9].place is None


def test_a_relative_clause_after_the_mention_places_the_mention() -> None:
    # unless it tells of another year: background, not where the unit is
    ms = by_number(
        "Под Купянском наступает 6-я армия, которая в 2022 году воевала под Изюмом.", "ru"
    )
    assert near(ms[6].place, 49.71, 37.61)
    ms = by_number("На захід від Харкова діяла 14-та бригада, яка утримувала Ізюм.", "uk")
    assert near(ms[14].place, 49.21, 37.26)
    ms = by_number("Западнее Харькова действовала 14-я бригада, которая удерживала Изюм.", "ru")
    assert near(ms[14].place, 49.21, 37.26)


def test_branch_compound_nouns_are_formation_nouns() -> None:
    ms = by_number("3-й мехкорпус и 7-я кавдивизия наступали на Ровно.", "ru")
    assert ms[3].unit.echelon == "corps" and ms[7].unit.echelon == "division"
    ms = by_number("2-й кавкорпус і 5-та кавдивізія вийшли до Рівного.", "uk")
    assert ms[2].unit.echelon == "corps" and ms[5].unit.echelon == "division"


def test_ukrainian_instrumental_in_yeyu() -> None:
    ms = by_number("Того ж дня 8-й корпус оволодів Коломиєю.", "uk")
    assert near(ms[8].place, 48.52, 25.04)


def test_a_town_later_in_the_clause_refines_the_region() -> None:
    ms = by_number(
        "В Курской области подразделения 6-й армии отразили атаки 22-й бригады в районе Суджи.",
        "ru",
    )
    assert near(ms[6].place, 51.19, 35.27)
    # a town in another clause does not
    ms = by_number(
        "В Харьковской области 14-я бригада отошла, а 92-я бригада держит оборону у Купянска.",
        "ru",
    )
    assert not near(ms[14].place, 49.71, 37.61)


def test_the_city_points_back_at_a_town_not_the_village_named_last() -> None:
    ms = by_number(
        "Бої точаться під Покровськом. 3-тя бригада відбила атаку біля Очеретиного, "
        "тоді як у місті тримається 5-та бригада.",
        "uk",
    )
    assert near(ms[5].place, 48.28, 37.18)
    assert near(ms[3].place, 48.24, 37.62)


def test_a_bare_ordinal_of_a_gapped_clause_is_a_unit_of_the_kind_named_before() -> None:
    ms = by_number("5-я армия наступала на Орёл, а 3-я — на Брянск.", "ru")
    assert ms[3].unit.echelon == "army" and near(ms[3].place, 53.27, 34.32)
    ms = by_number("5-та бригада вийшла до Полтави, а 6-та — до Харкова.", "uk")
    assert ms[6].unit.echelon == "brigade" and near(ms[6].place, 49.98, 36.25)
    # the gender must agree: a masculine ordinal does not take a feminine noun's kind
    assert 3 not in by_number("5-я армия наступала на Орёл, а 3-й — на Брянск.", "ru")


def test_old_and_foreign_names_of_towns() -> None:
    # a river's name ("Днепр", "Север…") must not hide a town's ("Днепропетровск", "Северодонецк")
    ms = by_number("В 1943 году 46-я армия освободила Днепропетровск.", "ru")
    assert near(ms[46].place, 48.46, 35.04)
    ms = by_number("8-ма армія вела бої під Дніпродзержинськом.", "uk")
    assert near(ms[8].place, 48.52, 34.61)
    ms = by_number("Бои за Северодонецк вела 4-я бригада.", "ru")
    assert near(ms[4].place, 48.94, 38.49)
    ms = by_number("Бои у Бахмута не стихают. Под Северском держит оборону 54-я бригада.", "ru")
    assert near(ms[54].place, 48.86, 38.10)
    ms = by_number("Весной 1945 года 11-я армия штурмовала Кенигсберг.", "ru")
    assert near(ms[11].place, 54.71, 20.51)
    ms = by_number("2-я ударная армия вышла к Данцигу.", "ru")
    assert near(ms[2].place, 54.35, 18.65)
    ms = by_number("Проскурів звільнила 1-ша армія.", "uk")
    assert near(ms[1].place, 49.42, 26.98)
    ms = by_number("Бої точилися біля Гуляйполя, де стояла 65-та бригада.", "uk")
    assert near(ms[65].place, 47.67, 36.26)


def test_a_march_from_one_area_to_another_ends_in_the_second() -> None:
    ms = by_number("2-я танковая армия совершила марш из района Умани в район Ясс.", "ru")
    assert near(ms[2].place, 47.17, 27.60)
    ms = by_number("4-та бригада перейшла з району Умані в район Вінниці.", "uk")
    assert near(ms[4].place, 49.23, 28.47)


def test_abbreviated_separate_battalions_and_regiments() -> None:
    ms = by_number("Під Курськом діють 501-й ОБМП і 425-й ОШП «Скеля».", "uk")
    assert ms[501].unit.echelon == "battalion" and ms[425].unit.echelon == "regiment"


def test_ukrainian_locatives_with_a_consonant_change() -> None:
    ms = by_number("Восени 8-ма армія тримала оборону в Таганрозі.", "uk")
    assert near(ms[8].place, 47.24, 38.90)
    ms = by_number("У Кременчуці формується 47-ма бригада.", "uk")
    assert near(ms[47].place, 49.07, 33.42)
    ms = by_number(
        "У травні 1945 року 4-та танкова армія увійшла в Прагу, у Празі вона й стояла.", "uk"
    )
    assert near(ms[4].place, 50.09, 14.42)
    # Crimea is a region, not the village Krym
    ms = by_number("Бої під Херсоном: 10-та бригада прибула з Криму.", "uk")
    assert near(ms[10].place, 46.64, 32.61)


def test_a_city_beside_a_namesake_village_of_another_form() -> None:
    # "у Кропивницькому" is the city of Кропивницький, not the village Кропивницьке
    ms = by_number("У Кропивницькому формується 61-ша бригада.", "uk")
    assert near(ms[61].place, 48.51, 32.27)
    # a front-line village keeps its own reading
    ms = by_number("Біля Роботиного тримає оборону 65-та бригада.", "uk")
    assert near(ms[65].place, 47.44, 35.84)
