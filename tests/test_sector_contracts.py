"""The kit's rule-set contract suite, run on each of the five sector plugins (issue 5, 6).

Each class runs :class:`classguide.testing.RuleSetContract` against one plugin loaded alone
(``Guide(plugins=[plugin], autoload=False, strict=True)``): its rule sets validate, every unit
of its type resolves to exactly one of them, scores are bounded and monotone, incomplete data
is never graded, floors warn, vetoes never improve a grade, results survive JSON.
"""

from __future__ import annotations

import pytest

import classguide_hospital
import classguide_organ
import classguide_school
import classguide_soe
import classguide_university
from classguide.testing import RuleSetContract


class TestOrganContract(RuleSetContract):
    max_examples = 20

    @pytest.fixture
    def plugin(self) -> object:
        return classguide_organ


class TestSoeContract(RuleSetContract):
    max_examples = 20

    @pytest.fixture
    def plugin(self) -> object:
        return classguide_soe


class TestUniversityContract(RuleSetContract):
    max_examples = 20

    @pytest.fixture
    def plugin(self) -> object:
        return classguide_university


class TestSchoolContract(RuleSetContract):
    max_examples = 20

    @pytest.fixture
    def plugin(self) -> object:
        return classguide_school


class TestHospitalContract(RuleSetContract):
    max_examples = 20

    @pytest.fixture
    def plugin(self) -> object:
        return classguide_hospital
