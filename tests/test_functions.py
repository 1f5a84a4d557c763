import numpy as np
import pytest

from common import functions
from common.functions import (
    label_indices,
    log_softmax,
    relu,
    sigmoid,
    softmax,
    softmax_cross_entropy,
)


def test_softmax_rows_sum_to_one_and_survive_huge_scores():
    x = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]])
    y = softmax(x)
    assert np.all(np.isfinite(y))
    np.testing.assert_allclose(y.sum(axis=1), 1.0)
    np.testing.assert_allclose(y[0], softmax(np.array([0.0, 1.0, 2.0])))


def test_log_softmax_matches_log_of_softmax_where_both_are_finite():
    x = np.linspace(-3, 3, 12).reshape(3, 4)
    np.testing.assert_allclose(log_softmax(x), np.log(softmax(x)), rtol=1e-12)


def test_softmax_cross_entropy_is_exact_for_extreme_scores():
    # The true class has score 0, another 800: loss is exactly 800 (log-softmax), not a clipped log.
    x = np.array([[0.0, 800.0]])
    assert softmax_cross_entropy(x, np.array([0])) == pytest.approx(800.0)


def test_cross_entropy_labels_as_indices_or_one_hot():
    y = np.array([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]])
    t_idx = np.array([1, 0])
    t_hot = np.eye(3)[t_idx]
    expected = -(np.log(0.7) + np.log(0.5)) / 2
    assert softmax_cross_entropy(np.log(y), t_idx) == pytest.approx(expected)
    assert softmax_cross_entropy(np.log(y), t_hot) == pytest.approx(expected)


def test_sigmoid_is_stable_and_symmetric():
    x = np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = sigmoid(x)
    np.testing.assert_allclose(s + sigmoid(-x), 1.0)
    assert s[2] == 0.5 and s[0] == 0.0 and s[-1] == 1.0


def test_relu():
    np.testing.assert_array_equal(relu(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 3.0])


def test_one_hot_width_mismatch_is_named():
    with pytest.raises(ValueError, match=r"one-hot labels have shape \(2, 4\), the scores have \(2, 3\)"):
        softmax_cross_entropy(np.zeros((2, 3)), np.zeros((2, 4)))


def test_label_indices_accepts_indices_and_one_hot_rows():
    t = np.array([2, 0, 1, 2])
    for labels in (t, t.astype(np.int8), t.astype(np.uint8), t.astype(float), np.eye(3)[t], list(t)):
        out = label_indices(labels, 4, 3)
        np.testing.assert_array_equal(out, t)
        assert out.dtype == np.intp


@pytest.mark.parametrize("labels, n_samples, message", [
    (np.array([0, 12, 3]), 3, r"0\.\.9 for 10 classes, got values from 0 to 12"),   # out of range
    (np.array([0, -1, 3]), 3, r"0\.\.9 for 10 classes, got values from -1 to 3"),   # negative: would index from the end
    (np.array([0.0, 1.5, 3.0]), 3, "integer class indices, got dtype float64"),   # not whole numbers
    (np.array([0.0, np.nan, 3.0]), 3, "integer class indices"),
    (np.array(["0", "1", "3"]), 3, "integer class indices"),
    (np.array([0, 1, 3]), 4, r"labels have shape \(3,\), expected \(4,\) or \(4, 10\)"),  # one label short
    (np.array([[0], [1], [3]]), 3, r"one-hot labels have shape \(3, 1\)"),   # a column, not a vector
    (np.array(3), 1, r"labels have shape \(\)"),
])
def test_label_indices_names_what_is_wrong(labels, n_samples, message):
    with pytest.raises(ValueError, match=message):
        label_indices(labels, n_samples, 10)


def test_the_loss_checks_its_labels():
    x = np.linspace(-1, 1, 6).reshape(2, 3)
    with pytest.raises(ValueError, match="0..2 for 3 classes"):
        softmax_cross_entropy(x, np.array([0, 3]))
    with pytest.raises(ValueError, match="got values from -1"):
        softmax_cross_entropy(x, np.array([0, -1]))


def test_functions_keep_float32():
    x = np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4)
    for f in (sigmoid, relu, softmax, log_softmax):
        assert f(x).dtype == np.float32, f.__name__


def test_the_deleted_helpers_are_gone():
    # the layers compute their own derivatives; a second copy here could only drift apart
    for name in ("identity", "sigmoid_grad", "relu_grad", "cross_entropy_error"):
        assert not hasattr(functions, name), name
