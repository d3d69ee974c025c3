from django.db import migrations


def load(apps, schema_editor):
    from households.lookups import load_lookups

    load_lookups(apps.get_model("households", "TargetGroup"), apps.get_model("households", "HardshipCause"))


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
