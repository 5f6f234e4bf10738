"""Question banks, practice records, FSRS review cards, exam papers and attempts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pcrm.training.choices import BankStatus, PracticeMode, QuestionType, Scoring

STAFF = settings.AUTH_USER_MODEL
LETTERS = "ABCDEFGH"


class QuestionBank(models.Model):
    """A bank of questions imported from one source; published only after a person accepts."""

    name = models.CharField(_("题库名称"), max_length=120, unique=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=BankStatus.choices, default=BankStatus.DRAFT
    )
    source_name = models.CharField(_("来源文件"), max_length=255, blank=True)
    source_format = models.CharField(_("来源格式"), max_length=20, blank=True)
    source_text = models.TextField(_("来源文本"), blank=True)
    created_by = models.ForeignKey(
        STAFF, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    published_by = models.ForeignKey(
        STAFF, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("题库")
        verbose_name_plural = _("题库")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """One question; ``answer`` is letters (``"ABD"``) or a boolean for true/false."""

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveIntegerField(_("题号"))
    section = models.CharField(_("部分"), max_length=40, blank=True)
    qtype = models.CharField(_("题型"), max_length=12, choices=QuestionType.choices)
    stem = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=list)
    answer = models.JSONField(_("答案"))
    confidence = models.FloatField(_("置信度"), default=1.0)
    source_excerpt = models.TextField(_("原文片段"), blank=True)
    options_source = models.TextField(_("选项原文"), blank=True)
    boundaries = models.JSONField(_("选项切分位置"), default=list)
    explanation = models.TextField(_("解析"), blank=True)
    chapter = models.CharField(_("章节"), max_length=80, blank=True)
    difficulty = models.CharField(_("难度"), max_length=20, blank=True)
    tags = models.JSONField(_("方法论主题"), default=list)
    reviewed = models.BooleanField(_("已人工核对"), default=False)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["bank", "number"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "number"], name="training_question_number")
        ]

    def __str__(self) -> str:
        return f"{self.bank_id}#{self.number}"

    def lettered_options(self) -> list[tuple[str, str]]:
        return list(zip(LETTERS, self.options, strict=False))

    def answer_display(self) -> str:
        if self.qtype == QuestionType.TRUE_FALSE:
            return "正确" if self.answer is True else "错误"
        return str(self.answer)


class LedgerEntry(models.Model):
    """A fragment of an import the parser could not parse or doubts."""

    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="ledger")
    kind = models.CharField(_("类别"), max_length=30, db_index=True)
    excerpt = models.TextField(_("原文片段"))
    detail = models.CharField(_("说明"), max_length=200, blank=True)
    resolved = models.BooleanField(_("已处理"), default=False)

    class Meta:
        verbose_name = _("导入台账")
        verbose_name_plural = _("导入台账")
        ordering = ["bank", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.excerpt[:30]}"


class PracticeRecord(models.Model):
    """One answer given while practising (immediate feedback)."""

    staff = models.ForeignKey(STAFF, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(_("练习方式"), max_length=12, choices=PracticeMode.choices)
    chosen = models.JSONField(_("所选答案"))
    correct = models.BooleanField(_("是否正确"))
    seconds = models.FloatField(_("用时（秒）"))
    answered_at = models.DateTimeField(_("作答时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("练习记录")
        verbose_name_plural = _("练习记录")

    def __str__(self) -> str:
        return f"{self.staff_id}:{self.question_id}:{self.correct}"


class WrongAnswer(models.Model):
    """The wrong-answer book (错题本): a question this person got wrong and not yet cleared."""

    staff = models.ForeignKey(STAFF, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    wrong_count = models.PositiveIntegerField(_("答错次数"), default=0)
    last_wrong_at = models.DateTimeField(_("最近答错"), null=True)
    cleared = models.BooleanField(_("已掌握"), default=False)

    class Meta:
        verbose_name = _("错题")
        verbose_name_plural = _("错题本")
        constraints = [
            models.UniqueConstraint(fields=["staff", "question"], name="training_wrong_once")
        ]

    def __str__(self) -> str:
        return f"{self.staff_id}:{self.question_id}×{self.wrong_count}"


class ReviewCard(models.Model):
    """FSRS memory state of one question for one person; ``due`` is when to review it next."""

    staff = models.ForeignKey(STAFF, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    card: models.JSONField[Any, Any] = models.JSONField(_("FSRS卡片"))
    due = models.DateTimeField(_("下次复习"), db_index=True)
    reviews = models.PositiveIntegerField(_("复习次数"), default=0)

    class Meta:
        verbose_name = _("复习卡片")
        verbose_name_plural = _("复习卡片")
        constraints = [
            models.UniqueConstraint(fields=["staff", "question"], name="training_card_once")
        ]
        indexes = [models.Index(fields=["staff", "due"])]

    def __str__(self) -> str:
        return f"{self.staff_id}:{self.question_id}@{self.due:%Y-%m-%d %H:%M}"


class Paper(models.Model):
    """An exam paper: questions drawn at random per type, with points, time limit and rules."""

    name = models.CharField(_("试卷名称"), max_length=120)
    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="papers")
    # [{"qtype": "single", "count": 10, "points": 0.5}, ...]
    sections = models.JSONField(_("抽题规则"))
    time_limit_minutes = models.PositiveIntegerField(_("限时（分钟）"))
    scoring = models.CharField(
        _("多选题计分"), max_length=20, choices=Scoring.choices, default=Scoring.ALL_OR_NOTHING
    )
    max_attempts = models.PositiveIntegerField(_("可考次数"))
    pass_mark = models.FloatField(_("及格分"))
    created_by = models.ForeignKey(STAFF, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("试卷")
        verbose_name_plural = _("试卷")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    def max_score(self) -> float:
        return float(sum(s["count"] * s["points"] for s in self.sections))


class Assignment(models.Model):
    """A paper assigned to a role (in the head's branch) or to one person."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("岗位"), max_length=32, blank=True)
    staff = models.ForeignKey(
        STAFF, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    branch = models.ForeignKey("org.Branch", null=True, on_delete=models.CASCADE, related_name="+")
    assigned_by = models.ForeignKey(STAFF, null=True, on_delete=models.SET_NULL, related_name="+")
    due_on = models.DateField(_("截止日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("考试安排")
        verbose_name_plural = _("考试安排")

    def __str__(self) -> str:
        return f"{self.paper_id}→{self.role or self.staff_id}"


class Attempt(models.Model):
    """One sitting of a paper; the server's ``deadline`` is the only clock that counts."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="attempts")
    staff = models.ForeignKey(STAFF, on_delete=models.CASCADE, related_name="+")
    started_at = models.DateTimeField(_("开始时间"))
    deadline = models.DateTimeField(_("截止时间"))
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    auto_submitted = models.BooleanField(_("超时自动交卷"), default=False)
    score = models.FloatField(_("得分"), null=True, blank=True)
    max_score = models.FloatField(_("满分"))
    passed = models.BooleanField(_("及格"), null=True)

    class Meta:
        verbose_name = _("考试记录")
        verbose_name_plural = _("考试记录")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.paper_id}:{self.staff_id}:{self.started_at:%Y-%m-%d %H:%M}"


class AttemptAnswer(models.Model):
    """One question of an attempt, in the drawn order, with the answer given and points won."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    points_possible = models.FloatField()
    chosen = models.JSONField(null=True, blank=True)
    correct = models.BooleanField(null=True)
    points = models.FloatField(default=0)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="training_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"
