"""Gongkai (公开): a consolidated platform for Chinese government openness."""
