"""A third party's view of a DOCX, for the quote-template tests: python-docx (PyPI) writes the
template and reads back what Gatehouse filled. Word splits text into runs; so does this
template, on purpose, inside a placeholder.

    docx_tool.py make <path>   writes a template
    docx_tool.py read <path>   prints the document's text as JSON
"""
import json
import sys

import docx


def make(path):
    d = docx.Document()
    d.add_heading("Quote {{quote.number}}", level=1)
    p = d.add_paragraph("Dear ")
    p.add_run("{{customer.").bold = True
    p.add_run("name}}, here is our offer, valid until {{quote.valid_until}}.")
    table = d.add_table(rows=2, cols=4)
    for cell, text in zip(table.rows[0].cells, ["Product", "Quantity", "Unit price", "Total"]):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells,
        ["{{line.product}}", "{{line.quantity}}", "{{line.unit_price}}", "{{ line.total }}"],
    ):
        cell.text = text
    d.add_paragraph("Subtotal {{totals.subtotal}}; tax {{totals.tax}}; total {{totals.total}}")
    d.sections[0].footer.paragraphs[0].text = "{{workspace.name}}"
    d.save(path)


def read(path):
    d = docx.Document(path)
    print(
        json.dumps(
            {
                "paragraphs": [p.text for p in d.paragraphs],
                "table": [[c.text for c in row.cells] for t in d.tables for row in t.rows],
                "footer": [p.text for p in d.sections[0].footer.paragraphs],
            }
        )
    )


if __name__ == "__main__":
    {"make": make, "read": read}[sys.argv[1]](sys.argv[2])
