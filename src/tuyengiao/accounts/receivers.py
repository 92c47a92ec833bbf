"""Grants follow restructuring: when a lineage event asks for it, holders of grants on the
predecessors receive the same roles on the successors (the old grants end the day before)."""
from django.dispatch import receiver

from tuyengiao.org.signals import lineage_recorded

from .services import grants_carry_over


@receiver(lineage_recorded)
def _carry_grants(sender, *, event, by, carry_grants: bool, **kwargs):
    if carry_grants:
        grants_carry_over(event=event, by=by)
