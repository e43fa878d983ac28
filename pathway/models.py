"""The core domain: people, their roles, the organisation, clinical areas and programmes."""

from __future__ import annotations

import datetime
import uuid

import rules
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import salted_hmac

from pathway.history import AuditHistory, loaded_from_fixture


class RoleCode(models.TextChoices):
    TRAINEE = "trainee", "Trainee"
    MENTOR = "mentor", "Mentor"
    TUTOR = "tutor", "Tutor"
    PRACTICE_EDUCATOR = "practice_educator", "Practice educator"
    LEAD_NURSE = "lead_nurse", "Lead nurse"
    MANAGER = "manager", "Ward or unit manager"
    ADMINISTRATOR = "administrator", "Administrator"
    # Someone who finished the programme and qualified (given in place of trainee, issue 16).
    ASSISTANT_PRACTITIONER = "assistant_practitioner", "Assistant practitioner"


class SignatureMethod(models.TextChoices):
    """How a signer proved who they were at the moment of signing (pathway/signatures.py)."""

    PASSWORD = "password", "password"
    PASSKEY = "passkey", "passkey"
    SSO = "sso", "single sign-on"


class Band(models.TextChoices):
    BAND_2 = "2", "Band 2"
    BAND_3 = "3", "Band 3"
    BAND_4 = "4", "Band 4"
    BAND_5 = "5", "Band 5"
    BAND_6 = "6", "Band 6"
    BAND_7 = "7", "Band 7"
    BAND_8A = "8a", "Band 8a"
    BAND_8B = "8b", "Band 8b"
    NOT_AFC = "other", "Not on Agenda for Change"


class RegistrationBody(models.TextChoices):
    NMC = "NMC", "Nursing and Midwifery Council"
    HCPC = "HCPC", "Health and Care Professions Council"
    GMC = "GMC", "General Medical Council"


class Role(models.Model):
    """A role a person can hold. One person may hold several (a mentor who is also a manager)."""

    code = models.CharField(max_length=32, choices=RoleCode.choices, unique=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.get_code_display()


class PersonHistory(AuditHistory):
    """Who changed a person's details, and when (docs/adr/0010-audit-history.md).

    A save that touches only fields the history leaves out (signing in sets last_login alone),
    or granting a role the person already holds, makes no history row: it would show a change
    with nothing in it. A change made from the role's side (role.users.add) is recorded on
    each person it touches.
    """

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= set(self.excluded_fields):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if loaded_from_fixture(instance):
            return
        if action in ("post_add", "post_remove") and not pk_set:
            return
        if reverse:
            if action in ("post_add", "post_remove"):
                for person in self.cls._default_manager.filter(pk__in=pk_set):
                    super().m2m_changed(person, action, attr, None, False, **kwargs)
            return
        super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        user = self._create_user(email, password, **extra)
        user.grant_roles(RoleCode.ADMINISTRATOR)
        return user

    def get_by_natural_key(self, username):
        # No address is that long; SQLite refuses a case-insensitive match on a huge string.
        if username is None or len(username) > 254:
            raise self.model.DoesNotExist
        # Email addresses are stored lower-case; people type them any way they like.
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in to Pathway. Signs in with their email address."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    employee_number = models.CharField(max_length=32, blank=True, default="")
    job_title = models.CharField(max_length=150, blank=True, default="")
    band = models.CharField(max_length=8, choices=Band.choices, blank=True, default="")
    registration_body = models.CharField(
        "professional registration body",
        max_length=8,
        choices=RegistrationBody.choices,
        blank=True,
        default="",
    )
    registration_number = models.CharField(
        "professional registration number", max_length=32, blank=True, default=""
    )
    clinical_area = models.ForeignKey(
        "ClinicalArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text="Where this person works now.",
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="users")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "admin site access", default=False, help_text="May sign in to the Django admin."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    # Raised to end every session the person has (pathway/lockout.py: an account that locks).
    session_generation = models.PositiveIntegerField(default=0, db_default=0, editable=False)

    objects = UserManager()
    history = PersonHistory(
        excluded_fields=["password", "last_login", "session_generation"],
        m2m_fields=[roles],
        event="person.changed",
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        # The people list and every "choose a person" list read a page in this order.
        indexes = [
            models.Index(fields=["full_name", "email"], name="user_by_name"),
            # The few who have left: counting the active holders of a role (the mentor
            # register's pages) is its holders less these, without reading every person.
            models.Index(fields=["id"], condition=Q(is_active=False), name="user_inactive"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["employee_number"],
                condition=~Q(employee_number=""),
                name="unique_employee_number_when_given",
            ),
            models.CheckConstraint(
                condition=Q(registration_body="") | ~Q(registration_number=""),
                name="registration_body_needs_number",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.email.lower()
        if self.registration_body and not self.registration_number:
            raise ValidationError(
                {"registration_number": "Enter the registration number for this body"}
            )

    def has_perm(self, perm, obj=None):
        # Our own rules decide for everyone, superusers included: being an administrator must
        # never let someone sign off a competency or read a record they have no part in.
        if rules.perm_exists(perm):
            return self.is_active and rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    def _get_session_auth_hash(self, secret=None):
        # Django signs each session with a hash of the password, so a new password ends the
        # other sessions. The generation does the same without a new password: raising it ends
        # them all. At 0 the hash is Django's own, so sessions made before it still hold.
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "pathway.User.session_auth_hash",
            f"{self.password}|{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def held_roles(self) -> list[Role]:
        """This person's roles by name, read once per object (one query at most, none when
        prefetched). The signed-in person is a new object each request, read with their roles
        (selectors.signed_in_person), so a page's menu, permission checks and text ask nothing
        more, and a role granted or taken away counts on the next request."""
        held = getattr(self, "_held_roles", None)
        if held is None:
            if not self.pk:
                return []
            held = self._held_roles = sorted(self.roles.all(), key=str)
        return held

    @property
    def role_codes(self) -> frozenset[str]:
        """The codes of this person's roles (from `held_roles`: no query of its own)."""
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = self._role_codes = frozenset(role.code for role in self.held_roles)
        return cached

    def remember_roles(self, roles: list[Role]) -> None:
        """Take the roles read with the person (pathway.selectors.signed_in_person)."""
        self._held_roles = sorted(roles, key=str)
        self._role_codes = None

    def forget_roles(self) -> None:
        """Read the roles afresh next time (after they were changed through another object)."""
        self._role_codes = self._held_roles = None

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))

    def grant_roles(self, *codes: str) -> None:
        roles = [Role.objects.get_or_create(code=code)[0] for code in codes]
        self.roles.add(*roles)
        self.forget_roles()

    @property
    def is_registered_professional(self) -> bool:
        return bool(self.registration_body and self.registration_number)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        TRUST = "trust", "NHS trust"
        UNIVERSITY = "university", "University"
        COMMISSIONER = "commissioner", "Education commissioner"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TRUST)
    code = models.CharField("ODS code", max_length=16, blank=True, default="")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_site_name")
        ]

    def __str__(self) -> str:
        return self.name


class ClinicalArea(models.Model):
    """A specialty a ward or unit belongs to: critical care, A&E, coronary care..."""

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    sites = models.ManyToManyField(Site, blank=True, related_name="clinical_areas")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """A training programme, such as the one-year assistant practitioner course."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, default="")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="programmes"
    )
    university = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="partnered_programmes",
        null=True,
        blank=True,
        limit_choices_to={"kind": Organisation.Kind.UNIVERSITY},
    )
    duration_weeks = models.PositiveSmallIntegerField(default=52)
    lead = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="led_programmes"
    )
    # How mentors may sign this programme's records (pathway/signatures.py): SignatureMethod
    # values. Empty: any way Pathway offers.
    signature_methods = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def allowed_signature_methods(self) -> frozenset[str] | None:
        """The methods this programme allows, or None when it sets no rule."""
        chosen = frozenset(self.signature_methods or ()) & set(SignatureMethod.values)
        return chosen or None


class Module(models.Model):
    """A university module of a programme."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="modules")
    title = models.CharField(max_length=200)
    credits = models.PositiveSmallIntegerField(default=0)
    order = models.PositiveSmallIntegerField(default=0)
    # The module's taught hours (lectures, seminars, workshops): on an apprenticeship they
    # count as off-the-job training once the apprentice has a result for the module.
    teaching_hours = models.DecimalField(
        "teaching hours",
        max_digits=6,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
    )

    class Meta:
        ordering = ["programme", "order", "title"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "title"], name="unique_module_title")
        ]

    def __str__(self) -> str:
        return self.title


class AllocationQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        """Allocations in force on a day (today by default): started, and not yet ended."""
        on = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)


class Allocation(models.Model):
    """Who supports a trainee, in what capacity, from when to when."""

    class Kind(models.TextChoices):
        MENTOR = "mentor", "Mentor"
        TUTOR = "tutor", "Tutor"
        PRACTICE_EDUCATOR = "practice_educator", "Practice educator"
        MANAGER = "manager", "Line manager"

    trainee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="supported_by")
    supporter = models.ForeignKey(User, on_delete=models.PROTECT, related_name="supporting")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)

    # The role a supporter must hold for an allocation of each kind to count.
    ROLE_FOR_KIND = {
        Kind.MENTOR: RoleCode.MENTOR,
        Kind.TUTOR: RoleCode.TUTOR,
        Kind.PRACTICE_EDUCATOR: RoleCode.PRACTICE_EDUCATOR,
        Kind.MANAGER: RoleCode.MANAGER,
    }

    objects = AllocationQuerySet.as_manager()
    history = AuditHistory()

    class Meta:
        ordering = ["trainee", "kind", "-start_date"]
        indexes = [models.Index(fields=["supporter", "kind", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="allocation_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(trainee=models.F("supporter")), name="allocation_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supporter} — {self.get_kind_display().lower()} of {self.trainee}"

    def clean(self):
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "End date must be the same as or after start date"})
        if self.trainee_id and self.trainee_id == self.supporter_id:
            raise ValidationError({"supporter": "A person cannot support themselves"})

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class MentorPreparation(models.Model):
    """A mentor's entry in the mentor register: when they completed mentor preparation and
    when they last did its annual update (docs/adr/0016-mentor-register-and-educator-caseloads.md).

    One per mentor, kept with the person because it belongs to them, not to a cohort. The
    status (prepared, update due soon, update overdue, not prepared) is worked out from these
    dates by pathway/preparation.py.
    """

    mentor = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="mentor_preparation"
    )
    prepared_on = models.DateField("date preparation completed", null=True, blank=True)
    last_update_on = models.DateField("date of the last annual update", null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["mentor__full_name"]
        indexes = [
            # The latest of preparation and update (an update is never before the
            # preparation): the updates falling due soon are a range of it.
            models.Index(
                Coalesce("last_update_on", "prepared_on"), name="mentor_preparation_latest"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_update_on__isnull=True)
                | (Q(prepared_on__isnull=False) & Q(last_update_on__gte=models.F("prepared_on"))),
                name="mentor_update_after_preparation",
            ),
        ]

    def __str__(self) -> str:
        return f"Mentor preparation of {self.mentor}"

    def clean(self):
        super().clean()
        if self.last_update_on and not self.prepared_on:
            raise ValidationError(
                {"prepared_on": "Enter the date preparation was completed before an update"}
            )
        if self.last_update_on and self.prepared_on and self.last_update_on < self.prepared_on:
            raise ValidationError(
                {"last_update_on": "The annual update must be on or after the preparation date"}
            )


# The ways a person proves who they are besides a password (pathway/identity/models.py).
from pathway.identity.models import (  # noqa: E402, F401
    ExternalIdentity,
    Passkey,
    PasskeyChallenge,
)


class BackgroundJob(models.Model):
    """Work too large for a web request (an export of thousands of rows), run by the task
    queue (pathway/jobs.py, ADR 0024) for the person who asked, who watches its progress and
    downloads the result when it is done."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "In progress"
        DONE = "done", "Ready"
        FAILED = "failed", "Could not be finished"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=80)
    title = models.CharField(max_length=200)
    params = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(
        "pathway.User", on_delete=models.CASCADE, related_name="background_jobs"
    )
    # The same request made twice while the first is still waiting or running is the same job.
    key = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    result = models.FileField(upload_to="jobs/%Y/%m/", blank=True, max_length=200)
    result_filename = models.CharField(max_length=200, blank=True)
    result_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["started_by", "key"],
                condition=Q(status__in=["queued", "running"]),
                name="one_unfinished_job_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class IntegrationEvent(models.Model):
    """One change an integration may want to hear about: the outbox of the events feed
    (docs/adr/0023-integration-api.md). Written only by pathway.events.event_record, in the
    same transaction as the change, so an event exists exactly when its change committed.

    Ids are handed out in commit order (event_record serialises the inserts), so a reader that
    has seen up to id N never finds a smaller id committed later: "after N" is a safe cursor.
    """

    class Kind(models.TextChoices):
        SIGN_OFF_DECIDED = "sign_off.decided", "Sign-off decided"
        SIGN_OFF_REVOKED = "sign_off.revoked", "Sign-off revoked"
        ENROLMENT_CHANGED = "enrolment.changed", "Enrolment changed"
        PERSON_CHANGED = "person.changed", "Person changed"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    # What the event is about: the person's, enrolment's or assessment's id.
    subject_id = models.BigIntegerField()
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.subject_id}"


class RecordAccessQuerySet(models.QuerySet):
    """The access log is written once and never changed: no bulk update. Rows leave it only by
    the retention schedule (`pathway.selectors.record_accesses_due_for_disposal`)."""

    def update(self, **kwargs):
        raise TypeError("The access log is append-only")


class RecordAccess(models.Model):
    """One look by someone at another person's record (issue #20, part 5): who looked, whose
    record, what, when, and the request it was part of (pathway/requestids.py), so a look can
    be followed into the server logs. Written by `pathway.services.record_access_log` with one
    INSERT; never changed. A person reading their own record is not logged."""

    class Kind(models.TextChoices):
        TRAINING_RECORD = "training_record", "Training record"
        EVIDENCE_FILE = "evidence_file", "Evidence file"
        CURRENT_COMPETENCE = "current_competence", "Current competence"
        PROGRAMME_OVERVIEW = "programme_overview", "Programme overview"
        SUBJECT_ACCESS = "subject_access", "Everything held (subject access)"

    viewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="record_accesses_made")
    subject = models.ForeignKey(User, on_delete=models.PROTECT, related_name="record_accesses")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    # What was read, in words ("Competency C1 Hand hygiene"), and its id for a search.
    what = models.CharField(max_length=200, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    at = models.DateTimeField(default=timezone.now)
    request_id = models.CharField(max_length=128, blank=True, default="")

    objects = RecordAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "record access"
        indexes = [
            models.Index(fields=["subject", "-at"], name="record_access_subject_at"),
            models.Index(fields=["viewer", "-at"], name="record_access_viewer_at"),
            models.Index(fields=["-at"], name="record_access_at"),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_id} read {self.get_kind_display()} of {self.subject_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("The access log is append-only")
        super().save(*args, **kwargs)
