"""Run in a notebook's kernel (``PYTHONSTARTUP``): MNIST as another CPU would leave it, one rounding off.

``make nbval-another-cpu`` re-checks every chapter with this file as the
kernel's start-up script. Each non-zero pixel moves up by one unit in the last
place of float32, a change of about 1e-7, far below anything a learner could
see but enough to send every training run down a slightly different path,
just as another CPU's BLAS kernel does. The stored outputs must still pass:
every exact output stays exact, every ``≈`` number stays within its cell's
tolerance. A training number printed without ``≈`` fails here, which is how
CI finds one without a machine of another kind (``OPENBLAS_CORETYPE`` is a
setting of the machine and is never changed by the tests).
"""


def _load_mnist_another_cpu():
    import functools

    import numpy as np

    import dataset.mnist

    load_mnist = dataset.mnist.load_mnist

    @functools.wraps(load_mnist)
    def load(*args, **kwargs):
        (x_train, t_train), (x_test, t_test) = load_mnist(*args, **kwargs)
        for x in (x_train, x_test):
            if np.issubdtype(x.dtype, np.floating):
                np.nextafter(x, np.inf, out=x, where=x > 0)
        return (x_train, t_train), (x_test, t_test)

    dataset.mnist.load_mnist = load
    dataset.load_mnist = load


_load_mnist_another_cpu()
del _load_mnist_another_cpu
