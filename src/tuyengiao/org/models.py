"""Organisation: unit types, the temporal unit tree, lineage, terms, departments, people, clusters."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tuyengiao.core.jobs import queued_too_long
from tuyengiao.core.models import NameSorted
from tuyengiao.core.querysets import RestrictedManager, RestrictedQuerySet
from tuyengiao.core.vi import fold, person_sort_key, sort_key

PATH_WIDTH = 7  # each path segment is the zero-padded id plus "/": a subtree is one prefix query


class Effective(models.Model):
    """valid_from / valid_to (inclusive); an open end means still in force."""

    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date cannot be before the start date.")})

    def is_active(self, on: dt.date | None = None) -> bool:
        on = on or dt.date.today()
        return self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)

    def overlapping(self, qs):
        """The rows of `qs`, other than this one, whose date range overlaps this one's."""
        qs = qs.exclude(pk=self.pk).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        return qs.filter(valid_from__lte=self.valid_to) if self.valid_to else qs


def active_on(on: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})
    )


class UnitType(NameSorted):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    is_party_committee = models.BooleanField(
        _("party committee"), default=False, help_text=_("Has its own terms (nhiệm kỳ) and document numbering.")
    )
    order = models.PositiveSmallIntegerField(_("display order"), default=100)

    objects = RestrictedManager()
    scope_path_lookup = None

    class Meta:
        verbose_name = _("unit type")
        verbose_name_plural = _("unit types")
        ordering = ["order", "sort_key"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:unittype_list")


class UnitQuerySet(RestrictedQuerySet):
    def active(self, on: dt.date | None = None):
        return self.filter(active_on(on or dt.date.today()))

    def subtree(self, unit: Unit, include_self: bool = True):
        qs = self.filter(path__under=unit.path)
        return qs if include_self else qs.exclude(pk=unit.pk)

    def search(self, text: str):
        folded = fold(text)
        return self.filter(search__contains=folded) if folded else self


class Unit(Effective):
    """A node of the organisation tree. Its place never changes: restructuring makes new units."""

    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    type = models.ForeignKey(UnitType, verbose_name=_("unit type"), on_delete=models.PROTECT, related_name="units")
    # The current name, code and abbreviation (denormalised from UnitName for fast lists and search).
    code = models.CharField(_("code"), max_length=40, db_index=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    issuer_abbr = models.CharField(
        _("issuer abbreviation"), max_length=30, blank=True, help_text=_("Used in document numbers, e.g. BTGDVTU.")
    )
    is_sample = models.BooleanField(_("sample data"), default=False, editable=False)
    search = models.CharField(max_length=600, editable=False, db_index=True)
    sort_key = models.CharField(max_length=255, editable=False, db_index=True)

    objects = RestrictedManager.from_queryset(UnitQuerySet)()
    scope_path_lookup = "path"

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sort_key", "id"]
        indexes = [
            models.Index(fields=["parent", "sort_key"]),
            # The sample-data banner asks on every page whether any sample unit exists.
            models.Index(fields=["is_sample"], condition=Q(is_sample=True), name="org_unit_sample_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_denormalised()
        creating = self.pk is None
        if creating:
            self.path = f"tmp-{id(self)}-{dt.datetime.now().timestamp()}"
        super().save(*args, **kwargs)
        if creating:
            prefix = self.parent.path if self.parent_id else ""
            self.path = f"{prefix}{self.pk:0{PATH_WIDTH}d}/"
            self.depth = self.parent.depth + 1 if self.parent_id else 0
            type(self).objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)

    def get_absolute_url(self):
        return reverse("org:unit_detail", args=[self.pk])

    def refresh_denormalised(self):
        self.search = fold(" ".join(filter(None, [self.name, self.short_name, self.code, self.issuer_abbr])))
        self.sort_key = sort_key(self.name)

    def ancestors(self):
        ids = [int(seg) for seg in self.path.strip("/").split("/")[:-1]]
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def name_on(self, on: dt.date) -> UnitName | None:
        return self.names.filter(active_on(on)).order_by("-valid_from").first()


class UnitName(Effective):
    """Date-ranged names and abbreviations: BTGTU became BTGDVTU in 2025."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="names")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    issuer_abbr = models.CharField(_("issuer abbreviation"), max_length=30, blank=True)

    objects = RestrictedManager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("unit name")
        verbose_name_plural = _("unit names")
        ordering = ["unit", "valid_from"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return self.unit.get_absolute_url()


class LineageEvent(models.Model):
    class Kind(models.TextChoices):
        MERGE = "merge", _("Merge")
        SPLIT = "split", _("Split")
        RENAME = "rename", _("Rename")
        ABOLISH = "abolish", _("Abolish")
        ABSORB = "absorb", _("Absorb")
        ESTABLISH = "establish", _("Establish")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("effective date"), help_text=_("First day of the new structure."))
    decision = models.CharField(_("decision"), max_length=200, blank=True, help_text=_("e.g. Nghị quyết 202/2025/QH15"))
    note = models.TextField(_("note"), blank=True)
    # Scoped by the first successor's (or predecessor's) parent path, stored for fast filtering.
    scope_path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedManager()
    scope_path_lookup = "scope_path"

    class Meta:
        verbose_name = _("lineage event")
        verbose_name_plural = _("lineage events")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("org:lineageevent_detail", args=[self.pk])

    @property
    def predecessor_names(self) -> str:
        """From prefetched links (list pages prefetch links__unit)."""
        return ", ".join(lk.unit.name for lk in self.links.all() if lk.role == LineageLink.Role.PREDECESSOR)

    @property
    def successor_names(self) -> str:
        return ", ".join(lk.unit.name for lk in self.links.all() if lk.role == LineageLink.Role.SUCCESSOR)

    def predecessors(self):
        return Unit.objects.filter(lineage_links__event=self, lineage_links__role=LineageLink.Role.PREDECESSOR)

    def successors(self):
        return Unit.objects.filter(lineage_links__event=self, lineage_links__role=LineageLink.Role.SUCCESSOR)


class LineageLink(models.Model):
    class Role(models.TextChoices):
        PREDECESSOR = "pred", _("Predecessor")
        SUCCESSOR = "succ", _("Successor")

    event = models.ForeignKey(LineageEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="links")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="lineage_links")
    role = models.CharField(_("role"), max_length=4, choices=Role.choices)
    share = models.DecimalField(
        _("share"), max_digits=5, decimal_places=4, null=True, blank=True,
        help_text=_("Part of the predecessor carried to this successor, when known (for roll-ups)."),
    )

    class Meta:
        verbose_name = _("lineage link")
        verbose_name_plural = _("lineage links")
        constraints = [models.UniqueConstraint(fields=["event", "unit", "role"], name="uniq_lineage_link")]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self):
        return f"{self.event}: {self.unit} ({self.get_role_display()})"


class Term(Effective):
    """Nhiệm kỳ / khóa of a party committee; document numbers restart per term."""

    unit = models.ForeignKey(Unit, verbose_name=_("party committee"), on_delete=models.PROTECT, related_name="terms")
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. Khóa I, nhiệm kỳ 2025–2030"))
    number = models.PositiveSmallIntegerField(_("term number"), null=True, blank=True)

    objects = RestrictedManager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["unit", "-valid_from"]

    def __str__(self):
        return f"{self.unit.short_name or self.unit.name} — {self.name}"

    def get_absolute_url(self):
        return reverse("org:term_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if not self.unit_id or not self.valid_from:
            return
        if self.overlapping(Term.objects.filter(unit_id=self.unit_id)).exists():
            raise ValidationError({"valid_from": _("This term overlaps another term of the same committee.")})


class Department(NameSorted, Effective):
    """A phòng of the commission."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)

    objects = RestrictedManager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["unit", "sort_key"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("org:department_detail", args=[self.pk])


class Person(models.Model):
    """A cán bộ. Kept apart from user accounts; positions carry the history."""

    class Gender(models.TextChoices):
        MALE = "m", _("Male")
        FEMALE = "f", _("Female")

    full_name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    home_unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people",
        help_text=_("The unit that keeps this person's record."),
    )
    is_sample = models.BooleanField(_("sample data"), default=False, editable=False)
    search = models.CharField(max_length=300, editable=False, db_index=True)
    sort_key = models.CharField(max_length=255, editable=False, db_index=True)

    objects = RestrictedManager()
    scope_path_lookup = "home_unit__path"

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_key", "id"]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.search = fold(self.full_name)
        self.sort_key = person_sort_key(self.full_name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("org:person_detail", args=[self.pk])


class Position(Effective):
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="positions")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="positions")
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField(_("position"), max_length=150, help_text=_("e.g. Phó Trưởng ban"))

    objects = RestrictedManager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["person", "-valid_from"]

    def __str__(self):
        return f"{self.title}, {self.unit}"

    def get_absolute_url(self):
        return self.person.get_absolute_url()

    def clean(self):
        super().clean()
        if self.department_id and self.unit_id and self.department.unit_id != self.unit_id:
            raise ValidationError({"department": _("The department must belong to the same unit.")})


class Cluster(NameSorted):
    """Cụm / khối thi đua for one year, with its rotating head and deputy units."""

    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("Emulation cluster")
        BLOCK = "block", _("Emulation block")

    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CLUSTER)
    name = models.CharField(_("name"), max_length=200)
    organiser = models.ForeignKey(
        Unit, verbose_name=_("organising unit"), on_delete=models.PROTECT, related_name="organised_clusters"
    )
    head = models.ForeignKey(
        Unit, verbose_name=_("head unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deputy = models.ForeignKey(
        Unit, verbose_name=_("deputy unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(Unit, verbose_name=_("member units"), related_name="clusters", blank=True)

    objects = RestrictedManager()
    scope_path_lookup = "organiser__path"

    class Meta:
        verbose_name = _("emulation cluster")
        verbose_name_plural = _("emulation clusters")
        ordering = ["-year", "sort_key"]
        constraints = [models.UniqueConstraint(fields=["organiser", "year", "name"], name="uniq_cluster_name_year")]

    def __str__(self):
        return f"{self.name} ({self.year})"

    def get_absolute_url(self):
        return reverse("org:cluster_detail", args=[self.pk])


class ImportJob(models.Model):
    """One upload of the XLSX import template, checked and written by a background task (org.tasks).

    The page follows `status`, `processed` and `total`; the outcome is kept (counts, or the errors by
    sheet, row and column), the uploaded file is not: it is deleted once the task has read it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        CHECKING = "checking", _("Checking")
        SAVING = "saving", _("Saving")
        DONE = "done", pgettext_lazy("import status", "Imported")
        FAILED = "failed", _("Not imported")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to="org/imports/%Y/%m/", max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    created_units = models.PositiveIntegerField(_("units created"), default=0)
    created_people = models.PositiveIntegerField(_("people created"), default=0)
    created_positions = models.PositiveIntegerField(_("positions created"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # The unit the import was written under (that of its audit entry): who may import there may see it.
    unit_path = models.CharField(_("unit path"), max_length=255, blank=True)
    task_id = models.CharField(_("task ID"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.filename} ({self.created_at:%d/%m/%Y %H:%M})"

    def get_absolute_url(self):
        return reverse("org:unit_import_job", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def waits_long(self) -> bool:
        return self.status == self.Status.QUEUED and queued_too_long(self.created_at)
