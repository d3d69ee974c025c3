from django.db import migrations

# Forms added to skills/data/skills.jsonl for issue 16 (colloquial and short forms seen in outside
# phrases). A form some skill already has (say, one an organizer taught) is left where it is.
ADDED = {
    "manufacturing.arc_welding": ["弧焊", "手工电弧焊"],
    "power.electrician": ["电修", "电气维修"],
    "care.childcare": ["幼儿看护", "看护幼儿"],
    "textiles.sewing": ["成衣制作", "服装加工"],
    "other.sanitation": ["扫地", "马路清扫"],
}


def add(apps, schema_editor):
    from ml.text import normalize

    Skill = apps.get_model("skills", "Skill")
    SkillSynonym = apps.get_model("skills", "SkillSynonym")
    skills = {s.code: s for s in Skill.objects.filter(code__in=ADDED)}
    for code, forms in ADDED.items():
        skill = skills.get(code)
        if skill is None:
            continue
        for form in forms:
            key = normalize(form)
            if not SkillSynonym.objects.filter(normalized=key).exists():
                SkillSynonym.objects.create(skill=skill, text=form, normalized=key, kind="synonym")


class Migration(migrations.Migration):
    dependencies = [("skills", "0004_phrase_mapping_review")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
