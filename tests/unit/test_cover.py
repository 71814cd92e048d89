"""Cover metadata (paracite.parsing.cover) on synthetic cover lines, placed as UN covers
place them: masthead organ 20 pt at the top, distribution block on the right, slug in the
left margin, title in the text column (x 123), text 10 pt."""

from __future__ import annotations

from paracite.parsing.cover import Cover, read_cover
from paracite.parsing.layout import Line, Page

TEXT = 10.0
COLUMN = 123.0  # the text column's x on odd pages


def ln(text: str, y: float, x: float = COLUMN, size: float = TEXT, bold: bool = False) -> Line:
    return Line(text, 1, x, y, size, bold=1.0 if bold else 0.0)


def cover(*lines: Line, symbol: str | None = None) -> Cover:
    return read_cover(Page(1, 612, 792, list(lines)), symbol, TEXT, COLUMN)


def masthead(*organs: str, date: str = "21 March 2017", symbol: str = "E/2025/1") -> list[Line]:
    """'United Nations <symbol>', the organs one under the other, the distribution block."""
    out = [ln(f"United Nations  {symbol}", 736, size=14)]
    out += [ln(o, 706 - 20 * i, size=20, bold=True) for i, o in enumerate(organs)]
    return out + [ln("Distr.: General", 705, x=397), ln(date, 694, x=397),
                  ln("Original: English", 670, x=397), ln("25-01234 (E)    010425", 44, x=65)]


def test_one_line_masthead_organ_is_the_body_and_the_distribution_date_the_date():
    got = cover(*masthead("Security Council", date="11 April 2025"),
                ln("United Nations Support Mission in Libya", 567, size=14, bold=True),
                ln("Report of the Secretary-General", 542, size=12, bold=True),
                ln("1. The present report is submitted pursuant to resolution 2755 (2024).", 490),
                symbol="S/2025/223")
    assert got == Cover(title="Report of the Secretary-General", body="Security Council",
                        date="11 April 2025")


def test_a_body_printed_over_five_masthead_lines_is_one_name():
    organ = ["Executive Board of the", "United Nations Development",
             "Programme, the United Nations", "Population Fund and the United",
             "Nations Office for Project Services"]
    lines = [ln("DP/2025/1 United Nations", 720, x=474, size=14)]
    lines += [ln(t, 690 - 20 * i, x=122, size=17, bold=True) for i, t in enumerate(organ)]
    lines += [ln("Distr.: General", 691, x=396), ln("29 October 2024", 680, x=396),
              ln("First regular session 2025", 585, x=58, bold=True),
              ln("27 to 31 January 2025, New York", 573, x=58),
              ln("Report of the second regular session 2024", 513, x=92, size=14, bold=True)]
    assert cover(*lines, symbol="DP/2025/1").body == (
        "Executive Board of the United Nations Development Programme, the United Nations "
        "Population Fund and the United Nations Office for Project Services")


def test_official_records_supplement_without_issue_date_gives_the_body_and_session_dates():
    got = cover(ln("E/2025/28", 793, x=507, size=8.5),
                ln("United Nations", 665, x=115, size=20, bold=True),
                ln("Commission on Narcotic", 557, x=115, size=28, bold=True),
                ln("Drugs", 524, x=115, size=28, bold=True),
                ln("Report on the sixty-eighth session", 446, x=115, size=20, bold=True),
                ln("(13–17 March 2025)", 423, x=115, size=20, bold=True),
                ln("Economic and Social Council", 326, x=115, size=20, bold=True),
                ln("Official Records, 2025", 309, x=115, size=14, bold=True),
                ln("Supplement No. 8", 293, x=115, size=14, bold=True), symbol="E/2025/28")
    assert got.body == "Commission on Narcotic Drugs"  # the author, not the records' organ
    assert got.date == "13–17 March 2025"
    assert got.title is not None and got.title.startswith("Report on the sixty-eighth session")


def test_official_records_report_of_a_body_names_the_body_and_several_sessions_their_dates():
    got = cover(ln("United Nations", 640, size=20, bold=True),
                ln("Report of the Committee on", 576, size=28.6, bold=True),
                ln("Enforced Disappearances", 547, size=28.6, bold=True),
                ln("Twenty-seventh session", 510, size=20, bold=True),
                ln("(23 September–4 October 2024)", 487, size=20, bold=True),
                ln("Twenty-eighth session", 458, size=20, bold=True),
                ln("(17 March–4 April 2025)", 435, size=20, bold=True),
                ln("General Assembly", 214, size=20, bold=True),
                ln("Official Records", 198, size=14, bold=True),
                ln("Eightieth Session", 183, size=14, bold=True),
                ln("Supplement No. 56", 168, size=14, bold=True))
    assert got.body == "Committee on Enforced Disappearances"
    assert got.date == "23 September–4 October 2024; 17 March–4 April 2025"


def test_official_records_of_no_named_body_fall_back_to_the_organ_at_the_foot():
    got = cover(ln("United Nations", 640, size=20, bold=True),
                ln("Report of the Secretary-General", 576, size=28.6, bold=True),
                ln("on the work of the Organization", 549, size=28.6, bold=True),
                ln("General Assembly", 475, size=20, bold=True),
                ln("Official Records", 458, size=14, bold=True),
                ln("Supplement No. 1", 426, size=14, bold=True))
    assert got.body == "General Assembly"
    assert got.date is None  # the cover prints no date at all


def test_letter_on_a_joint_document_names_both_organs_and_the_issue_date_not_the_letters():
    got = cover(*masthead("General Assembly", "Security Council", date="1 April 2025",
                          symbol="A/79/844-S/2025/196"),
                ln("General Assembly", 570, x=60, bold=True),
                ln("Seventy-ninth session", 558, x=60, bold=True),
                ln("Agenda items 62 and 98", 546, x=60),
                ln("Security Council", 570, x=348, bold=True),
                ln("Letter dated 28 March 2025 from the Chargé d’affaires a.i. of the", 466,
                   size=12, bold=True),
                ln("Permanent Mission of Ukraine to the United Nations addressed to", 453,
                   size=12, bold=True),
                symbol="A/79/844-S/2025/196")
    assert got.body == "General Assembly, Security Council"
    assert got.date == "1 April 2025"
    assert got.title is not None and got.title.startswith("Letter dated 28 March 2025")


def test_no_masthead_and_no_slug_gives_no_body():
    got = cover(ln("United Nations University", 810, x=34, bold=True),
                ln("Integrating Data to Ensure", 650, x=34, size=37.5),
                ln("Inclusive Education for", 607, x=34, size=37.5),
                ln("POLICYBRIEF", 715, x=34, size=37.5),
                ln("No. 49, 2025", 701, x=34, size=11))
    assert got.body is None
    assert got.date is None


def test_issue_date_is_preferred_over_the_session_dates_of_the_slug():
    got = cover(*masthead("Economic and Social Council", date="10 January 2025"),
                ln("Commission for Social Development", 574, x=60, size=12, bold=True),
                ln("Sixty-third session", 562, x=60, bold=True),
                ln("10–14 February 2025", 550, x=60),
                ln("Item 3 (b) of the provisional agenda*", 538, x=60),
                ln("Policies and programmes involving youth", 449, size=14, bold=True),
                ln("Report of the Secretary-General", 425, size=12, bold=True))
    assert got.date == "10 January 2025"
    # the subsidiary body of the slug, not the parent organ on the masthead
    assert got.body == "Commission for Social Development"


def test_without_an_issue_date_the_slug_session_dates_are_the_date():
    got = cover(ln("Special Committee on Peacekeeping Operations", 568, x=60, size=12, bold=True),
                ln("New York, 17 February–14 March 2025", 556, x=60),
                ln("Provisional agenda", 524, size=14, bold=True))
    assert got.date == "17 February–14 March 2025"


def test_without_any_printed_dates_the_first_page_says_when_the_session_was_held():
    got = cover(ln("Report of the Working Group", 600, size=14, bold=True),
                ln("1. The Working Group held its first session in Vienna from 10 to 14", 560),
                ln("March 2025. It adopted its agenda.", 548))
    assert got.date == "10 to 14 March 2025"


def test_issue_date_printed_on_the_distribution_line():
    got = cover(ln("United Nations  A/HRC/EMRIP/2025/1", 791, x=120),
                ln("General Assembly Distr.: General 3 April 2025", 762, x=120, size=20),
                ln("Original: English", 727, x=392))
    assert got.date == "3 April 2025"
    assert got.body == "General Assembly"


def test_body_split_over_slug_lines_is_joined_and_a_parent_level_gives_way_to_its_child():
    got = cover(*masthead("General Assembly", symbol="A/AC.109/2025/L.9"),
                ln("Special Committee on the Situation with regard", 568, x=60, size=12,
                   bold=True),
                ln("to the Implementation of the Declaration on the", 555, x=60, size=12,
                   bold=True),
                ln("Granting of Independence to Colonial Countries", 542, x=60, size=12,
                   bold=True),
                ln("and Peoples", 528, x=60, size=12, bold=True),
                ln("Draft resolution submitted by the Chair", 498, bold=True))
    assert got.body == ("Special Committee on the Situation with regard to the Implementation "
                        "of the Declaration on the Granting of Independence to Colonial "
                        "Countries and Peoples")
    child = cover(*masthead("General Assembly"),
                  ln("Human Rights Council", 624, x=57, size=12, bold=True),
                  ln("Expert Mechanism on the Rights of Indigenous Peoples", 612, x=57,
                     bold=True),
                  ln("Eighteenth session", 600, x=57, bold=True),
                  ln("Annotated provisional agenda", 532, x=113, size=14, bold=True))
    assert child.body == "Expert Mechanism on the Rights of Indigenous Peoples"


def test_a_bare_executive_board_is_named_with_the_fund_above_it():
    got = cover(*masthead("Economic and Social Council"),
                ln("United Nations Children’s Fund", 568, x=60, size=12, bold=True),
                ln("Executive Board", 555, x=60),
                ln("First regular session 2025", 543, x=60, bold=True),
                ln("Draft decision submitted to the Executive Board", 489, bold=True))
    assert got.body == "Executive Board of the United Nations Children’s Fund"


def test_a_title_in_the_text_column_is_never_the_slug_body():
    # printed where the title prints, "… Mission in Libya" is the report's subject
    got = cover(*masthead("Security Council"),
                ln("Committee on Something Else", 567, size=14, bold=True),
                ln("Report of the Secretary-General", 542, size=12, bold=True))
    assert got.body == "Security Council"


def test_report_of_a_body_on_its_session_names_that_body():
    got = cover(*masthead("General Assembly"),
                ln("Eightieth session", 570, x=60, bold=True),
                ln("Report of the Human Rights Council on its fifty-eighth session", 500,
                   size=14, bold=True))
    assert got.body == "Human Rights Council"


def test_conference_name_stops_before_its_theme():
    got = cover(ln("United Nations  A/CONF.230/2025/1", 734),
                ln("Distr.: General", 704, x=397), ln("6 February 2025", 692, x=397),
                ln("2025 United Nations Conference to Support the", 567, x=60, size=12,
                   bold=True),
                ln("Implementation of Sustainable Development", 553, x=60, size=12, bold=True),
                ln("Goal 14: Conserve and sustainably use the", 540, x=60, size=12, bold=True),
                ln("oceans, seas and marine resources", 526, x=60, size=12, bold=True),
                ln("Nice, France, 9–13 June 2025", 500, x=60),
                ln("Provisional agenda", 444, size=14, bold=True))
    assert got.body == ("2025 United Nations Conference to Support the Implementation of "
                        "Sustainable Development Goal 14")
    assert got.date == "6 February 2025"
