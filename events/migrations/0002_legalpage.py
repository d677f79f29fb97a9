from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="LegalPage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("privacy", "Privacy notice"),
                            ("imprint", "Imprint"),
                            ("accessibility", "Accessibility statement"),
                        ],
                        max_length=20,
                        unique=True,
                        verbose_name="page",
                    ),
                ),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "body",
                    models.TextField(
                        help_text=(
                            "Paragraphs are separated by an empty line. A line starting with “## ” is a "
                            "heading, lines starting with “- ” form a list. Web and e-mail addresses become "
                            "links. {retention_days} and {hold_hours} show the configured deletion periods."
                        ),
                        verbose_name="text",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
            ],
            options={
                "verbose_name": "legal page",
                "verbose_name_plural": "legal pages",
                "ordering": ["kind"],
            },
        ),
    ]
