"""Fixtures shared by every app's tests."""

from gongkai.core.tests.fixtures import tree

__all__ = ["tree"]
