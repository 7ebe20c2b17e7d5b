"""Build the garcia PDF drafts from their Markdown sources, deterministically.

Run with:  /work/main/.venv/bin/python src/build.py   (from the garcia folder or anywhere)

Each source in SOURCES is a small Markdown subset: one "# " title line, "## " headings,
paragraphs, "- " bullets, "1. " numbered items, "**bold**" runs and pipe tables. Tables are
drawn with bordered cells (fpdf2 table API). Core Helvetica fonts only, so text must be latin-1.
A fixed creation date and fixed metadata make the output byte-identical between runs.
"""

from datetime import datetime, timezone
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "drafts"

# source file -> (author shown in metadata, fixed creation date)
SOURCES = {
    "corranmouth_offshore_port_lis.md": ("Corran Estuary Local Enterprise Partnership",
                                         datetime(2020, 9, 14, 9, 0, 0, tzinfo=timezone.utc)),
    "orebridge_steel_town_lis.md": ("Carrick Lowe Associates",
                                    datetime(2020, 11, 2, 9, 0, 0, tzinfo=timezone.utc)),
}


class DraftPDF(FPDF):
    def __init__(self, doc_title):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc_title = doc_title
        self.set_margins(20, 22, 20)
        self.set_auto_page_break(auto=True, margin=20)

    def header(self):
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(90, 90, 90)
        self.set_y(10)
        self.cell(0, 5, self.doc_title, align="L")
        self.ln(5)
        self.set_draw_color(160, 160, 160)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_text_color(0, 0, 0)
        self.set_y(22)

    def footer(self):
        self.set_y(-14)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0, 0, 0)


def split_row(line):
    cells = line.strip().strip("|").split("|")
    return [c.strip() for c in cells]


def is_separator(line):
    body = line.strip().strip("|").replace("|", "").replace("-", "").replace(":", "").strip()
    return body == "" and "-" in line


def draw_table(pdf, rows):
    header, body = rows[0], rows[1:]
    ncols = len(header)
    pdf.set_font("Helvetica", "", 8.5)
    avail = pdf.w - pdf.l_margin - pdf.r_margin
    cols = [[r[i] if i < len(r) else "" for r in rows] for i in range(ncols)]
    # each column at least as wide as its longest word (bold for the heading row)
    minimum = []
    for col in cols:
        words = [w for c in col[1:] for w in c.split()] or [""]
        widest = max(pdf.get_string_width(w) for w in words)
        pdf.set_font("Helvetica", "B", 8.5)
        widest = max([widest] + [pdf.get_string_width(w) for w in col[0].split()])
        pdf.set_font("Helvetica", "", 8.5)
        minimum.append(widest + 3.5)
    # share the remaining width by the average amount of text in each column
    spare = max(avail - sum(minimum), 0)
    demand = [sum(pdf.get_string_width(c) for c in col) / len(col) for col in cols]
    total = sum(demand) or 1
    widths = tuple(round(m + spare * d / total, 2) for m, d in zip(minimum, demand))
    heading = FontFace(emphasis="BOLD", fill_color=(225, 225, 225))
    with pdf.table(col_widths=widths, line_height=4.6, text_align="LEFT",
                   headings_style=heading, borders_layout="ALL", padding=1.2) as table:
        for r in [header] + body:
            row = table.row()
            for i in range(ncols):
                row.cell(r[i] if i < len(r) else "")
    pdf.ln(3)


def flush_para(pdf, para):
    if not para:
        return
    text = " ".join(para)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 5, text, markdown=True, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def build(src_name, author, created):
    lines = (HERE / src_name).read_text(encoding="utf-8").splitlines()
    title = lines[0][2:].strip()
    pdf = DraftPDF(title)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator("garcia src/build.py")
    pdf.set_subject("Draft Local Industrial Strategy")
    pdf.set_creation_date(created)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    para, table = [], []
    i = 1
    while i < len(lines):
        line = lines[i]
        if line.startswith("|"):
            flush_para(pdf, para)
            para = []
            if not is_separator(line):
                table.append(split_row(line))
            i += 1
            continue
        if table:
            draw_table(pdf, table)
            table = []
        stripped = line.strip()
        if not stripped:
            flush_para(pdf, para)
            para = []
        elif stripped.startswith("## "):
            flush_para(pdf, para)
            para = []
            pdf.ln(2)
            pdf.set_font("Helvetica", "B", 12)
            pdf.multi_cell(0, 6, stripped[3:], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif stripped.startswith("- ") or (stripped[:1].isdigit() and stripped[1:3] == ". "):
            flush_para(pdf, para)
            para = []
            if stripped.startswith("- "):
                marker, text = "-", stripped[2:]
            else:
                marker, text = stripped[:2], stripped[3:]
            pdf.set_font("Helvetica", "", 10)
            pdf.set_x(pdf.l_margin + 4)
            pdf.cell(5, 5, marker)
            pdf.multi_cell(0, 5, text, markdown=True, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        else:
            para.append(stripped)
        i += 1
    flush_para(pdf, para)
    if table:
        draw_table(pdf, table)

    out = OUT / (Path(src_name).stem + ".pdf")
    pdf.output(str(out))
    return out


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (author, created) in SOURCES.items():
        print(build(name, author, created))


if __name__ == "__main__":
    main()
