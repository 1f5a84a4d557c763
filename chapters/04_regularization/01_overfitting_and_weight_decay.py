# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 4.1 Overfitting and weight decay
#
# A network with over a hundred thousand weights can memorize a few hundred
# training images. It then scores 100 % on them and much less on images it has
# never seen: it **overfits**. This section provokes overfitting on purpose,
# with the settings of "Deep Learning from Scratch" (chapter 6), and fights it
# with the first classic remedy, **weight decay**. It then does what the
# original does not: it chooses the strength of the decay on held-out
# **validation data**, and only then looks at the test data, once.
#
# **Learning goals.** After this section you can
#
# - recognize overfitting in the train and test accuracy curves and measure it
#   as the *generalization gap* (train accuracy minus test accuracy);
# - add weight decay to the loss and to the gradient, and find both lines in
#   the library's code;
# - say what weight decay did to the weights here: it shrank the random initial
#   weights, which training alone hardly changed in size;
# - choose λ on validation data, and read the test accuracy only for the
#   choice.

# %% jupyter={"source_hidden": true} tags=["remove-cell"]
# Opened alone (Binder, Colab, a JupyterHub)? Install the book's package first.
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("common") is None:
    source = os.environ.get("BOOK_PACKAGE", "git+https://github.com/OWNER/training-techniques@main")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", source], check=True)
    importlib.invalidate_caches()

# %%
import matplotlib.pyplot as plt
import numpy as np

from common.display.regularization import accuracy_curves, sweep
from common.display.report import approx, seed_summary
from common.display.source import show
from common.experiments.classic import build_network, by_label, overfit_weight_decay, seed_pairs, train_run
from common.experiments.regularization_runs import N_VALIDATION, decay_sweep, train_runs
from common.networks import MultiLayerNet
from common.optimizers import SGD
from dataset.mnist import load_mnist

(x_train, t_train), (x_test, t_test) = load_mnist()
MNIST = (x_train, t_train, x_test, t_test)

# %% [markdown]
# ## Overfitting on purpose
#
# The original provokes overfitting with two choices: very little data and a
# big network. We take the same settings:
#
# | setting | value |
# |---|---|
# | training data | the first 300 MNIST training images |
# | network | 784 → 6 hidden layers × 100 (ReLU, He initialization) → 10, i.e. 7 Affine layers |
# | optimizer | SGD, η = 0.01, mini-batches of 100 |
# | length | 200 epochs (3 updates each), accuracy on the 300 training and all 10000 test images after every epoch |
#
# The original loops until it has evaluated 201 times and calls that "201
# epochs". Our `Trainer` evaluates once before training and after each epoch,
# so 200 epochs give the same 201 points (600 updates against the original's
# 601). Our mini-batches come from a fresh shuffle each epoch, so every image
# is used once per epoch; the original draws each batch with replacement. The
# networks are built in single precision (`float32`): accuracy is a count of
# correct answers and does not need float64.
#
# `overfit_weight_decay` (in `common/experiments/classic.py`, shared with the
# benchmarks) describes these runs as data; `train_run` builds the network from
# the initial-weight seed and trains it with its own seed for the mini-batches.
#
# **Predict before you run.** With 300 images and about 130 000 weights, where
# will the training accuracy end after 200 epochs? And the test accuracy?

# %% tolerance={"abs": 0.03}
plain_run = overfit_weight_decay(lambdas=[0.0], evaluate_every=1)[0]
_, history_plain, net_plain = train_run(plain_run, MNIST)
train_plain, test_plain = history_plain["train_acc"][-1], history_plain["test_acc"][-1]
print(f"train accuracy {approx(train_plain, 3)}, test accuracy {approx(test_plain, 3)}, "
      f"gap {approx(train_plain - test_plain, 3)}")
assert train_plain >= 0.99, train_plain                 # the training set is (almost) memorized
assert train_plain - test_plain > 0.2, test_plain       # ...and the test accuracy lags far behind

# %%
accuracy_curves({"no regularization": history_plain}, "Overfitting: 300 training images, 7-layer network",
                "04_overfitting")
plt.show()

# %% [markdown]
# The training accuracy climbs to 100 % (`images/04_overfitting.png`); the
# test accuracy stalls in the mid-seventies. From then on the network learns
# nothing that carries over to new images: it has memorized the 300.
#
# ## Did the weights grow?
#
# A common story says that overfitting networks have large weights, which bend
# the decision boundaries sharply around single training images. Let us
# measure instead of believing it: the sum of the squared weights,
# $\sum_l \lVert W_l\rVert^2$ over the seven weight matrices (biases
# excluded), at initialization and after the 600 updates that memorized the
# training set.

# %% tolerance={"rel": 0.02}
def squared_weight_norm(network):
    """Sum over the weight matrices of ||W_l||^2 (biases excluded), in float64."""
    return sum(float(np.sum(network.params[key].astype(np.float64) ** 2)) for key in network.weight_keys)


norm_initial = squared_weight_norm(build_network(plain_run))   # the same initial weights again
norm_memorized = squared_weight_norm(net_plain)
growth = norm_memorized / norm_initial - 1
print(f"sum ||W||^2 at initialization: {norm_initial:.0f}, after memorizing: {approx(norm_memorized, 0):.0f} "
      f"(+{approx(100 * growth, 1)} %)")
assert 0 < growth < 0.05, growth      # the memorizing network's weights grew by a few percent at most

# %% [markdown]
# The weights barely grew: a few percent. With He initialization the random
# starting weights are already large (their squared sum is over a thousand),
# and 600 small SGD steps move them only a little. Whatever this network
# memorized, it did so with weights of about the size it started with. Keep
# this number in mind: it will tell us what weight decay actually does here.
#
# ## Weight decay
#
# **Weight decay** adds a penalty on the size of the weights to the loss,
#
# $$L_\lambda(W) = L(W) + \frac{\lambda}{2}\sum_{l} \lVert W_l \rVert_2^2 ,$$
#
# summed over the weight matrices of all layers (the biases are not penalized,
# as in the original). Its gradient adds $\lambda W_l$ to each weight gradient,
# so one SGD step becomes
#
# $$W \leftarrow W - \eta(\nabla_W L + \lambda W) = (1 - \eta\lambda)\,W - \eta\nabla_W L :$$
#
# before each ordinary step, every weight shrinks by the factor $1-\eta\lambda$,
# which is where the name comes from. Here are the lines that do it in the
# library, `common/networks.py`: the penalty,

# %%
show(MultiLayerNet.weight_penalty)

# %% [markdown]
# which `loss` adds to the cross-entropy, and the gradient, whose last lines
# add $\lambda W$ to each weight matrix's gradient after backpropagation:

# %%
show(MultiLayerNet.loss, MultiLayerNet.loss_and_gradient)

# %% [markdown]
# How large is the penalty at the start? With the original's λ = 0.1 it is
# $\frac{0.1}{2}$ times the squared sum above:

# %%
probe = build_network(overfit_weight_decay(lambdas=[0.1])[0])     # the same initial weights, λ = 0.1
print(f"penalty at initialization: {probe.weight_penalty():.1f}; "
      f"cross-entropy of a uniform guess: ln 10 = {np.log(10):.2f}")

# %% [markdown]
# About 60, more than 25 times the cross-entropy of a random guess: from the first
# step, shrinking the weights is a large part of what SGD does. Now the
# overfitting experiment with λ = 0.1, as in the original, evaluated every
# fifth epoch (evaluation draws no random numbers, so the training is the
# same whatever we evaluate).

# %% tolerance={"abs": 0.03, "rel": 0.02}
_, history_decay, net_decay = train_run(overfit_weight_decay(lambdas=[0.1], evaluate_every=5)[0], MNIST)
train_decay, test_decay = history_decay["train_acc"][-1], history_decay["test_acc"][-1]
norm_decay = squared_weight_norm(net_decay)
print(f"λ = 0.1: train accuracy {approx(train_decay, 3)}, test accuracy {approx(test_decay, 3)}, "
      f"gap {approx(train_decay - test_decay, 3)}")
print(f"sum ||W||^2: {norm_initial:.0f} at initialization, {approx(norm_decay, 0):.0f} after training "
      f"({approx(100 * norm_decay / norm_initial, 1)} % of it)")
assert (train_plain - test_plain) - (train_decay - test_decay) > 0.03   # a smaller gap...
assert train_decay < 0.97                                                # ...because memorization stopped
assert test_decay < test_plain                                           # ...and the test accuracy did not rise
assert norm_decay < 0.5 * norm_initial, norm_decay                      # the weights shrank to under half

# %%
accuracy_curves({"weight decay λ=0.1": history_decay}, "Weight decay λ = 0.1 against no regularization",
                "04_weight_decay", reference=("no regularization", history_plain))
plt.show()

# %% [markdown]
# With λ = 0.1 the network no longer memorizes the training images, and the
# gap shrinks (`images/04_weight_decay.png`). Look at *how*: the training
# accuracy came down to meet the test accuracy, and the test accuracy did not
# rise. And look at the weights: their squared sum fell to a fraction of its
# starting value. Training alone changed it by a few percent; weight decay
# works here by **shrinking the random initial weights**, not by stopping a
# growth that was not happening. A network with smaller weights computes a
# smoother, less sharply bent function, and that is what it is pushed towards.
#
# Is λ = 0.1 a good value? One run of one λ cannot say. λ is a
# **hyperparameter**, and choosing it needs data that is neither trained on
# nor used for the final verdict.
#
# ## Choosing λ on validation data
#
# We hold out **validation data**: the 1000 MNIST training images after the
# first 300, never trained on. For each λ in a small grid and for five seeds,
# we train as above and measure the accuracy on these 1000 images at the end
# (`decay_sweep` in `common/experiments/regularization_runs.py` turns each run
# into one that reports validation accuracy and never touches the test
# images). We choose the λ with the best mean validation accuracy. Only then do
# we measure the test accuracy, once, for the chosen λ and for λ = 0.
#
# **Predict before you run.** Which λ of 0, 0.01, 0.03, 0.1 and 0.3 will the
# validation data choose?

# %% tolerance={"abs": 0.03}
LAMBDAS = [0.0, 0.01, 0.03, 0.1, 0.3]
SEEDS = seed_pairs(5)
swept = train_runs(decay_sweep(LAMBDAS, SEEDS), MNIST)
validation = by_label(swept, lambda result: result.history["validation_acc"][-1])   # {λ: 5 seeds}
train = by_label(swept, lambda result: result.history["train_acc"][-1])
print(f"validation accuracy on {N_VALIDATION} held-out images:")
print(seed_summary({f"λ = {lam}": validation[lam] for lam in LAMBDAS}))
chosen = max(LAMBDAS, key=lambda lam: validation[lam].mean())
print("chosen on validation data: λ =", chosen)

# %%
sweep(LAMBDAS, train, validation, "weight decay λ", "Final accuracy after 200 epochs, 5 seeds",
      "04_weight_decay_lambda", chosen=chosen)
plt.show()

# %% [markdown]
# Read `images/04_weight_decay_lambda.png` from left to right. Small λ
# (0.01, 0.03) still memorizes the training set and scores a little higher
# on validation data than λ = 0. The original's λ = 0.1 stops the
# memorization and scores lower. At λ = 0.3 the penalty wins: the weights
# collapse and the network learns almost nothing, on training and validation
# data alike. This is **underfitting**, the opposite failure, and its gap is
# tiny because there is nothing left to generalize. So a small gap is a
# diagnostic, not a goal.

# %% tolerance={"abs": 0.03}
assert chosen in (0.01, 0.03), chosen
assert np.all(validation[0.1] < validation[0.0]), validation[0.1]    # the untuned λ = 0.1: lower in every seed
assert np.all(train[0.3] < 0.3) and np.all(validation[0.3] < 0.3)    # λ = 0.3: hardly anything learned
print(f"λ = 0.3, mean train accuracy {approx(train[0.3].mean(), 3)}, "
      f"mean validation accuracy {approx(validation[0.3].mean(), 3)}")

# %% [markdown]
# Now, and only now, the test data: the networks of the chosen λ and of
# λ = 0, seed by seed.

# %% tolerance={"abs": 0.02}
trained = {(result.run.label, result.run.init_seed): result.network for result in swept}
test_accuracy = {lam: np.array([trained[lam, init_seed].accuracy(x_test, t_test) for init_seed, _ in SEEDS])
                 for lam in (0.0, chosen)}
gain = test_accuracy[chosen] - test_accuracy[0.0]
print(seed_summary({"test accuracy, λ = 0": test_accuracy[0.0], f"test accuracy, λ = {chosen}": test_accuracy[chosen],
                    "gain of the chosen λ": gain}))
assert gain.mean() > 0.002 and np.sum(gain > 0) >= 4, gain    # a small gain, in (nearly) every seed

# %% [markdown]
# Chosen on validation data, weight decay *raised* the test accuracy, by about
# a point on average. A small gain, but not nothing, and the opposite of what
# the untuned λ = 0.1 did. Both statements are true; which one you get
# depends on choosing λ properly. With only 300 images there is a limit to
# what any penalty can recover, and section 4.4 will meet a remedy of another
# kind.
#
# **How many test evaluations?** Each evaluation runs the network on all 10000
# test images, and evaluation, not training, dominates this section's run
# time:

# %%
test_evaluations = len(history_plain["epochs"]) + len(history_decay["epochs"]) + 2 * len(SEEDS)
print(f"evaluations on the 10000 test images in this section: {test_evaluations}")

# %% [markdown]
# The 201 of the first run make the curve; the sweep of 25 runs added none,
# and the verdict ten.
#
# ## Summary
#
# - With 300 images and a 7-layer network, training accuracy reaches 100 %
#   while test accuracy stalls near 75 %: overfitting.
# - The memorizing network's weights hardly grew; their squared sum is
#   dominated by the random initial weights.
# - Weight decay adds $\frac\lambda2\sum\lVert W\rVert^2$ to the loss and
#   $\lambda W$ to the gradient, shrinking every weight by $1-\eta\lambda$ per
#   step; at λ = 0.1 it shrank the initial weights to a fraction of their size,
#   stopped the memorization and lowered the validation accuracy.
# - Chosen on validation data, λ is small, and the test accuracy rose a
#   little. Too large a λ underfits: a tiny gap and nothing learned.
#
# ## Exercises
#
# ### Exercise 1: how fast does weight decay shrink?
#
# Work it out on paper first: with SGD, η = 0.01 and λ = 0.1, by what factor is
# every weight multiplied in one step, apart from the ordinary gradient step
# $-\eta\nabla_W L$? And how many steps (ignoring the data gradient) halve a
# weight? Set the two numbers (the number of steps rounded to the nearest
# integer); the self-check takes one real SGD step of a network.

# %% jupyter={"source_hidden": true} tags=["solution"]
# BEGIN SOLUTION
shrink_factor = 1 - 0.01 * 0.1
steps_to_halve = round(float(np.log(0.5) / np.log(shrink_factor)))
# END SOLUTION

# %% tags=["self-check"]
your_factor, your_steps = float(shrink_factor), int(steps_to_halve)
x_few, t_few = x_train[:20].astype(np.float64), t_train[:20]
decayed = MultiLayerNet(784, [30], 10, weight_decay_lambda=0.1, rng=np.random.default_rng(10))
data_only = MultiLayerNet(784, [30], 10, weight_decay_lambda=0.0, rng=np.random.default_rng(10))
before = decayed.params["W1"].copy()
data_gradient = data_only.gradient(x_few, t_few)["W1"].copy()
SGD(lr=0.01).update(decayed.params, decayed.gradient(x_few, t_few))
observed = (decayed.params["W1"] + 0.01 * data_gradient) / before      # undo the ordinary step
assert np.allclose(observed, your_factor, rtol=1e-9), "not the factor one SGD step applies: look at the update rule"
assert your_steps == round(float(np.log(0.5) / np.log(observed.flat[0]))), "count the steps again"
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: the weight decay gradient
#
# Write `weight_decay_gradient(params, weight_decay_lambda)` that returns a dict
# with the term weight decay adds to each **weight** gradient (keys `W1`, `W2`,
# …), and nothing for the biases. The self-check compares it with
# the difference of the gradients of two `MultiLayerNet`s with the same
# weights, with and without decay.

# %% jupyter={"source_hidden": true} tags=["solution"]
def weight_decay_gradient(params, weight_decay_lambda):
    # BEGIN SOLUTION
    return {key: weight_decay_lambda * value for key, value in params.items() if key.startswith("W")}
    # END SOLUTION


# %% tags=["self-check"]
with_decay = MultiLayerNet(784, [30, 30], 10, weight_decay_lambda=0.1, rng=np.random.default_rng(7))
your_terms = weight_decay_gradient(with_decay.params, 0.1)
without = MultiLayerNet(784, [30, 30], 10, weight_decay_lambda=0.0, rng=np.random.default_rng(7))
x_few, t_few = x_train[:20].astype(np.float64), t_train[:20]
grads_with, grads_without = with_decay.gradient(x_few, t_few), without.gradient(x_few, t_few)
assert sorted(your_terms) == ["W1", "W2", "W3"], (
    f"return one term per weight matrix (W1, W2, ...) and none for the biases; your keys: {sorted(your_terms)}")
for key in your_terms:
    assert np.allclose(grads_with[key] - grads_without[key], your_terms[key], atol=1e-12), f"{key} is off"
print("Exercise 2: correct")

# %% [markdown]
# ### Exercise 3: the one-standard-error rule
#
# Five seeds of validation accuracy are noisy, and λ values whose means differ
# by less than that noise are hard to tell apart. A common rule (Hastie et al.
# 2009, section 7.10) then prefers the *strongest* regularization whose mean is
# within one standard error of the best mean. Write
# `one_standard_error(scores)`: `scores` maps each λ to an array of validation
# accuracies (one per seed); find the λ with the best mean, its standard error
# $s/\sqrt{n}$ (sample standard deviation $s$ with `ddof=1`, $n$ seeds), and
# return the largest λ whose mean is at least the best mean minus that
# standard error. The self-check runs it on made-up scores and on this
# section's sweep.

# %% jupyter={"source_hidden": true} tags=["solution"]
def one_standard_error(scores):
    # BEGIN SOLUTION
    best = max(scores, key=lambda lam: np.mean(scores[lam]))
    standard_error = np.std(scores[best], ddof=1) / np.sqrt(len(scores[best]))
    return max(lam for lam in scores if np.mean(scores[lam]) >= np.mean(scores[best]) - standard_error)
    # END SOLUTION


# %% tags=["self-check"]
made_up = {0.0: np.array([0.70, 0.72, 0.74]), 0.1: np.array([0.71, 0.75, 0.79]),
           0.2: np.array([0.71, 0.73, 0.75]), 0.3: np.array([0.60, 0.62, 0.64])}
your_pick, your_sweep_pick = one_standard_error(made_up), one_standard_error(validation)
assert your_pick in made_up, "return one of the λ values (a key of scores)"
assert your_pick != 0.1, "the best mean is the starting point; look for a larger λ within one standard error"
assert your_pick == 0.2, "compare each mean with the best mean minus the best λ's standard error (ddof=1)"
assert your_sweep_pick in validation, "on this section's sweep, return one of the swept λ"


def within_one_standard_error(scores, lam):
    """Whether the mean of λ's scores is at least the best mean minus the best λ's standard error."""
    means = {key: np.mean(values) for key, values in scores.items()}
    best = max(means, key=means.get)
    return means[lam] >= means[best] - np.std(scores[best], ddof=1) / np.sqrt(len(scores[best]))


assert within_one_standard_error(validation, your_sweep_pick), (
    "on this section's sweep, your λ's mean is more than one standard error below the best mean")
assert not any(within_one_standard_error(validation, lam) for lam in validation if lam > your_sweep_pick), (
    "on this section's sweep, a larger λ is also within one standard error of the best mean")
print("Exercise 3: correct")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | overfitting | 過学習 | 过拟合 | Fitting the training data so closely that accuracy on new data suffers. |
# | underfitting | 学習不足 | 欠拟合 | Failing to fit even the training data, e.g. because a regularizer is too strong. |
# | generalization gap | 汎化ギャップ | 泛化差距 | Training accuracy minus test accuracy (or test loss minus training loss). |
# | regularization | 正則化 | 正则化 | Any change to training that aims at better accuracy on new data rather than on the training data. |
# | weight decay | 荷重減衰 | 权值衰减 | Shrinking the weights by the factor 1 − ηλ at every step. With plain SGD this is the same as adding the L2 penalty ½λ‖W‖² to the loss; with momentum or Adam the optimizer transforms the penalty's gradient λW and the two differ (AdamW decouples them). |
# | validation data | 検証データ | 验证数据 | Held-out samples, neither trained on nor used for the final test, on which hyperparameters such as λ are chosen. |
# | one-standard-error rule | 1標準誤差ルール | 一倍标准误规则 | Choosing the simplest (most regularized) setting whose validation score is within one standard error of the best. |
#
# See the whole [glossary](../glossary.md).
