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
# # 4.4 Data augmentation and early stopping
#
# Weight decay and dropout change how the network learns from its 300 images.
# This section looks at two remedies of another kind. **Data augmentation**
# gives the network more images to learn from, made from the ones it has.
# **Early stopping** decides how long to learn: it watches the accuracy on
# validation data while training, stops when that has not improved for a
# while, and goes back to the best weights seen.
#
# **Learning goals.** After this section you can
#
# - explain data augmentation, and why it can raise the test accuracy where a
#   penalty constrains the network;
# - say when early stopping pays (when later epochs learn something harmful)
#   and when it changes little;
# - write a patience rule as a training hook that stops, restores the best
#   weights and reports the compute saved;
# - say why choosing the stopping epoch on the test data gives an optimistic
#   score.

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
import inspect
from dataclasses import replace
from functools import partial

import matplotlib.pyplot as plt
import numpy as np

from common.augmentation import augment, shift
from common.display.regularization import accuracy_curves, augmented_digits, early_stopping
from common.display.report import approx, seed_summary
from common.experiments.classic import build_network, overfit_weight_decay, seed_pairs
from common.experiments.regularization_runs import train_runs
from common.experiments.trainer import Trainer
from common.networks import MultiLayerNet
from common.optimizers import SGD
from dataset.mnist import load_mnist

(x_train, t_train), (x_test, t_test) = load_mnist()
MNIST = (x_train, t_train, x_test, t_test)
SEEDS = seed_pairs(5)

# %% [markdown]
# ## Data augmentation: new images from old ones
#
# The real limit of section 4.1's experiment is the 300 images. **Data
# augmentation** makes more of them: it trains on random changes of the
# training images that keep their labels. A 3 shifted two pixels to the left,
# or turned by eight degrees, is still a 3. LeCun et al. (1998) already trained
# their MNIST networks on distorted copies of the training digits, and Simard
# et al. (2003) made such distortions a standard tool for handwriting.
#
# We use two changes, both in `common/augmentation.py` (numpy only, a whole
# batch at once):
#
# - a **shift** by whole pixels, $x'_{i,j} = x_{i-d_y,\,j-d_x}$ (0 where that is
#   outside the frame), with $d_x$ and $d_y$ drawn uniformly from
#   $\{-2, \dots, 2\}$;
# - a **rotation** about the center by an angle drawn uniformly from
#   $[-10°, 10°]$: each output pixel takes the input's value at the point that
#   the rotation moves onto it, interpolated between the four pixels around
#   that point (bilinear interpolation).
#
# `augment(x, rng, max_shift=2, max_degrees=10)` rotates each image of a batch
# and then shifts it, with its own random draw. The `Trainer` calls it on every
# training mini-batch (`Trainer(augment=...)`), so the network practically
# never sees the same image twice. Evaluation sees the images as they are.
# Six training digits and five random variants of each:

# %%
AUGMENT = partial(augment, max_shift=2, max_degrees=10)
examples = x_train[:6]
variants = [AUGMENT(examples, np.random.default_rng(seed)) for seed in range(5)]   # five independent draws
assert all(not np.array_equal(variant, examples) for variant in variants)         # each draw changes the batch
augmented_digits(examples, variants, t_train[:6], "04_augmented_digits")
plt.show()

# %% [markdown]
# The digits in `images/04_augmented_digits.png` move and tilt a little; none
# becomes another digit. (A 6 turned by 180° would be a 9: the changes must be
# small enough to keep the label.)
#
# We train the network of section 4.1 on the same 300 images, from five seeds,
# with augmentation and otherwise unchanged. One thing does change: a network
# that never sees the same image twice fits its training data more slowly, so
# we train **300 epochs** (900 updates) instead of 200. The plain network is
# trained from the same five seeds for its 200 epochs. The first seed of each
# is evaluated every 10 epochs, for the figure; the others only at the end.
#
# **Predict before you run.** Weight decay at λ = 0.1 and dropout at the
# original settings narrowed the gap by lowering the training accuracy. What
# will augmentation do to the training accuracy, and to the test accuracy?

# %% tolerance={"abs": 0.03}
plain_runs = [overfit_weight_decay(lambdas=(0.0,), evaluate_every=10 if k == 0 else 200, seeds=[seed])[0]
              for k, seed in enumerate(SEEDS)]
augmented_runs = [overfit_weight_decay(lambdas=(0.0,), epochs=300, evaluate_every=10 if k == 0 else 300,
                                       seeds=[seed])[0] for k, seed in enumerate(SEEDS)]
augmented_runs = [replace(run, label="augmentation", trainer={**run.trainer, "augment": AUGMENT})
                  for run in augmented_runs]
histories = [result.history for result in train_runs(plain_runs + augmented_runs, MNIST)]
plain, augmented = histories[:5], histories[5:]
test = {"no augmentation": np.array([h["test_acc"][-1] for h in plain]),
        "augmentation": np.array([h["test_acc"][-1] for h in augmented])}
train_accuracy = {"no augmentation": np.array([h["train_acc"][-1] for h in plain]),
         "augmentation": np.array([h["train_acc"][-1] for h in augmented])}
print("test accuracy, 5 seeds:")
print(seed_summary(test))
print("train accuracy (on the 300 original images):")
print(seed_summary(train_accuracy))
gain = test["augmentation"] - test["no augmentation"]
print(f"gain in test accuracy: from {approx(gain.min(), 3)} to {approx(gain.max(), 3)}")
assert np.all(gain > 0.02) and gain.mean() > 0.05, gain    # every seed: higher, by several points on average
assert np.all(train_accuracy["augmentation"] < 0.995)              # the 300 originals are not memorized

# %%
accuracy_curves({"augmentation": augmented[0]}, "First seed: with and without augmentation", "04_augmentation",
                reference=("no augmentation", plain[0]))
plt.show()

# %% [markdown]
# Augmentation makes the network better on new images, in every seed, by
# several points (`images/04_augmentation.png`). The gap narrows too, but
# *the other way round* from weight decay at λ = 0.1: the test accuracy came
# up, and the training accuracy on the 300 originals stayed high. Do the extra
# 100 epochs explain it? The plain run's test accuracy had stopped moving
# long before its end:

# %% tolerance={"abs": 0.03}
epochs = plain[0]["epochs"]
late_gain = plain[0]["test_acc"][-1] - plain[0]["test_acc"][epochs.index(150)]
print(f"first seed without augmentation, test accuracy gained from epoch 150 to 200: {approx(late_gain, 3)}")
assert late_gain < 0.015, late_gain

# %% [markdown]
# Once the 300 images are memorized their gradients are nearly zero, and
# more epochs change little. The difference is information. A penalty
# expresses a preference (small weights, redundant units). Augmentation adds
# knowledge that the data did not contain: a digit's class does not change
# when it moves by a pixel or tilts a little. Where such knowledge exists, it
# is often worth more than a penalty; where it is wrong (a flip that turns a 2
# into a mirrored 2, a rotation that turns a 6 into a 9), it teaches the
# network wrong answers.
#
# ## Early stopping with patience
#
# **Early stopping** treats the length of training as a hyperparameter,
# chosen on **validation data** while training runs. On section 4.1's clean
# labels there is little to stop: its test accuracy hardly moved at the end.
# Early stopping pays when the later epochs learn something harmful, so we give
# the network something harmful to learn: 90 of the 300 training labels (30 %)
# are replaced by another class, drawn at random (**label noise**). The
# validation and test labels stay correct. A network that can memorize 300
# images can memorize wrong labels too (Zhang et al. 2017 fitted even
# completely random labels), but it learns the patterns shared by many
# examples first and the exceptions later (Arpit et al. 2017).

# %%
N_WRONG = 90
noise_rng = np.random.default_rng(12)
wrong = noise_rng.choice(300, N_WRONG, replace=False)
t_noisy = t_train[:300].copy()
t_noisy[wrong] = (t_noisy[wrong] + noise_rng.integers(1, 10, N_WRONG)) % 10   # another class, never the right one
x_validation, t_validation = x_train[300:1300], t_train[300:1300]          # 1000 held-out images, clean labels
print(f"{int(np.sum(t_noisy != t_train[:300]))} of the 300 training labels are wrong; "
      f"{len(x_validation)} validation images and the test images keep correct labels")

# %% [markdown]
# The rule: evaluate on the validation images every 5 epochs; whenever the
# accuracy is a new best, keep a copy of the weights; when the best is
# `PATIENCE` epochs old, stop, and put the best weights back. The `Trainer`
# calls `on_evaluation(epoch, history)` after each evaluation and stops when it
# returns True, so the rule is a small class with that method:

# %%
PATIENCE, EPOCHS, EVALUATE_EVERY = 30, 200, 5


class EarlyStopping:
    """A Trainer hook: stop when validation accuracy has not improved for ``patience`` epochs."""

    def __init__(self, network, patience):
        self.network, self.patience = network, patience
        self.best_accuracy, self.best_epoch, self.best_params = -1.0, None, None

    def __call__(self, epoch, history):
        accuracy = history["validation_acc"][-1]
        if accuracy > self.best_accuracy:
            self.best_accuracy, self.best_epoch = accuracy, epoch
            self.best_params = {key: value.copy() for key, value in self.network.params.items()}
        return epoch - self.best_epoch >= self.patience

    def restore(self):
        """Put the best weights back into the network (in place: the layers hold the same arrays)."""
        for key, value in self.best_params.items():
            self.network.params[key][...] = value


# %% [markdown]
# Training with it is section 4.1's run (same network, seeds, SGD and
# mini-batches) plus the hook. After training we restore the best weights and
# measure the test accuracy once. For comparison, the same runs without the
# hook train all 200 epochs and are tested at the end.

# %%
def train_noisy(seeds, patience=None):
    """Section 4.1's plain run on the noisy labels; with ``patience``, early stopping. Returns the history."""
    run = overfit_weight_decay(lambdas=(0.0,), seeds=[seeds])[0]
    network = build_network(run)
    stopper = EarlyStopping(network, patience) if patience else None
    trainer = Trainer(network, SGD(lr=0.01), x_train[:300], t_noisy, epochs=EPOCHS, batch_size=100,
                      validation=(x_validation, t_validation), evaluate_every=EVALUATE_EVERY,
                      rng=np.random.default_rng(run.batch_seed), on_evaluation=stopper)
    history = trainer.train()
    if stopper is not None:
        stopper.restore()
        history["best_epoch"] = stopper.best_epoch
    history["test_acc"] = network.accuracy(x_test, t_test)        # the test data, once
    return history


# %% [markdown]
# **Predict before you run.** At which epochs will the rule stop? And will the
# restored networks beat those trained to the end?

# %% tolerance={"abs": 0.03, "rel": 0.3}
full = [train_noisy(seeds) for seeds in SEEDS]
stopped = [train_noisy(seeds, PATIENCE) for seeds in SEEDS]
for long, short in zip(full, stopped):     # the hook only stops: up to there, the same training
    assert long["validation_acc"][:len(short["validation_acc"])] == short["validation_acc"]
stopped_at = np.array([h["stopped_at"] or EPOCHS for h in stopped])
best_epoch = np.array([h["best_epoch"] for h in stopped])
saved = 1 - stopped_at.sum() / (EPOCHS * len(SEEDS))
print(f"mean over 5 seeds: best epoch {approx(best_epoch.mean(), 0):.0f}, "
      f"stopped at epoch {approx(stopped_at.mean(), 0):.0f} of {EPOCHS}")
print(f"updates saved: {approx(100 * saved, 0):.0f} % of the {3 * EPOCHS * len(SEEDS)} updates of the full runs")
test_end = np.array([h["test_acc"] for h in full])
test_stopped = np.array([h["test_acc"] for h in stopped])
print(seed_summary({"train accuracy (noisy labels), epoch 200": [h["train_acc"][-1] for h in full],
                    "test accuracy, trained to epoch 200": test_end,
                    "test accuracy, stopped, best weights": test_stopped,
                    "gain of early stopping": test_stopped - test_end}))
assert all(h["train_acc"][-1] > 0.95 for h in full)        # the wrong labels are memorized too...
assert np.all(stopped_at < EPOCHS) and saved > 0.1        # ...the rule stops every run early...
assert np.sum(test_stopped > test_end) >= 4                 # ...and beats training to the end,
assert (test_stopped - test_end).mean() > 0.015             # ...by more than a point on average

# %%
early_stopping(full, stopped, PATIENCE, "04_early_stopping")
plt.show()

# %% [markdown]
# The networks trained to the end fit almost all 300 labels, the 90 wrong ones
# included, and pay for it: their validation accuracy peaks and then falls
# (`images/04_early_stopping.png`). The rule stops each run once its best is
# 30 epochs old, puts back the weights of the best epoch, and so beats the
# full runs on the test data (the last line of the table: the gain per seed),
# while skipping part of the training. Here early stopping is a regularizer that improves accuracy on
# new data, at the price of 1000 held-out images and a patience to choose.
#
# The run stopped before epoch 200 never learned what happens later: the
# epoch after the best might have been better still. Patience trades that
# risk against compute; a longer patience sees more of the curve and saves
# less.
#
# **Why not choose the epoch on test data?** Picking the epoch with the
# highest test accuracy reports the largest of many test readings. Part of
# each reading is luck: 10000 test images measure an accuracy near 0.6 only
# to about $\sqrt{0.6 \cdot 0.4 / 10000} \approx 0.005$ (one binomial standard
# deviation), and the maximum picks the luckiest. Worse, once the test set has
# chosen something, no unbiased estimate of the accuracy on new data is left.
# This section touched the test images once per network, after every choice
# was made.
#
# ## Summary
#
# - Data augmentation (random shifts of up to 2 pixels and rotations of up to
#   10°, new for every mini-batch) raised the test accuracy in every seed: it
#   adds knowledge (a moved digit keeps its class) instead of constraining the
#   network.
# - Early stopping chooses the length of training on validation data. With
#   30 % wrong labels, the rule "stop when the best validation accuracy is 30
#   epochs old, restore its weights" stopped every run early, saved part of the
#   updates and beat training to the end on the test data on average.
# - The test data are read once, after all choices; a choice made on them
#   makes their score optimistic.
#
# ## Exercises
#
# ### Exercise 1: patience without copies
#
# Write `make_patience_rule(patience)` returning an `on_evaluation(epoch,
# history)` function that returns True once the best validation accuracy so
# far (in `history["validation_acc"]`, one value per evaluation, epochs in
# `history["epochs"]`, the first at epoch 0) is at least `patience` epochs old.
# It needs no weights, so it can read everything from `history`. The
# self-check trains small networks with your rule and with the section's
# `EarlyStopping`, and compares where they stop.

# %% jupyter={"source_hidden": true} tags=["solution"]
def make_patience_rule(patience):
    # BEGIN SOLUTION
    def on_evaluation(epoch, history):
        best = int(np.argmax(history["validation_acc"]))
        return epoch - history["epochs"][best] >= patience
    return on_evaluation
    # END SOLUTION


# %% tags=["self-check"]
def stopping_epoch(seed, patience, hook):
    """Where a small network trained on the 300 noisy labels stops with ``hook`` (None: never)."""
    network = MultiLayerNet(784, [100, 100], 10, weight_init_std="he", rng=np.random.default_rng(seed))
    trainer = Trainer(network, SGD(lr=0.1), x_train[:300], t_noisy, epochs=60,
                      validation=(x_validation[:300], t_validation[:300]), rng=np.random.default_rng(seed + 1),
                      on_evaluation=hook(network, patience) if hook is EarlyStopping else hook)
    return trainer.train()["stopped_at"]


for seed, patience in ((40, 3), (41, 5), (42, 8)):
    yours = stopping_epoch(seed, patience, make_patience_rule(patience))
    reference = stopping_epoch(seed, patience, EarlyStopping)
    assert reference is not None, "this check needs a run that stops; tell the maintainers"
    assert yours == reference, f"with patience {patience} your rule stops at another epoch than EarlyStopping"
print("Exercise 1: correct")

# %% [markdown]
# ### Exercise 2: the shift
#
# Write `shift_images(x, dx, dy)` for a batch `x` of shape (N, 784) and
# whole-pixel shifts `dx`, `dy` (one integer each for all images): move every
# 28 × 28 image `dx` pixels to the right and `dy` down (negative: left, up),
# filling the uncovered pixels with 0, with no wrap-around. Use numpy only; the
# self-check compares your shifts with the library's `shift` on a few digits.

# %% jupyter={"source_hidden": true} tags=["solution"]
def shift_images(x, dx, dy):
    # BEGIN SOLUTION
    dx, dy = int(np.clip(dx, -28, 28)), int(np.clip(dy, -28, 28))   # beyond 28 pixels nothing is left
    padded = np.pad(x.reshape(-1, 28, 28), ((0, 0), (28, 28), (28, 28)))
    return padded[:, 28 - dy:56 - dy, 28 - dx:56 - dx].reshape(len(x), 784)
    # END SOLUTION


# %% tags=["self-check"]
assert "shift(" not in inspect.getsource(shift_images).replace("def shift_images(", ""), \
    "write the shift with numpy, not with the library's shift"
digits = x_train[:4]
for dx, dy in ((0, 0), (2, 0), (0, -2), (-1, 3), (27, 0), (5, -30)):
    yours = shift_images(digits.copy(), dx, dy)
    assert yours.shape == digits.shape, "return shape (N, 784)"
    assert np.array_equal(yours, shift(digits, dx, dy)), f"shift (dx={dx}, dy={dy}) differs from the library's"
print("Exercise 2: correct")

# %% [markdown]
# ## Terms introduced in this section
#
# | English | 日本語 | 中文 | definition |
# |---|---|---|---|
# | data augmentation | データ拡張 | 数据增强 | Training on random label-preserving changes of the training images (here shifts and small rotations), drawn anew for every mini-batch. |
# | bilinear interpolation | 双線形補間 | 双线性插值 | A value between pixel centers computed from the four pixels around it, linearly along each axis. |
# | early stopping | 早期終了 | 早停 | Ending training when the accuracy on validation data has stopped improving, and keeping the weights of its best epoch. |
# | patience | ペイシェンス（許容エポック数） | 耐心值（patience） | How long early stopping waits for a new best validation score before it stops. |
# | label noise | ラベルノイズ | 标签噪声 | Wrong labels among the training data. |
#
# See the whole [glossary](../glossary.md).
