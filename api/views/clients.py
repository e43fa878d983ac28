"""The administrator's pages for API clients: list, create (the token shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from api import selectors, services
from api.access import access_api_client
from api.forms import ApiClientForm
from pathway.access import require
from pathway.formtools import ConfirmForm, get_or_post, posted_data, submit


@login_required
@require_GET
def client_list(request):
    require(request.user, "api.manage_clients")
    return render(request, "api/client_list.html", {"clients": selectors.api_clients()})


@login_required
@get_or_post
def client_create(request):
    require(request.user, "api.manage_clients")
    form = ApiClientForm(posted_data(request))
    if done := submit(
        request,
        form,
        lambda data: services.api_client_create(
            actor=request.user,
            name=data["name"],
            kind=data["kind"],
            scopes=data["scopes"],
            expires_on=data["expires_on"],
        ),
    ):
        client, token = done.result
        # The token is in this one answer only: it is not stored, and not put in the session.
        response = render(request, "api/client_created.html", {"client": client, "token": token})
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "api/client_form.html", {"form": form})


@login_required
@require_GET
def client_detail(request, pk):
    client = access_api_client(request.user, pk)
    return render(request, "api/client_detail.html", {"client": client})


@login_required
@get_or_post
def client_revoke(request, pk):
    client = access_api_client(request.user, pk)
    form = ConfirmForm(posted_data(request), submit="Revoke token", warning=True)
    if submit(
        request, form, lambda data: services.api_client_revoke(actor=request.user, client=client)
    ):
        messages.success(request, f"Token revoked: {client.name} can no longer use the API")
        return redirect("api_clients:client_list")
    return render(request, "api/client_revoke.html", {"form": form, "client": client})
