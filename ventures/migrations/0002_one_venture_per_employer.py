from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ventures", "0001_initial"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="venture",
            constraint=models.UniqueConstraint(
                condition=models.Q(("employer__isnull", False)), fields=("employer",), name="one_venture_per_employer"
            ),
        ),
    ]
