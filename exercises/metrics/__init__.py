"""Module 08 (« Mesurer sans se mentir »): a fictional brand page per student, figure checks.

``generate`` and ``write_csv`` make the data of one student (see ``dataset``);
``describe`` and ``check_figure`` read a matplotlib figure for the tests (see ``figures``).
"""

from exercises.metrics.dataset import BRAND, PAGE, generate, write_csv
from exercises.metrics.figures import check_figure, describe

__all__ = ["BRAND", "PAGE", "check_figure", "describe", "generate", "write_csv"]
