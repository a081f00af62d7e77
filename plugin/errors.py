"""Errors raised by the plugin package (answering service, model, CLI, Slack)."""


class LicensebotError(Exception):
    """Base class. ``str(exc)`` is written for the person who can fix it."""


class ConfigError(LicensebotError):
    """A setting is missing or malformed."""


class ModelError(LicensebotError):
    """The answering model cannot be loaded or failed while generating."""


class ModelTimeout(ModelError):
    """The answering model took longer than LICENSEBOT_LLM_TIMEOUT."""


class ModelLicenseRefused(ModelError):
    """The model's license is not on the allowlist, or unknown and undeclared."""


class BadQuestion(LicensebotError):
    """The question cannot be answered as asked (empty, too long, only symbols)."""
