"""What sign-in keeps in the database: the nonces of hand-offs already used, and rate-limit
counters when no shared cache is configured."""

from __future__ import annotations

from django.db import models


class UsedHandoffNonce(models.Model):
    """A hand-off token's nonce, recorded when it is used, so the token works only once.

    The unique digest makes "already used" a database fact: two workers racing with the
    same token cannot both insert it. Rows are useless once the token would be refused as
    expired anyway, and are deleted then.
    """

    digest = models.CharField(max_length=64, unique=True)  # keyed hash, not the nonce
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "used hand-off nonce"

    def __str__(self) -> str:
        return f"Hand-off nonce {self.digest[:8]}"


class RateCounter(models.Model):
    """One fixed window of one rate limit: shared by every worker, without Redis."""

    digest = models.CharField(
        max_length=64, unique=True
    )  # keyed hash of bucket and window
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Rate counter {self.digest[:8]}"


class KnownPatient(models.Model):
    """A patient the portal has signed in, so that the next sign-in recognises them.

    Who they are (name and birth date, as first given) is what the portal sends VSee at
    every later sign-in, so that nothing typed then can rewrite their record; it is kept
    encrypted under PATIENT_DATA_KEYS. They are found by a keyed hash of their VSee code.
    """

    ref = models.CharField(max_length=64, unique=True)  # keyed hash of the VSee code
    sealed_identity = (
        models.TextField()
    )  # Fernet token; see portal/patients/identity.py
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "known patient"

    def __str__(self) -> str:
        return f"Known patient {self.ref[:8]}"


class CareLink(models.Model):
    """Someone in a patient's care (a child, a parent, a partner), listed on their account.

    The person is a known patient of their own, with their own VSee record; the link says
    only whose list they are on, by the same keyed hash that finds the signed-in patient.
    """

    guardian_ref = models.CharField(max_length=64, db_index=True)  # code_ref
    person = models.ForeignKey(
        KnownPatient, on_delete=models.CASCADE, related_name="guardians"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["guardian_ref", "person"], name="one_link_per_person"
            )
        ]
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"Person in care {self.pk}"


class HandoffExchange(models.Model):
    """A verified hand-off waiting, for a minute or two, to be taken up in a new tab.

    When the clinic's site frames the portal and the browser keeps no cookies there, the
    patient continues in a tab of its own; the hand-off's claims wait here under a
    single-use code (a keyed hash of it is stored), encrypted like a known patient's record.
    """

    digest = models.CharField(max_length=64, unique=True)
    sealed_claims = models.TextField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Hand-off exchange {self.digest[:8]}"


class ConsentGiven(models.Model):
    """A consent document's version accepted for someone: only a keyed hash of who, which
    document and which version, so that the same version is not asked again. The name
    typed as a signature went to VSee in the signed record and is not kept here."""

    ref = models.CharField(max_length=64, unique=True)  # see portal/booking/consent.py
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "consent given"
        verbose_name_plural = "consents given"

    def __str__(self) -> str:
        return f"Consent given {self.ref[:8]}"
