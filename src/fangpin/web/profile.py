"""The signed-in user's own page (/profile/): name, role, region and phone; the name and
phone are theirs to change, the role and region are set in the back office."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fangpin.accounts.services import profile_update
from fangpin.web.pages import request_user, submit


class ProfileForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=150)
    phone = forms.CharField(
        label="电话",
        max_length=32,
        required=False,
        help_text="手机号或带区号的固定电话",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        done = submit(
            form,
            lambda data: profile_update(user=user, name=data["name"], phone=data["phone"]),
        )
        if done.ok:
            messages.success(request, "个人资料已保存")
            return redirect("web:profile")
        return render(request, "web/profile.html", {"form": form, "me": user}, status=400)
    form = ProfileForm(initial={"name": user.first_name, "phone": user.phone})
    return render(request, "web/profile.html", {"form": form, "me": user})
