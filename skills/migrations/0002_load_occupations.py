from django.db import migrations


def load(apps, schema_editor):
    from skills.reference import load_occupations

    load_occupations(apps.get_model("skills", "Occupation"))


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
