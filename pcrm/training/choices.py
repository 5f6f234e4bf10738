"""Choices shared by the training models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionType(models.TextChoices):
    TRUE_FALSE = "true_false", _("判断题")
    SINGLE = "single", _("单选题")
    MULTIPLE = "multiple", _("多选题")


class BankStatus(models.TextChoices):
    DRAFT = "draft", _("待审核")
    PUBLISHED = "published", _("已发布")


class Scoring(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("全对才得分")
    PARTIAL = "partial", _("少选按比例得分")


class PracticeMode(models.TextChoices):
    SEQUENTIAL = "sequential", _("顺序练习")
    RANDOM = "random", _("随机练习")
    WRONG = "wrong", _("错题练习")
    REVIEW = "review", _("间隔复习")
