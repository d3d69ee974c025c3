"""A re-match's postings' thresholds computed in parts that any worker takes (``RematchThresholdPart``)
before its seeker chunks are sent. Runs recorded before had theirs computed by the planner: they count
as assembled when they started."""

import django.db.models.deletion
from django.db import migrations, models


def assembled_when_started(apps, schema_editor):
    run = apps.get_model("matching", "RematchRun")
    run.objects.update(thresholds_at=models.F("started_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0007_market_changes'),
    ]

    operations = [
        migrations.AddField(
            model_name='rematchrun',
            name='part_count',
            field=models.PositiveIntegerField(default=0, verbose_name='threshold parts'),
        ),
        migrations.AddField(
            model_name='rematchrun',
            name='thresholds_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='thresholds assembled at'),
        ),
        migrations.RunPython(assembled_when_started, migrations.RunPython.noop),
        migrations.CreateModel(
            name='RematchThresholdPart',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('index', models.PositiveIntegerField(verbose_name='index')),
                ('posting_ids', models.JSONField(default=list, verbose_name='postings')),
                ('state', models.CharField(choices=[('pending', 'Waiting to run'), ('done', 'Done'), ('failed', 'Given up')], default='pending', max_length=8, verbose_name='state of the part')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='last attempt at')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('thresholds', models.JSONField(default=list, verbose_name='thresholds')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='threshold_parts', to='matching.rematchrun', verbose_name='run')),
            ],
            options={
                'verbose_name': 're-match threshold part',
                'verbose_name_plural': 're-match threshold parts',
                'ordering': ['run', 'index'],
                'constraints': [models.UniqueConstraint(fields=('run', 'index'), name='one_threshold_part_per_index')],
            },
        ),
    ]
