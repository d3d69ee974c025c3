from django.db import migrations


def load(apps, schema_editor):
    from funds.purposes import load_purposes

    load_purposes(apps.get_model("funds", "Purpose"))


class Migration(migrations.Migration):
    dependencies = [("funds", "0002_ledger_invariants")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
