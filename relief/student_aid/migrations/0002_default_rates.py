from django.db import migrations


def load(apps, schema_editor):
    from relief.student_aid.defaults import load_rates

    load_rates(apps.get_model("relief_student_aid", "SupportRate"))


class Migration(migrations.Migration):
    dependencies = [("relief_student_aid", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
