"""Read-only admin pages of the assistant. Writes go through the staff workspace
(staff/assistant/), which calls the services with their permission checks and audit trail."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AnswerFeedback, AskedQuestion, FaqEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FaqEntry)
class FaqEntryAdmin(ReadOnlyAdmin):
    list_display = ["question", "organisation", "review_due", "active", "updated_at"]
    list_filter = ["active"]
    list_select_related = ["organisation"]
    search_fields = ["question", "answer"]


@admin.register(AskedQuestion)
class AskedQuestionAdmin(ReadOnlyAdmin):
    list_display = ["question_masked", "refused", "latency_ms", "asked_at"]
    list_filter = ["refused"]
    date_hierarchy = "asked_at"
    search_fields = ["question_masked"]


@admin.register(AnswerFeedback)
class AnswerFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["question", "helpful", "created_at"]
    list_filter = ["helpful"]
    list_select_related = ["question"]
