from django.contrib import admin

from skills.models import Occupation, Skill, SkillSynonym


class SynonymInline(admin.TabularInline):
    model = SkillSynonym
    fields = ["text", "kind"]
    extra = 1


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "category", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["code", "name_zh", "name_en", "synonyms__text"]
    filter_horizontal = ["occupations"]
    inlines = [SynonymInline]


@admin.register(SkillSynonym)
class SkillSynonymAdmin(admin.ModelAdmin):
    list_display = ["text", "skill", "kind"]
    list_filter = ["kind"]
    search_fields = ["text", "skill__name_zh"]
    readonly_fields = ["normalized"]
    raw_id_fields = ["skill"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from ml.text import normalize

        obj.normalized = normalize(obj.text)
        super().save_model(request, obj, form, change)


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "is_digital", "is_green"]
    list_filter = ["level", "is_digital", "is_green"]
    search_fields = ["code", "name", "aliases"]
    readonly_fields = ["parent"]
