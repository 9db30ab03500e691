"""The notebook runner stores printed text independently of how the kernel chunked it."""

from __future__ import annotations

import nbformat

from llzo.pipeline.notebook import strip_timestamps


def _nb(outputs):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print('a'); print('b')")
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    nb.cells.append(cell)
    return nb


def test_stream_chunking_does_not_change_the_notebook():
    one = _nb([{"output_type": "stream", "name": "stdout", "text": "a\nb\n"}])
    two = _nb([{"output_type": "stream", "name": "stdout", "text": "a\n"},
               {"output_type": "stream", "name": "stdout", "text": "b\n"}])
    for nb in (one, two):
        strip_timestamps(nb)
    assert nbformat.writes(one) == nbformat.writes(two)


def test_other_outputs_stay_apart():
    nb = _nb([{"output_type": "stream", "name": "stdout", "text": "a\n"},
              {"output_type": "stream", "name": "stderr", "text": "w\n"},
              {"output_type": "execute_result", "data": {"text/plain": "1"}, "metadata": {}, "execution_count": 1},
              {"output_type": "stream", "name": "stdout", "text": "b\n"}])
    strip_timestamps(nb)
    assert [o["output_type"] for o in nb.cells[0].outputs] == ["stream", "stream", "execute_result", "stream"]
