"""Periodic reporting: regimes, form versions (sections, indicators, rules), periods, reports, values,
narratives, versions and attachments.

ReportValue carries denormalised columns (regime, period, unit path, indicator code, report status,
weight) so that every roll-up is one aggregate over one table with no join."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.querysets import RestrictedManager
from tuyengiao.core.vi import format_number

from . import periods as P


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    SIX_MONTHLY = "six_monthly", _("Six-monthly")
    ANNUAL = "annual", _("Annual")
    AD_HOC = "ad_hoc", _("Ad hoc")


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # the pages are built on top of this app later
        return ""


class PeriodManager(RestrictedManager):
    def for_code(self, code: str) -> Period:
        """The stored period for a code such as "2026-H1", created on first use (reference data)."""
        spec = P.parse_code(code)
        return self.for_spec(spec)

    def for_spec(self, spec: P.PeriodSpec) -> Period:
        start, end = P.bounds(spec.kind, spec.year, spec.number)
        obj, _created = self.get_or_create(
            code=spec.code, defaults={"kind": spec.kind, "year": spec.year, "number": spec.number, "start": start,
                                      "end": end},
        )
        return obj


class Period(models.Model):
    """A reporting period, shared by all regimes: "6 tháng đầu năm 2026" is one row."""

    class Kind(models.TextChoices):
        MONTH = P.MONTH, _("Month")
        QUARTER = P.QUARTER, _("Quarter")
        HALF = P.HALF, _("Half-year")
        YEAR = P.YEAR, _("Year")
        ADHOC = P.ADHOC, _("Ad hoc")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True, help_text=_("For ad hoc periods only."))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    objects = PeriodManager()
    scope_path_lookup = None

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["-end", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "year", "number"], name="uniq_period")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return P.label(self.kind, self.year, self.number, self.name)

    @property
    def short_label(self) -> str:
        return P.short_label(self.kind, self.year, self.number)

    @property
    def spec(self) -> P.PeriodSpec:
        return P.PeriodSpec(self.kind, self.year, self.number)


class Regime(models.Model):
    """A chế độ báo cáo: who reports what to whom, how often, by when."""

    class Selection(models.TextChoices):
        UNIT_TYPES = "types", _("Units of the chosen types")
        UNITS = "units", _("A list of units")
        CLUSTER = "cluster", _("Members of an emulation cluster")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices)
    receiving_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("receiving unit"), on_delete=models.PROTECT, related_name="received_regimes",
        help_text=_("Reports come from the units of the subtree of this unit's parent (its party committee)."),
    )
    selection = models.CharField(_("reporting units"), max_length=10, choices=Selection.choices,
                                 default=Selection.UNIT_TYPES)
    unit_types = models.ManyToManyField("org.UnitType", verbose_name=_("unit types"), blank=True, related_name="+")
    units = models.ManyToManyField("org.Unit", verbose_name=_("units"), blank=True, related_name="reporting_regimes")
    cluster = models.ForeignKey("org.Cluster", verbose_name=_("cluster"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    deadline_days = models.SmallIntegerField(
        _("deadline (days after the period end)"), default=5,
        help_text=_("Negative numbers put the deadline before the end of the period."),
    )
    cutoff_days = models.SmallIntegerField(
        _("data cut-off (days before the period end)"), default=0,
        help_text=_("e.g. 15: six-month figures are counted up to 15 June."),
    )
    current_form = models.ForeignKey(
        "FormVersion", verbose_name=_("current form version"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_sample = models.BooleanField(_("sample data"), default=False, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedManager()
    scope_path_lookup = "receiving_unit__path"

    class Meta:
        verbose_name = _("report regime")
        verbose_name_plural = _("report regimes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return _url("reporting:regime_detail", self.pk)

    @property
    def period_kind(self) -> str:
        return P.FREQUENCY_KIND[self.frequency]

    def default_deadline(self, period: Period) -> dt.date:
        return period.end + dt.timedelta(days=self.deadline_days)

    def cutoff(self, period: Period) -> dt.date:
        return period.end - dt.timedelta(days=self.cutoff_days)


class PeriodDeadline(models.Model):
    regime = models.ForeignKey(Regime, verbose_name=_("regime"), on_delete=models.CASCADE, related_name="deadlines")
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField(_("deadline"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = RestrictedManager()
    scope_path_lookup = "regime__receiving_unit__path"

    class Meta:
        verbose_name = _("period deadline")
        verbose_name_plural = _("period deadlines")
        constraints = [models.UniqueConstraint(fields=["regime", "period"], name="uniq_period_deadline")]

    def __str__(self):
        return f"{self.regime} — {self.period}: {self.deadline:%d/%m/%Y}"


class FormVersion(models.Model):
    """A biểu mẫu version. Published versions never change; a change is a new draft version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    regime = models.ForeignKey(Regime, verbose_name=_("regime"), on_delete=models.PROTECT, related_name="forms")
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.CharField(_("note"), max_length=255, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = RestrictedManager()
    scope_path_lookup = "regime__receiving_unit__path"

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["regime", "-number"]
        constraints = [models.UniqueConstraint(fields=["regime", "number"], name="uniq_form_version")]
        permissions = [("publish_formversion", _("Can publish a form version"))]

    def __str__(self):
        return f"{self.regime} — v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Section(models.Model):
    form = models.ForeignKey(FormVersion, verbose_name=_("form version"), on_delete=models.CASCADE,
                             related_name="sections")
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_narrative = models.BooleanField(_("narrative section"), default=False,
                                       help_text=_("A text-only part of the report outline (đề cương); other sections "
                                                   "carry figures and text."))
    guidance = models.TextField(_("guidance"), blank=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["form", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="uniq_section_code")]

    def __str__(self):
        return self.title


class Indicator(models.Model):
    class Type(models.TextChoices):
        INTEGER = "integer", _("Whole number")
        DECIMAL = "decimal", _("Decimal number")
        PERCENT = "percent", _("Percentage")
        BOOLEAN = "boolean", _("Yes / no")
        CHOICE = "choice", _("Choice")
        TEXT = "text", _("Short text")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("Sum")
        WEIGHTED_MEAN = "weighted_mean", _("Mean weighted by another indicator")
        MIN = "min", _("Minimum")
        MAX = "max", _("Maximum")
        NONE = "none", _("Not aggregated")

    NUMERIC = (Type.INTEGER, Type.DECIMAL, Type.PERCENT)

    form = models.ForeignKey(FormVersion, verbose_name=_("form version"), on_delete=models.CASCADE,
                             related_name="indicators")
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.CASCADE,
                                related_name="indicators")
    code = models.CharField(_("code"), max_length=40, help_text=_("Capital letters, digits and _, e.g. NQ_SESSIONS."))
    name = models.CharField(_("name"), max_length=300)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=40, blank=True)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices, default=Type.INTEGER)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    aggregation = models.CharField(_("aggregation"), max_length=15, choices=Aggregation.choices,
                                   default=Aggregation.SUM)
    weight_indicator = models.ForeignKey(
        "self", verbose_name=_("weight indicator"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    min_value = models.DecimalField(_("minimum"), max_digits=20, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=20, decimal_places=4, null=True, blank=True)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["form", "section__order", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="uniq_indicator_code")]

    def __str__(self):
        return f"{self.code} — {self.name}"

    @property
    def is_numeric(self) -> bool:
        return self.type in self.NUMERIC


class ValidationRule(models.Model):
    class Severity(models.TextChoices):
        ERROR = "error", _("Error: blocks submission")
        WARNING = "warning", _("Warning: needs an explanation")

    form = models.ForeignKey(FormVersion, verbose_name=_("form version"), on_delete=models.CASCADE,
                             related_name="rules")
    expression = models.CharField(_("expression"), max_length=500, help_text=_("e.g. ATTENDED <= MEMBERS"))
    message = models.CharField(_("message"), max_length=500)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.ERROR)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["form", "order", "id"]

    def __str__(self):
        return self.expression


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    regime = models.ForeignKey(Regime, verbose_name=_("regime"), on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey("org.Unit", verbose_name=_("reporting unit"), on_delete=models.PROTECT,
                             related_name="reports")
    unit_path = models.CharField(_("unit path"), max_length=255, editable=False, db_index=True)
    form = models.ForeignKey(FormVersion, verbose_name=_("form version"), on_delete=models.PROTECT,
                             related_name="reports")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    on_time = models.BooleanField(_("on time"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    warning_explanation = models.TextField(_("explanation of warnings"), blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_comment = models.TextField(_("reason for return"), blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    is_sample = models.BooleanField(_("sample data"), default=False, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RestrictedManager()
    scope_path_lookup = "unit_path"

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period__end", "unit__sort_key"]
        constraints = [models.UniqueConstraint(fields=["regime", "period", "unit"], name="uniq_report")]
        indexes = [models.Index(fields=["regime", "period", "status"])]
        permissions = [
            ("submit_report", _("Can submit a report")),
            ("review_report", _("Can return a report (receiving side)")),
            ("approve_report", _("Can approve a report (receiving side)")),
            ("unlock_report", _("Can unlock an approved report")),
        ]

    def __str__(self):
        return f"{self.regime} — {self.period} — {self.unit}"

    def get_absolute_url(self):
        return _url("reporting:report_detail", self.pk)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.APPROVED


class ReportValue(models.Model):
    """One indicator of one report. Empty ("missing"), 0 and "không phát sinh" are three different states."""

    class State(models.TextChoices):
        VALUE = "value", _("Value")
        MISSING = "missing", _("Empty")
        NOT_APPLICABLE = "not_applicable", _("Nothing to report")

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT,
                                  related_name="values")
    state = models.CharField(_("state"), max_length=15, choices=State.choices, default=State.MISSING)
    value_number = models.DecimalField(_("number"), max_digits=20, decimal_places=4, null=True, blank=True)
    value_text = models.CharField(_("text"), max_length=500, blank=True)
    value_bool = models.BooleanField(_("yes / no"), null=True, blank=True)
    # Denormalised for one-table roll-ups (kept in step by the services).
    regime = models.ForeignKey(Regime, verbose_name=_("regime"), on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(_("unit path"), max_length=255, editable=False)
    code = models.CharField(_("indicator code"), max_length=40, editable=False)
    status = models.CharField(_("report status"), max_length=10, choices=Report.Status.choices,
                              default=Report.Status.DRAFT)
    weight = models.DecimalField(_("weight"), max_digits=20, decimal_places=4, null=True, blank=True,
                                 editable=False, help_text=_("The weight indicator's value, for weighted means."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RestrictedManager()
    scope_path_lookup = "unit_path"

    class Meta:
        verbose_name = _("report value")
        verbose_name_plural = _("report values")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="uniq_report_value")]
        indexes = [
            models.Index(fields=["indicator", "report"], name="rv_indicator_report"),
            models.Index(fields=["regime", "period", "status", "code", "unit_path"], name="rv_rollup"),
            # Covering on PostgreSQL (an index-only scan for ten-year series: 123-240 ms -> 52 ms at 6.75 M
            # values); SQLite ignores INCLUDE and keeps the plain index (check models.W040 silenced).
            models.Index(fields=["regime", "code", "status", "unit_path", "period"], name="rv_series",
                         include=["state", "unit", "value_number", "weight", "value_bool"]),
        ]

    def __str__(self):
        return f"{self.code}: {self.display()}"

    def python_value(self):
        """The value as used by rules and roll-ups: Decimal / bool / str; None when empty."""
        if self.state != self.State.VALUE:
            return None
        if self.value_number is not None:
            return self.value_number
        if self.value_bool is not None:
            return self.value_bool
        return self.value_text or None

    def display(self) -> str:
        if self.state == self.State.MISSING:
            return ""
        if self.state == self.State.NOT_APPLICABLE:
            return str(self.State.NOT_APPLICABLE.label)
        value = self.python_value()
        if value is None:
            return ""
        if isinstance(value, bool):
            return str(_("Yes") if value else _("No"))
        if isinstance(value, Decimal):  # as the pages write it: 97,5 and 1.234, not 97.5000
            return format_number(value.normalize() if value != value.to_integral_value() else int(value))
        return str(value)


class NarrativeEntry(models.Model):
    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="narratives")
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="+")
    html = models.TextField(_("text"), blank=True, help_text=_("Sanitised HTML."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("narrative")
        verbose_name_plural = _("narratives")
        constraints = [models.UniqueConstraint(fields=["report", "section"], name="uniq_narrative")]

    def __str__(self):
        return f"{self.report} — {self.section}"


class ReportVersion(models.Model):
    """A frozen copy of a report's values and narratives at each submit / return / approve / unlock."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=Report.Status.choices)
    data = models.JSONField(_("snapshot"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedManager()
    scope_path_lookup = "report__unit_path"

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="uniq_report_version")]

    def __str__(self):
        return f"{self.report} — v{self.number}"


def attachment_path(instance, filename):
    return f"reporting/{instance.report.period.code}/{instance.report.unit_id}/{filename}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "DOCX"
        XLSX = "xlsx", "XLSX"
        IMAGE = "image", _("Image")
        OTHER = "other", _("Other")

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    is_removed = models.BooleanField(_("removed"), default=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedManager()
    scope_path_lookup = "report__unit_path"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["report", "uploaded_at"]

    def __str__(self):
        return self.name
