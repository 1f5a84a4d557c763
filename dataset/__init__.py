"""The MNIST loader: ``from dataset.mnist import load_mnist``."""

from dataset.mnist import MnistError, load_mnist

__all__ = ["MnistError", "load_mnist"]
