"""The warm workers on their own: what a child reports, including when it cannot start."""

from __future__ import annotations

import pytest

from grader.grade.sandbox import Limits, visible_paths
from grader.grade.workers import Job, WorkerPool

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    with WorkerPool(1) as workers:
        workers.configure(Limits(cell_timeout=5), visible_paths())
        yield workers


def _run(pool: WorkerPool, job: Job):
    pool.submit(job)
    result = pool.next_result(120)
    assert result is not None and result.key == job.key
    return result


def test_outputs_are_nbformat_outputs(pool, tmp_path):
    cells = ["x = 41\nx + 1", None, "import sys\nprint('a')\nprint('b', file=sys.stderr)", "1/0"]
    result = _run(pool, Job("s/nb", str(tmp_path), cells))
    assert result.outputs[0][0]["output_type"] == "execute_result"
    assert result.outputs[0][0]["data"]["text/plain"] == "42"
    assert 1 not in result.outputs  # markdown cells are not run
    streams = {o["name"]: o["text"] for o in result.outputs[2]}
    assert streams == {"stdout": "a\n", "stderr": "b\n"}
    assert result.outputs[3][0]["ename"] == "ZeroDivisionError"


def test_a_child_that_cannot_start_runs_nothing_and_says_why(pool, tmp_path):
    result = _run(pool, Job("s/nb", str(tmp_path / "missing"), ["1 + 1"]))
    assert result.outputs == {}
    assert result.incidents and result.incidents[0].cell == -1
    assert "FileNotFoundError" in result.incidents[0].detail


def test_a_figure_is_shown_inline_without_preloading_matplotlib(pool, tmp_path):
    """As under ipykernel, the first pyplot import hooks the inline backend into the shell."""
    cells = ["import matplotlib.pyplot as plt\nplt.plot([1, 3, 2]);", "len(plt.get_fignums())"]
    result = _run(pool, Job("s/nb", str(tmp_path), cells))
    shown = [o for o in result.outputs[0] if o["output_type"] == "display_data"]
    assert len(shown) == 1 and "image/png" in shown[0]["data"]
    assert result.outputs[1][0]["data"]["text/plain"] == "0"  # closed after its cell
