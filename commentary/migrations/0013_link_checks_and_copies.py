import commentary.models
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("commentary", "0012_blank_unsafe_addresses"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArchivedCopy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("url", models.URLField(max_length=1000, verbose_name="address fetched")),
                (
                    "final_url",
                    models.URLField(blank=True, max_length=1000, verbose_name="final address"),
                ),
                ("fetched_at", models.DateTimeField(verbose_name="fetched at")),
                ("status_code", models.PositiveSmallIntegerField(verbose_name="HTTP status")),
                ("content_type", models.CharField(max_length=100, verbose_name="content type")),
                ("size", models.PositiveIntegerField(verbose_name="size (bytes)")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256 of the content")),
                (
                    "warc",
                    models.FileField(
                        storage=commentary.models.archive_storage,
                        upload_to=commentary.models.copy_path,
                        verbose_name="WARC file",
                    ),
                ),
            ],
            options={
                "verbose_name": "archived copy",
                "verbose_name_plural": "archived copies",
                "ordering": ["-fetched_at", "-pk"],
                "get_latest_by": "fetched_at",
            },
        ),
        migrations.CreateModel(
            name="LinkCheck",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("url", models.URLField(max_length=1000, verbose_name="address checked")),
                ("checked_at", models.DateTimeField(db_index=True, verbose_name="checked at")),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("ok", "reachable"),
                            ("redirected", "moved permanently"),
                            ("soft_404", "page says not found"),
                            ("http_4xx", "HTTP 4xx"),
                            ("http_5xx", "HTTP 5xx"),
                            ("rate_limited", "rate limited (429)"),
                            ("redirect_loop", "too many redirects"),
                            ("timeout", "timed out"),
                            ("refused", "connection refused"),
                            ("dns", "no such host"),
                            ("tls", "TLS error"),
                            ("error", "other error"),
                            ("robots", "not checked: robots.txt forbids"),
                        ],
                        max_length=16,
                        verbose_name="outcome",
                    ),
                ),
                (
                    "status_code",
                    models.PositiveSmallIntegerField(
                        blank=True, null=True, verbose_name="HTTP status"
                    ),
                ),
                (
                    "final_url",
                    models.URLField(blank=True, max_length=1000, verbose_name="final address"),
                ),
                (
                    "redirects",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="[status, address] per hop.",
                        verbose_name="redirects",
                    ),
                ),
                ("method", models.CharField(blank=True, max_length=4, verbose_name="method")),
                (
                    "duration_ms",
                    models.PositiveIntegerField(default=0, verbose_name="time taken (ms)"),
                ),
                ("detail", models.CharField(blank=True, max_length=300, verbose_name="detail")),
            ],
            options={
                "verbose_name": "link check",
                "verbose_name_plural": "link checks",
                "ordering": ["-checked_at", "-pk"],
            },
        ),
        migrations.AddField(
            model_name="source",
            name="copied_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="own copy made"
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="copies_allowed",
            field=models.BooleanField(
                default=True,
                help_text="Untick for a source whose terms forbid copies: the archive then keeps none.",
                verbose_name="own copy allowed",
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="link_failing_since",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="failing since"
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="link_failures",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="failed checks in a row"
            ),
        ),
        migrations.AddField(
            model_name="source",
            name="suggested_url",
            field=models.URLField(
                blank=True,
                editable=False,
                help_text="Where the link now permanently redirects, as the link checker found.",
                max_length=1000,
                verbose_name="new address",
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="website",
            field=commentary.models.WebURLField(blank=True, verbose_name="website"),
        ),
        migrations.AlterField(
            model_name="outlet",
            name="homepage",
            field=commentary.models.WebURLField(blank=True, verbose_name="home page"),
        ),
        migrations.AlterField(
            model_name="source",
            name="archived_url",
            field=commentary.models.WebURLField(
                blank=True,
                help_text="A copy in another web archive, e.g. the Wayback Machine.",
                max_length=1000,
                verbose_name="archived copy elsewhere",
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="link_checked_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="link last checked"
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="link_status",
            field=models.CharField(
                choices=[
                    ("unchecked", "not checked"),
                    ("ok", "reachable"),
                    ("redirected", "redirects elsewhere"),
                    ("broken", "broken"),
                ],
                default="unchecked",
                editable=False,
                max_length=12,
                verbose_name="link status",
            ),
        ),
        migrations.AlterField(
            model_name="source",
            name="url",
            field=commentary.models.WebURLField(
                blank=True,
                help_text="Blank for e.g. an e-mail interview.",
                max_length=1000,
                verbose_name="URL",
            ),
        ),
        migrations.AddIndex(
            model_name="source",
            index=models.Index(fields=["link_checked_at"], name="source_link_checked_idx"),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("website", ""),
                    ("website__istartswith", "http://"),
                    ("website__istartswith", "https://"),
                    _connector="OR",
                ),
                name="organization_website_web",
            ),
        ),
        migrations.AddConstraint(
            model_name="outlet",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("homepage", ""),
                    ("homepage__istartswith", "http://"),
                    ("homepage__istartswith", "https://"),
                    _connector="OR",
                ),
                name="outlet_homepage_web",
            ),
        ),
        migrations.AddConstraint(
            model_name="source",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("url", ""),
                    ("url__istartswith", "http://"),
                    ("url__istartswith", "https://"),
                    _connector="OR",
                ),
                name="source_url_web",
            ),
        ),
        migrations.AddConstraint(
            model_name="source",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("archived_url", ""),
                    ("archived_url__istartswith", "http://"),
                    ("archived_url__istartswith", "https://"),
                    _connector="OR",
                ),
                name="source_archived_url_web",
            ),
        ),
        migrations.AddConstraint(
            model_name="source",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("suggested_url", ""),
                    ("suggested_url__istartswith", "http://"),
                    ("suggested_url__istartswith", "https://"),
                    _connector="OR",
                ),
                name="source_suggested_url_web",
            ),
        ),
        migrations.AddField(
            model_name="archivedcopy",
            name="source",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="copies",
                to="commentary.source",
                verbose_name="source",
            ),
        ),
        migrations.AddField(
            model_name="linkcheck",
            name="source",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="link_checks",
                to="commentary.source",
                verbose_name="source",
            ),
        ),
        migrations.AddIndex(
            model_name="archivedcopy",
            index=models.Index(fields=["source", "-fetched_at"], name="copy_source_time_idx"),
        ),
        migrations.AddIndex(
            model_name="linkcheck",
            index=models.Index(fields=["source", "-checked_at"], name="linkcheck_source_time_idx"),
        ),
    ]
