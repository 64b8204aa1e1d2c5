# Webhook secrets encrypted at rest (MICBOARD_ENCRYPTION_KEYS); quiet hours hold
# notifications for a summary instead of dropping them.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from micboard.infrastructure.secret_box import SecretBox


def encrypt_secrets(apps, schema_editor):
    Contact = apps.get_model("micboard", "Contact")
    rows = list(Contact.objects.exclude(secret=""))
    if not rows:
        return
    if not settings.MICBOARD_ENCRYPTION_KEYS:
        raise RuntimeError(
            f"{len(rows)} webhook secret(s) to encrypt: set MICBOARD_ENCRYPTION_KEYS first"
        )
    box = SecretBox(settings.MICBOARD_ENCRYPTION_KEYS)
    for contact in rows:
        contact.secret_encrypted = box.encrypt(contact.secret)
    Contact.objects.bulk_update(rows, ["secret_encrypted"])


def decrypt_secrets(apps, schema_editor):
    Contact = apps.get_model("micboard", "Contact")
    rows = list(Contact.objects.exclude(secret_encrypted=""))
    box = SecretBox(settings.MICBOARD_ENCRYPTION_KEYS)
    for contact in rows:
        contact.secret = box.decrypt(contact.secret_encrypted)
    Contact.objects.bulk_update(rows, ["secret"])


def quiet_to_held(apps, schema_editor):
    Notification = apps.get_model("micboard", "Notification")
    Notification.objects.filter(state="quiet").update(state="held")


def held_to_quiet(apps, schema_editor):
    Notification = apps.get_model("micboard", "Notification")
    Notification.objects.filter(state__in=["held", "summarised"]).update(state="quiet")
    Notification.objects.filter(event="summary").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("micboard", "0009_performers_events_assignments"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="secret_encrypted",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="Webhook: the HMAC-SHA256 key, encrypted with MICBOARD_ENCRYPTION_KEYS.",
            ),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
        migrations.RemoveField(
            model_name="contact",
            name="secret",
        ),
        migrations.AddField(
            model_name="notification",
            name="summary",
            field=models.ForeignKey(
                blank=True,
                help_text="Held in quiet hours: the summary that carried it afterwards.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="summarised",
                to="micboard.notification",
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="event",
            field=models.CharField(
                choices=[
                    ("opened", "Opened"),
                    ("escalated", "Escalated"),
                    ("resolved", "Resolved"),
                    ("test", "Test"),
                    ("summary", "Summary of what quiet hours held"),
                ],
                max_length=16,
            ),
        ),
        migrations.AlterField(
            model_name="notification",
            name="state",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting to be sent"),
                    ("sending", "Being sent"),
                    ("sent", "Sent"),
                    ("failed", "Failed for good"),
                    ("held", "Held until the contact's quiet hours end"),
                    ("summarised", "Sent in the summary when quiet hours ended"),
                ],
                default="pending",
                max_length=16,
            ),
        ),
        migrations.RunPython(quiet_to_held, held_to_quiet),
    ]
