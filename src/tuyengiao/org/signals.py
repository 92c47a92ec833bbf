from django.dispatch import Signal

# Sent inside the restructuring transaction: event, by, carry_grants.
lineage_recorded = Signal()
