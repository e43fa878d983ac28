"""Signing in with an NHS account or a passkey, signing out, passkeys, a programme's signing
rule. Included from pathway/urls.py under the namespace "identity"."""

from django.urls import path

from pathway.identity import views

app_name = "identity"

urlpatterns = [
    path("sign-in/nhs/", views.sso_start, name="sso_start"),
    path("sign-in/nhs/callback/", views.sso_callback, name="sso_callback"),
    path("sign-in/passkey/options/", views.passkey_sign_in_options, name="passkey_sign_in_options"),
    path("sign-in/passkey/", views.passkey_sign_in, name="passkey_sign_in"),
    path("sign-in/administrator/", views.BreakGlassSignInView.as_view(), name="break_glass"),
    path("account/passkeys/", views.passkeys, name="passkeys"),
    path("account/passkeys/add/", views.passkey_add, name="passkey_add"),
    path("account/passkeys/add/options/", views.passkey_add_options, name="passkey_add_options"),
    path("account/passkeys/<int:pk>/rename/", views.passkey_rename, name="passkey_rename"),
    path("account/passkeys/<int:pk>/remove/", views.passkey_remove, name="passkey_remove"),
    path("programmes/<int:pk>/signing/", views.programme_signing, name="programme_signing"),
]
