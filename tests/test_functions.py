import numpy as np
import pytest

from common.functions import (
    cross_entropy_error,
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
    assert cross_entropy_error(y, t_idx) == pytest.approx(expected)
    assert cross_entropy_error(y, t_hot) == pytest.approx(expected)
    assert softmax_cross_entropy(np.log(y), t_idx) == pytest.approx(expected)


def test_cross_entropy_of_a_zero_probability_is_infinite_not_clipped():
    assert cross_entropy_error(np.array([[1.0, 0.0]]), np.array([1])) == np.inf


def test_sigmoid_is_stable_and_symmetric():
    x = np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = sigmoid(x)
    np.testing.assert_allclose(s + sigmoid(-x), 1.0)
    assert s[2] == 0.5 and s[0] == 0.0 and s[-1] == 1.0


def test_relu():
    np.testing.assert_array_equal(relu(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 3.0])


def test_one_hot_width_mismatch_is_named():
    with pytest.raises(ValueError, match="4 columns"):
        softmax_cross_entropy(np.zeros((2, 3)), np.zeros((2, 4)))
