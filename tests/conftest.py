"""Shared test configuration: hypothesis profiles.

* ``default``: fresh random examples each run (how new bugs are found while developing);
* ``ci``: 300 examples per property, for a thorough run;
* ``deterministic``: the same examples every run and no example database, so a CI verdict
  depends only on the code (``.ci/run`` uses it; a failure it reports reproduces exactly).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", deadline=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "deterministic",
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
