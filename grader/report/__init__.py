"""Item analytics of an assignment as an HTML report with matplotlib plots."""

from grader.report.analytics import item_statistics
from grader.report.build import ReportResult, build_report

__all__ = ["ReportResult", "build_report", "item_statistics"]
