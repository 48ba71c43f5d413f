"""Shared test settings.

Hypothesis's per-example deadline measures wall time, which on a shared two-core machine
says more about the neighbours than about the code: property tests here check behaviour, and
speed is measured by the scripts in bench/."""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "indicator-audit", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("indicator-audit")
