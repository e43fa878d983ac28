"""Give each chain of sign-off records that has no head one, from its last record (ADR 0007).

    python manage.py build_chain_heads

For records restored from a backup made before chain heads existed. Never changes a head that
exists. Run verify_records afterwards: the checkpoints still show whether anything was lost.
"""

from django.core.management.base import BaseCommand

from competencies.services.ledger import chain_heads_build


class Command(BaseCommand):
    help = "Make a chain head for every chain of sign-off records that has none."

    def handle(self, *args, **options):
        made = chain_heads_build(actor=None)
        self.stdout.write(f"{made} chain head(s) made")
