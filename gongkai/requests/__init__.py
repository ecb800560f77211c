"""Disclosure on request (依申请公开): requests, their statutory deadlines and fees."""
