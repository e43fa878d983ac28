"""How Pathway stores passwords (ADR 0018).

Argon2id at the minimum OWASP's Password Storage Cheat Sheet recommends: 19 MiB of memory,
2 passes, 1 lane. Memory-hard, so guessing on graphics cards costs far more than against
PBKDF2, and a check takes about 20 ms of one core instead of about 300: a mentor confirms
their password at every sign-off, and on a shared ward computer that wait is felt.

The algorithm name stays "argon2", so Django reads and verifies these hashes with its own
Argon2 code; a hash made with other parameters, or by PBKDF2, is replaced at the next
successful sign-in or signature.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
