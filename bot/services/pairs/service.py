"""`PairService`: the pairs service, composed of one mixin per concern."""

from __future__ import annotations

from bot.services.pairs.bulk import BulkMixin
from bot.services.pairs.choice import ChoiceMixin
from bot.services.pairs.ending import EndingMixin
from bot.services.pairs.sweep import SweepMixin


class PairService(BulkMixin, EndingMixin, ChoiceMixin, SweepMixin):
    """Pairs and groups for a school's curators and the pairs' own members (see the
    package's docstring); each mixin is one kind of work on them."""
