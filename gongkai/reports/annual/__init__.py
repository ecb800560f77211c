"""The statutory annual report (条例第四十九条、第五十条), computed from the data.

formats   the 2019 and 2021 templates (rows, columns, labels), by report year
table2/3/4  the figures, each table in a few GROUP BY queries
checks    reconciliation (pure, over the figures)
text      draft wording of the text sections
build     one report's figures for a body (or a government with its departments) and year
layout    the tables cell by cell as on the national form; render_* draw them
"""
