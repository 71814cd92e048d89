"""Tables in PDFs: one passage per table, whole, rows readable with their column names."""

from __future__ import annotations

from pathlib import Path

from paracite.documents import DocumentInfo
from paracite.parsing.pdf import parse_pdf
from paracite.parsing.un_structure import recover
from tests.pdfgen import UNDoc

COLUMNS = (0.0, 32.0, 72.0)  # mm right of the margin


def _row(pdf: UNDoc, cells: list[str], size: float = 10, gap: float = 0.0) -> None:
    """One table line: each non-empty cell drawn at its column, on the same baseline."""
    pdf.base += (1.2 * size + gap) / pdf.k
    pdf.set_font(pdf.family, size=size)
    for x, cell in zip(COLUMNS, cells, strict=True):
        if cell:
            pdf.text(pdf.l_margin + x, pdf.base, pdf.clean(cell))


def _officers_pdf(path: Path, header_size: float = 7) -> Path:
    pdf = UNDoc("E/TEST/28", "25-01234")
    pdf.start_body()
    pdf.line("1. The following officers were elected by acclamation:", gap=4)
    _row(pdf, ["Office", "Regional group", "Officer"], size=header_size, gap=8)
    _row(pdf, ["Chair", "Asia-Pacific States", "Shambhu Kumaran (India)"], gap=6)
    _row(pdf, ["First Vice-Chair", "Eastern European States", "Andranik Hovhannisyan"], gap=6)
    _row(pdf, ["Second Vice-Chair", "Western European and", "Peter Potman (Kingdom"], gap=6)
    _row(pdf, ["", "other States", "of the Netherlands)"])
    _row(pdf, ["Rapporteur", "African States", "Mohamed Amine Boukhris"], gap=6)
    pdf.line("2. In accordance with Council resolution 1991/39, a group of the Chairs "
             "of the regional groups assists the Chair.", gap=10)
    pdf.output(str(path))
    return path


def _passages(path: Path):
    parsed = parse_pdf(path)
    return recover(parsed.blocks, DocumentInfo(id="t", title="t", source=path.name))


def test_officers_table_is_one_passage_with_its_header_and_named_cells(tmp_path):
    passages = _passages(_officers_pdf(tmp_path / "officers.pdf"))
    tables = [p for p in passages if p.kind == "table"]
    assert len(tables) == 1
    table = tables[0]
    assert table.paragraph == "table 1"
    lines = table.text.split("\n")
    assert lines[0] == "Office | Regional group | Officer"
    assert lines[1] == ("Office: Chair; Regional group: Asia-Pacific States; "
                        "Officer: Shambhu Kumaran (India)")
    # a cell wrapped over two lines stays one cell of its row
    assert lines[3] == ("Office: Second Vice-Chair; Regional group: Western European and "
                        "other States; Officer: Peter Potman (Kingdom of the Netherlands)")
    assert len(lines) == 5  # header and four rows, nothing else


def test_paragraphs_around_a_table_keep_their_numbers_and_text(tmp_path):
    by = {p.paragraph: p for p in _passages(_officers_pdf(tmp_path / "officers.pdf"))}
    assert by["1"].text == "1. The following officers were elected by acclamation:"
    assert by["2"].text.startswith("2. In accordance with Council resolution 1991/39")
    assert "Chair" not in by["1"].text.replace("elected", "")


def test_table_whose_first_line_looks_like_the_rows_has_no_header(tmp_path):
    passages = _passages(_officers_pdf(tmp_path / "plain.pdf", header_size=10))
    table = next(p for p in passages if p.kind == "table")
    lines = table.text.split("\n")
    assert lines[0] == "Office | Regional group | Officer"
    assert lines[1] == "Chair | Asia-Pacific States | Shambhu Kumaran (India)"


def test_justified_paragraph_text_is_never_a_table(tmp_path):
    pdf = UNDoc("E/TEST/29", "25-01235")
    pdf.start_body()
    for n in range(1, 4):
        pdf.line(f"{n}. The Commission considered the item at its meetings and heard", gap=8)
        pdf.line("statements by the representatives of several Member States and of the")
        pdf.line("observers for intergovernmental organizations.")
    pdf.output(str(tmp_path / "prose.pdf"))
    passages = _passages(tmp_path / "prose.pdf")
    assert [p.paragraph for p in passages if p.kind != "front_matter"] == ["1", "2", "3"]


def test_cover_gives_title_and_issuing_body_not_the_agenda_item_line(tmp_path):
    pdf = UNDoc("E/CN.9/2025/4", "25-01236")
    pdf.start_body()
    for text, size in [("Economic and Social Council", 14), ("Distr.: General", 9),
                       ("12 March 2025", 9), ("Commission on Population and Development", 11),
                       ("Fifty-eighth session", 10), ("Item 3 of the provisional agenda*", 10),
                       ("Report of the Secretary-General on population", 14),
                       ("and sustainable development", 14), ("Summary", 12)]:
        pdf.line(text, size=size, gap=6)
    pdf.line("1. The present report responds to resolution 2024/1.", gap=12)
    pdf.output(str(tmp_path / "cover.pdf"))
    parsed = parse_pdf(tmp_path / "cover.pdf")
    assert parsed.title == ("Report of the Secretary-General on population and sustainable "
                            "development")
    assert parsed.body == "Economic and Social Council"
    assert parsed.date == "12 March 2025"
