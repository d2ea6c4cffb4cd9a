"""Password validators whose messages Django's Chinese catalogue lacks.

Django 5.2 changed the wording of the minimum-length message, and the zh_Hans catalogue
still holds only the old one, so it would come out in English.
"""

from __future__ import annotations

from django.contrib.auth import password_validation


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return f"密码太短,至少需要 {self.min_length} 个字符。"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"
