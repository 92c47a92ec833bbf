"""The Party document register: document types, issuer letterheads and numbered documents.

Party numbers read "Số 125-BC/BTGDVTU" and restart at 1 for each document type at the start of each
term of the issuing body's party committee (Hướng dẫn 36-HD/VPTW; DOMAIN.md §3.3). Everything the
guidance leaves open (abbreviations, letterhead lines, margins, signature defaults) is configuration.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tuyengiao.core.jobs import queued_too_long
from tuyengiao.core.models import NameSorted
from tuyengiao.core.querysets import RestrictedManager
from tuyengiao.org.models import Effective, Term, Unit

from .context import ANNEX_PAGES_CONTINUED, ANNEX_PAGES_SEPARATE


class DocumentType(NameSorted):
    """A Party document genre and the abbreviation it takes in numbers (BC, KH, QĐ, QĐi …)."""

    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("Stable key, e.g. BC."))
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. Báo cáo"))
    abbreviation = models.CharField(
        _("abbreviation"), max_length=20, help_text=_("Used in document numbers, e.g. BC in Số 125-BC/BTGDVTU.")
    )
    shares_sequence_with = models.ForeignKey(
        "self", verbose_name=_("numbered with"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("When two types share an abbreviation (Quy định numbered QĐ like Quyết định), they share one sequence."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    order = models.PositiveSmallIntegerField(_("display order"), default=100)

    objects = RestrictedManager()
    scope_path_lookup = None

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["order", "sort_key"]

    def __str__(self):
        return f"{self.name} ({self.abbreviation})"

    @property
    def sequence_type(self) -> DocumentType:
        return self.shares_sequence_with or self


class IssuerProfile(Effective):
    """The letterhead and defaults of one issuing unit over a date range (names change with mergers)."""

    unit = models.ForeignKey(Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="issuer_profiles")
    superior_line = models.CharField(
        _("superior body line"), max_length=150, blank=True, help_text=_("First letterhead line, e.g. THÀNH ỦY HẢI PHÒNG.")
    )
    issuer_line = models.CharField(
        _("issuing body line"), max_length=150, help_text=_("Second letterhead line, e.g. BAN TUYÊN GIÁO VÀ DÂN VẬN.")
    )
    place = models.CharField(_("place name"), max_length=100, help_text=_("For the date line, e.g. Hải Phòng."))
    signature_authority = models.CharField(
        _("authority mark"), max_length=100, blank=True, help_text=_("e.g. T/M BAN THƯỜNG VỤ or K/T TRƯỞNG BAN.")
    )
    signature_position = models.CharField(_("signer's position"), max_length=100, blank=True, help_text=_("e.g. PHÓ TRƯỞNG BAN"))
    signer_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    recipients = models.TextField(
        _("default recipients"), blank=True, help_text=_("One recipient per line, without the leading dash; the last line is the filing line (Lưu …).")
    )
    margin_top = models.PositiveSmallIntegerField(_("top margin (mm)"), default=20, validators=[MinValueValidator(10), MaxValueValidator(50)])
    margin_bottom = models.PositiveSmallIntegerField(_("bottom margin (mm)"), default=20, validators=[MinValueValidator(10), MaxValueValidator(50)])
    margin_left = models.PositiveSmallIntegerField(_("left margin (mm)"), default=30, validators=[MinValueValidator(10), MaxValueValidator(50)])
    margin_right = models.PositiveSmallIntegerField(_("right margin (mm)"), default=15, validators=[MinValueValidator(10), MaxValueValidator(50)])

    class AnnexPages(models.TextChoices):
        SEPARATE = ANNEX_PAGES_SEPARATE, _("each annex numbered on its own")
        CONTINUED = ANNEX_PAGES_CONTINUED, _("continued from the report")

    annex_pages = models.CharField(
        _("annex page numbers"), max_length=10, choices=AnnexPages.choices, default=AnnexPages.SEPARATE,
        help_text=_("An annex attached to a report (\"Kèm theo Báo cáo số …\") is usually numbered on its own."),
    )

    objects = RestrictedManager()
    scope_path_lookup = "unit__path"

    class Meta:
        verbose_name = _("issuer profile")
        verbose_name_plural = _("issuer profiles")
        ordering = ["unit", "-valid_from"]

    def __str__(self):
        return f"{self.issuer_line} ({self.valid_from:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("documents:issuerprofile_detail", args=[self.pk])

    def clean(self):
        super().clean()
        if not self.unit_id or not self.valid_from:
            return
        if self.overlapping(IssuerProfile.objects.filter(unit_id=self.unit_id)).exists():
            raise ValidationError({"valid_from": _("This profile overlaps another profile of the same unit.")})

    def recipient_lines(self) -> tuple[str, ...]:
        return tuple(line.strip().lstrip("-").strip() for line in self.recipients.splitlines() if line.strip())


class NumberSequence(models.Model):
    """The last number given for one (issuer, document type, term): the row that numbering locks."""

    issuer = models.ForeignKey(Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+")
    doc_type = models.ForeignKey(DocumentType, verbose_name=_("document type"), on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey(Term, verbose_name=_("term"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    objects = RestrictedManager()
    scope_path_lookup = "issuer__path"

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "doc_type", "term"], name="uniq_docseq_term"),
            models.UniqueConstraint(fields=["issuer", "doc_type"], condition=Q(term__isnull=True), name="uniq_docseq_noterm"),
        ]

    def __str__(self):
        return f"{self.issuer} {self.doc_type.abbreviation}: {self.last_number}"


class RegisteredDocument(models.Model):
    """One numbered outgoing document. Its number text is fixed at registration and never recomputed."""

    issuer = models.ForeignKey(Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="registered_documents")
    doc_type = models.ForeignKey(DocumentType, verbose_name=_("document type"), on_delete=models.PROTECT, related_name="documents")
    term = models.ForeignKey(Term, verbose_name=_("term"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(_("number"))
    number_text = models.CharField(_("number and symbol"), max_length=80, help_text=_("e.g. Số 125-BC/BTGDVTU"))
    issued_on = models.DateField(_("issue date"))
    summary = models.TextField(_("summary"), help_text=_("Trích yếu nội dung."))
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("documented object type"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("documented object ID"), max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    objects = RestrictedManager()
    scope_path_lookup = "issuer__path"

    class Meta:
        verbose_name = _("registered document")
        verbose_name_plural = _("registered documents")
        ordering = ["-issued_on", "-number"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.number_text

    @property
    def symbol(self) -> str:
        """The number and symbol without "Số ": 125-BC/BTGDVTU."""
        return self.number_text.removeprefix("Số ").strip()


def export_path(instance, filename):
    return f"documents/exports/{instance.draft_id}/{filename}"


class DraftDocument(models.Model):
    """A Party document being written in the browser (e.g. a consolidated review report).

    The body is a JSON list of blocks that mirror documents.context (heading / paragraph with its source /
    table / annex); documents.blocks converts them. Every save keeps a DraftDocumentVersion; issuing
    registers the number (RegisteredDocument) and freezes the document."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    issuer = models.ForeignKey(Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="draft_documents")
    doc_type = models.ForeignKey(DocumentType, verbose_name=_("document type"), on_delete=models.PROTECT, related_name="+")
    type_name = models.CharField(_("document type name"), max_length=100, help_text=_("Printed in capitals, e.g. BÁO CÁO."))
    summary = models.TextField(_("summary"), help_text=_("Trích yếu nội dung; a new line forces a line break."))
    body = models.JSONField(_("body"), default=list, blank=True)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    signature = models.JSONField(_("signature"), default=dict, blank=True)
    dated = models.DateField(_("date"), help_text=_("The date printed in the place-and-date line."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    revision = models.PositiveIntegerField(_("revision"), default=0)
    subject_key = models.CharField(
        _("subject"), max_length=120, blank=True, db_index=True,
        help_text=_("What the document is about, e.g. reporting.consolidated:bc-6-thang:2026-H1."),
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("documented object type"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("documented object ID"), max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    registered = models.OneToOneField(
        RegisteredDocument, verbose_name=_("registered document"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="draft",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RestrictedManager()
    scope_path_lookup = "issuer__path"

    class Meta:
        verbose_name = _("draft document")
        verbose_name_plural = _("draft documents")
        ordering = ["-updated_at"]
        permissions = [("issue_draftdocument", _("Can issue a document (assign its number)"))]

    def __str__(self):
        text = " ".join(self.summary.split())
        return f"{self.type_name.capitalize()} {text}".strip()

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED


class DraftDocumentVersion(models.Model):
    """The document as saved at one revision."""

    draft = models.ForeignKey(DraftDocument, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    type_name = models.CharField(_("document type name"), max_length=100)
    summary = models.TextField(_("summary"))
    body = models.JSONField(_("body"), default=list)
    recipients = models.JSONField(_("recipients"), default=list)
    signature = models.JSONField(_("signature"), default=dict)
    dated = models.DateField(_("date"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("saved by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)

    objects = RestrictedManager()
    scope_path_lookup = "draft__issuer__path"

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["draft", "-number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="uniq_draft_version")]

    def __str__(self):
        return f"{self.draft} — v{self.number}"


class DocumentExport(models.Model):
    """One DOCX or PDF produced from a draft document by a background task."""

    class Format(models.TextChoices):
        DOCX = "docx", "DOCX"
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    draft = models.ForeignKey(DraftDocument, verbose_name=_("document"), on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(_("format"), max_length=5, choices=Format.choices)
    revision = models.PositiveIntegerField(_("revision"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(_("file"), upload_to=export_path, max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    seconds = models.FloatField(_("generation time (s)"), null=True, blank=True)
    task_id = models.CharField(_("task ID"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = RestrictedManager()
    scope_path_lookup = "draft__issuer__path"

    class Meta:
        verbose_name = _("document export")
        verbose_name_plural = _("document exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.draft} ({self.format})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def waits_long(self) -> bool:
        return self.status == self.Status.QUEUED and queued_too_long(self.created_at)
