from datetime import date

from qinqing.analytics.ml.seasonal import (
    DatedItem,
    SeasonalSettings,
    find_seasonal_topics,
    upcoming_seasonal_warnings,
)

BACKGROUND_TOPICS = ["物业", "教育", "交通", "社保"]


def history() -> list[DatedItem]:
    items = []
    for year in (2021, 2022, 2023):
        for month in range(1, 13):
            for i, topic in enumerate(BACKGROUND_TOPICS):
                items.append(
                    DatedItem(date(year, month, 3 + i), topic, f"{topic}方面的一般问题反映")
                )
        for day in (2, 6, 10, 15, 22):
            items.append(DatedItem(date(year, 11, day), "供暖", "小区供暖温度不达标，暖气片冰凉"))
    # One stray heating complaint in spring is not a season.
    items.append(DatedItem(date(2022, 4, 9), "供暖", "小区供暖费退费问题"))
    return items


def test_finds_heating_in_november_across_three_years():
    patterns = find_seasonal_topics(history(), settings=SeasonalSettings(use_text_terms=False))

    assert [p.topic for p in patterns] == ["category:供暖"]
    heating = patterns[0]
    assert heating.months == (11,)
    assert heating.years == (2021, 2022, 2023)
    assert heating.counts == {2021: 5, 2022: 5, 2023: 5}
    assert heating.lift > 5


def test_text_terms_find_the_same_season_without_categories():
    items = [DatedItem(item.date, None, item.text) for item in history()]

    topics = {p.topic: p for p in find_seasonal_topics(items)}

    assert topics["term:供暖"].months == (11,)
    assert "term:物业" not in topics


def test_two_years_are_not_enough_by_default():
    items = [item for item in history() if item.date.year != 2023]

    assert find_seasonal_topics(items, settings=SeasonalSettings(use_text_terms=False)) == []


def test_warns_in_october_and_not_in_summer():
    items = history()

    warnings = upcoming_seasonal_warnings(items, date(2024, 10, 15), lead_weeks=4)
    summer = upcoming_seasonal_warnings(items, date(2024, 7, 1), lead_weeks=4)

    heating = [w for w in warnings if w.topic == "供暖" and w.kind == "category"]
    assert heating and heating[0].starts_on == date(2024, 11, 1)
    assert heating[0].days_until == 17
    assert heating[0].years_seen == (2021, 2022, 2023)
    assert heating[0].typical_count == 5
    assert summer == []


def test_adjacent_months_merge_across_new_year():
    items = []
    for year in (2020, 2021, 2022):
        for month in range(1, 13):
            items.extend(DatedItem(date(year, month, d), "其他") for d in (1, 2, 3))
        for month in (12, 1):
            items.extend(DatedItem(date(year, month, d), "燃气") for d in (5, 6, 7))

    patterns = find_seasonal_topics(items, settings=SeasonalSettings(use_text_terms=False))

    assert patterns[0].topic == "category:燃气"
    assert patterns[0].months == (12, 1)
    warnings = upcoming_seasonal_warnings(patterns, date(2023, 11, 20), lead_weeks=2)
    assert warnings[0].starts_on == date(2023, 12, 1)
