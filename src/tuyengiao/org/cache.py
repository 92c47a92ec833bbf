"""Organisation data that pages show everywhere and that rarely change, kept per process (core.stamps):
the unit types, and whether sample units exist (the banner of core.context_processors.site).

The receivers below tell every process when they change; they are connected by OrgConfig.ready() so
that writes from management commands and the task worker count too. A migration or a test database
flush (post_migrate) may change anything: both are computed again.
"""
from __future__ import annotations

from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from tuyengiao.core import stamps

from .models import Unit, UnitType

UNIT_TYPES = "unit-types"
SAMPLE_DATA = "sample-data"  # core.context_processors.SAMPLE_DATA (core cannot import org)


def unit_types(refresh: bool = False) -> tuple[tuple[int, str], ...]:
    """(id, name) of every unit type, in display order. `refresh`: the caller found the list out of date
    (a type written without the ORM): read it again, here and in the other processes."""
    if refresh:
        stamps.changed(UNIT_TYPES)
    return stamps.cached(UNIT_TYPES, lambda: tuple(UnitType.objects.values_list("pk", "name")))


@receiver([post_save, post_delete], sender=UnitType)
def _unit_type_changed(sender, using, **kwargs):
    stamps.changed(UNIT_TYPES, using=using)


@receiver([post_save, post_delete], sender=Unit)
def _sample_unit_changed(sender, instance, using, **kwargs):
    # is_sample is set when a unit is created (the demo) and never edited: only sample units count.
    if instance.is_sample:
        stamps.changed(SAMPLE_DATA, using=using)


@receiver(post_migrate)
def _migrated(sender, using, **kwargs):
    if sender.label == "org":
        stamps.changed(UNIT_TYPES, using=using)
        stamps.changed(SAMPLE_DATA, using=using)
