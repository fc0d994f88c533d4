"""Test helpers for applications that use krsms (FakeGateway, pytest fixtures)."""
