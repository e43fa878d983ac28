"""The notifications list, opening one, and each person's email choices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from notifications import selectors, services
from notifications.access import access_notification
from notifications.forms import EmailPreferencesForm
from pathway.permissions import require_perm

PAGE_SIZE = 25


@require_GET
@require_perm("notifications.have_notifications")
def notification_list(request):
    paginator = Paginator(selectors.notifications_for(request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {"page": page, "unread": selectors.unread_count(request.user)},
    )


@login_required
def notification_open(request, pk):
    """Mark it read and go to what it is about."""
    notification = services.notification_open(
        actor=request.user, notification=access_notification(request.user, pk)
    )
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
@require_perm("notifications.have_notifications")
def notifications_read_all(request):
    count = services.notifications_mark_all_read(actor=request.user)
    if count:
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read")
    return redirect("notifications:list")


@require_perm("notifications.have_notifications")
def email_settings(request):
    kinds = selectors.kinds_for(request.user)
    if request.method == "POST":
        form = EmailPreferencesForm(request.POST, kinds=kinds)
        if form.is_valid():
            services.email_preferences_save(
                actor=request.user,
                email_kinds=set(form.cleaned_data["email_kinds"]),
                offered_kinds=kinds,
            )
            messages.success(request, "Your email choices are saved")
            return redirect("notifications:settings")
    else:
        wanted = selectors.email_kinds_for(request.user)
        form = EmailPreferencesForm(
            initial={"email_kinds": [kind for kind in kinds if kind in wanted]}, kinds=kinds
        )
    return render(request, "notifications/email_settings.html", {"form": form})
