from django.db import migrations


def load(apps, schema_editor):
    from relief.medical.defaults import load_rule

    load_rule(apps.get_model("relief_medical", "DiseaseGroup"), apps.get_model("relief_medical", "Band"))


class Migration(migrations.Migration):
    dependencies = [("relief_medical", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
