"""Firebreak communicate."""
