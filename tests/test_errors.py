"""krsms's exceptions: every class survives pickling with its fields."""

from __future__ import annotations

import copy
import importlib
import pickle
from types import ModuleType

import pytest

from krsms import errors
from krsms.nhn import errors as nhn_errors
from krsms.sens import errors as sens_errors


def error_classes() -> list[type[errors.KrSmsError]]:
    """Every exception class of krsms.errors and of the providers' error modules."""
    modules = {module.__name__ for module in (errors, nhn_errors, sens_errors)}
    found: list[type[errors.KrSmsError]] = []
    pending: list[type[errors.KrSmsError]] = [errors.KrSmsError]
    while pending:
        current = pending.pop()
        if current.__module__ in modules and current not in found:
            found.append(current)
        pending += current.__subclasses__()
    return sorted(found, key=lambda error_class: error_class.__qualname__)


def example(error_class: type[errors.KrSmsError]) -> errors.KrSmsError:
    """An instance of ``error_class`` with every field set to something other than its default."""
    if issubclass(error_class, errors.ValidationError):
        return error_class("recipients[3].number", "is not a phone number", limit="digits", value="010****5678")
    if issubclass(error_class, errors.RateLimitedError):
        return error_class("slow down", provider="nhn", status_code=429, code="-9", request_id="req-1", retry_after=2.5)
    if issubclass(error_class, errors.ProviderError):
        return error_class("refused", provider="nhn", status_code=400, code="-2019", request_id="req-1")
    if issubclass(error_class, errors.TransportError):
        return error_class("POST https://x/***: boom", may_have_been_sent=not error_class.may_have_been_sent)
    return error_class("something failed")


@pytest.mark.parametrize("error_class", error_classes(), ids=lambda error_class: error_class.__qualname__)
def test_every_error_survives_pickling_and_copying_with_its_fields(error_class: type[errors.KrSmsError]) -> None:
    error = example(error_class)
    for copied in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error)):
        assert type(copied) is error_class
        assert str(copied) == str(error)
        assert copied.args == error.args
        assert vars(copied) == vars(error)


def test_the_list_of_error_classes_covers_the_providers() -> None:
    names = {error_class.__qualname__ for error_class in error_classes()}
    assert {"ValidationError", "RateLimitedError", "ConnectError", "TemplateNotFoundError"} <= names
    assert "ServiceNotFoundError" in names


@pytest.mark.parametrize(("package", "module"), [("krsms.nhn", nhn_errors), ("krsms.sens", sens_errors)])
def test_every_provider_error_class_is_importable_from_its_provider_package(package: str, module: ModuleType) -> None:
    """``except krsms.nhn.TemplateError`` works without knowing the module it lives in."""
    exported = importlib.import_module(package)
    classes = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, errors.KrSmsError) and value.__module__ == module.__name__
    ]
    assert classes
    assert all(getattr(exported, error_class.__name__) is error_class for error_class in classes)
    assert all(error_class.__name__ in exported.__all__ for error_class in classes)
