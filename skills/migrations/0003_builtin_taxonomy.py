from django.db import migrations


def load(apps, schema_editor):
    from ml import taxonomy
    from skills.reference import BUILTIN_TAXONOMY
    from skills.services import upsert_taxonomy

    with BUILTIN_TAXONOMY.open(encoding="utf-8") as handle:
        entries = taxonomy.parse(handle)
    upsert_taxonomy(entries, skill_model=apps.get_model("skills", "Skill"),
                    synonym_model=apps.get_model("skills", "SkillSynonym"),
                    occupation_model=apps.get_model("skills", "Occupation"))


class Migration(migrations.Migration):
    dependencies = [("skills", "0002_load_occupations")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
