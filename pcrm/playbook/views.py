"""Playbook pages: the policy page for admins (view, edit, publish a new version)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pcrm.org.roles import can
from pcrm.playbook.forms import PolicyForm
from pcrm.playbook.models import PlaybookRun, Policy
from pcrm.playbook.policy import policy_active, policy_publish


@login_required
def policy(request: HttpRequest) -> HttpResponse:
    """Show the active policy and its history; publish an edited version."""
    if not can(request.user, "policy.edit"):
        raise PermissionDenied
    active = policy_active()
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            try:
                row = policy_publish(
                    actor=request.user,
                    document=form.cleaned_data["document"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("document", message)
            else:
                messages.success(request, _("已发布策略版本 v%(v)s。") % {"v": row.version})
                return redirect("playbook:policy")
    else:
        text = json.dumps(active.document, ensure_ascii=False, indent=2)
        form = PolicyForm(initial={"document": text})
    context = {
        "form": form,
        "active": active,
        "versions": Policy.objects.select_related("created_by")[:20],
        "runs": PlaybookRun.objects.all()[:10],
    }
    return render(request, "playbook/policy.html", context)
