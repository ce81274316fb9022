"""Module 08 (« Mesurer sans se mentir »): a fictional brand page per student, figure checks.

``generate`` and ``write_csv`` make the data of one student (see ``dataset``);
``describe`` and ``check_figure`` read a matplotlib figure for the tests (see ``figures``);
``nombre`` and ``tableau`` show numbers with decimal commas (see ``french``).
"""

from exercises.metrics.dataset import BRAND, PAGE, generate, write_csv
from exercises.metrics.figures import check_figure, describe
from exercises.metrics.french import nombre, tableau

__all__ = [
    "BRAND",
    "PAGE",
    "check_figure",
    "describe",
    "generate",
    "nombre",
    "tableau",
    "write_csv",
]
