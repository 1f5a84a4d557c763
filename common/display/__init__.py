"""Presentation: how the book shows results.

- :mod:`common.display.plot`      one color per method, small multiples, saved figures, smoothed curves
- :mod:`common.display.animation` light HTML/SVG animations of 2-D optimization paths (chapter 1)
- :mod:`common.display.report`    ``approx``: numbers that come out of training print as ``≈0.253``
"""
