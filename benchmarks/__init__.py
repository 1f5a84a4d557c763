"""Benchmarks of the classic experiments at their original settings (``python -m benchmarks NAME``)."""
