"""The scaffolding the property tests' state machines share: each run starts from the test's
database at a fixed moment and leaves both as it found them."""

from __future__ import annotations

import datetime

import time_machine
from django.db import transaction
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine

START = datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)


class RolledBackMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        # The clock moves only when a rule moves it (``self.traveller.shift``).
        self._clock = time_machine.travel(START, tick=False)
        self.traveller = self._clock.start()
        self.serial = 0

    def teardown(self) -> None:
        self._clock.stop()
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _next(self) -> int:
        """A number no earlier call gave, for unique names and slugs."""
        self.serial += 1
        return self.serial

    def _pick(self, data, ids: list[int], model):
        return model.objects.get(pk=data.draw(st.sampled_from(ids)))
